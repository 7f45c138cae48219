"""The 再試一次 button never puts what a user typed into the button payload table.

Why: a payload too long for the platform (Telegram: 64 bytes) travels as a short id and its text is kept
in `button_payloads` for 30 days, a place no notice tells the user about. The button now carries the
text only when it fits in the button itself; a longer message gets the same answer (「請過一會兒再傳一次」)
without the button. Rasa is unreachable in these tests, so every text gets that answer."""

from __future__ import annotations

import json

import pytest
from fakes.payloads import telegram_chat, telegram_text
from sqlalchemy import select

from cases.db import CaseStore
from cases.models import ButtonPayload, InboxEvent
from channels.canned import RETRY_BUTTON, UNAVAILABLE_REPLY, try_again_reply
from test_inbox_gateway import env, gateway, until  # noqa: F401  (fixture + helpers)

pytestmark = pytest.mark.cases

from fakes.secrets import TELEGRAM_SECRET  # noqa: E402

TG_HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
LONG_QUESTION = "我在餐廳打工，老闆扣我薪水，我的身分證 A123456789，電話 0912-345-678，可以請人打給我嗎"
SHORT_QUESTION = "加班費怎麼算"


def held_texts(url: str) -> list[str]:
    """Every button payload and every inbox body and stored answer in the case database."""
    store = CaseStore(url=url)
    try:
        with store.read() as s:
            return ([p for p in s.scalars(select(ButtonPayload.payload))]
                    + [f"{row.body}{row.reply or ''}" for row in s.scalars(select(InboxEvent))])
    finally:
        store.dispose()


def inbox_done(url: str) -> bool:
    store = CaseStore(url=url)
    try:
        with store.read() as s:
            rows = list(s.scalars(select(InboxEvent.status)))
        return bool(rows) and all(status == "done" for status in rows)
    finally:
        store.dispose()


def retry_buttons(message: dict) -> list[dict]:
    markup = message.get("reply_markup") or {"inline_keyboard": []}
    markup = json.loads(markup) if isinstance(markup, str) else markup
    return [b for row in markup["inline_keyboard"] for b in row if b["text"] == RETRY_BUTTON]


async def test_a_long_message_is_not_kept_in_the_button_payloads(env, tmp_path, line_api, telegram_api):
    chat = telegram_chat()
    async with gateway(tmp_path, line_api, telegram_api) as client:
        response = await client.post("/webhooks/telegram", json=telegram_text(chat, LONG_QUESTION),
                                     headers=TG_HEADERS)
        assert response.status_code == 200
        await until(lambda: telegram_api.sent_to(chat) and inbox_done(env))
    [answer] = telegram_api.sent_to(chat)
    assert "請過一會兒再傳一次" in answer["text"]
    assert retry_buttons(answer) == []
    assert not [text for text in held_texts(env) if "A123456789" in text or "0912-345-678" in text]


async def test_a_short_message_travels_inside_its_button(env, tmp_path, line_api, telegram_api):
    chat = telegram_chat()
    async with gateway(tmp_path, line_api, telegram_api) as client:
        response = await client.post("/webhooks/telegram", json=telegram_text(chat, SHORT_QUESTION),
                                     headers=TG_HEADERS)
        assert response.status_code == 200
        await until(lambda: telegram_api.sent_to(chat) and inbox_done(env))
    [answer] = telegram_api.sent_to(chat)
    assert [b["callback_data"] for b in retry_buttons(answer)] == [SHORT_QUESTION]
    assert not [text for text in held_texts(env) if SHORT_QUESTION in text]


@pytest.mark.parametrize("text,button", [
    ("加班費怎麼算", True),
    ("a" * 64, True),
    ("a" * 65, False),
    ("我" * 21 + "嗎", False),  # 66 bytes: Telegram would need a stored short id
    ("~p0123456789abcdef", False),  # looks like a short id: would be looked up, never sent
    ("   ", False),
    (None, False),
])
def test_the_retry_button_only_carries_texts_that_fit_in_every_button(text, button):
    [message] = try_again_reply(text).messages
    assert message.text == UNAVAILABLE_REPLY
    assert [(b.title, b.payload) for b in message.buttons] == ([(RETRY_BUTTON, text)] if button else [])
