#!/usr/bin/env bash
# Vulnerability audit of the locked sets (requirements/*.lock) with pip-audit, which needs a
# vulnerability database: PyPI's per-release JSON API (the default service) or OSV.
# Where neither answers (this project's build machines reach the package index, not those APIs) it
# says so and skips, exit 0. Findings are reported, not fatal, unless --strict is given: the Rasa
# lock is held on rasa 3.6's old pins (tensorflow 2.12, ...) and cannot take most fixes, and a
# database update must not stop unrelated work from landing. Reports go to var/audit/.
#
#   scripts/audit.sh            report (CI)
#   scripts/audit.sh --strict   exit 1 when any locked package has a known vulnerability
set -euo pipefail
cd "$(dirname "$0")/.."
strict=0
[ "${1:-}" = "--strict" ] && strict=1
locks=(requirements/app.lock requirements/test.lock requirements/rasa.lock requirements/nodeps.lock)
out="var/audit"
python="$(scripts/find-python.sh 3.11)"

# Exit 0 when the URL answers 200 within 10 s (a POST when a body is given).
reachable() {
  "$python" - "$@" <<'PY' 2>/dev/null
import sys, urllib.request
url, body = sys.argv[1], (sys.argv[2].encode() if len(sys.argv) > 2 else None)
request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
sys.exit(0 if urllib.request.urlopen(request, timeout=10).status == 200 else 1)
PY
}

# pip-audit's default service reads https://pypi.org/pypi/NAME/VERSION/json; probe it with a pin we lock.
probe_pin="$(grep -m1 -E '^[a-z0-9]' requirements/app.lock | cut -d' ' -f1)"
if reachable "https://pypi.org/pypi/${probe_pin%%==*}/${probe_pin##*==}/json"; then
  service=pypi
elif reachable "https://api.osv.dev/v1/query" '{"package":{"name":"pip","ecosystem":"PyPI"},"version":"24.0"}'; then
  service=osv
else
  echo "audit: SKIPPED - no vulnerability database reachable from this machine (PyPI's JSON API and OSV"
  echo "audit: did not answer). Run 'scripts/audit.sh' on a machine with internet access (docs/deployment.md)."
  exit 0
fi

mkdir -p "$out"
# One venv per version of audit.lock, kept between runs.
venv="${XDG_CACHE_HOME:-$HOME/.cache}/labourbot/audit-venv-$(sha256sum requirements/audit.lock | cut -c1-12)"
if [ ! -x "$venv/bin/pip-audit" ]; then
  rm -rf "$venv"
  if ! { "$python" -m venv "$venv" && "$venv/bin/python" -m pip install -q --require-hashes -r requirements/audit.lock; }; then
    echo "audit: FAILED to install pip-audit from requirements/audit.lock"
    exit "$strict"
  fi
fi
found=0
for lock in "${locks[@]}"; do
  name="$(basename "$lock" .lock)"
  echo "audit: $lock (vulnerability service: $service)"
  "$venv/bin/pip-audit" --vulnerability-service "$service" --disable-pip --require-hashes -r "$lock" \
    --progress-spinner off --desc off --format columns --output "$out/$name.txt" || found=1
  cat "$out/$name.txt" 2>/dev/null || true
done
if [ "$found" -eq 1 ]; then
  echo "audit: pip-audit found known vulnerabilities or could not finish: see above and $out/"
  [ "$strict" -eq 1 ] && exit 1
fi
echo "audit: done"
