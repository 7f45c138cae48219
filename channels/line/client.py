"""Sending to LINE: reply with the reply token, push when the token failed or is too old.

One AsyncApiClient (aiohttp pool) for the gateway's lifetime. Pushes carry an X-Line-Retry-Key so that
a retried push after a time-out or a 5xx is never shown twice (LINE answers 409 to a repeated key).
Given a `retry_key` (the channel passes one derived from the event's inbox row), the keys are derived
from it, so a replay of the event after a crash repeats the keys of the first try: LINE refuses (409)
what it had already accepted, instead of showing it twice.
Nothing of the messages or of the user is logged: only statuses.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

import aiohttp
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    PushMessageRequest,
    ReplyMessageRequest,
)
from linebot.v3.messaging.exceptions import ApiException

from channels.line.render import Message, batches

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_S = 10.0
PUSH_ATTEMPTS = 3


@dataclass
class Delivery:
    """How a reply went out: 'reply', 'push', 'reply+push' or 'failed', and how many API calls it took."""

    via: str
    calls: int


class LineSender:
    def __init__(self, api_base: str, access_token: str, reply_max_age_s: float = 50.0) -> None:
        self._client = AsyncApiClient(Configuration(host=api_base, access_token=access_token))
        self.api = AsyncMessagingApi(self._client)
        self.reply_max_age_s = reply_max_age_s

    async def close(self) -> None:
        await self._client.close()

    def reply_token_usable(self, reply_token: str | None, event_time_ms: int | None) -> bool:
        if not reply_token:
            return False
        if event_time_ms is None:
            return True
        return time.time() - event_time_ms / 1000 < self.reply_max_age_s

    async def deliver(
        self,
        messages: list[Message],
        *,
        reply_token: str | None,
        to: str | None,
        event_time_ms: int | None = None,
        retry_key: str | None = None,
    ) -> Delivery:
        """Send all messages: the first five with the reply token when usable, the rest (or all) by push.

        Push number i (0-based, counting the messages' batches) carries the X-Line-Retry-Key
        uuid5(`retry_key`, i) when `retry_key` is given, a random one otherwise."""
        groups = batches(messages)
        if not groups:
            return Delivery("none", 0)
        calls, via, total = 0, [], len(groups)
        if self.reply_token_usable(reply_token, event_time_ms):
            calls += 1
            if await self._reply(reply_token, groups[0]):  # type: ignore[arg-type]
                via.append("reply")
                groups = groups[1:]
        for index, group in enumerate(groups, start=total - len(groups)):
            if not to:
                logger.warning("line: cannot push (no user id in the event); %d messages dropped", len(group))
                return Delivery("failed", calls)
            ok, attempts = await self._push(to, group, push_retry_key(retry_key, index))
            calls += attempts
            if not ok:
                return Delivery("+".join(via + ["failed"]), calls)
            if "push" not in via:
                via.append("push")
        return Delivery("+".join(via), calls)

    async def _reply(self, reply_token: str, group: list[Message]) -> bool:
        request = ReplyMessageRequest.from_dict({"replyToken": reply_token, "messages": group})
        try:
            await self.api.reply_message(request, _request_timeout=REQUEST_TIMEOUT_S)
            return True
        except ApiException as exc:
            logger.info("line: reply refused (%s %s), pushing instead", exc.status, _line_error(exc))
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.info("line: reply failed (%s), pushing instead", type(exc).__name__)
        return False

    async def _push(self, to: str, group: list[Message], retry_key: str) -> tuple[bool, int]:
        request = PushMessageRequest.from_dict({"to": to, "messages": group})
        for attempt in range(1, PUSH_ATTEMPTS + 1):
            try:
                await self.api.push_message(
                    request, x_line_retry_key=retry_key, _request_timeout=REQUEST_TIMEOUT_S
                )
                return True, attempt
            except ApiException as exc:
                if exc.status == 409:  # the same retry key was accepted before: already delivered
                    return True, attempt
                retriable = exc.status == 429 or (exc.status or 0) >= 500
                logger.warning(
                    "line: push refused (%s %s)%s",
                    exc.status,
                    _line_error(exc),
                    ", retrying" if retriable and attempt < PUSH_ATTEMPTS else "",
                )
                if not retriable:
                    return False, attempt
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                logger.warning("line: push failed (%s)", type(exc).__name__)
            if attempt < PUSH_ATTEMPTS:
                await asyncio.sleep(0.5 * 2 ** (attempt - 1))
        return False, PUSH_ATTEMPTS


def push_retry_key(base: str | None, index: int) -> str:
    """The X-Line-Retry-Key (a UUID) of push number `index` of a reply: derived from `base`, else random."""
    if base is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"labourbot:line:{base}:{index}"))


def _line_error(exc: ApiException) -> str:
    """LINE's short error message (never the request), e.g. 'Invalid reply token'."""
    try:
        body: Any = json.loads(exc.body or b"{}")
        return str(body.get("message", ""))[:120]
    except (ValueError, AttributeError):
        return ""
