"""A fake Telegram Bot API: /bot<token>/<method>, form or JSON parameters, answers like the real one.

* a wrong token answers 401 Unauthorized;
* sendMessage checks text length (4,096 after HTML parsing) and callback_data (1-64 bytes);
* getUpdates serves `queue_update(...)` updates with offset semantics (for polling mode);
* setWebhook / deleteWebhook / getWebhookInfo keep the webhook in memory;
* `refuse_sends(...)` makes every sendMessage fail the way Telegram does (500, 429 with retry_after,
  403 blocked, 400 chat not found) until `accept_sends()`; `stall_sends(s)` answers them `s` seconds late.
"""

from __future__ import annotations

import html
import json
import re
import sys
import time
from typing import Any
from urllib.parse import parse_qs

from .server import FakeServer, Recorded

BOT_ID = 7000001
DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
}
BOT_USERNAME = "tainan_labour_test_bot"
_JSON_FIELDS = {"reply_markup", "allowed_updates", "link_preview_options", "entities", "reply_parameters"}


def params(r: Recorded) -> dict[str, Any]:
    """The method's parameters, whatever way PTB sent them."""
    kind = r.headers.get("content-type", "")
    if "json" in kind:
        return r.json() or {}
    if "x-www-form-urlencoded" in kind:
        out: dict[str, Any] = {}
        for key, values in parse_qs(r.body.decode(), keep_blank_values=True).items():
            value: Any = values[-1]
            if key in _JSON_FIELDS:
                value = json.loads(value)
            out[key] = value
        return out
    return {k: v[-1] for k, v in r.query.items()}


def visible_text(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


class FakeTelegramApi(FakeServer):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.webhook: dict[str, Any] = {}
        self.updates: list[dict[str, Any]] = []
        self._message_id = 100
        self._send_failure: tuple[int, dict[str, Any]] | None = None
        self._send_delay_s = 0.0
        self._server.handle_error = self._handle_error  # type: ignore[method-assign]

    def _handle_error(self, request: Any, address: Any) -> None:
        """A client that gave up on a stalled request (its time-out) is expected, not an error."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        type(self._server).handle_error(self._server, request, address)

    def reset(self) -> None:
        super().reset()
        self.accept_sends()

    def refuse_sends(self, status: int, retry_after: int | None = None) -> None:
        """Answer every sendMessage with `status` (and Telegram's error body) until `accept_sends`."""
        body: dict[str, Any] = {"ok": False, "error_code": status,
                                "description": DESCRIPTIONS[status].format(retry_after=retry_after)}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        with self._cond:
            self._send_failure = (status, body)

    def stall_sends(self, seconds: float) -> None:
        """Answer every sendMessage `seconds` late (longer than the client waits: a time-out)."""
        with self._cond:
            self._send_delay_s = seconds

    def accept_sends(self) -> None:
        with self._cond:
            self._send_failure, self._send_delay_s = None, 0.0

    def error_body(self, status: int) -> Any:
        return {"ok": False, "error_code": status, "description": "Internal Server Error"}

    def queue_update(self, update: dict[str, Any]) -> None:
        with self._cond:
            self.updates.append(update)
            self._cond.notify_all()

    def respond(self, r: Recorded) -> tuple[int, Any]:
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", r.path)
        if not match:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        if match.group(1) != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method, p = match.group(2), params(r)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return 200, {"ok": True, "result": True}
        return handler(p)

    def _m_getMe(self, p: dict[str, Any]) -> tuple[int, Any]:
        return 200, {
            "ok": True,
            "result": {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "勞動法令小幫手",
                "username": BOT_USERNAME,
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            },
        }

    def _m_sendMessage(self, p: dict[str, Any]) -> tuple[int, Any]:
        if self._send_delay_s:
            deadline = time.monotonic() + self._send_delay_s
            while (left := deadline - time.monotonic()) > 0:
                self._cond.wait(left)  # releases the fake's lock; other requests wake it early
            return 500, self.error_body(500)
        if self._send_failure is not None:
            return self._send_failure
        text = str(p.get("text", ""))
        shown = visible_text(text) if p.get("parse_mode") == "HTML" else text
        if not shown.strip() or len(shown) > 4096:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}
        for row in (p.get("reply_markup") or {}).get("inline_keyboard", []):
            for key in row:
                data = key.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    return 400, {
                        "ok": False,
                        "error_code": 400,
                        "description": "Bad Request: BUTTON_DATA_INVALID",
                    }
        self._message_id += 1
        chat_id = int(p["chat_id"])
        return 200, {
            "ok": True,
            "result": {
                "message_id": self._message_id,
                "date": int(time.time()),
                "text": shown,
                "chat": {"id": chat_id, "type": "private"},
                "from": {
                    "id": BOT_ID,
                    "is_bot": True,
                    "first_name": "勞動法令小幫手",
                    "username": BOT_USERNAME,
                },
            },
        }

    def _m_answerCallbackQuery(self, p: dict[str, Any]) -> tuple[int, Any]:
        return 200, {"ok": True, "result": True}

    def _m_setWebhook(self, p: dict[str, Any]) -> tuple[int, Any]:
        self.webhook = {
            "url": p.get("url", ""),
            "secret_token": p.get("secret_token"),
            "allowed_updates": p.get("allowed_updates"),
        }
        return 200, {"ok": True, "result": True, "description": "Webhook was set"}

    def _m_deleteWebhook(self, p: dict[str, Any]) -> tuple[int, Any]:
        self.webhook = {}
        return 200, {"ok": True, "result": True, "description": "Webhook was deleted"}

    def _m_getWebhookInfo(self, p: dict[str, Any]) -> tuple[int, Any]:
        return 200, {
            "ok": True,
            "result": {
                "url": self.webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self.updates),
            },
        }

    def _m_getUpdates(self, p: dict[str, Any]) -> tuple[int, Any]:
        if self.webhook.get("url"):
            return 409, {
                "ok": False,
                "error_code": 409,
                "description": "Conflict: can't use getUpdates method while webhook is active",
            }
        offset = int(p.get("offset") or 0)
        deadline = time.monotonic() + min(float(p.get("timeout") or 0), 1.0)
        while True:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            if self.updates or time.monotonic() >= deadline:
                return 200, {"ok": True, "result": list(self.updates)}
            self._cond.wait(0.1)

    # ---- reading --------------------------------------------------------------------------------------

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        """Parameters of the accepted sendMessage calls to one chat, in order."""
        return [
            params(r)
            for r in self.matching(lambda r: r.path.endswith("/sendMessage") and r.status == 200)
            if int(params(r).get("chat_id", 0)) == chat_id
        ]


def sends_to(chat_id: int) -> Any:
    def match(r: Recorded) -> bool:
        return (
            r.path.endswith("/sendMessage")
            and r.status == 200
            and int(params(r).get("chat_id", 0)) == chat_id
        )

    return match
