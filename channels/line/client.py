"""Sending to LINE: a reply with the reply token, pushes for the rest, and what LINE did with each send.

One AsyncApiClient (aiohttp pool) for the gateway's lifetime. An answer goes out as groups of at most
five messages (`render.batches`), one API call each: the first by reply when the event's token is fresh,
the others (or all, when the token failed or is too old) by push.

Every send ends in one of three outcomes, and the caller acts on it:
* SENT: LINE took it; also a push answered 409, because LINE has already accepted that X-Line-Retry-Key.
* TRANSIENT: worth another try later: 429 (rate limit, monthly quota), 5xx, 401 and 408, network errors
  and time-outs, each after PUSH_ATTEMPTS tries within the call. 401 is ours (a wrong or rotated token),
  not the message's: it must not throw the answer away for good.
* REFUSED: final, any other 4xx (a bad request, 403 for a user we may not message): trying again cannot
  help, and the inbox must not replay the event (channels/line/channel.py marks its row refused).

Pushes carry an X-Line-Retry-Key (a UUID) so that a push repeated after a time-out, a 5xx or a crash is
never shown twice. Given a `retry_key` base (the channel passes the event's inbox key), the key of group
i is `push_retry_key(base, i)`, the same on every try of the event, also after a restart. `push` is also
what the outbox sender (channels/line/outbox.py) uses for staff replies, with the outbox row's key.
Nothing of the messages or of the user is logged: only statuses and LINE's short error message.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
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

from channels.line.render import Message

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_S = 10.0
PUSH_ATTEMPTS = 3
RETRY_PAUSE_S = 0.5  # before the 2nd push attempt; doubled before each further one

SENT = "sent"
TRANSIENT = "transient"
REFUSED = "refused"
TRANSIENT_STATUSES = frozenset({401, 408, 429})  # besides 5xx


@dataclass(frozen=True)
class Outcome:
    """What LINE did with one send (SENT, TRANSIENT or REFUSED); `reason` holds statuses only."""

    status: str
    reason: str = ""
    attempts: int = 1

    @property
    def sent(self) -> bool:
        return self.status == SENT


@dataclass
class Delivery:
    """How an answer went out: 'reply', 'push', 'reply+push', 'none', with '+failed' (or 'failed') when a
    group did not; the API calls it took; the outcome of the answer (SENT when every group went out, else
    that of the group that did not); and how many groups are out, counting those out before `start`."""

    via: str
    calls: int
    status: str = SENT
    sent: int = 0
    reason: str = ""


OnSent = Callable[[int], Awaitable[None]]


def status_outcome(status: int, reason: str, attempts: int = 1) -> Outcome:
    """The outcome of an HTTP status LINE answered to a push."""
    if 200 <= status < 300 or status == 409:  # 409: this retry key was accepted before
        return Outcome(SENT, "", attempts)
    transient = status in TRANSIENT_STATUSES or status >= 500
    return Outcome(TRANSIENT if transient else REFUSED, reason, attempts)


class LineSender:
    def __init__(
        self,
        api_base: str,
        access_token: str,
        reply_max_age_s: float = 50.0,
        request_timeout_s: float = REQUEST_TIMEOUT_S,
        retry_pause_s: float = RETRY_PAUSE_S,
    ) -> None:
        self._client = AsyncApiClient(Configuration(host=api_base, access_token=access_token))
        self.api = AsyncMessagingApi(self._client)
        self.has_token = bool(access_token.strip())
        self.reply_max_age_s = reply_max_age_s
        self.request_timeout_s = request_timeout_s
        self.retry_pause_s = retry_pause_s

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
        groups: list[list[Message]],
        *,
        reply_token: str | None,
        to: str | None,
        event_time_ms: int | None = None,
        retry_key: str | None = None,
        start: int = 0,
        on_sent: OnSent | None = None,
    ) -> Delivery:
        """Send `groups[start:]` in order, stopping at the first that does not go out.

        The first group goes by reply when `start` is 0 and the token is usable; every other group (and
        the first, when the reply failed) by push, group i with the X-Line-Retry-Key
        `push_retry_key(retry_key, i)`. `on_sent(n)` is awaited after each group that went out, n being
        the number of groups out so far (the index to resume from)."""
        if start >= len(groups):
            return Delivery("none", 0, SENT, len(groups))
        calls, via, index = 0, [], start
        if index == 0 and self.reply_token_usable(reply_token, event_time_ms):
            calls += 1
            if await self._reply(reply_token, groups[0]):  # type: ignore[arg-type]
                via.append("reply")
                index = await _count(on_sent, 1)
        while index < len(groups):
            if not to:
                logger.warning("line: cannot push (no user id in the event); %d groups not sent",
                               len(groups) - index)
                return Delivery("+".join(via + ["failed"]), calls, REFUSED, index, "no user id to push to")
            outcome = await self.push(to, groups[index], push_retry_key(retry_key, index))
            calls += outcome.attempts
            if not outcome.sent:
                return Delivery("+".join(via + ["failed"]), calls, outcome.status, index, outcome.reason)
            if "push" not in via:
                via.append("push")
            index = await _count(on_sent, index + 1)
        return Delivery("+".join(via), calls, SENT, index)

    async def _reply(self, reply_token: str, group: list[Message]) -> bool:
        """Whether LINE took the reply; any failure is left to a push (the token is single-use and short
        lived, so a reply is never retried)."""
        request = ReplyMessageRequest.from_dict({"replyToken": reply_token, "messages": group})
        try:
            await self.api.reply_message(request, _request_timeout=self.request_timeout_s)
            return True
        except ApiException as exc:
            logger.info("line: reply refused (%s %s), pushing instead", exc.status, _line_error(exc))
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.info("line: reply failed (%s), pushing instead", type(exc).__name__)
        return False

    async def push(self, to: str, messages: list[Message], retry_key: str,
                   attempts: int = PUSH_ATTEMPTS) -> Outcome:
        """Push one group (1-5 messages) to a user, group or room; tried up to `attempts` times with the
        same `retry_key` while the failure is transient (the outbox tries once: its worker backs off)."""
        request = PushMessageRequest.from_dict({"to": to, "messages": messages})
        outcome = Outcome(TRANSIENT)
        for attempt in range(1, attempts + 1):
            outcome = await self._push_once(request, retry_key, attempt)
            if outcome.status != TRANSIENT:
                return outcome
            if attempt < attempts:
                await asyncio.sleep(self.retry_pause_s * 2 ** (attempt - 1))
        if attempts > 1:
            logger.warning("line: push not taken after %d attempts (%s)", attempts, outcome.reason)
        return outcome

    async def _push_once(self, request: PushMessageRequest, retry_key: str, attempt: int) -> Outcome:
        try:
            await self.api.push_message(
                request, x_line_retry_key=retry_key, _request_timeout=self.request_timeout_s
            )
            return Outcome(SENT, "", attempt)
        except ApiException as exc:
            reason = f"LINE {exc.status} {_line_error(exc)}".strip()
            outcome = status_outcome(exc.status or 0, reason, attempt)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            outcome = Outcome(TRANSIENT, type(exc).__name__, attempt)
        if not outcome.sent:
            logger.warning("line: push attempt %d failed (%s)", attempt, outcome.reason)
        return outcome


async def _count(on_sent: OnSent | None, count: int) -> int:
    if on_sent is not None:
        await on_sent(count)
    return count


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
