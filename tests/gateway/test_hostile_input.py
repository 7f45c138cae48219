"""Hostile and odd input through every channel (REST, LINE, Telegram, web chat) of the real gateway.

Every case must get a clear answer (or a clean 4xx for a broken request), never a 5xx, and the gateway
must keep working afterwards.
"""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fakes.fake_line import accepted_for
from fakes.fake_telegram import params, sends_to
from fakes.payloads import line_body, line_event, line_user, sign, telegram_chat, telegram_text
from fakes.secrets import LINE_SECRET, TELEGRAM_SECRET
from fastapi import FastAPI
from pydantic import BaseModel

from channels.conversation import EMPTY_TEXT_REPLY, TOO_LONG_NOTE
from labourbot.language import detect
from channels.limits import RATE_LIMITED_REPLY, BodySizeLimit
from labourbot.config import get_settings

pytestmark = pytest.mark.e2e
CHANNELS = ["rest", "line", "telegram", "web"]
LONG = "我每天加班四小時老闆都不給加班費，" * 320  # 5,440 characters
ODD_TEXTS = {
    "whitespace": " \n\t\u3000 ",
    "long": LONG,
    "emoji": "😀😡🙏🙏💸",
    "zero_width_and_control": "加班費\u200b怎麼\u200d算\u0007\u001b[31m\ufeff",
    "only_invisible": "\u200b\u200c\u200d\ufeff",
    "html_js": "<script>alert('x')</script><img src=x onerror=alert(1)> 加班費怎麼算",
    "sql": "'; DROP TABLE events; -- 加班費 OR 1=1",
    "rtl_and_combining": "\u202eabc\u202c Z\u0351\u0352\u0353 資遣費",
}
FOREIGN = {
    "en": ("My boss did not pay my salary for two months, what can I do?", "hotline"),
    "th": ("นายจ้างไม่จ่ายค่าจ้างให้ฉันสองเดือนแล้ว ทำอย่างไรดี", "ภาษาไทย"),
    "vi": ("Chủ không trả lương cho tôi hai tháng rồi, tôi phải làm sao?", "tiếng Việt"),
    "id": ("Majikan saya tidak bayar gaji saya dua bulan, bagaimana?", "bahasa Indonesia"),
}


def ask(gateway, channel: str, text: str, line_api=None, telegram_api=None) -> list[str]:
    """Send `text` on `channel`; the texts of the answer (webhooks: of the first outgoing call)."""
    client = gateway.client
    if channel == "rest":
        response = client.post("/api/messages", json={"user": "h-" + uuid.uuid4().hex[:12], "text": text})
        assert response.status_code == 200, response.text
        return [m["text"] for m in response.json()["messages"]]
    if channel == "web":
        response = client.post("/chat/api/messages", json={"user": "w-" + uuid.uuid4().hex, "text": text})
        if len(text) > 5000:  # the page never sends more; the API refuses cleanly
            assert response.status_code == 422
            return [TOO_LONG_NOTE]
        assert response.status_code == 200, response.text
        return [m["text"] for m in response.json()["messages"]]
    if channel == "line":
        user, token = line_user(), "h-" + uuid.uuid4().hex
        body = line_body(line_event(user, text, reply_token=token))
        response = client.post("/webhooks/line", content=body, headers={"X-Line-Signature": sign(body, LINE_SECRET)})
        assert response.status_code == 200, response.text
        [first] = line_api.wait_for(accepted_for(user, token))[:1]
        return [m.get("text") or m.get("altText") or "" for m in first.json()["messages"]]
    chat = telegram_chat()
    response = client.post("/webhooks/telegram", json=telegram_text(chat, text),
                           headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    assert response.status_code == 200, response.text
    first = telegram_api.wait_for(sends_to(chat))[0]
    return [str(params(first).get("text", ""))]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("case", list(ODD_TEXTS))
def test_odd_text_gets_a_clear_answer(channel_gateway, line_api, telegram_api, channel, case):
    texts = ask(channel_gateway, channel, ODD_TEXTS[case], line_api, telegram_api)
    joined = "\n".join(texts)
    assert joined.strip(), "an answer with text"
    if case in ("whitespace", "only_invisible"):
        assert EMPTY_TEXT_REPLY[:10] in joined or channel in ("line", "telegram") and joined
    if case == "long" and channel == "rest":
        assert "先讀前" in joined, "the user is told the message was cut"
    if case == "html_js":
        assert "<script>" not in joined and "onerror=" not in joined, "markup is never echoed raw"


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("lang", list(FOREIGN))
def test_foreign_language_is_answered_in_that_language(channel_gateway, line_api, telegram_api, channel, lang):
    text, _ = FOREIGN[lang]
    joined = "\n".join(ask(channel_gateway, channel, text, line_api, telegram_api))
    assert detect(joined).lang == lang, joined  # docs/languages.md


def test_a_short_english_word_still_goes_to_the_bot(channel_gateway):
    response = channel_gateway.client.post("/api/messages", json={"user": "h-" + uuid.uuid4().hex, "text": "hello"})
    assert response.status_code == 200
    assert response.json()["intent"] == "greet"


def test_sql_looking_text_leaves_the_conversation_store_intact(channel_gateway):
    user = "h-" + uuid.uuid4().hex[:12]
    for text in ("'; DROP TABLE events; --", "\" OR \"1\"=\"1", "加班費怎麼算"):
        response = channel_gateway.client.post("/api/messages", json={"user": user, "text": text})
        assert response.status_code == 200 and response.json()["messages"]
    assert response.json()["intent"] == "ask_overtime"


BROKEN_BODIES = [
    ("/api/messages", b"{not json", "application/json"),
    ("/api/messages", b'{"user": "x"}', "application/json"),
    ("/api/messages", b"user=x&text=hi", "application/x-www-form-urlencoded"),
    ("/api/messages", b"hello", "text/plain"),
    ("/chat/api/messages", b"{not json", "application/json"),
    ("/chat/api/messages", b'{"user": "<script>", "text": "hi"}', "application/json"),
    ("/chat/api/messages", b"[]", "application/json"),
]


@pytest.mark.parametrize(("path", "body", "kind"), BROKEN_BODIES)
def test_broken_requests_get_a_clean_4xx(channel_gateway, path, body, kind):
    response = channel_gateway.client.post(path, content=body, headers={"Content-Type": kind})
    assert 400 <= response.status_code < 500, (response.status_code, response.text)


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"events": "x"}', b'{"events": [{"type": 5}]}', b"\xff\xfe"])
def test_line_signed_garbage_is_a_clean_4xx_or_ignored(channel_gateway, line_api, body):
    response = channel_gateway.client.post("/webhooks/line", content=body,
                                           headers={"X-Line-Signature": sign(body, LINE_SECRET)})
    assert response.status_code in (200, 400, 401), (response.status_code, response.text)


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"update_id": "x"}', b"null", b'{"update_id": 1, "message": 7}'])
def test_telegram_garbage_with_the_secret_is_a_clean_4xx(channel_gateway, telegram_api, body):
    response = channel_gateway.client.post("/webhooks/telegram", content=body,
                                           headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
                                                    "Content-Type": "application/json"})
    assert 200 <= response.status_code < 500 and response.status_code != 401, response.text


@pytest.mark.parametrize("path", ["/api/messages", "/chat/api/messages", "/webhooks/line", "/webhooks/telegram"])
def test_oversized_bodies_are_refused_with_413(channel_gateway, path):
    body = json.dumps({"user": "x" * 10, "text": "加" * 300_000}).encode()
    headers = {"Content-Type": "application/json", "X-Line-Signature": sign(body, LINE_SECRET),
               "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    assert channel_gateway.client.post(path, content=body, headers=headers).status_code == 413

    def chunks():  # no Content-Length: the limit holds while streaming too
        for _ in range(40):
            yield b"x" * 10_000

    assert channel_gateway.client.post(path, content=chunks(), headers=headers).status_code == 413


def test_a_replayed_line_webhook_is_answered_once(channel_gateway, line_api):
    user, token = line_user(), "h-" + uuid.uuid4().hex
    body = line_body(line_event(user, "特休怎麼算", reply_token=token))
    headers = {"X-Line-Signature": sign(body, LINE_SECRET)}
    for _ in range(3):
        assert channel_gateway.client.post("/webhooks/line", content=body, headers=headers).status_code == 200
    line_api.wait_for(accepted_for(user, token))
    assert len(line_api.quiet_for(accepted_for(user, token), 2.0)) == 1


def test_a_replayed_telegram_update_is_answered_once(channel_gateway, telegram_api):
    chat = telegram_chat()
    update = telegram_text(chat, "特休怎麼算")
    for _ in range(3):
        response = channel_gateway.client.post("/webhooks/telegram", json=update,
                                               headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
        assert response.status_code == 200
    telegram_api.wait_for(sends_to(chat))
    before = len(telegram_api.quiet_for(sends_to(chat), 2.0))
    assert before >= 1
    assert len(telegram_api.quiet_for(sends_to(chat), 1.0)) == before


def test_unknown_line_event_types_are_accepted_and_ignored(channel_gateway, line_api):
    user = line_user()
    event = line_event(user, "x")
    unknown = {**event, "type": "somethingNew", "somethingNew": {"a": 1}}
    member = {**event, "type": "memberJoined", "joined": {"members": [{"type": "user", "userId": user}]}}
    body = line_body(unknown, member)
    response = channel_gateway.client.post("/webhooks/line", content=body,
                                           headers={"X-Line-Signature": sign(body, LINE_SECRET)})
    assert response.status_code == 200
    assert line_api.quiet_for(lambda r: (r.json() or {}).get("to") == user, 2.0) == []


def test_unknown_telegram_update_kinds_are_accepted(channel_gateway, telegram_api):
    chat = telegram_chat()
    update = telegram_text(chat, "x")
    edited = {"update_id": update["update_id"], "edited_message": update["message"]}
    # Fresh ids from the fakes' counter: ids made up here (id + 1) would be the next test's update ids,
    # which the inbox would then drop as redeliveries.
    fresh = [telegram_text(chat, "y")["update_id"] for _ in range(2)]
    poll = {"update_id": fresh[0], "poll": {"id": "1", "question": "?", "options": [],
                                                           "total_voter_count": 0, "is_closed": False,
                                                           "is_anonymous": True, "type": "regular",
                                                           "allows_multiple_answers": False}}
    for body in (edited, poll, {"update_id": fresh[1], "future_kind": {"x": 1}}):
        response = channel_gateway.client.post("/webhooks/telegram", json=body,
                                               headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
        assert response.status_code in (200, 400), response.text


def test_a_user_flooding_the_bot_is_answered_politely_and_in_order(channel_gateway):
    user = "flood-" + uuid.uuid4().hex[:10]

    def one(i: int) -> dict:
        response = channel_gateway.client.post("/api/messages", json={"user": user, "text": f"謝謝 {i}"})
        assert response.status_code == 200
        return response.json()

    burst = get_settings().rate_burst
    sent = burst + 6
    with ThreadPoolExecutor(sent) as pool:
        answers = list(pool.map(one, range(sent)))
    limited = [a for a in answers if a["messages"][0]["kind"] == "rate_limited"]
    assert 1 <= len(limited) <= sent - burst, "beyond the burst allowance the user is asked to slow down"
    assert all(a["text"] == RATE_LIMITED_REPLY for a in limited)
    assert len(answers) - len(limited) >= burst, "the first messages are answered normally"



class _TextBody(BaseModel):
    text: str


async def test_a_streamed_oversized_body_is_413_even_when_the_route_catches_errors():
    """FastAPI turns any error while reading a JSON body into 400; the limit still answers 413."""
    app = FastAPI()

    @app.post("/m")
    async def m(body: _TextBody) -> dict:
        return {"n": len(body.text)}

    app.add_middleware(BodySizeLimit, max_bytes=1000)

    async def chunks():
        for _ in range(5):
            yield b"x" * 500

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.post("/m", content=chunks(), headers={"Content-Type": "application/json"})
        assert response.status_code == 413
        assert (await client.post("/m", json={"text": "ok"})).status_code == 200
