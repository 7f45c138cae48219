"""Platform payloads for the tests and the bench: the recorded ones in tests/fixtures/, made fresh
(new ids, current timestamps) so that every test has its own user, event ids and reply tokens."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import itertools
import json
import time
import uuid
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
_update_ids = itertools.count(int(time.time()) % 1_000_000 * 1000)


def fixture(name: str) -> Any:
    """A recorded payload, e.g. fixture("line/text_message.json")."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# ---- LINE ---------------------------------------------------------------------------------------------


def sign(body: bytes, secret: str) -> str:
    """X-Line-Signature: base64 of HMAC-SHA256 of the body with the channel secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def line_user() -> str:
    return "U" + uuid.uuid4().hex


def line_event(
    user: str,
    text: str | None = None,
    *,
    postback: str | None = None,
    kind: str = "message",
    reply_token: str | None = None,
    event_id: str | None = None,
    age_s: float = 0.0,
) -> dict[str, Any]:
    """A fresh event shaped like the recorded text message (or a postback / follow event)."""
    if kind == "follow":
        event = copy.deepcopy(fixture("line/follow_unfollow.json")["events"][0])
    elif postback is not None:
        event = copy.deepcopy(fixture("line/postback.json")["events"][0])
        event["postback"] = {"data": postback}
    else:
        event = copy.deepcopy(fixture("line/text_message.json")["events"][0])
        event["message"]["text"] = text or ""
        event["message"]["id"] = str(uuid.uuid4().int)[:18]
    event["source"] = {"type": "user", "userId": user}
    event["replyToken"] = reply_token or uuid.uuid4().hex
    event["webhookEventId"] = event_id or uuid.uuid4().hex.upper()[:26]
    event["timestamp"] = int((time.time() - age_s) * 1000)
    return event


def line_body(*events: dict[str, Any]) -> bytes:
    return json.dumps(
        {"destination": "U8e0a1b2c3d4e5f60718293a4b5c6d7e8", "events": list(events)}, ensure_ascii=False
    ).encode()


# ---- Telegram -------------------------------------------------------------------------------------------


def telegram_chat() -> int:
    return 5_000_000_000 + uuid.uuid4().int % 1_000_000_000


def telegram_text(chat_id: int, text: str) -> dict[str, Any]:
    update = copy.deepcopy(fixture("telegram/text_message.json"))
    update["update_id"] = next(_update_ids)
    message = update["message"]
    message["message_id"] = next(_update_ids) % 1_000_000
    message["from"]["id"] = message["chat"]["id"] = chat_id
    message["date"] = int(time.time())
    message["text"] = text
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
    return update


def telegram_button(chat_id: int, data: str) -> dict[str, Any]:
    update = copy.deepcopy(fixture("telegram/callback_query.json"))
    update["update_id"] = next(_update_ids)
    query = update["callback_query"]
    query["id"] = str(uuid.uuid4().int)[:19]
    query["from"]["id"] = query["message"]["chat"]["id"] = chat_id
    query["data"] = data
    return update
