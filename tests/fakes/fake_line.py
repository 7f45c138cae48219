"""A fake LINE Messaging API (api.line.me and api-data.line.me paths) that checks what LINE checks.

* reply: a reply token works once; tokens in `bad_reply_tokens` answer 400 "Invalid reply token".
* push: an X-Line-Retry-Key seen before answers 409 (LINE's behaviour); a key that is not a UUID 400.
* both: 1-5 messages, text <= 5,000 characters, quick reply <= 13 items with labels <= 20, postback data
  <= 300; a violation answers 400 with the reason (so a test sees what LINE would refuse).
* rich menu: validate, create, upload content, set default, list, delete; link one to a user and unlink
  it (`user_rich_menus`: user id -> rich menu id).

Failure modes, beside `fail_next` (any status, e.g. 429 "You have reached your monthly limit.", 403, 500):
`stall_next` holds requests longer than the client waits and then handles them normally, as LINE does
with a request whose answer was lost: a timed-out push may well have been taken.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from typing import Any, Callable

from .server import FakeServer, Recorded

REPLY = "/v2/bot/message/reply"
PUSH = "/v2/bot/message/push"


def line_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _actions(node: Any) -> list[dict[str, Any]]:
    """Every action object inside a message (quick replies, flex components)."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if isinstance(node.get("action"), dict):
            found.append(node["action"])
        for value in node.values():
            found += _actions(value)
    elif isinstance(node, list):
        for value in node:
            found += _actions(value)
    return found


def problems(messages: Any) -> list[str]:
    """What LINE would refuse in a list of message objects."""
    out: list[str] = []
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return ["messages must be a list of 1 to 5 message objects"]
    for i, m in enumerate(messages):
        if m.get("type") == "text":
            if not m.get("text") or line_len(m["text"]) > 5000:
                out.append(f"messages[{i}].text must be 1-5000 characters")
        elif m.get("type") == "flex":
            if not m.get("altText") or line_len(m["altText"]) > 1500:
                out.append(f"messages[{i}].altText must be 1-1500 characters")
            if len(json.dumps(m.get("contents"), ensure_ascii=False).encode()) > 50_000:
                out.append(f"messages[{i}].contents too large")
        items = (m.get("quickReply") or {}).get("items", [])
        if len(items) > 13:
            out.append(f"messages[{i}].quickReply.items must be at most 13")
        for item in items:
            if line_len(item["action"].get("label", "")) > 20:
                out.append(f"messages[{i}].quickReply label longer than 20")
        for action in _actions(m):
            if action.get("type") == "postback" and line_len(action.get("data", "")) > 300:
                out.append(f"messages[{i}] postback data longer than 300")
            if action.get("type") == "message" and line_len(action.get("text", "")) > 300:
                out.append(f"messages[{i}] message action text longer than 300")
            if "label" in action and line_len(action["label"]) > 40:
                out.append(f"messages[{i}] action label longer than 40")
    return out


class FakeLineApi(FakeServer):
    def __init__(self, access_token: str) -> None:
        super().__init__()
        self.access_token = access_token
        self.bad_reply_tokens: set[str] = set()
        self.used_reply_tokens: set[str] = set()
        self.retry_keys: set[str] = set()
        self.rich_menus: dict[str, dict[str, Any]] = {}
        self.default_rich_menu: str | None = None
        self.user_rich_menus: dict[str, str] = {}
        self.images: dict[str, tuple[str, bytes]] = {}
        self._stalls: list[tuple[Callable[[Recorded], bool], float]] = []
        self._stall_lock = threading.Lock()

    def reset(self) -> None:
        super().reset()
        self.bad_reply_tokens.clear()
        with self._stall_lock:
            self._stalls.clear()

    def stall_next(
        self, seconds: float, count: int = 1, when: Callable[[Recorded], bool] | None = None
    ) -> None:
        """Hold the next `count` requests (matching `when`) for `seconds` before handling them normally."""
        with self._stall_lock:
            self._stalls += [(when or (lambda r: True), seconds)] * count

    def _answer(self, record: Recorded) -> tuple[int, Any]:
        with self._stall_lock:
            stall = next((i for i, (when, _) in enumerate(self._stalls) if when(record)), None)
            seconds = self._stalls.pop(stall)[1] if stall is not None else 0.0
        time.sleep(seconds)  # outside the fake's lock: other requests go on meanwhile
        return super()._answer(record)

    def respond(self, r: Recorded) -> tuple[int, Any]:
        if r.headers.get("authorization") != f"Bearer {self.access_token}":
            return 401, {
                "message": "Authentication failed. Confirm that the access token in the authorization "
                "header is valid."
            }
        if r.method == "POST" and r.path == REPLY:
            body = r.json()
            token = body.get("replyToken", "")
            if token in self.bad_reply_tokens or token in self.used_reply_tokens or not token:
                return 400, {"message": "Invalid reply token"}
            bad = problems(body.get("messages"))
            if bad:
                return 400, {"message": "The request body has 1 error(s)", "details": bad}
            self.used_reply_tokens.add(token)
            return 200, {"sentMessages": [{"id": uuid.uuid4().hex[:18]} for _ in body["messages"]]}
        if r.method == "POST" and r.path == PUSH:
            key = r.headers.get("x-line-retry-key")
            if key and not _is_uuid(key):
                return 400, {"message": "The value for the 'X-Line-Retry-Key' header is invalid"}
            if key and key in self.retry_keys:
                return 409, {"message": "The retry key is already accepted"}
            body = r.json()
            bad = problems(body.get("messages")) + ([] if body.get("to") else ["to is required"])
            if bad:
                return 400, {"message": "The request body has 1 error(s)", "details": bad}
            if key:
                self.retry_keys.add(key)
            return 200, {"sentMessages": [{"id": uuid.uuid4().hex[:18]} for _ in body["messages"]]}
        return self._rich_menu(r)

    def _rich_menu(self, r: Recorded) -> tuple[int, Any]:
        if r.method == "POST" and r.path == "/v2/bot/richmenu/validate":
            return 200, {}
        if r.method == "POST" and r.path == "/v2/bot/richmenu":
            menu_id = "richmenu-" + uuid.uuid4().hex
            self.rich_menus[menu_id] = {**r.json(), "richMenuId": menu_id}
            return 200, {"richMenuId": menu_id}
        if r.method == "GET" and r.path == "/v2/bot/richmenu/list":
            return 200, {"richmenus": list(self.rich_menus.values())}
        match = re.fullmatch(r"/v2/bot/richmenu/(richmenu-[0-9a-f]+)/content", r.path)
        if r.method == "POST" and match:
            if match.group(1) not in self.rich_menus:
                return 404, {"message": "Not found"}
            self.images[match.group(1)] = (r.headers.get("content-type", ""), r.body)
            return 200, {}
        match = re.fullmatch(r"/v2/bot/user/all/richmenu/(richmenu-[0-9a-f]+)", r.path)
        if r.method == "POST" and match:
            if match.group(1) not in self.images:
                return 400, {"message": "An image has not been uploaded to the rich menu"}
            self.default_rich_menu = match.group(1)
            return 200, {}
        match = re.fullmatch(r"/v2/bot/user/(U[0-9a-f]{32})/richmenu/(richmenu-[0-9a-f]+)", r.path)
        if r.method == "POST" and match:  # link a rich menu to one user
            if match.group(2) not in self.rich_menus:
                return 400, {"message": "richmenu not found"}
            if match.group(2) not in self.images:
                return 400, {"message": "An image has not been uploaded to the rich menu"}
            self.user_rich_menus[match.group(1)] = match.group(2)
            return 200, {}
        match = re.fullmatch(r"/v2/bot/user/(U[0-9a-f]{32})/richmenu", r.path)
        if r.method == "DELETE" and match:  # unlink: the user sees the default menu again
            self.user_rich_menus.pop(match.group(1), None)
            return 200, {}
        match = re.fullmatch(r"/v2/bot/richmenu/(richmenu-[0-9a-f]+)", r.path)
        if r.method == "DELETE" and match:
            self.rich_menus.pop(match.group(1), None)
            return 200, {}
        return 404, {"message": "Not found"}

    # ---- reading --------------------------------------------------------------------------------------

    def sent(self, to_or_token: str | None = None) -> list[Recorded]:
        """Accepted reply and push calls (optionally only those for one reply token or push target)."""

        def match(r: Recorded) -> bool:
            if r.path not in (REPLY, PUSH) or r.status != 200:
                return False
            body = r.json()
            return to_or_token is None or to_or_token in (body.get("replyToken"), body.get("to"))

        return self.matching(match)


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


def is_outgoing(r: Recorded) -> bool:
    return r.path in (REPLY, PUSH)


def accepted_for(user_id: str, reply_token: str) -> Any:
    """Predicate: an accepted reply with this token, or an accepted push to this user."""

    def match(r: Recorded) -> bool:
        if r.path not in (REPLY, PUSH) or r.status != 200:
            return False
        body = r.json()
        return body.get("replyToken") == reply_token or body.get("to") == user_id

    return match
