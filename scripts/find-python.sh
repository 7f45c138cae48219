#!/usr/bin/env bash
# Print the path of a working CPython X.Y interpreter, or explain how to get one and fail.
# Looks on PATH, in pyenv's versions, then asks uv. Usage: scripts/find-python.sh 3.10
set -u
want="$1"
works() { [ -n "$1" ] && [ -x "$1" ] && "$1" -c "import sys, venv; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '$want' else 1)" 2>/dev/null; }
for cand in "$(command -v "python$want" 2>/dev/null)" \
            $(ls -d "$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"/versions/"$want".*/bin/python 2>/dev/null | sort -rV) \
            "$(uv python find "$want" 2>/dev/null)"; do
  if works "$cand"; then "$cand" -c "import sys; print(sys.executable)"; exit 0; fi
done
cat >&2 <<MSG
Python $want was not found (looked on PATH, in pyenv and with uv).
Install one of these and run make again:
  pyenv install $want          # https://github.com/pyenv/pyenv
  uv python install $want      # https://docs.astral.sh/uv/
  apt-get install python$want-venv   (Debian/Ubuntu releases that ship it)
MSG
exit 1
