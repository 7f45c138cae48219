"""cases/retention.py on a tracker table written by Rasa itself (.venv-rasa): our store
(bot/tracker_store.py, endpoints.yml) and rasa's SQLTrackerStore on the same file. The gateway's purge
deletes the idle conversation and the one whose person refused the consent a day ago, and Rasa still
reads what is left, unchanged."""

from __future__ import annotations

import time
from pathlib import Path

from rasa_venv import run_probe

from cases.retention import purge_tracker, tracker_engine

DAY = 86400.0

WRITE = r"""
import asyncio, json, sys
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from bot.tracker_store import SQLiteTrackerStore

PATH, NOW, DAY = sys.argv[1], float(sys.argv[2]), 86400.0
domain = Domain.from_yaml('''
version: "3.1"
intents: [request_human, deny, affirm]
slots:
  handoff_consent:
    type: any
    influence_conversation: false
    mappings: [{type: custom}]
''')

def conversation(t0, *answers):
    events = [ActionExecuted("action_session_start", timestamp=t0), SessionStarted(timestamp=t0 + 1),
              UserUttered("我想找真人，我的電話 0912-345-678", {"name": "request_human", "confidence": 0.9},
                          timestamp=t0 + 2),
              SlotSet("handoff_consent", None, timestamp=t0 + 3)]
    for i, answer in enumerate(answers):
        events.append(SlotSet("handoff_consent", answer, timestamp=t0 + 4 + i))
    return events + [BotUttered("好的", timestamp=t0 + 9), ActionExecuted("action_listen", timestamp=t0 + 10)]

async def write(store, sender, events):
    tracker = DialogueStateTracker(sender, domain.slots)
    for event in events:
        tracker.update(event)
    await store.save(tracker)

async def main():
    ours = SQLiteTrackerStore(domain, db=PATH)
    theirs = SQLTrackerStore(domain, dialect="sqlite", db=PATH)
    await write(ours, "line:idle", conversation(NOW - 31 * DAY))
    await write(ours, "line:recent", conversation(NOW - 2 * DAY))
    await write(ours, "telegram:refused", conversation(NOW - 2 * DAY, "不同意", False, None))
    await write(theirs, "web:refused-rasa-store", conversation(NOW - 2 * DAY, "不同意", False, None))
    await write(ours, "line:refused-an-hour-ago", conversation(NOW - 3600, "不同意", False, None))
    await write(ours, "line:agreed-later", conversation(NOW - 2 * DAY, False, None, "同意", True, None))
    print(json.dumps({"keys": sorted(await ours.keys())}))

asyncio.run(main())
"""

READ = r"""
import asyncio, json, sys
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from bot.tracker_store import SQLiteTrackerStore

async def main():
    domain = Domain.empty()
    ours, theirs = SQLiteTrackerStore(domain, db=sys.argv[1]), SQLTrackerStore(domain, dialect="sqlite", db=sys.argv[1])
    keys = sorted(await ours.keys())
    out = {"keys": keys, "rasa_keys": sorted(await theirs.keys()), "events": {}}
    for key in keys:
        out["events"][key] = [e.as_dict() for e in (await theirs.retrieve_full_tracker(key)).events]
    print(json.dumps(out))

asyncio.run(main())
"""


def probe(code: str, *args: str) -> dict:
    return run_probe(f"import sys; sys.argv = ['probe', {', '.join(map(repr, args))}]\n" + code)


def test_the_gateway_purges_a_tracker_rasa_wrote_and_rasa_reads_the_rest(tmp_path: Path):
    path, now = tmp_path / "rasa_tracker.db", time.time()
    written = probe(WRITE, str(path), str(now))
    assert len(written["keys"]) == 6
    before = probe(READ, str(path))

    engine = tracker_engine(f"sqlite:///{path}")
    assert engine is not None
    try:
        counts = purge_tracker(engine, keep_days=30, declined_keep_days=1)
    finally:
        engine.dispose()

    kept = {"line:recent", "line:refused-an-hour-ago", "line:agreed-later"}
    assert counts["tracker_conversations"] == 1 and counts["tracker_declined"] == 2
    after = probe(READ, str(path))
    assert set(after["keys"]) == set(after["rasa_keys"]) == kept
    assert after["events"] == {key: before["events"][key] for key in kept}, "the rest is untouched"


def test_no_tracker_file_means_nothing_to_purge(tmp_path: Path):
    assert tracker_engine(f"sqlite:///{tmp_path / 'missing.db'}") is None
    assert not (tmp_path / "missing.db").exists(), "the purge never creates Rasa's file"
