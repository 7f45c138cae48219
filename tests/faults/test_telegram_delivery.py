"""Telegram answers are stored once rendered and retried, never lost and never asked twice.

In process: the gateway app on the test database, the fake Telegram Bot API and a tiny fake Rasa that
counts the messages put to it. Telegram failing for a while (500s, RetryAfter 60) leaves the update's
inbox row pending with its rendered answer; the inbox's retry sends that answer, and Rasa was asked
once. A final refusal (403, the user blocked the bot) marks the row refused and nothing is retried.
"""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, AsyncIterator

import httpx
import pytest
from fakes.fake_telegram import params, sends_to
from fakes.payloads import telegram_chat, telegram_text
from fakes.secrets import TELEGRAM_SECRET, TELEGRAM_TOKEN
from fakes.server import FakeServer, Recorded
from sqlalchemy import select, update
from telegram import Update

from cases.db import CaseStore
from cases.models import InboxEvent, utcnow
from channels.app import create_app
from channels.inbox import Inbox, NewEvent
from channels.replies import BotReply, OutMessage
from channels.settings import ChannelSettings
from channels.telegram.channel import build_application
from channels.telegram.handlers import DEPS_KEY, MAX_SEND_ATTEMPTS, StoredAnswer, make_deps
from channels.telegram.processor import PerChatUpdateProcessor, chat_key
from channels.telegram.render import StoredReply, TelegramMessage
from labourbot.config import Settings

pytestmark = pytest.mark.cases

ANSWER = "休息日加班，前 2 小時以外加給 1又1/3 以上。"
FOLLOW_UP = "還有其他問題嗎？可以點下面的按鈕找真人。"
RETRY_SOON_S = 30  # the inbox retries a row 5 s after its first failure; its beat is 1 s here
TG_HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}


class FakeRasa(FakeServer):
    """Rasa's rest_parse channel: two bot messages for every user message; counts what it was asked."""

    def respond(self, r: Recorded) -> tuple[int, Any]:
        if r.method == "POST" and r.path == "/webhooks/rest_parse/webhook":
            return 200, {
                "messages": [
                    {"recipient_id": r.json()["sender"], "text": ANSWER},
                    {"recipient_id": r.json()["sender"], "text": FOLLOW_UP,
                     "buttons": [{"title": "找真人", "payload": "/request_human"}]},
                ],
                "intent": {"name": "ask_overtime", "confidence": 0.93},
            }
        if r.path == "/status":
            return 200, {"model_file": "fake.tar.gz"}
        return 404, {"message": "not found"}

    def asked(self, chat: int) -> int:
        """How many messages of `chat` were put to Rasa."""
        return len(self.matching(lambda r: r.method == "POST" and r.path.startswith("/webhooks/")
                                 and r.json()["sender"] == f"telegram:{chat}"))


@pytest.fixture()
def env(monkeypatch, case_db_url):
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    monkeypatch.setenv("LABOURBOT_INBOX_LEASE_S", "3")  # the inbox beats every second
    return case_db_url


@pytest.fixture()
def rasa():
    server = FakeRasa().start()
    yield server
    server.stop()


@asynccontextmanager
async def gateway(tmp_path, telegram_api, rasa: FakeRasa) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway app with Telegram on, against the fakes, once Telegram's Application has started."""
    settings = Settings(_env_file=None, rasa_url=rasa.url, data_dir=tmp_path)
    channels = ChannelSettings(_env_file=None, telegram_bot_token=TELEGRAM_TOKEN,
                               telegram_webhook_secret=TELEGRAM_SECRET, telegram_api_base=telegram_api.url)
    app = create_app(settings, channels)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client:
            for _ in range(100):  # the Application starts in the background (getMe)
                probe = await client.post("/webhooks/telegram", content=b"{}", headers=TG_HEADERS)
                if probe.status_code != 503:
                    break
                await asyncio.sleep(0.1)
            yield client


async def in_thread(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """The fakes' waits block: run them beside the app's event loop, not on it."""
    return await asyncio.to_thread(fn, *args, **kwargs)


async def until(predicate, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def post(client: httpx.AsyncClient, update: dict) -> int:
    return (await client.post("/webhooks/telegram", json=update, headers=TG_HEADERS)).status_code


def attempts_to(chat: int):  # type: ignore[no-untyped-def]
    """Every sendMessage to `chat`, whatever the fake answered."""
    return lambda r: r.path.endswith("/sendMessage") and int(params(r).get("chat_id", 0)) == chat


def end_lease(url: str) -> None:
    """Let the test's Telegram row's lease run out now (as if its wait had passed)."""
    store = CaseStore(url=url)
    try:
        with store.session() as session:
            session.execute(update(InboxEvent).where(InboxEvent.channel == "telegram")
                            .values(lease_until=utcnow() - timedelta(seconds=1)))
    finally:
        store.dispose()


def the_row(url: str) -> InboxEvent:
    """The test's only Telegram inbox row, read from another connection."""
    store = CaseStore(url=url)
    try:
        with store.read() as session:
            [row] = session.scalars(select(InboxEvent).where(InboxEvent.channel == "telegram"))
            session.expunge(row)
            return row
    finally:
        store.dispose()


def shown(telegram_api, chat: int) -> list[str]:
    return [str(p["text"]) for p in telegram_api.sent_to(chat)]


async def test_an_answer_telegram_refuses_for_a_while_is_stored_and_sent_once_on_retry(
    env, tmp_path, telegram_api, rasa
):
    chat = telegram_chat()
    telegram_api.refuse_sends(500)
    async with gateway(tmp_path, telegram_api, rasa) as client:
        assert await post(client, telegram_text(chat, "休息日加班費怎麼算")) == 200
        await in_thread(telegram_api.wait_for, attempts_to(chat), count=MAX_SEND_ATTEMPTS, timeout=20)
        await until(lambda: the_row(env).last_error is not None)
        row = the_row(env)
        assert row.status == "pending", "not failed: the answer is to be sent later"
        stored = StoredReply.from_json(row.reply or "")
        assert [m.html for m in stored.messages] == [ANSWER, FOLLOW_UP] and stored.chat_id == chat
        assert row.delivered == 0
        telegram_api.accept_sends()
        await in_thread(telegram_api.wait_for, sends_to(chat), count=2, timeout=RETRY_SOON_S)
        await until(lambda: the_row(env).status == "done")
        await asyncio.sleep(1.5)  # a beat later: nothing is replayed again
    assert shown(telegram_api, chat) == [ANSWER, FOLLOW_UP], "the user got the answer exactly once"
    last = telegram_api.sent_to(chat)[-1]
    assert last["parse_mode"] == "HTML"
    assert last["reply_markup"]["inline_keyboard"] == [[{"text": "找真人", "callback_data": "/request_human"}]]
    assert rasa.asked(chat) == 1, "the retry did not ask Rasa again"
    assert the_row(env).reply is None


async def test_retry_after_60_is_not_waited_out_inline_and_the_answer_arrives_on_retry(
    env, tmp_path, telegram_api, rasa
):
    chat = telegram_chat()
    telegram_api.refuse_sends(429, retry_after=60)
    async with gateway(tmp_path, telegram_api, rasa) as client:
        started = time.monotonic()
        assert await post(client, telegram_text(chat, "休息日加班費怎麼算")) == 200
        await until(lambda: the_row(env).last_error is not None)
        assert time.monotonic() - started < 10, "the chat was not held for a minute"
        assert len(telegram_api.matching(attempts_to(chat))) == 1
        row = the_row(env)
        assert row.status == "pending"
        assert row.lease_until >= utcnow() + timedelta(seconds=55), "the retry waits the minute Telegram asked"
        telegram_api.accept_sends()
        end_lease(env)  # a minute later
        await in_thread(telegram_api.wait_for, sends_to(chat), count=2, timeout=RETRY_SOON_S)
        await until(lambda: the_row(env).status == "done")
        await asyncio.sleep(1.5)
    assert shown(telegram_api, chat) == [ANSWER, FOLLOW_UP]
    assert rasa.asked(chat) == 1


async def test_a_blocked_bot_marks_the_row_refused_and_it_is_never_replayed(
    env, tmp_path, telegram_api, rasa
):
    chat = telegram_chat()
    telegram_api.refuse_sends(403)
    async with gateway(tmp_path, telegram_api, rasa) as client:
        assert await post(client, telegram_text(chat, "休息日加班費怎麼算")) == 200
        await until(lambda: the_row(env).status == "refused")
        telegram_api.accept_sends()
        await asyncio.sleep(7.0)  # longer than the first retry's backoff
    assert len(telegram_api.matching(attempts_to(chat))) == 1, "a refusal is final: not tried again"
    assert shown(telegram_api, chat) == []
    row = the_row(env)
    assert row.status == "refused" and "blocked" in (row.last_error or "")
    assert row.reply is None and row.body == ""
    assert rasa.asked(chat) == 1


async def test_a_retry_sends_only_the_messages_that_had_not_gone_out(env, tmp_path, telegram_api, rasa):
    chat = telegram_chat()
    follow_up = lambda r: attempts_to(chat)(r) and FOLLOW_UP in str(params(r).get("text"))  # noqa: E731
    telegram_api.fail_next(500, count=MAX_SEND_ATTEMPTS, when=follow_up)
    async with gateway(tmp_path, telegram_api, rasa) as client:
        assert await post(client, telegram_text(chat, "休息日加班費怎麼算")) == 200
        await until(lambda: the_row(env).last_error is not None)
        assert (the_row(env).status, the_row(env).delivered) == ("pending", 1)
        await in_thread(telegram_api.wait_for, sends_to(chat), count=2, timeout=RETRY_SOON_S)
        await until(lambda: the_row(env).status == "done")
        await asyncio.sleep(1.5)
    assert shown(telegram_api, chat) == [ANSWER, FOLLOW_UP], "the first message was not sent again"
    assert rasa.asked(chat) == 1


async def test_a_dead_gateways_row_with_a_stored_answer_sends_the_rest_without_asking_rasa(
    env, tmp_path, telegram_api, rasa
):
    chat = telegram_chat()
    update = telegram_text(chat, "休息日加班費怎麼算")
    answer = StoredReply(chat, [TelegramMessage(ANSWER), TelegramMessage(FOLLOW_UP)])
    store = CaseStore(url=env)
    try:  # a gateway that got the answer, sent its first message and died
        dead = Inbox(store, owner="dead")
        taken = NewEvent(str(update["update_id"]), f"chat:{chat}", json.dumps(update))
        [row] = dead.accept("telegram", [taken], now=utcnow() - timedelta(minutes=2))
        dead.save_reply(row.id, answer.to_json())
        dead.mark_delivered(row.id, 1)
    finally:
        store.dispose()
    async with gateway(tmp_path, telegram_api, rasa):
        await in_thread(telegram_api.wait_for, sends_to(chat), timeout=RETRY_SOON_S)
        await until(lambda: the_row(env).status == "done")
        await asyncio.sleep(1.5)
    assert shown(telegram_api, chat) == [FOLLOW_UP]
    assert rasa.asked(chat) == 0


async def test_a_replayed_answer_waits_for_its_chats_update_in_progress():
    """A StoredAnswer is keyed like its chat's updates: it is not sent while that chat is being answered."""
    processor = PerChatUpdateProcessor(8)
    app = build_application(ChannelSettings(telegram_bot_token=TELEGRAM_TOKEN), webhook=True)
    update = Update.de_json(telegram_text(5_123_456_789, "加班費"), app.bot)
    replayed = StoredAnswer(1, chat_key(update), StoredReply(5_123_456_789, [TelegramMessage("舊的回答")]), 0)
    log: list[str] = []

    async def work(name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        log.append(name)

    await asyncio.gather(processor.process_update(update, work("update", 0.1)),
                         processor.process_update(replayed, work("replayed", 0.0)))
    assert log == ["update", "replayed"]


class OneAnswer:
    """The conversation service of polling mode, reduced to one fixed answer."""

    async def handle(self, message: Any) -> BotReply:
        return BotReply(messages=[OutMessage(ANSWER)])


async def test_a_short_retry_after_is_waited_out_inline_also_without_an_inbox(telegram_api):
    """Polling mode (no inbox, no ledger): a RetryAfter of a second is waited out and the answer sent."""
    chat = telegram_chat()
    settings = ChannelSettings(_env_file=None, telegram_bot_token=TELEGRAM_TOKEN,
                               telegram_api_base=telegram_api.url)
    app = build_application(settings, webhook=False)
    app.bot_data[DEPS_KEY] = make_deps(OneAnswer())  # type: ignore[arg-type]
    telegram_api.fail_next(429, when=attempts_to(chat), body={
        "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1}})
    async with app:
        await app.process_update(Update.de_json(telegram_text(chat, "休息日加班費怎麼算"), app.bot))
    assert [r.status for r in telegram_api.matching(attempts_to(chat))] == [429, 200]
    assert shown(telegram_api, chat) == [ANSWER]
