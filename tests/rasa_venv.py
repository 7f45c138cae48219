"""Run a probe inside the Rasa venv (.venv-rasa, Python 3.10) from the tests, which run in .venv."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from labourbot.config import PROJECT_ROOT

RASA_PY = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"


def run_probe_with_output(code: str, timeout_s: float = 300) -> tuple[Any, str]:
    """Run `code` from the project folder; the JSON its last printed line holds, and all it printed."""
    run = subprocess.run([str(RASA_PY), "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         timeout=timeout_s)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1]), run.stdout + run.stderr


def run_probe(code: str, timeout_s: float = 300) -> Any:
    return run_probe_with_output(code, timeout_s)[0]
