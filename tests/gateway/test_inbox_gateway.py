"""The webhook inbox in the gateway, in process (Rasa unreachable: text messages get the 'try again'
answer, which is an answer): LINE and Telegram events are stored before the 200, a redelivery is
answered once even across a restart, a locked database answers 503 and the redelivery is answered once,
and events a dead gateway had taken are replayed at start, by push with retry keys derived from the event.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, AsyncIterator

import httpx
import pytest
from fakes.fake_line import PUSH, REPLY, accepted_for
from fakes.fake_telegram import sends_to
from fakes.payloads import line_body, line_event, line_user, sign, telegram_chat, telegram_text
from fakes.secrets import LINE_SECRET, LINE_TOKEN, TELEGRAM_SECRET, TELEGRAM_TOKEN
from sqlalchemy import select
from sqlalchemy.engine import make_url

from cases.db import CaseStore
from cases.models import InboxEvent, utcnow
from channels.app import create_app
from channels.inbox import Inbox, NewEvent
from channels.line.client import push_retry_key
from channels.settings import ChannelSettings
from labourbot.config import Settings
from cli.serve import free_port

pytestmark = pytest.mark.cases

TG_HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}


@pytest.fixture()
def env(monkeypatch, case_db_url):
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    monkeypatch.setenv("LABOURBOT_SQLITE_BUSY_TIMEOUT_S", "0.3")
    return case_db_url


@asynccontextmanager
async def gateway(tmp_path, line_api, telegram_api=None) -> AsyncIterator[httpx.AsyncClient]:
    """A fresh gateway app (a 'process') on the test database; LINE, and Telegram when given."""
    settings = Settings(_env_file=None, rasa_url=f"http://127.0.0.1:{free_port()}", data_dir=tmp_path)
    channels: dict[str, Any] = dict(line_channel_secret=LINE_SECRET, line_channel_access_token=LINE_TOKEN,
                                    line_api_base=line_api.url, line_data_api_base=line_api.url)
    if telegram_api is not None:
        channels.update(telegram_bot_token=TELEGRAM_TOKEN, telegram_webhook_secret=TELEGRAM_SECRET,
                        telegram_api_base=telegram_api.url)
    app = create_app(settings, ChannelSettings(_env_file=None, **channels))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client:
            if telegram_api is not None:
                for _ in range(100):  # the Application starts in the background (getMe)
                    probe = await client.post("/webhooks/telegram", content=b"{}", headers=TG_HEADERS)
                    if probe.status_code != 503:
                        break
                    await asyncio.sleep(0.1)
            yield client


async def post_line(client: httpx.AsyncClient, *events: dict) -> int:
    body = line_body(*events)
    response = await client.post("/webhooks/line", content=body,
                                 headers={"X-Line-Signature": sign(body, LINE_SECRET)})
    return response.status_code


def inbox_rows(url: str, channel: str | None = None) -> list[InboxEvent]:
    store = CaseStore(url=url)
    try:
        with store.read() as s:
            query = select(InboxEvent).order_by(InboxEvent.id)
            found = list(s.scalars(query if channel is None else query.where(InboxEvent.channel == channel)))
            s.expunge_all()
            return found
    finally:
        store.dispose()


def pushes_to(user: str, status: int | None = None):  # type: ignore[no-untyped-def]
    return lambda r: r.path == PUSH and r.json()["to"] == user and status in (None, r.status)


async def in_thread(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """The fakes' waits block: run them beside the app's event loop, not on it."""
    return await asyncio.to_thread(fn, *args, **kwargs)


async def until(predicate, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_a_line_event_is_stored_before_the_200_and_marked_done_once_answered(env, tmp_path, line_api):
    user = line_user()
    event = line_event(user, "加班費怎麼算")
    async with gateway(tmp_path, line_api) as client:
        assert await post_line(client, event) == 200
        [row] = inbox_rows(env)  # committed before the answer: read from another connection
        assert (row.channel, row.event_key, row.sender) == ("line", event["webhookEventId"], user)
        assert json.loads(row.body or '""') == event or row.status == "done"
        await in_thread(line_api.wait_for, accepted_for(user, event["replyToken"]), timeout=20)
        await until(lambda: inbox_rows(env)[0].status == "done")
    [row] = inbox_rows(env)
    assert row.body == "" and row.done_at is not None, "a done row keeps only its key"


async def test_a_redelivered_line_event_is_answered_once_even_after_a_restart(env, tmp_path, line_api):
    user = line_user()
    event = line_event(user, "特休怎麼算")
    again = {**event, "deliveryContext": {"isRedelivery": True}}
    async with gateway(tmp_path, line_api) as client:
        assert await post_line(client, event) == 200
        assert await post_line(client, again) == 200
        await in_thread(line_api.wait_for, accepted_for(user, event["replyToken"]), timeout=20)
    async with gateway(tmp_path, line_api) as client:  # a new process on the same database
        assert await post_line(client, again) == 200
        await asyncio.sleep(1.0)
    assert len(line_api.matching(accepted_for(user, event["replyToken"]))) == 1
    assert [r.status for r in inbox_rows(env)] == ["done"]


async def test_a_locked_database_answers_503_and_the_redelivery_is_answered_once(env, tmp_path, line_api):
    url = make_url(env)
    if url.get_backend_name() != "sqlite":
        pytest.skip("provokes SQLite's 'database is locked'")
    user = line_user()
    event = line_event(user, "資遣費怎麼算")
    async with gateway(tmp_path, line_api) as client:
        locker = sqlite3.connect(url.database, timeout=0.1, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            started = time.monotonic()
            assert await post_line(client, event) == 503, "never 200 for an event that is not stored"
            assert time.monotonic() - started < 5, "refused after the short busy timeout"
        finally:
            locker.execute("COMMIT")
            locker.close()
        assert inbox_rows(env) == []
        await asyncio.sleep(0.5)
        assert line_api.matching(accepted_for(user, event["replyToken"])) == [], "nothing was processed"
        redelivery = {**event, "deliveryContext": {"isRedelivery": True}}
        assert await post_line(client, redelivery) == 200
        await in_thread(line_api.wait_for, accepted_for(user, event["replyToken"]), timeout=20)
        assert await post_line(client, redelivery) == 200
        await asyncio.sleep(1.0)
    assert len(line_api.matching(accepted_for(user, event["replyToken"]))) == 1
    assert [r.status for r in inbox_rows(env)] == ["done"]


async def test_events_a_dead_gateway_took_are_replayed_at_start_by_push_with_derived_retry_keys(
    env, tmp_path, line_api
):
    """Two events accepted by a gateway that died: one never answered, one whose push LINE had accepted
    just before the crash (its retry key is known to LINE). Both are replayed; neither is shown twice."""
    unanswered, pushed = line_user(), line_user()
    events = {u: line_event(u, "你好", age_s=300) for u in (unanswered, pushed)}
    store = CaseStore(url=env)
    try:
        dead = Inbox(store, lease_s=30, owner="dead-gateway")
        dead.accept("line", [NewEvent(e["webhookEventId"], u, json.dumps(e)) for u, e in events.items()],
                    now=utcnow() - timedelta(minutes=2))
    finally:
        store.dispose()
    line_api.retry_keys.add(push_retry_key(events[pushed]["webhookEventId"], 0))
    async with gateway(tmp_path, line_api):
        [push] = await in_thread(line_api.wait_for, pushes_to(unanswered, 200), timeout=20)
        assert push.headers["x-line-retry-key"] == push_retry_key(events[unanswered]["webhookEventId"], 0)
        refused = await in_thread(line_api.wait_for, pushes_to(pushed), timeout=20)
        assert [r.status for r in refused] == [409], "LINE had it already: not shown twice"
        await until(lambda: [r.status for r in inbox_rows(env)] == ["done", "done"])
    tokens = {e["replyToken"] for e in events.values()}
    assert line_api.matching(lambda r: r.path == REPLY and r.json()["replyToken"] in tokens) == [], \
        "old reply tokens are not tried"
    assert [r.attempts for r in inbox_rows(env)] == [2, 2]


async def test_telegram_updates_are_stored_answered_once_across_a_restart_and_replayed(
    env, tmp_path, line_api, telegram_api
):
    chat, orphan_chat = telegram_chat(), telegram_chat()
    update = telegram_text(chat, "/help")
    orphan = telegram_text(orphan_chat, "/help")
    async with gateway(tmp_path, line_api, telegram_api) as client:
        assert (await client.post("/webhooks/telegram", json=update, headers=TG_HEADERS)).status_code == 200
        [row] = inbox_rows(env, "telegram")
        assert (row.event_key, row.sender) == (str(update["update_id"]), f"chat:{chat}")
        await in_thread(telegram_api.wait_for, sends_to(chat), timeout=20)
        await until(lambda: inbox_rows(env, "telegram")[0].status == "done")
        sent = len(telegram_api.matching(sends_to(chat)))
        assert (await client.post("/webhooks/telegram", json=update, headers=TG_HEADERS)).status_code == 200
    store = CaseStore(url=env)
    try:  # a gateway that took `orphan` and died
        taken = NewEvent(str(orphan["update_id"]), f"chat:{orphan_chat}", json.dumps(orphan))
        Inbox(store, owner="dead").accept("telegram", [taken], now=utcnow() - timedelta(minutes=2))
    finally:
        store.dispose()
    async with gateway(tmp_path, line_api, telegram_api) as client:
        assert (await client.post("/webhooks/telegram", json=update, headers=TG_HEADERS)).status_code == 200
        await in_thread(telegram_api.wait_for, sends_to(orphan_chat), timeout=20)
        await until(lambda: [r.status for r in inbox_rows(env, "telegram")] == ["done", "done"])
        await asyncio.sleep(0.5)
    assert len(telegram_api.matching(sends_to(chat))) == sent, "the redelivered update was not answered again"
