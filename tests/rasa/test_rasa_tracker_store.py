"""bot/tracker_store.py in the real Rasa venv: the same file, rows and answers as rasa's SQLTrackerStore."""

from __future__ import annotations

from rasa_venv import run_probe


# Runs in .venv-rasa. Conversations are written by one store and read by the other, in both directions,
# over two sessions, with saves after every turn (as Rasa does) and a second process-like store.
PROBE = r"""
import asyncio, json, sys, tempfile, os
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker
from bot.tracker_store import SQLiteTrackerStore

domain = Domain.from_yaml('''
version: "3.1"
intents: [greet, ask_overtime]
slots:
  topic:
    type: text
    mappings: [{type: custom}]
''')

def turn(t0, text, intent, reply, topic=None):
    events = [UserUttered(text, {"name": intent, "confidence": 0.9}, timestamp=t0),
              ActionExecuted("action_answer_question", timestamp=t0 + 0.1)]
    if topic:
        events.append(SlotSet("topic", topic, timestamp=t0 + 0.2))
    events += [BotUttered(reply, timestamp=t0 + 0.3), ActionExecuted("action_listen", timestamp=t0 + 0.4)]
    return events

def session(t0):
    return [ActionExecuted("action_session_start", timestamp=t0), SessionStarted(timestamp=t0 + 0.01),
            ActionExecuted("action_listen", timestamp=t0 + 0.02)]

async def write(store, sender, batches):
    # As Rasa does for each message: fetch the latest session, add the turn's events, save.
    for batch in batches:
        tracker = await store.retrieve(sender) or DialogueStateTracker(sender, domain.slots)
        for event in batch:
            tracker.update(event)
        await store.save(tracker)

def dump(tracker):
    return None if tracker is None else [e.as_dict() for e in tracker.events]

async def main():
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "tracker.db")
    ours, ours_2 = SQLiteTrackerStore(domain, db=path), SQLiteTrackerStore(domain, db=path)
    theirs = SQLTrackerStore(domain, dialect="sqlite", db=path)
    batches = [session(100.0), turn(101.0, "你好", "greet", "您好"),
               turn(102.0, "加班費", "ask_overtime", "加班費是…", topic="overtime"),
               session(200.0), turn(201.0, "再問一次", "ask_overtime", "好的")]
    out = {}
    await write(ours, "written-by-ours", batches)
    await write(theirs, "written-by-rasa", batches)
    await write(ours_2, "second-process", batches[:2])
    for sender in ("written-by-ours", "written-by-rasa", "second-process"):
        out[sender] = {
            "latest_same": dump(await ours.retrieve(sender)) == dump(await theirs.retrieve(sender)),
            "full_same": dump(await ours.retrieve_full_tracker(sender)) == dump(await theirs.retrieve_full_tracker(sender)),
            "latest_len": len((await ours.retrieve(sender)).events),
            "full_len": len((await ours.retrieve_full_tracker(sender)).events),
            "first_session_topic": [e.get("value") for e in dump(await ours.retrieve_full_tracker(sender))
                                    if e["event"] == "slot"],
        }
    out["rows_same"] = [
        [r[1:] for r in theirs.engine.connect().exec_driver_sql(
            "SELECT id, type_name, timestamp, intent_name, action_name, data FROM events "
            f"WHERE sender_id = '{s}' ORDER BY id").fetchall()]
        for s in ("written-by-ours", "written-by-rasa")]
    out["rows_same"] = out["rows_same"][0] == out["rows_same"][1]
    out["missing"] = dump(await ours.retrieve("nobody"))
    out["keys"] = sorted(await ours.keys())
    print(json.dumps(out))

asyncio.run(main())
"""


def test_sqlite_tracker_store_reads_and_writes_what_rasa_sql_tracker_store_does() -> None:
    out = run_probe(PROBE)
    for sender in ("written-by-ours", "written-by-rasa"):
        # 2 sessions: 3 + 4 + 5 events, then 3 + 4. The latest session is what rasa calls it: events from
        # the newest session_started on (its action_session_start, 10 ms earlier, is not in it): 2 + 4.
        assert out[sender] == {"latest_same": True, "full_same": True, "latest_len": 6, "full_len": 19,
                               "first_session_topic": ["overtime"]}, sender
    assert out["second-process"]["latest_len"] == 6 and out["second-process"]["latest_same"]
    assert out["rows_same"] is True  # the same rows (type, timestamp, intent, action, JSON) in the same order
    assert out["missing"] is None
    assert out["keys"] == ["second-process", "written-by-ours", "written-by-rasa"]
