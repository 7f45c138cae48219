"""cases/retention.py: Rasa's conversations deleted when idle past their time (sooner after a refused
consent), a sweep whose failing job does not stop the others, and a task that sweeps on its own.

The tracker table is created here with SQLAlchemy (the columns of rasa's SQLTrackerStore) in the test's
database, so this runs on PostgreSQL too; tests/rasa/test_tracker_retention.py does it on a tracker
written by Rasa itself."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from typing import Any, Iterator

import pytest
from sqlalchemy import Engine, insert, select

from cases.db import make_engine
from cases.models import utcnow
from cases.retention import EVENTS, RetentionSettings, RetentionTask, purge_tracker, sweep

pytestmark = pytest.mark.cases

NOW = utcnow()


@pytest.fixture()
def tracker(case_db_url: str) -> Iterator[Engine]:
    engine = make_engine(case_db_url)
    EVENTS.create(engine)
    yield engine
    engine.dispose()


def event(sender: str, at: datetime, kind: str = "user", **data: Any) -> dict[str, Any]:
    body = {"event": kind, "timestamp": at.timestamp(), **data}
    return {"sender_id": sender, "type_name": kind, "timestamp": at.timestamp(),
            "action_name": data.get("name"), "data": json.dumps(body)}


def consent(sender: str, at: datetime, value: Any) -> dict[str, Any]:
    return event(sender, at, "slot", name="handoff_consent", value=value)


def conversation(sender: str, at: datetime, *answers: Any) -> list[dict[str, Any]]:
    """A turn at `at`, and the consent slot events the handoff form would leave, in order."""
    rows = [event(sender, at - timedelta(minutes=5), text="我想找真人")]
    rows += [consent(sender, at - timedelta(minutes=4 - i * 0.1), value) for i, value in enumerate(answers)]
    return rows + [event(sender, at, "bot", text="好的")]


def senders(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(select(EVENTS.c.sender_id).distinct()))


def test_idle_conversations_go_after_the_keep_time_and_refused_ones_after_a_day(tracker):
    rows = [
        *conversation("line:idle", NOW - timedelta(days=31)),
        *conversation("line:recent", NOW - timedelta(days=2)),
        *conversation("line:refused", NOW - timedelta(days=2), None, "不同意", False, None),
        *conversation("line:refused-today", NOW - timedelta(hours=3), None, "不同意", False, None),
        *conversation("line:refused-then-agreed", NOW - timedelta(days=2), False, None, True, None),
        *conversation("line:never-answered", NOW - timedelta(days=2), None, "什麼意思", None),
    ]
    with tracker.begin() as connection:
        connection.execute(insert(EVENTS), rows)
    counts = purge_tracker(tracker, keep_days=30, declined_keep_days=1, now=NOW)
    assert senders(tracker) == {"line:recent", "line:refused-today", "line:refused-then-agreed",
                                "line:never-answered"}
    assert counts == {"tracker_conversations": 1, "tracker_declined": 1, "tracker_events": 2 + 6}
    assert purge_tracker(tracker, keep_days=30, declined_keep_days=1, now=NOW)["tracker_events"] == 0
    later = purge_tracker(tracker, keep_days=30, declined_keep_days=1, now=NOW + timedelta(days=1))
    assert later["tracker_declined"] == 1 and "line:refused-today" not in senders(tracker)


def test_a_failing_job_does_not_stop_the_others():
    def broken(now: datetime) -> dict[str, int]:
        raise ConnectionError("tracker database down")

    counts = sweep({"tracker": broken, "cases": lambda now: {"cases": 2}}, NOW)
    assert counts == {"cases.cases": 2}


async def test_the_task_sweeps_after_its_first_delay_then_every_interval_until_stopped():
    runs: list[datetime] = []
    task = RetentionTask({"probe": lambda now: runs.append(now) or {"rows": 0}}, every_s=0.05,
                         first_delay_s=0.2)
    running = asyncio.create_task(task.run_forever())
    await asyncio.sleep(0.1)
    assert runs == [], "not at once: the first sweep waits"
    await asyncio.sleep(0.4)
    assert len(runs) >= 3
    task.stop()
    await asyncio.wait_for(running, timeout=2)


def test_the_tracker_url_follows_what_rasa_is_given(tmp_path, monkeypatch):
    monkeypatch.delenv("RASA_TRACKER_DB", raising=False)
    assert RetentionSettings(_env_file=None, data_dir=tmp_path).tracker_url == \
        f"sqlite:///{tmp_path / 'rasa_tracker.db'}"
    monkeypatch.setenv("RASA_TRACKER_DB", "/srv/rasa/tracker.db")
    assert RetentionSettings(_env_file=None).tracker_url == "sqlite:////srv/rasa/tracker.db"
    explicit = RetentionSettings(_env_file=None, tracker_database_url="postgresql://rasa@db:5432/rasa")
    assert explicit.tracker_url == "postgresql+psycopg://rasa@db:5432/rasa"
