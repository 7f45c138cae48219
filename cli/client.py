"""A small synchronous client of the gateway's REST channel (used by the CLI and benches)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx


class GatewayUnavailable(Exception):
    """The gateway did not answer (stack not running, wrong address)."""


class GatewayClient:
    def __init__(self, base_url: str, timeout_s: float = 60.0) -> None:
        self.base_url = base_url
        self._client = httpx.Client(base_url=base_url, timeout=timeout_s)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "GatewayClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ask(self, text: str, user: str | None = None) -> dict[str, Any]:
        """Send one message; a fresh conversation unless `user` is given."""
        user = user or f"cli-{uuid.uuid4().hex[:12]}"
        try:
            response = self._client.post("/api/messages", json={"user": user, "text": text})
        except httpx.TransportError as exc:
            raise GatewayUnavailable(
                f"無法連線到 {self.base_url}（{type(exc).__name__}）。請先在另一個終端機執行 `make run`。"
            ) from exc
        if response.status_code != 200:
            raise GatewayUnavailable(f"gateway 回應 {response.status_code}：{response.text[:200]}")
        return response.json()
