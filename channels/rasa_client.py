"""HTTP client for the Rasa server's REST channel and tracker API.

At most `max_in_flight` requests are sent to a Rasa process at once; the others wait here, in arrival
order. Rasa works through its requests one at a time per process anyway, and a burst of hundreds of
requests queued inside httpx's connection pool costs the gateway more CPU than the answers (the pool
rescans its queue on every change: 29 % of the gateway's CPU in bench/burst.py before this gate). The
wait counts towards the timeout, so a message that cannot be served in time gets the retry hint, never
silence.

With several Rasa processes (LABOURBOT_RASA_PROCESSES), each conversation always goes to the same one
(a stable hash of the sender id), so the per-conversation lock of Rasa's in-memory lock store is enough
and the processes share one tracker store. Each process has its own gate and connections.

Rasa's HTTP API (trackers, /status) is started with a token (`--auth-token`, cli/serve.py); every request
carries it as `?token=`, as Rasa expects. A sender goes into a URL percent-encoded (`conversation_path`):
an id is one path segment, never a path (`rest:/../line:U.../tracker` would reach another user's tracker).
"""

from __future__ import annotations

import asyncio
import zlib
from urllib.parse import quote
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa could not be reached or answered with an error."""


@dataclass(frozen=True)
class ParseResult:
    intent: str
    confidence: float


@dataclass
class _Shard:
    """One Rasa process: its connections and its gate."""

    client: httpx.AsyncClient
    gate: asyncio.Semaphore

    @classmethod
    def open(cls, base_url: str, timeout_s: float, max_in_flight: int, token: str = "") -> "_Shard":
        client = httpx.AsyncClient(
            base_url=base_url,
            params={"token": token} if token else None,
            timeout=httpx.Timeout(timeout_s, connect=3.0),
            # a few connections beyond the gate for /status (health checks) while the gate is full
            limits=httpx.Limits(max_connections=max_in_flight + 4, max_keepalive_connections=max_in_flight),
        )
        return cls(client, asyncio.Semaphore(max_in_flight))


def conversation_path(sender: str, tail: str) -> str:
    """`/conversations/<sender>/<tail>` with the sender as one segment. Rasa's router (Sanic) does not
    decode the segment, so the characters of real ids (letters, digits, _ . - ~ : @) stay as they are,
    and only the others (/ ? # % space ...) are encoded: they then name a conversation of their own."""
    segment = quote(sender, safe=":@")
    if segment in (".", ".."):  # a dot segment would be resolved away by the URL
        segment = segment.replace(".", "%2E")
    return f"/conversations/{segment}/{tail}"


def shard_index(sender: str, shards: int) -> int:
    """Which of `shards` Rasa processes holds this conversation (stable across gateway restarts)."""
    return zlib.crc32(sender.encode("utf-8")) % shards


class RasaClient:
    def __init__(self, base_url: str | Sequence[str], timeout_s: float = 30.0, parse_channel: bool = True,
                 max_in_flight: int = 16, token: str = "") -> None:
        self.parse_channel = parse_channel  # one call per message via bot/rest_parse.py (off: REST + tracker)
        self.timeout_s = timeout_s
        bases = [base_url] if isinstance(base_url, str) else list(base_url)
        if not bases:
            raise ValueError("at least one Rasa address is needed")
        self._shards = [_Shard.open(base, timeout_s, max_in_flight, token) for base in bases]

    async def close(self) -> None:
        for shard in self._shards:
            await shard.client.aclose()

    async def _request(self, sender: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request through the sender's gate; waiting and answering together within the timeout."""
        shard = self._shards[shard_index(sender, len(self._shards))]
        try:
            async with asyncio.timeout(self.timeout_s):
                async with shard.gate:
                    return await shard.client.request(method, path, **kwargs)
        except TimeoutError as exc:
            raise httpx.TimeoutException(f"no answer from Rasa within {self.timeout_s:.0f} s") from exc

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Post one user message; returns Rasa's bot messages (text/buttons/custom dicts)."""
        payload = {"sender": sender, "message": text, "metadata": metadata or {}}
        try:
            response = await self._request(sender, "POST", "/webhooks/rest/webhook", json=payload)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc) or type(exc).__name__) from exc
        body = response.json()
        return body if isinstance(body, list) else []

    async def send_parsed(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> tuple[list[dict[str, Any]], ParseResult]:
        """Post one user message to the rest_parse channel (bot/rest_parse.py): the bot's messages and the
        message's intent in one call. Falls back to send + latest_parse when Rasa lacks that channel."""
        if self.parse_channel:
            payload = {"sender": sender, "message": text, "metadata": metadata or {}}
            try:
                response = await self._request(sender, "POST", "/webhooks/rest_parse/webhook", json=payload)
                if response.status_code == 404:
                    self.parse_channel = False
                else:
                    response.raise_for_status()
                    body = response.json()
                    intent = body.get("intent") or {}
                    messages = body.get("messages")
                    return (messages if isinstance(messages, list) else [],
                            ParseResult(str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)))
            except httpx.HTTPError as exc:
                raise RasaUnavailable(str(exc) or type(exc).__name__) from exc
        messages = await self.send(sender, text, metadata)
        return messages, await self.latest_parse(sender)

    async def latest_parse(self, sender: str) -> ParseResult:
        """Intent and confidence of the sender's latest message, from the tracker."""
        try:
            response = await self._request(
                sender, "GET", conversation_path(sender, "tracker"), params={"include_events": "NONE"}
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc) or type(exc).__name__) from exc
        intent = (response.json().get("latest_message") or {}).get("intent") or {}
        return ParseResult(intent=intent.get("name") or "", confidence=float(intent.get("confidence") or 0.0))

    async def tracker_events(self, sender: str, timeout_s: float = 3.0) -> list[dict[str, Any]]:
        """The events of the sender's conversation since its last restart, from the process that holds it."""
        try:
            async with asyncio.timeout(timeout_s):
                response = await self._request(sender, "GET", conversation_path(sender, "tracker"),
                                               params={"include_events": "AFTER_RESTART"})
            response.raise_for_status()
            events = response.json().get("events")
        except (httpx.HTTPError, TimeoutError, ValueError, AttributeError) as exc:
            raise RasaUnavailable(str(exc) or type(exc).__name__) from exc
        return events if isinstance(events, list) else []

    async def status(self) -> dict[str, Any]:
        """The first process's /status; RasaUnavailable when any process does not answer."""
        answers = []
        for i, shard in enumerate(self._shards):
            try:
                response = await shard.client.get("/status", timeout=3.0)
                response.raise_for_status()
            except httpx.HTTPError as exc:
                where = f"process {i + 1} of {len(self._shards)}: " if len(self._shards) > 1 else ""
                raise RasaUnavailable(where + (str(exc) or type(exc).__name__)) from exc
            answers.append(response.json())
        return answers[0]
