"""HTTP client for the Rasa server's REST channel and tracker API (one pooled connection set)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa could not be reached or answered with an error."""


@dataclass(frozen=True)
class ParseResult:
    intent: str
    confidence: float


class RasaClient:
    def __init__(self, base_url: str, timeout_s: float = 30.0, parse_channel: bool = True) -> None:
        self.parse_channel = parse_channel  # one call per message via bot/rest_parse.py (off: REST + tracker)
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout_s, connect=3.0),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Post one user message; returns Rasa's bot messages (text/buttons/custom dicts)."""
        payload = {"sender": sender, "message": text, "metadata": metadata or {}}
        try:
            response = await self._client.post("/webhooks/rest/webhook", json=payload)
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
                response = await self._client.post("/webhooks/rest_parse/webhook", json=payload)
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
            response = await self._client.get(
                f"/conversations/{sender}/tracker", params={"include_events": "NONE"}
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc) or type(exc).__name__) from exc
        intent = (response.json().get("latest_message") or {}).get("intent") or {}
        return ParseResult(intent=intent.get("name") or "", confidence=float(intent.get("confidence") or 0.0))

    async def status(self) -> dict[str, Any]:
        try:
            response = await self._client.get("/status", timeout=3.0)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc) or type(exc).__name__) from exc
        return response.json()
