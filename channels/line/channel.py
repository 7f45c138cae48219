"""The LINE channel: POST /webhooks/line.

Signature first (X-Line-Signature, HMAC-SHA256 of the body with the channel secret): missing or wrong
is 401 and nothing is processed or kept. Then the events are parsed into line-bot-sdk's typed events,
redeliveries of an event already taken are dropped (webhookEventId), and the webhook is answered 200 at
once; each event is processed in the background, one at a time per user in arrival order.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError

from channels.conversation import UNAVAILABLE_REPLY
from channels.line.client import LineSender
from channels.line.events import EventContext, reply_for, source_id
from channels.line.render import MAX_DATA_CHARS, render
from channels.line.support import BackgroundTasks, KeyedSerializer, PayloadStore, RecentIds, canned
from channels.settings import ChannelSettings

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
WEBHOOK_PATH = "/webhooks/line"


class LineChannel:
    name = "line"

    def __init__(self, settings: ChannelSettings) -> None:
        self.settings = settings
        self.parser = WebhookParser(settings.line_channel_secret.get_secret_value())
        self.seen = RecentIds()
        self.payloads = PayloadStore(max_bytes=MAX_DATA_CHARS)
        self.serial = KeyedSerializer()
        self.tasks = BackgroundTasks("line")
        self.sender: LineSender | None = None
        self.context: EventContext | None = None
        self.router = APIRouter()
        self.router.add_api_route(WEBHOOK_PATH, self.webhook, methods=["POST"], include_in_schema=False)

    async def start(self, app: FastAPI) -> None:
        self.sender = LineSender(
            self.settings.line_api_base,
            self.settings.line_channel_access_token.get_secret_value(),
            reply_max_age_s=self.settings.line_reply_token_max_age_s,
        )
        self.context = EventContext(conversations=app.state.conversations, payloads=self.payloads)

    async def stop(self) -> None:
        await self.tasks.drain()
        if self.sender is not None:
            await self.sender.close()

    async def webhook(self, request: Request) -> JSONResponse:
        """Check the signature, take the new events, answer 200 at once."""
        signature = request.headers.get("x-line-signature")
        if not signature:
            return JSONResponse({"detail": "missing X-Line-Signature"}, status_code=401)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"detail": "body too large"}, status_code=413)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return JSONResponse({"detail": "invalid signature"}, status_code=401)
        try:
            payload = self.parser.parse(text, signature, as_payload=True)
        except InvalidSignatureError:
            logger.warning("line: webhook with a wrong signature refused")
            return JSONResponse({"detail": "invalid signature"}, status_code=401)
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"detail": "malformed body"}, status_code=400)
        if self.context is None or self.sender is None:
            return JSONResponse({"detail": "starting"}, status_code=503)
        received = time.monotonic()
        for event in payload.events or []:
            event_id = getattr(event, "webhook_event_id", None)
            if event_id and not self.seen.first_time(str(event_id)):
                logger.info("line: redelivered event dropped")
                continue
            key = source_id(event) or f"event:{event_id}"
            self.tasks.spawn(self.serial.run(key, lambda e=event: self.process(e, received)))
        return JSONResponse({})

    async def process(self, event: Any, received: float) -> None:
        """Answer one event (runs in the background, in order for its user)."""
        assert self.context is not None and self.sender is not None
        try:
            reply = await reply_for(event, self.context)
        except Exception as exc:  # a bug must not leave the user without an answer
            logger.error(
                "line: %s event failed: %s", getattr(event, "type", "?"), type(exc).__name__, exc_info=exc
            )
            reply = canned(UNAVAILABLE_REPLY, kind="unavailable")
        if reply is None:
            return
        messages = render(reply, self.payloads)
        delivery = await self.sender.deliver(
            messages,
            reply_token=getattr(event, "reply_token", None),
            to=source_id(event),
            event_time_ms=getattr(event, "timestamp", None),
        )
        logger.info(
            "line: %s answered via %s in %.0f ms",
            getattr(event, "type", "event"),
            delivery.via,
            (time.monotonic() - received) * 1000,
        )


def setup(app: FastAPI, settings: ChannelSettings) -> LineChannel | None:
    """Mount POST /webhooks/line when the LINE secrets are set; otherwise say once why LINE is off."""
    missing = settings.line_missing
    if missing:
        logger.warning("LINE channel off: %s not set (see docs/channels.md)", " and ".join(missing))
        return None
    channel = LineChannel(settings)
    app.include_router(channel.router)
    logger.info("LINE channel on: POST %s", WEBHOOK_PATH)
    return channel
