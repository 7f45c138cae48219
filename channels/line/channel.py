"""The LINE channel: POST /webhooks/line.

Signature first (X-Line-Signature, HMAC-SHA256 of the body with the channel secret): missing or wrong
is 401 and nothing is processed or kept. Then the events are parsed into line-bot-sdk's typed events and
stored in the webhook inbox (channels/inbox.py) in one transaction; redeliveries of an event already
stored are dropped (webhookEventId). Only after the commit is the webhook answered 200; when the database
cannot be written it is answered 503, so that LINE redelivers (with "Webhook redelivery" switched on).
Each new event is processed in the background, one at a time per user in arrival order, and its inbox
row marked done once the answer went out. Events a dead gateway had taken but not answered are replayed
from the inbox (`replay`), through the same path, with push retry keys derived from the event.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhooks import Event
from linebot.v3.models.events import UnknownEvent

from channels import inbox, payloads
from channels.conversation import UNAVAILABLE_REPLY
from channels.line.client import LineSender
from channels.line.events import EventContext, reply_for, source_id
from channels.line.render import MAX_DATA_CHARS, render
from channels.tasks import BackgroundTasks, KeyedSerializer
from channels.payloads import PayloadStore
from channels.canned import canned
from channels.settings import ChannelSettings

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
WEBHOOK_PATH = "/webhooks/line"


class LineChannel:
    name = "line"

    def __init__(self, settings: ChannelSettings) -> None:
        self.settings = settings
        self.parser = WebhookParser(settings.line_channel_secret.get_secret_value())
        self.payloads = PayloadStore(max_bytes=MAX_DATA_CHARS)
        self.serial = KeyedSerializer()
        self.tasks = BackgroundTasks("line")
        self.sender: LineSender | None = None
        self.context: EventContext | None = None
        self.inbox: inbox.ChannelInbox | None = None
        self.router = APIRouter()
        self.router.add_api_route(WEBHOOK_PATH, self.webhook, methods=["POST"], include_in_schema=False)

    async def start(self, app: FastAPI) -> None:
        self.sender = LineSender(
            self.settings.line_api_base,
            self.settings.line_channel_access_token.get_secret_value(),
            reply_max_age_s=self.settings.line_reply_token_max_age_s,
        )
        self.payloads.table = payloads.for_app(app)  # buttons keep working across restarts and processes
        self.context = EventContext(conversations=app.state.conversations, payloads=self.payloads)
        self.inbox = inbox.for_app(app, "line", self.replay)
        self.inbox.start()  # replays what a dead gateway left, then renews our leases

    async def stop(self) -> None:
        if self.inbox is not None:
            await self.inbox.stop(drain=self.tasks.drain)
        else:
            await self.tasks.drain()
        await self.payloads.flush()
        if self.sender is not None:
            await self.sender.close()

    async def webhook(self, request: Request) -> JSONResponse:
        """Check the signature, store the new events, answer 200 once they are stored (else 503)."""
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
        if self.context is None or self.sender is None or self.inbox is None:
            return JSONResponse({"detail": "starting"}, status_code=503)
        received = time.monotonic()
        events = payload.events or []
        new = inbox_events(text, events)
        if new is None:
            return JSONResponse({"detail": "malformed body"}, status_code=400)
        try:
            rows = await self.inbox.accept(new)
        except Exception as exc:  # never 200 for an event that is not stored: LINE redelivers after a 503
            logger.error("line: %d events not stored (%s); answered 503 for a redelivery", len(new),
                         type(exc).__name__)
            return JSONResponse({"detail": "storage unavailable, deliver again"}, status_code=503)
        if len(rows) < len(new):
            logger.info("line: %d redelivered events dropped", len(new) - len(rows))
        by_key = {item.key: event for item, event in zip(new, events, strict=True)}
        for row in rows:
            self._spawn(row, by_key[row.event_key], received)
        return JSONResponse({})

    def _spawn(self, row: inbox.InboxRow, event: Any, received: float) -> None:
        self.tasks.spawn(self.serial.run(row.sender, lambda: self.handle(row, event, received)))

    async def replay(self, rows: list[inbox.InboxRow]) -> None:
        """Process stored events a dead gateway had taken but not answered (oldest first, per user in
        order). Their reply tokens have usually expired: `deliver` pushes then, with the event's keys."""
        assert self.inbox is not None
        for row in rows:
            try:
                event = event_from_json(row.body)
            except (ValueError, KeyError, TypeError) as exc:
                await self.inbox.failed(row.id, f"unreadable stored event: {type(exc).__name__}")
                continue
            self._spawn(row, event, time.monotonic())

    async def handle(self, row: inbox.InboxRow, event: Any, received: float) -> None:
        """Process one stored event and record the outcome in the inbox."""
        assert self.inbox is not None
        try:
            outcome = await self.process(event, received, retry_key=row.event_key)
        except Exception as exc:
            await self.inbox.failed(row.id, type(exc).__name__)
            raise
        if outcome == "done":
            await self.inbox.done(row.id)
        elif outcome == "undelivered":
            await self.inbox.retry_later(row.id, "delivery failed")
        else:
            await self.inbox.failed(row.id, outcome)

    async def process(self, event: Any, received: float, retry_key: str | None = None) -> str:
        """Answer one event (runs in the background, in order for its user). Returns "done" (answered,
        or nothing to answer), "undelivered" (LINE did not take the answer: try again later) or, after
        a failure, its reason (the user was sent UNAVAILABLE_REPLY, the 'try again' answer)."""
        assert self.context is not None and self.sender is not None
        outcome = "done"
        try:
            reply = await reply_for(event, self.context)
        except Exception as exc:  # a bug must not leave the user without an answer
            logger.error(
                "line: %s event failed: %s", getattr(event, "type", "?"), type(exc).__name__, exc_info=exc
            )
            reply = canned(UNAVAILABLE_REPLY, kind="unavailable")
            outcome = f"{type(exc).__name__} (told to retry)"
        if reply is None:
            return outcome
        messages = render(reply, self.payloads)
        delivery = await self.sender.deliver(
            messages,
            reply_token=getattr(event, "reply_token", None),
            to=source_id(event),
            event_time_ms=getattr(event, "timestamp", None),
            retry_key=retry_key,
        )
        logger.info(
            "line: %s answered via %s in %.0f ms",
            getattr(event, "type", "event"),
            delivery.via,
            (time.monotonic() - received) * 1000,
        )
        if delivery.via.endswith("failed") and outcome == "done":
            return "undelivered"
        return outcome


def inbox_events(text: str, events: list[Any]) -> list[inbox.NewEvent] | None:
    """The inbox rows for the parsed `events` of the body `text` (keyed by their raw JSON), or None when
    the body is malformed (answered 400): `events` entries that are not objects. Also run by
    bench/fuzz_webhooks.py, so the fuzzer goes through the webhook's own checks."""
    raw_events = json.loads(text).get("events")  # the parser keeps their order, one for one
    if not isinstance(raw_events, list) or len(raw_events) != len(events) or not all(
        isinstance(raw, dict) for raw in raw_events
    ):
        return None
    return [inbox.NewEvent(key, source_id(event) or f"event:{key}", json.dumps(raw, ensure_ascii=False))
            for event, raw in zip(events, raw_events, strict=True) for key in [event_key(raw)]]


def event_key(raw: dict[str, Any]) -> str:
    """The inbox key of an event: its webhookEventId, or (an event without one) a hash of its JSON."""
    event_id = raw.get("webhookEventId")
    if event_id:
        return str(event_id)
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False).encode()
    return "sha256:" + hashlib.sha256(canonical).hexdigest()


def event_from_json(body: str) -> Any:
    """The typed event of a stored event, as WebhookParser builds it (unknown types stay UnknownEvent)."""
    raw = json.loads(body)
    try:
        return Event.from_dict(raw)
    except ValueError:
        return UnknownEvent.new_from_json_dict(raw)


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
