"""bot/rasa_patches.py inside the real Rasa venv: the cached validator gives rasa's own answers."""

from __future__ import annotations

from rasa_venv import run_probe, run_probe_with_output


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
    out = run_probe(PROBE)
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


# Runs in .venv-rasa: a tracker store whose save and read fail (SQLite "database is locked").
TRACKER_PROBE = r"""
import asyncio, json, sqlite3
import sqlalchemy.exc
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
import bot  # installs the patches
from bot.rasa_patches import TrackerStoreUnavailable

def locked(statement):
    return sqlalchemy.exc.OperationalError(statement, ("user-text-qz7xk",),
                                           sqlite3.OperationalError("database is locked"))

class Locked(InMemoryTrackerStore):
    async def save(self, tracker):
        raise locked("INSERT INTO events")
    async def retrieve(self, sender_id):
        raise locked("SELECT")

store = FailSafeTrackerStore(Locked(Domain.empty()))
out = {}
for name, call in (("save", lambda: store.save(DialogueStateTracker("rest:u", []))),
                   ("retrieve", lambda: store.retrieve("rest:u"))):
    try:
        asyncio.run(call())
        out[name] = "no error"
    except TrackerStoreUnavailable as e:
        out[name] = [str(e), e.__suppress_context__]
out["fallback_used"] = store._fallback_tracker_store is not None
print(json.dumps(out))
"""


def test_a_failing_tracker_store_raises_instead_of_silently_forgetting_the_turn() -> None:
    """Rasa's FailSafeTrackerStore would keep the turn in memory (never read back) and answer 200, or start
    the conversation anew on a failed read: patched, both raise, without the user's data in the error."""
    out, printed = run_probe_with_output(TRACKER_PROBE)
    assert out == {
        "save": ["turn not saved: OperationalError: database is locked", True],
        "retrieve": ["conversation not read: OperationalError: database is locked", True],
        "fallback_used": False,
    }
    assert "qz7xk" not in printed, "no user data in the log"


SESSION_PROBE = r"""
import asyncio, json
import bot  # installs the patches
from rasa.utils.endpoints import EndpointConfig

actions, nlg = EndpointConfig("http://127.0.0.1:1/webhook"), EndpointConfig("http://127.0.0.1:2/nlg")

async def sessions():
    async with actions.session() as first:
        pass
    async with actions.session() as second:
        pass
    async with nlg.session() as other:
        pass
    return first, second, other

loop_one = asyncio.new_event_loop()
first, second, other = loop_one.run_until_complete(sessions())
later, _, _ = asyncio.new_event_loop().run_until_complete(sessions())
print(json.dumps({"reused": first is second, "open_after_with": not first.closed,
                  "per_endpoint": first is not other, "per_loop": later is not first}))
"""


def test_endpoint_sessions_are_kept_open_and_reused_per_endpoint_and_loop() -> None:
    assert run_probe(SESSION_PROBE) == {
        "reused": True, "open_after_with": True, "per_endpoint": True, "per_loop": True}
