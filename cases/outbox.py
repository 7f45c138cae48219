"""The outbox worker: delivers staff notifications and messages to users, each exactly once.

Rows are written in the same transaction as the change that needs them (a new case, a staff reply, a
closed case), so nothing is lost when a process dies. The worker, in the gateway process:

1. claims due rows with a lease (a compare-and-set UPDATE, so two workers never hold the same row;
   a row of a dead worker becomes claimable again when its lease runs out);
2. calls the platform; LINE pushes carry the row's key as X-Line-Retry-Key (a repeat is refused 409);
3. marks the row sent only after the platform accepted it; on failure schedules a retry with
   exponential backoff (2 s, 4 s, 8 s ... up to 5 min), or gives up after `outbox_max_attempts`
   or on a refusal. An alert of a high-priority case that a staff group never got is logged at
   ERROR and sent once more to every other staff group (LINE group <-> Telegram staff chat).

A row for a user is not claimed while an older row for the same user is pending: staff replies arrive
in the order they were written. Rows scheduled for later (a booking reminder, an injury check-in: their
`next_attempt_at` is the time they are due) hold nothing back before that time. A 'staff' row is expanded into one row per configured staff group.
A worker takes only rows it can deliver (a LINE row needs LINE_CHANNEL_ACCESS_TOKEN, a 'staff' row a
staff group); the others wait for a gateway that can.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional, Protocol

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from cases import texts
from cases.config import CaseSettings
from cases.db import CaseStore
from cases.models import EXPANDED, FAILED, PENDING, SENT, SKIPPED, Case, OutboxMessage, utcnow

logger = logging.getLogger(__name__)

BATCH = 20
# Rows written for a later time (cases/booking.py, cases/followup.py): due at `next_attempt_at`.
SCHEDULED_KINDS = ("booking_reminder", "injury_checkin")


class DeliveryError(Exception):
    """A platform did not take a message: `retriable` for network trouble, 429 and 5xx; not for a refusal."""

    def __init__(self, reason: str, retriable: bool) -> None:
        super().__init__(reason)
        self.reason = reason[:300]
        self.retriable = retriable


@dataclass(frozen=True)
class Outgoing:
    destination: str  # line | telegram
    address: str  # user, group or chat id
    text: str
    buttons: tuple[tuple[str, str], ...]  # (title, payload)
    key: str  # idempotency key of the outbox row


class Sender(Protocol):
    """How the worker reaches a chat platform (the gateway: channels/senders.py, channels/line/outbox.py, channels/telegram/outbox.py)."""

    def can_send(self, destination: str) -> bool:
        """Whether this process has the credentials for `destination` (line, telegram)."""
        ...

    async def send(self, message: Outgoing) -> None:
        """Deliver or raise DeliveryError."""
        ...


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    case_id: Optional[int]
    attempts: int
    message: Outgoing


def backoff(attempts: int, base_s: float, max_s: float) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: base, 2*base, 4*base ... capped."""
    return min(max_s, base_s * 2 ** max(0, attempts - 1))


def staff_alert_text(case: Case, public_url: str) -> str:
    """The notification for staff groups: no names, numbers or message texts (those stay in the console)."""
    link = f"請到後台處理：{public_url.rstrip('/')}/console/cases/{case.id}" if public_url else "請到後台處理。"
    return texts.STAFF_ALERT.format(
        case_id=case.id,
        priority="【高優先】" if case.priority == "high" else "",
        topic=texts.topic_label(case.topic),
        channel=texts.CHANNEL_LABELS.get(case.channel, case.channel),
        # a mediation application (or another kind of case) says what it is, not why a person was asked for
        reason=(texts.REASON_LABELS.get(case.reason, case.reason) if case.kind == "question"
                else texts.KIND_LABELS.get(case.kind, case.kind)),
        link=link,
    )


class OutboxWorker:
    def __init__(self, store: CaseStore, settings: CaseSettings, sender: Sender,
                 worker_id: str | None = None) -> None:
        self.store = store
        self.settings = settings
        self.sender = sender
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{random.randrange(1 << 30):x}"
        self._wake = asyncio.Event()
        self._stopping = False
        # Rows this process can deliver: several gateways may share the database, each takes only what
        # its configuration can send; a row nobody can deliver waits (see docs/handoff.md).
        self.deliverable = tuple(d for d in ("line", "telegram") if sender.can_send(d))
        self.expands_staff_rows = bool(settings.staff_destinations)
        # Outcomes the platform gave but the database did not take (locked, briefly down): written first
        # thing on the next cycle, while this worker still holds the row's lease. Without this the row
        # would wait for its lease (60 s) and hold back the user's later rows, then be sent again.
        self._unwritten: list[tuple[int, Callable[[], None]]] = []

    def wake(self) -> None:
        """Look for work now (after a staff reply) instead of at the next poll."""
        self._wake.set()

    async def run_forever(self) -> None:
        while not self._stopping:
            try:
                done = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database may be briefly unavailable: keep the worker alive
                logger.warning("outbox: cycle failed: %s", type(exc).__name__, exc_info=exc)
                done = 0
            if done == 0:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=self.settings.outbox_poll_s)
                except asyncio.TimeoutError:
                    pass

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run_once(self) -> int:
        """Claim the due rows and deliver them; returns how many rows were handled."""
        while self._unwritten:  # raises while the database still refuses: run_forever retries
            row_id, write = self._unwritten[0]
            await asyncio.to_thread(write)
            self._unwritten.pop(0)
            logger.info("outbox: outcome of row %s recorded late", row_id)
        claimed = await asyncio.to_thread(self.claim)
        if not claimed:
            return 0
        await asyncio.gather(*(self._deliver(row) for row in claimed))
        return len(claimed)

    async def _deliver(self, row: Claimed) -> None:
        try:
            await self.sender.send(row.message)
        except DeliveryError as exc:
            # Values bound now: a write the database refused runs again later, after `exc` is gone.
            reason, retriable = exc.reason, exc.retriable
            await self._record(row, lambda: self.mark_failed(row, reason, retriable))
            return
        except Exception as exc:  # a bug in sending must not kill the worker; retry later
            logger.error("outbox: row %s failed unexpectedly", row.id, exc_info=exc)
            name = type(exc).__name__
            await self._record(row, lambda: self.mark_failed(row, name, True))
            return
        await self._record(row, lambda: self.mark_sent(row))

    async def _record(self, row: Claimed, write: Callable[[], None]) -> None:
        try:
            await asyncio.to_thread(write)
        except Exception as exc:
            logger.warning("outbox: row %s done but not recorded (%s); recorded on the next cycle",
                           row.id, type(exc).__name__)
            self._unwritten.append((row.id, write))

    # ---- database side (run in a thread) -------------------------------------------------------------

    def _due(self, now: datetime):  # type: ignore[no-untyped-def]
        return and_(
            OutboxMessage.status == PENDING,
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
        )

    def _take(self, session: Session, row_id: int, now: datetime, **values: object) -> bool:
        """Compare-and-set: lease the row (or change its status) only if it is still due."""
        result = session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row_id, self._due(now)).values(**values)
        )
        return result.rowcount == 1

    def claim(self, now: datetime | None = None) -> list[Claimed]:
        now = now or utcnow()
        with self.store.session() as session:
            self._expand_staff_rows(session, now)
        with self.store.session() as session:
            older = aliased(OutboxMessage)
            earlier_pending = exists().where(
                older.destination == OutboxMessage.destination,
                older.address == OutboxMessage.address,
                older.status == PENDING,
                older.id < OutboxMessage.id,
                # a reminder or check-in scheduled for later holds nothing back until it is due
                or_(older.kind.not_in(SCHEDULED_KINDS), older.next_attempt_at <= now),
            )
            rows = list(session.scalars(
                select(OutboxMessage)
                .where(self._due(now), OutboxMessage.destination.in_(self.deliverable), ~earlier_pending)
                .order_by(OutboxMessage.id).limit(BATCH)
            ))
            lease = now + timedelta(seconds=self.settings.outbox_lease_s)
            claimed = []
            for row in rows:
                message = self._render(session, row)
                if message is None:
                    self._take(session, row.id, now, status=SKIPPED, last_error="case no longer exists")
                    continue
                attempt = row.attempts + 1  # read before the UPDATE refreshes `row`
                if self._take(session, row.id, now, lease_until=lease, claimed_by=self.worker_id,
                              attempts=attempt):
                    claimed.append(Claimed(row.id, row.kind, row.case_id, attempt, message))
            return claimed

    def _render(self, session: Session, row: OutboxMessage) -> Optional[Outgoing]:
        buttons = tuple((str(b.get("title", "")), str(b.get("payload", "")))
                        for b in row.payload.get("buttons") or [])
        if row.kind == "staff_alert":
            case = session.get(Case, row.payload.get("case_id") or row.case_id)
            if case is None:
                return None
            text = staff_alert_text(case, self.settings.public_url)
            failed_via = row.payload.get("failed_via")
            if failed_via:
                text = texts.ALERT_FALLBACK.format(via=texts.CHANNEL_LABELS.get(failed_via, failed_via)) + text
        else:
            text = str(row.payload.get("text") or "")
        return Outgoing(row.destination, row.address, text, buttons, row.idempotency_key)

    def _expand_staff_rows(self, session: Session, now: datetime) -> None:
        if not self.expands_staff_rows:
            return
        rows = list(session.scalars(
            select(OutboxMessage).where(self._due(now), OutboxMessage.destination == "staff")
            .order_by(OutboxMessage.id).limit(BATCH)
        ))
        destinations = self.settings.staff_destinations
        for row in rows:
            if self._take(session, row.id, now, status=EXPANDED, sent_at=now):
                for platform, address in destinations:
                    session.add(OutboxMessage(kind=row.kind, case_id=row.case_id, destination=platform,
                                              address=address, payload=dict(row.payload), created_at=now,
                                              next_attempt_at=now))

    def mark_sent(self, row: Claimed, now: datetime | None = None) -> None:
        now = now or utcnow()
        with self.store.session() as session:
            session.execute(
                update(OutboxMessage).where(OutboxMessage.id == row.id, OutboxMessage.status == PENDING)
                .values(status=SENT, sent_at=now, lease_until=None, last_error=None)
            )
        logger.info("outbox: %s #%s sent via %s", row.kind, row.id, row.message.destination)

    def mark_failed(self, row: Claimed, reason: str, retriable: bool, now: datetime | None = None) -> None:
        now = now or utcnow()
        give_up = not retriable or row.attempts >= self.settings.outbox_max_attempts
        delay = backoff(row.attempts, self.settings.outbox_backoff_s, self.settings.outbox_backoff_max_s)
        with self.store.session() as session:
            changed = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.status == PENDING,
                       OutboxMessage.claimed_by == self.worker_id)
                .values(status=FAILED if give_up else PENDING, lease_until=None, last_error=reason[:300],
                        next_attempt_at=now + timedelta(seconds=delay * random.uniform(0.9, 1.1)))
            ).rowcount
            if give_up and changed == 1 and row.kind == "staff_alert":
                self._urgent_alert_failed(session, row, reason, now)
        logger.warning("outbox: %s #%s via %s failed (attempt %d): %s%s", row.kind, row.id,
                       row.message.destination, row.attempts, reason, "; giving up" if give_up else "")

    def _urgent_alert_failed(self, session: Session, row: Claimed, reason: str, now: datetime) -> None:
        """A staff group never got the alert of a high-priority case (a danger message): say so at ERROR
        and queue the alert once to every other staff group, in the transaction that marks it failed.
        A second alert that fails too is not passed on again (no ping-pong between the groups)."""
        case = session.get(Case, row.case_id) if row.case_id is not None else None
        if case is None or case.priority != "high":
            return
        failed = session.get(OutboxMessage, row.id)
        is_fallback = bool(failed is not None and failed.payload.get("failed_via"))
        others = [] if is_fallback else [
            (platform, address) for platform, address in self.settings.staff_destinations
            if (platform, address) != (row.message.destination, row.message.address)
        ]
        for platform, address in others:
            session.add(OutboxMessage(kind="staff_alert", case_id=case.id, destination=platform, address=address,
                                      payload={"case_id": case.id, "failed_via": row.message.destination,
                                               "fallback_for": row.id},
                                      created_at=now, next_attempt_at=now))
        logger.error("outbox: URGENT alert for case #%s did not reach the %s staff group (%s); %s",
                     case.id, row.message.destination, reason,
                     f"sent again via {', '.join(p for p, _ in others)}" if others
                     else "no other staff group to try: see the console")
