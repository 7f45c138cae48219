"""bot/rasa_patches.py and bot/run.py inside the real Rasa venv: the cached validator gives rasa's own
answers, the tracker store fails loudly, the patches are installed by bot/run.py only (not by importing
`bot`), and the tracker store patch refuses a Rasa version it was not written for."""

from __future__ import annotations

import subprocess

from rasa_venv import RASA_PY, run_probe, run_probe_with_output

from labourbot.config import PROJECT_ROOT


# Runs in .venv-rasa: compares the patched method with rasa's original on valid and invalid responses.
PROBE = r"""
import json, sys, time
from rasa.core.actions.action import RemoteAction
original = RemoteAction._validate_action_result
from bot import rasa_patches
rasa_patches.install()
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


def test_patched_validation_agrees_with_rasa_and_is_installed() -> None:
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
from bot.rasa_patches import TrackerStoreUnavailable, install_tracker_store_patch
install_tracker_store_patch()

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
from bot.rasa_patches import install_performance_patches
from rasa.utils.endpoints import EndpointConfig
assert install_performance_patches()

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


# Runs in .venv-rasa: what `rasa train` / `rasa test` do with our package (config.yml, credentials.yml,
# endpoints.yml name these modules), and whether Rasa is still unpatched afterwards.
IMPORT_PROBE = r"""
import json
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.utils.endpoints import EndpointConfig

def patched_points():
    return [RemoteAction._validate_action_result, FailSafeTrackerStore.save, FailSafeTrackerStore.retrieve,
            EndpointConfig.session]

before = patched_points()
import bot, bot.components.normalizer, bot.components.intent_router, bot.components.use_featurizer
import bot.rest_parse, bot.tracker_store
print(json.dumps([now is then for now, then in zip(patched_points(), before)]))
"""


def test_importing_bot_and_its_components_patches_nothing() -> None:
    """Only bot/run.py installs the patches: `rasa train` and `rasa test` import the components unpatched."""
    assert run_probe(IMPORT_PROBE) == [True, True, True, True]


# Runs in .venv-rasa: bot.run with Rasa's own CLI function replaced by one that records how it was called.
RUN_PROBE = r"""
import json, sys
import rasa.__main__
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.utils.endpoints import EndpointConfig

unpatched = [RemoteAction._validate_action_result, FailSafeTrackerStore.save, EndpointConfig.session]
seen = {}

def rasa_cli():
    seen["argv"] = sys.argv[:]
    now = [RemoteAction._validate_action_result, FailSafeTrackerStore.save, EndpointConfig.session]
    seen["patched_before_rasa_runs"] = [a is not b for a, b in zip(now, unpatched)]

rasa.__main__.main = rasa_cli
sys.argv = ["bot/run.py", "run", "--enable-api", "--port", "5999"]
from bot import run
run.main()
print(json.dumps(seen))
"""


def test_bot_run_installs_the_patches_then_hands_rasa_its_arguments() -> None:
    assert run_probe(RUN_PROBE) == {
        "argv": ["rasa", "run", "--enable-api", "--port", "5999"],
        "patched_before_rasa_runs": [True, True, True],
    }


# Runs in .venv-rasa: the same, on a Rasa that says it is another version.
OTHER_VERSION_PROBE = r"""
import io, json, logging, sys
import rasa, rasa.__main__
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import FailSafeTrackerStore

rasa.__version__ = "3.7.0"
unpatched = [RemoteAction._validate_action_result, FailSafeTrackerStore.save]
called = []
rasa.__main__.main = lambda: called.append(sys.argv[:])
from bot import rasa_patches, run

log = io.StringIO()
logging.getLogger("bot.rasa_patches").addHandler(logging.StreamHandler(log))
out = {"performance_applied": rasa_patches.install_performance_patches(), "warned": "3.7.0" in log.getvalue()}
sys.argv = ["bot/run.py", "run"]
try:
    run.main()
    out["exit"] = None
except SystemExit as e:
    out["exit"] = str(e.code)
out["rasa_started"] = bool(called)
out["unpatched"] = [RemoteAction._validate_action_result, FailSafeTrackerStore.save] == unpatched
print(json.dumps(out, ensure_ascii=False))
"""


def test_on_another_rasa_version_the_tracker_store_patch_refuses_to_start_rasa() -> None:
    """Serving without it would forget turns silently; the performance patches only skip, with a warning."""
    out = run_probe(OTHER_VERSION_PROBE)
    message = out.pop("exit")
    assert out == {"performance_applied": False, "warned": True, "rasa_started": False, "unpatched": True}
    assert message and "拒絕啟動" in message and "3.7.0" in message and "3.6.21" in message


def test_python_m_bot_run_is_rasas_own_command_line() -> None:
    run = subprocess.run([str(RASA_PY), "-m", "bot.run", "--version"], cwd=PROJECT_ROOT, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Rasa Version      :         3.6.21" in run.stdout
