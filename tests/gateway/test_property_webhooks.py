"""Property-based tests of the LINE and Telegram webhook handlers (in process, no network, no Rasa).

Whatever JSON arrives with a right signature, the handler answers 200 or 400 and the background work
never fails; with a wrong signature (or secret token) it is always 401 and nothing is processed.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from functools import cache
from typing import Any

import httpx
from fakes.payloads import fixture, sign
from fakes.secrets import LINE_SECRET, LINE_TOKEN, TELEGRAM_SECRET, TELEGRAM_TOKEN
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from cases.config import CaseSettings
from cases.db import CaseStore
from channels.conversation import Incoming
from channels.inbox import ChannelInbox, Inbox
from channels.line.channel import LineChannel
from channels.line.client import Delivery
from channels.line.events import EventContext
from channels.replies import BotReply, OutMessage
from channels.settings import ChannelSettings
from channels.telegram.channel import TelegramChannel

SETTINGS = ChannelSettings(
    line_channel_secret=SecretStr(LINE_SECRET),
    line_channel_access_token=SecretStr(LINE_TOKEN),
    telegram_bot_token=SecretStr(TELEGRAM_TOKEN),
    telegram_webhook_secret=SecretStr(TELEGRAM_SECRET),
    line_api_base="http://127.0.0.1:9",
    telegram_api_base="http://127.0.0.1:9",
)
PROFILE = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)
LINE_TYPES = ["message", "postback", "follow", "unfollow", "join", "leave", "memberJoined", "beacon",
              "accountLink", "things", "videoPlayComplete", "unsend", "membership", "somethingNew"]
line_events = st.fixed_dictionaries(
    {"type": st.sampled_from(LINE_TYPES), "mode": st.sampled_from(["active", "standby", 3]),
     "timestamp": st.integers() | st.text(max_size=5),
     "source": st.fixed_dictionaries({"type": st.sampled_from(["user", "group", "room", "x"]),
                                      "userId": st.text(max_size=8)}) | json_values,
     "webhookEventId": st.text(max_size=8), "replyToken": st.text(max_size=8),
     "deliveryContext": st.fixed_dictionaries({"isRedelivery": st.booleans()}),
     "message": st.fixed_dictionaries({"type": st.sampled_from(["text", "sticker", "image", "location", "odd"]),
                                       "id": st.text(max_size=5), "text": st.text(max_size=50)}) | json_values,
     "postback": json_values},
    optional={"extra": json_values},
)
line_payloads = st.fixed_dictionaries({"destination": st.text(max_size=10),
                                       "events": st.lists(line_events, max_size=3) | json_values}) | json_values


_DB_DIR = tempfile.TemporaryDirectory(prefix="labourbot-props-")


@cache
def inbox_store() -> CaseStore:
    """One SQLite inbox for the module (the channels store events before answering 200)."""
    store = CaseStore(CaseSettings(_env_file=None, database_url=f"sqlite:///{_DB_DIR.name}/cases.db"))
    store.ensure_schema()
    return store


class RecordingConversations:
    """Stands in for ConversationService: remembers the messages, answers a fixed text."""

    def __init__(self) -> None:
        from channels.labels import ConversationLanguages

        self.languages = ConversationLanguages()  # what the service knows of each sender's language
        self.seen: list[Incoming] = []

    async def handle(self, message: Incoming) -> BotReply:
        self.seen.append(message)
        return BotReply(messages=[OutMessage(text="好的")])


class RecordingSender:
    def __init__(self) -> None:
        self.deliveries = 0

    async def deliver(self, messages: list[Any], **_: Any) -> Delivery:
        self.deliveries += 1
        return Delivery("reply", 1)


def line_app() -> tuple[FastAPI, LineChannel, RecordingConversations]:
    channel = LineChannel(SETTINGS)
    conversations = RecordingConversations()
    channel.context = EventContext(conversations=conversations, payloads=channel.payloads)  # type: ignore[arg-type]
    channel.sender = RecordingSender()  # type: ignore[assignment]
    channel.inbox = ChannelInbox(Inbox(inbox_store()), "line", channel.replay)
    app = FastAPI()
    app.include_router(channel.router)
    return app, channel, conversations


async def post(app: FastAPI, path: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        return await client.post(path, content=body, headers=headers)


def run(coro: Any) -> Any:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())  # the inbox's threads
        loop.close()


@PROFILE
@given(payload=line_payloads)
def test_line_any_signed_json_is_200_or_400_and_background_work_never_fails(payload):
    async def scenario() -> None:
        app, channel, _ = line_app()
        body = json.dumps(payload).encode()
        response = await post(app, "/webhooks/line", body, {"X-Line-Signature": sign(body, LINE_SECRET)})
        assert response.status_code in (200, 400), response.text
        tasks = list(channel.tasks._tasks)
        if tasks:
            done, _ = await asyncio.wait(tasks, timeout=5)
            assert all(t.exception() is None for t in done)

    run(scenario())


@PROFILE
@given(body=st.binary(max_size=300) | line_payloads.map(lambda p: json.dumps(p).encode()),
       signature=st.text(max_size=60))
def test_line_a_wrong_signature_is_always_401_and_nothing_is_processed(body, signature):
    if signature == sign(body, LINE_SECRET):
        return
    async def scenario() -> None:
        app, channel, conversations = line_app()
        headers = {"X-Line-Signature": signature} if signature.isascii() else {}
        response = await post(app, "/webhooks/line", body, headers)
        assert response.status_code == 401
        assert len(channel.tasks) == 0 and conversations.seen == []

    run(scenario())


def test_line_the_recorded_payload_reaches_the_conversation():
    async def scenario() -> None:
        app, channel, conversations = line_app()
        payload = fixture("line/text_message.json")
        payload["events"][0]["timestamp"] = int(time.time() * 1000)  # recorded long ago: now, as LINE sends it
        body = json.dumps(payload).encode()
        response = await post(app, "/webhooks/line", body, {"X-Line-Signature": sign(body, LINE_SECRET)})
        assert response.status_code == 200
        await channel.tasks.drain()
        assert [m.channel for m in conversations.seen] == ["line"]

    run(scenario())


telegram_updates = st.fixed_dictionaries(
    {"update_id": st.integers(min_value=-5, max_value=2**40) | st.text(max_size=4)},
    optional={"message": json_values | st.just(fixture("telegram/text_message.json")["message"]),
              "callback_query": json_values, "edited_message": json_values, "poll": json_values},
) | json_values


def telegram_app() -> tuple[FastAPI, TelegramChannel]:
    channel = TelegramChannel(SETTINGS)
    channel.ready.set()  # the Application is not started: updates stay on its queue
    channel.inbox = ChannelInbox(Inbox(inbox_store()), "telegram", channel.replay)
    app = FastAPI()
    app.include_router(channel.router)
    return app, channel


@PROFILE
@given(update=telegram_updates)
def test_telegram_any_json_with_the_secret_is_200_or_400(update):
    async def scenario() -> None:
        app, channel = telegram_app()
        body = json.dumps(update).encode()
        response = await post(app, "/webhooks/telegram", body, {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
        assert response.status_code in (200, 400), response.text
        if response.status_code == 400:
            assert channel.application.update_queue.empty()

    run(scenario())


@PROFILE
@given(update=telegram_updates, secret=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126),
                                               max_size=40))
def test_telegram_a_wrong_secret_is_always_401_and_nothing_is_queued(update, secret):
    if secret == TELEGRAM_SECRET:
        return
    async def scenario() -> None:
        app, channel = telegram_app()
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        response = await post(app, "/webhooks/telegram", json.dumps(update).encode(), headers)
        assert response.status_code == 401
        assert channel.application.update_queue.empty()

    run(scenario())
