"""The LINE channel: POST /webhooks/line.

Signature first (X-Line-Signature, HMAC-SHA256 of the body with the channel secret): missing or wrong
is 401 and nothing is processed or kept. Then the events are parsed into line-bot-sdk's typed events and
stored in the webhook inbox (channels/inbox.py) in one transaction; redeliveries of an event already
stored are dropped (webhookEventId). Only after the commit is the webhook answered 200; when the database
cannot be written it is answered 503, so that LINE redelivers (with "Webhook redelivery" switched on).

Each new event is processed in the background, one at a time per user in arrival order:
1. the bot's answer (`reply_for`, which asks Rasa) is rendered and split into send groups (five messages
   per API call), and stored on the inbox row with the push target (`save_reply`) BEFORE anything is sent;
2. the groups go out in order (reply token first, then pushes with retry keys derived from the event),
   each one counted on the row once LINE took it (`delivered`);
3. the row ends done (all out), refused (LINE refused for good: 400, 403 ...; never replayed) or is
   retried later (429, 5xx, network: `retry_later`, the inbox's lease and backoff bring it back).
A row taken again (that retry, or a replay of what a dead gateway had not finished) never asks Rasa
again when it has a stored answer: it pushes the groups not yet counted, with the same retry keys as the
first try, so LINE answers 409 to any it had already taken. Only an event whose answer could not be
stored is answered from the event again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhooks import Event
from linebot.v3.models.events import UnknownEvent

from channels import inbox
from channels.canned import UNAVAILABLE_REPLY, canned
from channels.line.client import REFUSED, SENT, Delivery, LineSender
from channels.line.events import EventContext, reply_for, source_id
from channels.line.render import MAX_DATA_CHARS, Message, batches, render
from channels.payloads import PayloadStore
from channels.richmenu import RichMenuLinker
from channels.settings import ChannelSettings
from channels.tasks import BackgroundTasks, KeyedSerializer

if TYPE_CHECKING:
    from channels.parts import GatewayParts

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
WEBHOOK_PATH = "/webhooks/line"
# An event is deduplicated by its key only while its inbox row lives (inbox_keep_days after it was done).
# Older events are dropped: a signed request captured once and replayed after its row was purged would
# otherwise be answered again. The margin covers the clock difference between LINE and us.
EVENT_AGE_MARGIN_S = 3600.0


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
        self.richmenus: RichMenuLinker | None = None
        self.router = APIRouter()
        self.router.add_api_route(WEBHOOK_PATH, self.webhook, methods=["POST"], include_in_schema=False)

    async def start(self, parts: "GatewayParts") -> None:
        """Answer through the gateway's LINE sender and payload store (shared with the outbox)."""
        if parts.senders.line is None or parts.senders.line_payloads is None:
            raise RuntimeError("the LINE channel needs the gateway's LINE sender (LINE_CHANNEL_ACCESS_TOKEN)")
        self.sender, self.payloads = parts.senders.line, parts.senders.line_payloads
        self.context = EventContext(conversations=parts.conversations, payloads=self.payloads)
        self.inbox = parts.inbox("line", self.replay)
        self.richmenus = RichMenuLinker(self.settings)  # each user's rich menu in their language
        self.inbox.start()  # replays what a dead gateway left, then renews our leases

    async def stop(self) -> None:
        """Finish the answers in flight; the sender and payload store are closed by the gateway."""
        if self.inbox is not None:
            await self.inbox.stop(drain=self.tasks.drain)
        else:
            await self.tasks.drain()
        if self.richmenus is not None:
            await self.richmenus.close()

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
        new, events = self._recent(new, events)
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

    def _recent(self, new: list[inbox.NewEvent], events: list[Any]) -> tuple[list[inbox.NewEvent], list[Any]]:
        """The events young enough for the inbox's dedupe to know them (answered 200 all the same)."""
        assert self.inbox is not None
        max_age_ms = (self.inbox.keep_days * 86400 - EVENT_AGE_MARGIN_S) * 1000
        now_ms = time.time() * 1000
        kept = [(item, event) for item, event in zip(new, events, strict=True)
                if not isinstance(getattr(event, "timestamp", None), int) or now_ms - event.timestamp < max_age_ms]
        if len(kept) < len(new):
            logger.warning("line: %d events older than %.1f days dropped (a replayed request?)",
                           len(new) - len(kept), max_age_ms / 86_400_000)
        return [item for item, _ in kept], [event for _, event in kept]

    def _spawn(self, row: inbox.InboxRow, event: Any, received: float) -> None:
        self.tasks.spawn(self.serial.run(row.sender, lambda: self.handle(row, event, received)))

    async def replay(self, rows: list[inbox.InboxRow]) -> None:
        """Process stored events again: a dead gateway's (oldest first, per user in order) and those whose
        answer LINE did not take (`retry_later`). A row with a stored answer resends the rest of it, and
        needs no event; the others are answered from their stored event."""
        assert self.inbox is not None
        for row in rows:
            if row.reply is not None:
                self._spawn(row, None, time.monotonic())
                continue
            try:
                event = event_from_json(row.body)
            except (ValueError, KeyError, TypeError) as exc:
                await self.inbox.failed(row.id, f"unreadable stored event: {type(exc).__name__}")
                continue
            self._spawn(row, event, time.monotonic())

    async def handle(self, row: inbox.InboxRow, event: Any, received: float) -> None:
        """Process one stored event and record the outcome in the inbox: done when every group went out,
        refused when LINE refused one for good, retry_later when it failed for now, failed after an
        unexpected error (when the user was told to try again, once that answer went out)."""
        assert self.inbox is not None
        try:
            delivery, error = await self.process(row, event, received)
        except Exception as exc:
            await self.inbox.failed(row.id, type(exc).__name__)
            raise
        if delivery.status == SENT:
            await (self.inbox.failed(row.id, error) if error else self.inbox.done(row.id))
        elif delivery.status == REFUSED:
            logger.warning("line: answer refused for good (%s), not tried again", delivery.reason)
            await self.inbox.refused(row.id, delivery.reason)
        else:
            await self.inbox.retry_later(row.id, delivery.reason or "delivery failed")

    async def process(self, row: inbox.InboxRow, event: Any, received: float) -> tuple[Delivery, str]:
        """Answer one event (in the background, in order for its user): how the answer went out, and why
        the user was told to try again instead ("" when not). A row that has an answer stored (a retry,
        a replay) sends the groups not yet delivered, by push, and never asks Rasa again: a form answer
        such as 「30000」 would fill the next slot, a case thread would get it twice."""
        assert self.sender is not None and self.inbox is not None
        stored = row.reply is not None
        answer = Answer.from_json(row.reply) if row.reply is not None else await self._answer(row, event)
        if answer is None:
            return Delivery("none", 0), ""
        delivery = await self.sender.deliver(
            answer.groups,
            start=row.delivered if stored else 0,
            reply_token=None if stored else getattr(event, "reply_token", None),  # a retry's has expired
            to=answer.to,
            event_time_ms=getattr(event, "timestamp", None),
            retry_key=row.event_key,
            on_sent=partial(self.inbox.delivered, row.id),
        )
        logger.info(
            "line: %s answered via %s in %.0f ms",
            getattr(event, "type", "stored answer"),
            delivery.via,
            (time.monotonic() - received) * 1000,
        )
        return delivery, answer.error

    async def _answer(self, row: inbox.InboxRow, event: Any) -> Answer | None:
        """The bot's answer to the event, rendered and kept on the row before anything is sent (when the
        database refuses, it is sent anyway: only a retry would then ask Rasa again)."""
        assert self.context is not None and self.inbox is not None
        error = ""
        try:
            reply = await reply_for(event, self.context)
        except Exception as exc:  # a bug must not leave the user without an answer
            logger.error(
                "line: %s event failed: %s", getattr(event, "type", "?"), type(exc).__name__, exc_info=exc
            )
            reply = canned(UNAVAILABLE_REPLY, kind="unavailable")
            error = f"{type(exc).__name__} (told to retry)"
        if reply is None:
            return None
        user = getattr(getattr(event, "source", None), "user_id", None)
        if self.richmenus is not None and user and source_id(event) == user:  # a user, not a group
            # Link the user's rich menu when the conversation's language changed (once per change,
            # channels/richmenu.py), beside the answer: never holding it up.
            self.tasks.spawn(self.richmenus.observe(user, self.context.conversations.languages.of(f"line:{user}")))
        answer = Answer(source_id(event), batches(render(reply, self.payloads)), error)
        try:
            await self.inbox.save_reply(row.id, answer.to_json())
        except Exception as exc:
            logger.warning("line: answer not stored (%s), sent anyway", type(exc).__name__)
        return answer


@dataclass(frozen=True)
class Answer:
    """An answer as rendered for LINE, in its send groups (`render.batches`, one API call each), with
    where pushes go and, when the user got the 'try again' answer after an error, that error."""

    to: str | None
    groups: list[list[Message]]
    error: str = ""

    def to_json(self) -> str:
        return json.dumps({"to": self.to, "groups": self.groups, "error": self.error}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Answer":
        """The stored answer (ValueError when it is not one: the row then ends failed, never re-asked)."""
        data = json.loads(text)
        groups = data.get("groups") if isinstance(data, dict) else None
        if not isinstance(groups, list) or not all(isinstance(group, list) for group in groups):
            raise ValueError("not a stored LINE answer")
        to = data.get("to")
        return cls(str(to) if to else None, groups, str(data.get("error") or ""))


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
