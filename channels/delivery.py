"""Sending one outbox message on a chat platform (LINE push, Telegram sendMessage) with httpx.

Success, a retriable failure (network, 5xx, 429, a missing token) or a permanent one (the platform
refuses the message itself). LINE pushes carry the row's idempotency key as X-Line-Retry-Key: a push
repeated after a crash is answered 409 by LINE and not shown twice.
"""

from __future__ import annotations

from typing import Any

import httpx

from cases.outbox import DeliveryError, Outgoing
from channels.settings import ChannelSettings

LINE_PUSH = "/v2/bot/message/push"
LINE_MAX_TEXT = 5000
LINE_MAX_LABEL = 20
TELEGRAM_MAX_TEXT = 4096
TIMEOUT_S = 10.0


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def line_message(message: Outgoing) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "text", "text": _clip(message.text, LINE_MAX_TEXT)}
    if message.buttons:
        body["quickReply"] = {"items": [
            {"type": "action", "action": {"type": "postback", "label": _clip(title, LINE_MAX_LABEL),
                                          "data": payload, "displayText": title}}
            for title, payload in message.buttons[:13]
        ]}
    return body


def telegram_message(message: Outgoing) -> dict[str, Any]:
    body: dict[str, Any] = {"chat_id": message.address, "text": _clip(message.text, TELEGRAM_MAX_TEXT)}
    if message.buttons:
        body["reply_markup"] = {"inline_keyboard": [[{"text": title, "callback_data": payload}]
                                                    for title, payload in message.buttons]}
    return body


class PlatformSender:
    """One pooled HTTP client for the gateway's lifetime."""

    def __init__(self, channels: ChannelSettings, client: httpx.AsyncClient | None = None) -> None:
        self.channels = channels
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(TIMEOUT_S, connect=5.0))

    async def close(self) -> None:
        await self._client.aclose()

    def can_send(self, destination: str) -> bool:
        """Whether this gateway has the credentials for `destination`."""
        if destination == "line":
            return bool(self.channels.line_channel_access_token.get_secret_value().strip())
        if destination == "telegram":
            return not self.channels.telegram_token_missing
        return False

    async def send(self, message: Outgoing) -> None:
        """Deliver or raise DeliveryError."""
        if message.destination == "line":
            await self._line(message)
        elif message.destination == "telegram":
            await self._telegram(message)
        else:
            raise DeliveryError(f"unknown destination {message.destination}", retriable=False)

    async def _post(self, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self._client.post(url, **kwargs)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{type(exc).__name__}", retriable=True) from exc

    async def _line(self, message: Outgoing) -> None:
        token = self.channels.line_channel_access_token.get_secret_value().strip()
        if not token:
            raise DeliveryError("LINE_CHANNEL_ACCESS_TOKEN is not set", retriable=True)
        response = await self._post(
            self.channels.line_api_base + LINE_PUSH,
            json={"to": message.address, "messages": [line_message(message)]},
            headers={"Authorization": f"Bearer {token}", "X-Line-Retry-Key": message.key},
        )
        if response.status_code == 200 or response.status_code == 409:  # 409: this key was accepted before
            return
        raise DeliveryError(f"LINE {response.status_code} {_short(response)}", _retriable(response.status_code))

    async def _telegram(self, message: Outgoing) -> None:
        token = self.channels.telegram_bot_token.get_secret_value().strip()
        if not token:
            raise DeliveryError("TELEGRAM_BOT_TOKEN is not set", retriable=True)
        response = await self._post(f"{self.channels.telegram_api_base}/bot{token}/sendMessage",
                                    json=telegram_message(message))
        if response.status_code == 200:
            return
        raise DeliveryError(f"Telegram {response.status_code} {_short(response)}",
                            _retriable(response.status_code))


def _retriable(status: int) -> bool:
    return status in (401, 408, 429) or status >= 500


def _short(response: httpx.Response) -> str:
    """The platform's short error message (never our request)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        return str(body.get("message") or body.get("description") or "")[:160]
    return ""
