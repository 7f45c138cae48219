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
    def __init__(self, base_url: str, timeout_s: float = 30.0) -> None:
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
