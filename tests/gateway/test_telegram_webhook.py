"""Telegram end to end: fake Bot API <-> gateway (real) -> Rasa + action server (real)."""

from __future__ import annotations

import re
import time

import pytest
from fakes.fake_telegram import params, sends_to
from fakes.payloads import telegram_button, telegram_chat, telegram_text
from fakes.secrets import TELEGRAM_SECRET

pytestmark = pytest.mark.e2e
CITATION = re.compile(r"勞動基準法第\d+條")


def post(gateway, update: dict, secret: str | None = TELEGRAM_SECRET):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return gateway.client.post("/webhooks/telegram", json=update, headers=headers)


def test_a_labour_question_gets_an_answer_with_citations_and_an_inline_keyboard(
    channel_gateway, telegram_api
):
    chat = telegram_chat()
    response = post(channel_gateway, telegram_text(chat, "休息日加班費怎麼算"))
    answered_at = time.perf_counter()
    assert response.status_code == 200
    sent = telegram_api.wait_for(sends_to(chat))
    assert answered_at < sent[0].at, "the webhook is answered before the answer is sent"
    time.sleep(0.5)
    messages = [params(r) for r in telegram_api.matching(sends_to(chat))]
    answer = next(m for m in messages if CITATION.search(m["text"]))
    assert answer["parse_mode"] == "HTML" and "法源依據" in answer["text"]
    keyboard = answer["reply_markup"]["inline_keyboard"]
    titles = [key["text"] for row in keyboard for key in row]
    assert "找真人" in titles and any(t.startswith("看法條原文") for t in titles)
    assert all(len(key["callback_data"].encode()) <= 64 for row in keyboard for key in row)


def test_a_missing_or_wrong_secret_token_is_refused_and_nothing_is_sent(channel_gateway, telegram_api):
    chat = telegram_chat()
    update = telegram_text(chat, "休息日加班費怎麼算")
    assert post(channel_gateway, update, secret=None).status_code == 401
    assert post(channel_gateway, update, secret="wrong-secret").status_code == 401
    assert post(channel_gateway, update, secret="").status_code == 401
    assert telegram_api.quiet_for(sends_to(chat), 3.0) == []
    assert post(channel_gateway, update).status_code == 200, "the refused update was not remembered"
    telegram_api.wait_for(sends_to(chat))


def test_a_redelivered_update_is_answered_once(channel_gateway, telegram_api):
    chat = telegram_chat()
    update = telegram_text(chat, "/human")
    assert post(channel_gateway, update).status_code == 200
    assert post(channel_gateway, update).status_code == 200
    telegram_api.wait_for(sends_to(chat))
    assert len(telegram_api.quiet_for(sends_to(chat), 3.0)) == 1


def test_start_shows_the_topics_and_a_pressed_button_is_answered(channel_gateway, telegram_api):
    chat = telegram_chat()
    assert post(channel_gateway, telegram_text(chat, "/start")).status_code == 200
    greeting = telegram_api.wait_for(sends_to(chat), count=2)
    keyboard = params(greeting[-1])["reply_markup"]["inline_keyboard"]
    data = dict((row[0]["text"], row[0]["callback_data"]) for row in keyboard)
    assert "找真人" in data
    assert post(channel_gateway, telegram_button(chat, data["找真人"])).status_code == 200
    telegram_api.wait_for(lambda r: r.path.endswith("/answerCallbackQuery"))
    handoff = telegram_api.wait_for(sends_to(chat), count=3)[-1]
    assert "1955" in params(handoff)["text"]


def test_messages_of_one_chat_are_answered_in_arrival_order(channel_gateway, telegram_api):
    chat = telegram_chat()
    # /help is answered by the gateway itself (fast); the others go through Rasa (slower).
    for text in ("休息日加班費怎麼算", "/help", "/human", "/help"):
        assert post(channel_gateway, telegram_text(chat, text)).status_code == 200
    telegram_api.wait_for(sends_to(chat), count=4, timeout=90)
    time.sleep(1.0)
    sent = [params(r)["text"] for r in telegram_api.matching(sends_to(chat))]
    kinds = [
        "help" if "指令" in t else "answer" if CITATION.search(t) else "human" if "1955" in t else "answer"
        for t in sent
    ]
    collapsed = [k for i, k in enumerate(kinds) if i == 0 or k != kinds[i - 1]]
    assert collapsed == ["answer", "help", "human", "help"], kinds


def test_a_bad_update_with_the_right_secret_is_a_clean_400(channel_gateway, telegram_api):
    response = channel_gateway.client.post(
        "/webhooks/telegram",
        content=b"not json",
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
    )
    assert response.status_code == 400
