"""bot/rasa_patches.py inside the real Rasa venv: the cached validator gives rasa's own answers."""

from __future__ import annotations

import json
import subprocess

from labourbot.config import PROJECT_ROOT

RASA_PY = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"

# Runs in .venv-rasa: compares the patched method with rasa's original on valid and invalid responses.
PROBE = r"""
import json, sys, time
from rasa.core.actions.action import RemoteAction
original = RemoteAction._validate_action_result
import bot  # installs the patches
from bot import rasa_patches
from jsonschema import ValidationError

cases = {
    "valid": {"events": [{"event": "slot", "name": "topic", "value": "wages", "timestamp": None}],
              "responses": [{"text": "好", "buttons": [{"title": "找真人", "payload": "/request_human"}]}]},
    "empty": {"events": [], "responses": []},
    "events_not_list": {"events": "slot", "responses": []},
    "unknown_event": {"events": [{"event": "no_such_event"}], "responses": []},
    "responses_not_objects": {"events": [], "responses": ["text"]},
}
action = RemoteAction("action_answer_question", None)
out = {"installed": RemoteAction._validate_action_result is not original}
for name, result in cases.items():
    verdicts = []
    for method in (original, RemoteAction._validate_action_result):
        try:
            verdicts.append(method(action, result))
        except ValidationError as e:
            verdicts.append("invalid" if e.message.endswith("/custom-actions") else "invalid, no docs hint")
    out[name] = verdicts
timings = []
for method in (original, RemoteAction._validate_action_result):
    t = time.perf_counter()
    for _ in range(20):
        method(action, cases["valid"])
    timings.append(time.perf_counter() - t)
out["faster"] = timings[1] < timings[0]
print(json.dumps(out))
"""


def test_patched_validation_agrees_with_rasa_and_is_installed_on_import() -> None:
    run = subprocess.run([str(RASA_PY), "-c", PROBE], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out.pop("installed") is True
    assert out.pop("faster") is True
    assert out == {
        "valid": [True, True],
        "empty": [True, True],
        # rasa's original and the patch both refuse these, with the docs hint appended
        "events_not_list": ["invalid", "invalid"],
        "unknown_event": ["invalid", "invalid"],
        "responses_not_objects": ["invalid", "invalid"],
    }
