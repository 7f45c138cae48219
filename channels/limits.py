"""Request-size limit (413), a per-user rate limiter that answers politely instead of dropping, and the
per-address limits of the channels whose ids the client chooses (web chat, REST)."""

from __future__ import annotations

import json
import time
from collections import OrderedDict, deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from ipaddress import IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY = 256 * 1024  # LINE batches events, but a webhook body is a few kB


class BodySizeLimit:
    """ASGI middleware: refuse bodies over `max_bytes` with 413, by header or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0
        refused = False

        async def limited_receive() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    refused = True
                    raise _TooLarge()
            return message

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:  # the app caught the refusal (FastAPI turns body errors into 400): answer 413 instead
                if not started and message["type"] == "http.response.start":
                    started = True
                    await self._refuse(send)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"detail": f"request body too large (limit {self.max_bytes} bytes)"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token bucket per sender: `burst` messages at once, then one every `refill_s` seconds."""

    def __init__(self, burst: int = 6, refill_s: float = 2.0, max_senders: int = 50_000) -> None:
        self.burst = burst
        self.refill_s = refill_s
        self.max_senders = max_senders
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def allow(self, sender: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        bucket = self._buckets.pop(sender, None) or _Bucket(tokens=float(self.burst), updated=now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) / self.refill_s)
        bucket.updated = now
        allowed = bucket.tokens >= 1.0
        if allowed:
            bucket.tokens -= 1.0
        self._buckets[sender] = bucket
        while len(self._buckets) > self.max_senders:
            self._buckets.popitem(last=False)
        return allowed


RATE_LIMITED_REPLY = "您傳得有點快 🙂 請稍等幾秒再傳下一則，我會繼續回答您。"


BUSY_REPLY = "目前同一個網路位址同時送來太多訊息，我有點忙不過來 🙏 請等幾秒再傳一次；急需協助請直接撥 1955（24 小時免付費）。"
CASE_FLOOD_NOTE = (
    "（系統彙整）同一網路位址在 {window} 分鐘內已有 {limit} 件含危險字詞的新案件，之後這個位址的同類訊息"
    "不再各自開案（傳訊的人都已收到緊急電話）。其中一則原文：{text}"
)
IPV6_PREFIX = 64  # one IPv6 customer holds a whole /64: its addresses count as one


def network_list(text: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """`10.0.0.1, 192.168.0.0/16, ::1` as networks (ValueError on a typo: a proxy list must not half-work)."""
    return tuple(ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def address_key(host: str) -> str:
    """The bucket key of an address: IPv4 as it is, IPv6 by its /64 (an attacker has the whole /64)."""
    try:
        address = ip_address(host)
    except ValueError:
        return host  # "testclient" and the like: still one key per peer
    if not isinstance(address, IPv6Address):
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ip_network(f"{address}/{IPV6_PREFIX}", strict=False))


def forwarded_client(peer: str | None, forwarded_for: str | None,
                     trusted: Sequence[IPv4Network | IPv6Network] = ()) -> str:
    """The client's address as sent. X-Forwarded-For is believed only hop by hop from the right, and only
    while the hop that added it is one of our `trusted` proxies: anybody can write the header."""
    hops = [part.strip() for part in (forwarded_for or "").split(",") if part.strip()] if trusted else []
    current = peer or "unknown"
    while hops and _is_trusted(current, trusted):
        current = hops.pop()
    return current[:64]


def client_address(peer: str | None, forwarded_for: str | None,
                   trusted: Sequence[IPv4Network | IPv6Network] = ()) -> str:
    """The client's address key for the limits (IPv6 by its /64)."""
    return address_key(forwarded_client(peer, forwarded_for, trusted))


def request_client(request: Request) -> str:
    """The address of the client that sent `request` (console login throttling and audit log). The
    trusted proxies are LABOURBOT_TRUSTED_PROXIES, put on `app.state.trusted_proxies` by channels/app.py."""
    trusted = getattr(request.app.state, "trusted_proxies", ())
    forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
    return forwarded_client(request.client.host if request.client else None, forwarded, trusted)


def request_address(request: Request) -> str:
    """The address key of the client that sent `request`, for the web chat's and REST's limits."""
    return address_key(request_client(request))


def _is_trusted(host: str, trusted: Sequence[IPv4Network | IPv6Network]) -> bool:
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in trusted)


class CaseDecision(Enum):
    OPEN = "open"  # open the urgent case as usual
    NOTE = "note"  # the first one over the limit in the window: one combined note for staff
    SKIP = "skip"  # over the limit, the note already went: the person gets the numbers, no case


class AddressAdmission:
    """Limits per client address for channels whose user ids the client chooses (web chat, REST).

    A per-sender bucket alone is no limit there: a fresh id per request gets a fresh bucket. So each
    address also has a token bucket, at most `max_in_flight` admitted messages at once (Rasa's slots are
    shared with LINE and Telegram), and at most `max_cases` urgent cases per `case_window_s` (each
    one alerts staff). LINE and Telegram ids are signed by the platform: their messages have no address.
    """

    def __init__(self, burst: int = 60, refill_s: float = 0.5, max_in_flight: int = 8, max_cases: int = 3,
                 case_window_s: float = 600.0, max_addresses: int = 50_000) -> None:
        self.buckets = RateLimiter(burst=burst, refill_s=refill_s, max_senders=max_addresses)
        self.max_in_flight = max_in_flight
        self.max_cases = max_cases
        self.case_window_s = case_window_s
        self.max_addresses = max_addresses
        self._in_flight: dict[str, int] = {}
        self._cases: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, address: str | None, now: float | None = None) -> bool:
        """One message from `address` within its rate (always true without an address)."""
        return address is None or self.buckets.allow(address, now)

    @contextmanager
    def slot(self, address: str | None) -> Iterator[bool]:
        """Hold one of the address's in-flight places while the message is answered; yields False
        (nothing held) when they are all taken."""
        if address is None:
            yield True
            return
        held = self._in_flight.get(address, 0)
        if held >= self.max_in_flight:
            yield False
            return
        self._in_flight[address] = held + 1
        try:
            yield True
        finally:
            left = self._in_flight.pop(address) - 1
            if left:
                self._in_flight[address] = left

    def case_decision(self, address: str | None, now: float | None = None) -> CaseDecision:
        """Whether an urgent message from `address` may open a case now (sliding window per address)."""
        if address is None:
            return CaseDecision.OPEN
        now = time.monotonic() if now is None else now
        opened = self._cases.pop(address, None) or deque()
        while opened and now - opened[0] >= self.case_window_s:
            opened.popleft()
        self._cases[address] = opened
        while len(self._cases) > self.max_addresses:
            self._cases.popitem(last=False)
        if len(opened) < self.max_cases:
            opened.append(now)
            return CaseDecision.OPEN
        if len(opened) == self.max_cases:
            opened.append(now)  # the window's note: later ones in the window are skipped
            return CaseDecision.NOTE
        return CaseDecision.SKIP

    def flood_note(self, text: str) -> str:
        """The staff note that stands for the urgent messages not opened as cases."""
        return CASE_FLOOD_NOTE.format(window=round(self.case_window_s / 60), limit=self.max_cases,
                                      text=text[:200])
