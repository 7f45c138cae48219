"""The one entry point of a serving Rasa: install bot/rasa_patches.py, then run Rasa's own command line.

`labourbot serve` starts `.venv-rasa/bin/python -m bot.run run --enable-api ...` (cli/serve.py) instead of
`.venv-rasa/bin/rasa run ...`; the arguments are Rasa's, unchanged. Patching here, before Rasa builds its
server, and not as a side effect of importing `bot` (which every `rasa train` and `rasa test` does for the
custom components) makes it explicit which processes run patched.

If the tracker store patch was not written for this Rasa version, Rasa does not start: the message says
why and what to check (rasa_patches.UnsupportedRasaVersion).
"""

from __future__ import annotations

import sys


def main() -> None:
    from bot import rasa_patches

    try:
        rasa_patches.install()
    except rasa_patches.UnsupportedRasaVersion as exc:
        sys.exit(f"bot.run: {exc}")
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"  # Rasa's help and error messages name the command the person knows
    rasa_main()


if __name__ == "__main__":
    main()
