"""The gateway deletes what is past its time by itself (cases/retention.py, started by CaseRuntime):
cases older than retention_days, finished inbox rows older than inbox_keep_days, button payloads older
than 30 days and Rasa conversations idle past tracker_keep_days; once shortly after the start and then
every LABOURBOT_RETENTION_EVERY_S (a day; a fraction of a second here)."""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import AsyncIterator

import pytest
from sqlalchemy import func, insert, select

from cases.db import CaseStore, make_engine
from cases.models import CLOSED, ButtonPayload, Case, InboxEvent, utcnow
from cases.retention import EVENTS
from cases.service import CaseDraft, open_case
from channels.app import create_app
from channels.settings import ChannelSettings
from cli.serve import free_port
from labourbot.config import Settings

pytestmark = pytest.mark.cases

NOW = utcnow()


@asynccontextmanager
async def running_gateway(tmp_path) -> AsyncIterator[None]:
    settings = Settings(_env_file=None, rasa_url=f"http://127.0.0.1:{free_port()}", data_dir=tmp_path)
    app = create_app(settings, ChannelSettings(_env_file=None))
    async with app.router.lifespan_context(app):
        yield


def seed_cases(store: CaseStore) -> None:
    with store.session() as s:
        old, _ = open_case(s, CaseDraft(sender="line:Uold", summary="電話 0912-345-678"), NOW - timedelta(days=181))
        old.status, old.closed_at = CLOSED, NOW - timedelta(days=170)
        open_case(s, CaseDraft(sender="line:Unew", summary="加班費"), NOW - timedelta(days=10))
        s.add_all([inbox_row("old", NOW - timedelta(days=8)), inbox_row("new", NOW - timedelta(days=6)),
                   ButtonPayload(key="~p" + "0" * 16, payload="舊的", created_at=NOW - timedelta(days=31)),
                   ButtonPayload(key="~p" + "1" * 16, payload="新的", created_at=NOW - timedelta(days=29))])


def inbox_row(key: str, done_at) -> InboxEvent:  # type: ignore[no-untyped-def]
    return InboxEvent(channel="line", event_key=key, sender="Uold", body="", status="done", received_at=done_at,
                      done_at=done_at)


def seed_tracker(url: str) -> None:
    engine = make_engine(url)
    EVENTS.create(engine)
    with engine.begin() as connection:
        connection.execute(insert(EVENTS), [
            {"sender_id": sender, "type_name": "user", "timestamp": (NOW - age).timestamp(),
             "data": json.dumps({"event": "user", "text": "我的身分證 A123456789"})}
            for sender, age in (("line:Uold", timedelta(days=31)), ("line:Unew", timedelta(days=29)))])
    engine.dispose()


def held(store: CaseStore, tracker_url: str) -> dict[str, set[str]]:
    with store.read() as s:
        out = {"cases": set(s.scalars(select(Case.sender))),
               "inbox": set(s.scalars(select(InboxEvent.event_key))),
               "payloads": set(s.scalars(select(ButtonPayload.payload)))}
    engine = make_engine(tracker_url)
    with engine.connect() as connection:
        out["tracker"] = set(connection.scalars(select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id)
                                                .having(func.count() > 0)))
    engine.dispose()
    return out


async def until(predicate, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(predicate):
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_the_gateway_sweeps_at_start_and_then_every_interval(monkeypatch, tmp_path, case_db_url,
                                                                   case_store):
    tracker_url = f"sqlite:///{tmp_path / 'rasa_tracker.db'}"
    for name, value in {"DATABASE_URL": case_db_url, "LABOURBOT_TRACKER_DATABASE_URL": tracker_url,
                        "LABOURBOT_RETENTION_FIRST_DELAY_S": "1.0", "LABOURBOT_RETENTION_EVERY_S": "0.2"}.items():
        monkeypatch.setenv(name, value)
    seed_cases(case_store)
    seed_tracker(tracker_url)
    kept = {"cases": {"line:Unew"}, "inbox": {"new"}, "payloads": {"新的"}, "tracker": {"line:Unew"}}
    async with running_gateway(tmp_path):
        assert held(case_store, tracker_url)["cases"] == {"line:Uold", "line:Unew"}, "not at once"
        await until(lambda: held(case_store, tracker_url) == kept)
        with case_store.session() as s:  # while it runs: the next round takes it
            s.add(inbox_row("older", NOW - timedelta(days=9)))
        await until(lambda: held(case_store, tracker_url)["inbox"] == {"new"})
