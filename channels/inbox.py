"""The webhook inbox: nothing a user sent on LINE or Telegram is lost, and nothing is answered twice.

Why: both platforms stop delivering an event once the webhook answered 200, and the gateway answers
before it has processed the event (LINE wants an answer within seconds; Rasa can take longer). An event
that lived only in memory was lost when the gateway died, and the in-memory dedupe was forgotten. So:

1. `accept`: the webhook stores its new events in one transaction and answers 200 only after the commit.
   If the write fails (SQLite "database is locked" after the busy timeout, PostgreSQL down) the webhook
   answers 503 and the platform delivers again later. A (channel, key) already stored is a redelivery:
   it is not returned, so it is not processed again, whatever process or restart it reaches.
2. The accepting process holds each row with a lease (`claimed_by`, `lease_until`) that it renews while
   the row is in flight (`ChannelInbox`).
3. Once Rasa has answered, the answer as rendered for the platform is stored on the row (`save_reply`)
   before anything is sent, and each send that went out is counted (`delivered`). A row taken again
   (a retry after a refused or failed delivery, a replay after a crash) sends the rest of the stored
   answer: an event is never put to Rasa twice (a form answer such as 「30000」 would fill the next slot).
   When the answer was delivered (or the user was told to try again) the row is done and its body and
   reply are emptied: only the key stays, for dedupe. A platform's final refusal (the user blocked the
   bot, a bad request) marks it refused, never replayed; an unexpected failure marks it failed (the
   body is kept for a look at what went wrong).
4. A pending row whose lease ran out belonged to a process that died (a restarted gateway does not wait
   for the leases of its dead predecessor on the same host: `expire_dead_local_leases`). Gateways claim such orphans with
   a compare-and-set UPDATE (two gateways sharing the database never take the same row) and replay them
   through the live path, oldest first, one conversation's rows one after the other. A row taken
   `max_attempts` times without finishing is marked failed instead: an event that crashes the gateway
   must not crash it forever (a row whose answer is stored and only waits for the platform gets
   `DELIVERY_ATTEMPTS`, about 25 minutes of backoff, or longer when the platform asked to wait).
5. Finished rows (done, refused or failed) are deleted after `inbox_keep_days`.

`Inbox` holds the synchronous database operations (call them through a thread); `ChannelInbox` is one
channel's side of it in a running gateway (in-flight rows, lease renewal, replay and purge loop).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Optional

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from cases.db import CaseStore
from cases.models import DONE, FAILED, PENDING, REFUSED, InboxEvent, utcnow

logger = logging.getLogger(__name__)

PURGE_EVERY_S = 6 * 3600
RETRY_BASE_S = 5.0
RETRY_MAX_S = 300.0
# A row whose answer is stored only waits for the platform (quota, outage): about 25 min of backoff
# (5 s, 10 s ... 300 s) before it is given up, instead of the ~75 s of a row that still has to be answered.
DELIVERY_ATTEMPTS = 10


@dataclass(frozen=True)
class NewEvent:
    """An event as the webhook received it: its platform key, its conversation, its JSON."""

    key: str  # LINE webhookEventId, Telegram update_id
    sender: str  # the ordering key: one conversation's events are answered one at a time, in order
    body: str


@dataclass(frozen=True)
class InboxRow:
    id: int
    channel: str
    event_key: str
    sender: str
    body: str
    attempts: int
    reply: str | None = None  # the stored answer (JSON, the channel's own format), once Rasa has answered
    delivered: int = 0  # how many of its sends already went out


def _row(event: InboxEvent) -> InboxRow:
    return InboxRow(event.id, event.channel, event.event_key, event.sender, event.body, event.attempts,
                    event.reply, event.delivered or 0)


def process_id() -> str:
    """Who holds a lease: host, pid and a random part (a restarted process is someone else)."""
    return f"{_host()}:{os.getpid()}:{random.randrange(1 << 30):x}"


def _host() -> str:
    return socket.gethostname()[:30]


def _local_owner_is_dead(owner: str) -> bool:
    """Whether `owner` (see process_id) was a process of this host that no longer runs. Unknown formats,
    other hosts, live pids and pids we may not signal all count as alive: their leases just run out."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != _host() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Inbox:
    """The inbox table's operations (synchronous: run them in a thread from async code)."""

    def __init__(self, store: CaseStore, lease_s: float = 30.0, max_attempts: int = 5,
                 max_delivery_attempts: int = DELIVERY_ATTEMPTS,
                 owner: str | None = None) -> None:
        self.store = store
        self.lease_s = lease_s
        self.max_attempts = max_attempts
        self.max_delivery_attempts = max(max_attempts, max_delivery_attempts)
        self.owner = owner or process_id()

    def _insert(self) -> Any:
        if self.store.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert

    def accept(self, channel: str, events: Sequence[NewEvent], now: datetime | None = None) -> list[InboxRow]:
        """Store the events not seen before, in one transaction; returns the new rows, leased to us.

        A key already stored (a redelivery, also one racing the original on another process) is skipped
        by the unique index (INSERT ... ON CONFLICT DO NOTHING), never an error. Raises when the database
        cannot be written: the caller must then not answer 200.
        """
        now = now or utcnow()
        lease = now + timedelta(seconds=self.lease_s)
        insert = self._insert()
        rows: list[InboxRow] = []
        with self.store.session() as session:
            for event in events:
                statement = (
                    insert(InboxEvent)
                    .values(channel=channel, event_key=event.key[:80], sender=event.sender[:160],
                            body=event.body, received_at=now, status=PENDING, attempts=1,
                            lease_until=lease, claimed_by=self.owner)
                    .on_conflict_do_nothing(index_elements=["channel", "event_key"])
                    .returning(InboxEvent.id)
                )
                row_id = session.execute(statement).scalar_one_or_none()
                if row_id is not None:
                    rows.append(InboxRow(row_id, channel, event.key[:80], event.sender[:160], event.body, 1))
        return rows

    def mark_done(self, row_id: int, now: datetime | None = None) -> bool:
        """The event was answered (or the user told to try again): never replay it; forget its body."""
        with self.store.session() as session:
            result = session.execute(
                update(InboxEvent).where(InboxEvent.id == row_id, InboxEvent.status == PENDING)
                .values(status=DONE, done_at=now or utcnow(), body="", reply=None, lease_until=None,
                        last_error=None)
            )
        return result.rowcount == 1

    def save_reply(self, row_id: int, reply: str) -> bool:
        """Keep the answer Rasa gave (rendered for the platform) before sending it: a retry re-sends it."""
        with self.store.session() as session:
            result = session.execute(
                update(InboxEvent).where(InboxEvent.id == row_id, InboxEvent.status == PENDING)
                .values(reply=reply, delivered=0)
            )
        return result.rowcount == 1

    def mark_delivered(self, row_id: int, count: int) -> bool:
        """`count` sends of the stored answer went out (a retry starts after them)."""
        with self.store.session() as session:
            result = session.execute(
                update(InboxEvent).where(InboxEvent.id == row_id, InboxEvent.status == PENDING)
                .values(delivered=count)
            )
        return result.rowcount == 1

    def mark_refused(self, row_id: int, reason: str, now: datetime | None = None) -> bool:
        """The platform refused the answer for good (blocked, bad request): recorded, never replayed."""
        with self.store.session() as session:
            result = session.execute(
                update(InboxEvent).where(InboxEvent.id == row_id, InboxEvent.status == PENDING)
                .values(status=REFUSED, done_at=now or utcnow(), body="", reply=None, lease_until=None,
                        last_error=reason[:300])
            )
        return result.rowcount == 1

    def mark_failed(self, row_id: int, reason: str, now: datetime | None = None) -> bool:
        """Processing failed unexpectedly (the user got the 'try again' reply where possible): no replay."""
        with self.store.session() as session:
            result = session.execute(
                update(InboxEvent).where(InboxEvent.id == row_id, InboxEvent.status == PENDING)
                .values(status=FAILED, done_at=now or utcnow(), lease_until=None, last_error=reason[:300])
            )
        return result.rowcount == 1

    def retry_later(self, row_id: int, reason: str, now: datetime | None = None,
                    not_before_s: float | None = None) -> bool:
        """The answer could not be delivered: let the lease run out after a backoff (at least
        `not_before_s`, the wait a platform asked for), so it is replayed."""
        now = now or utcnow()
        with self.store.session() as session:
            attempts = session.scalar(select(InboxEvent.attempts).where(InboxEvent.id == row_id)) or 1
            delay = max(min(RETRY_MAX_S, RETRY_BASE_S * 2 ** max(0, attempts - 1)), not_before_s or 0.0)
            result = session.execute(
                update(InboxEvent)
                .where(InboxEvent.id == row_id, InboxEvent.status == PENDING,
                       InboxEvent.claimed_by == self.owner)
                .values(lease_until=now + timedelta(seconds=delay), last_error=reason[:300])
            )
        return result.rowcount == 1

    def renew(self, row_ids: Iterable[int], now: datetime | None = None) -> int:
        """Extend our leases of rows still in flight (so no other gateway takes them as orphans)."""
        ids = list(row_ids)
        if not ids:
            return 0
        now = now or utcnow()
        with self.store.session() as session:
            result = session.execute(
                update(InboxEvent)
                .where(InboxEvent.id.in_(ids), InboxEvent.status == PENDING,
                       InboxEvent.claimed_by == self.owner)
                .values(lease_until=now + timedelta(seconds=self.lease_s))
            )
        return result.rowcount

    def release(self, row_ids: Iterable[int], now: datetime | None = None) -> int:
        """Give up our leases at once (a clean shutdown): the next gateway to look replays the rows."""
        ids = list(row_ids)
        if not ids:
            return 0
        with self.store.session() as session:
            result = session.execute(
                update(InboxEvent)
                .where(InboxEvent.id.in_(ids), InboxEvent.status == PENDING,
                       InboxEvent.claimed_by == self.owner)
                .values(lease_until=(now or utcnow()) - timedelta(seconds=1))
            )
        return result.rowcount

    def expire_dead_local_leases(self, now: datetime | None = None) -> int:
        """End at once the leases held by gateway processes of this host that no longer run.

        Why: after a kill -9 (or an OOM kill) the restarted gateway would otherwise wait up to `lease_s`
        before it answers what its predecessor had accepted. A pid that is running again (reused) keeps
        its leases, which then simply run out. Returns the number of rows freed."""
        now = now or utcnow()
        with self.store.session() as session:
            owners = set(session.scalars(
                select(InboxEvent.claimed_by).where(InboxEvent.status == PENDING, InboxEvent.lease_until >= now,
                                                    InboxEvent.claimed_by.like(f"{_host()}:%")).distinct()))
            dead = sorted(o for o in owners if o and o != self.owner and _local_owner_is_dead(o))
            if not dead:
                return 0
            result = session.execute(
                update(InboxEvent).where(InboxEvent.status == PENDING, InboxEvent.claimed_by.in_(dead))
                .values(lease_until=now - timedelta(seconds=1)))
            return result.rowcount

    @staticmethod
    def _orphan(now: datetime):  # type: ignore[no-untyped-def]
        return and_(InboxEvent.status == PENDING,
                    or_(InboxEvent.lease_until.is_(None), InboxEvent.lease_until < now))

    def claim_orphans(self, channel: str, limit: int = 100, now: datetime | None = None) -> list[InboxRow]:
        """Take pending rows of `channel` whose lease ran out, oldest first, each with a compare-and-set
        UPDATE (a row another claimer took first is skipped). A row waits while an older row of the same
        conversation is in flight or backing off (answers go out in the user's order; older rows claimed
        in the same round come first and the channel answers a conversation's rows one at a time). Rows taken `max_attempts`
        times are failed (`max_delivery_attempts` when the answer is stored and only its sending failed)."""
        now = now or utcnow()
        lease = now + timedelta(seconds=self.lease_s)
        claimed: list[InboxRow] = []
        older = aliased(InboxEvent)
        earlier_held = exists().where(  # an older row of the conversation in flight or backing off
            older.channel == InboxEvent.channel, older.sender == InboxEvent.sender, older.status == PENDING,
            older.id < InboxEvent.id, older.lease_until >= now)
        with self.store.session() as session:
            rows = list(session.scalars(
                select(InboxEvent).where(InboxEvent.channel == channel, self._orphan(now), ~earlier_held)
                .order_by(InboxEvent.received_at, InboxEvent.id).limit(limit)
            ))
            for row in rows:
                attempts = row.attempts  # read before the UPDATE refreshes `row`
                cas = update(InboxEvent).where(InboxEvent.id == row.id, self._orphan(now))
                allowed = self.max_attempts if row.reply is None else self.max_delivery_attempts
                if attempts >= allowed:
                    session.execute(cas.values(status=FAILED, done_at=now, lease_until=None,
                                               last_error=f"gave up after {attempts} attempts"))
                    logger.error("inbox: %s event #%s given up after %d attempts%s", channel, row.id, attempts,
                                 " (answer not delivered)" if row.reply is not None else "")
                    continue
                if session.execute(cas.values(lease_until=lease, claimed_by=self.owner,
                                              attempts=attempts + 1)).rowcount == 1:
                    claimed.append(InboxRow(row.id, row.channel, row.event_key, row.sender, row.body,
                                            attempts + 1, row.reply, row.delivered or 0))
        return claimed

    def purge(self, older_than_days: float, now: datetime | None = None) -> int:
        """Delete finished rows (done or failed) older than `older_than_days`; pending rows stay."""
        cutoff = (now or utcnow()) - timedelta(days=older_than_days)
        with self.store.session() as session:
            result = session.execute(
                delete(InboxEvent).where(InboxEvent.status.in_((DONE, FAILED, REFUSED)),
                                         func.coalesce(InboxEvent.done_at, InboxEvent.received_at) < cutoff)
            )
        return result.rowcount

    def get(self, row_id: int) -> Optional[InboxRow]:
        with self.store.read() as session:
            row = session.get(InboxEvent, row_id)
            return _row(row) if row is not None else None


Replay = Callable[[list[InboxRow]], Awaitable[None]]


class ChannelInbox:
    """One channel's inbox in a running gateway.

    Remembers the rows this process has accepted or claimed and not finished (`in_flight`) and renews
    their leases every `lease_s / 3`; on the same beat it claims orphans of its channel (a dead
    process's rows, or rows whose delivery is to be retried) and hands them to `replay`, in received
    order, and once in a while purges old rows. A finish that could not be written (database briefly
    down) is kept and written on a later beat; until then the row's lease is still renewed, so it is
    never replayed while this process lives.
    """

    def __init__(self, inbox: Inbox, channel: str, replay: Replay, keep_days: float = 7.0,
                 beat_s: float | None = None) -> None:
        self.inbox = inbox
        self.channel = channel
        self.replay = replay
        self.keep_days = keep_days
        self.beat_s = beat_s if beat_s is not None else max(0.5, inbox.lease_s / 3)
        self.in_flight: set[int] = set()
        self._unwritten: dict[int, tuple[str, str, float | None]] = {}  # row id -> (status, reason, wait)
        self._task: asyncio.Task[None] | None = None
        self._last_purge = float("-inf")
        self._started = False

    async def accept(self, events: Sequence[NewEvent]) -> list[InboxRow]:
        """Store the events (raises when the database cannot be written); returns the new rows."""
        if not events:
            return []
        rows = await asyncio.to_thread(self.inbox.accept, self.channel, events)
        self.in_flight.update(row.id for row in rows)
        return rows

    async def done(self, row_id: int) -> None:
        await self._finish(row_id, DONE, "")

    async def failed(self, row_id: int, reason: str) -> None:
        await self._finish(row_id, FAILED, reason)

    async def retry_later(self, row_id: int, reason: str, not_before_s: float | None = None) -> None:
        await self._finish(row_id, PENDING, reason, not_before_s)

    async def refused(self, row_id: int, reason: str) -> None:
        await self._finish(row_id, REFUSED, reason)

    async def save_reply(self, row_id: int, reply: str) -> None:
        """Store the rendered answer before sending (raises when the database refuses: then send anyway,
        the row is simply answered from Rasa again if this process dies before it is done)."""
        await asyncio.to_thread(self.inbox.save_reply, row_id, reply)

    async def delivered(self, row_id: int, count: int) -> None:
        """Best effort: a count not written means a retry repeats those sends (LINE drops repeated keys)."""
        try:
            await asyncio.to_thread(self.inbox.mark_delivered, row_id, count)
        except Exception as exc:
            logger.warning("inbox: %s #%s delivery count not written (%s)", self.channel, row_id,
                           type(exc).__name__)

    async def _finish(self, row_id: int, status: str, reason: str, not_before_s: float | None = None) -> None:
        try:
            await asyncio.to_thread(self._write, row_id, status, reason, not_before_s)
        except Exception as exc:
            logger.warning("inbox: %s #%s could not be marked %s (%s); trying again later", self.channel,
                           row_id, status, type(exc).__name__)
            self._unwritten[row_id] = (status, reason, not_before_s)
            return
        self.in_flight.discard(row_id)

    def _write(self, row_id: int, status: str, reason: str, not_before_s: float | None = None) -> None:
        if status == DONE:
            self.inbox.mark_done(row_id)
        elif status == FAILED:
            self.inbox.mark_failed(row_id, reason)
        elif status == REFUSED:
            self.inbox.mark_refused(row_id, reason)
        else:
            self.inbox.retry_later(row_id, reason, not_before_s=not_before_s)

    def start(self) -> None:
        """Replay orphans now, then keep beating until `stop`."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"inbox-{self.channel}")

    async def stop(self, drain: Callable[[], Awaitable[None]] | None = None) -> None:
        """Stop claiming, let the channel finish its work (`drain`), then release what is left."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if drain is not None:
            await drain()
        try:
            await asyncio.to_thread(self._flush)
            released = await asyncio.to_thread(self.inbox.release, self.in_flight - set(self._unwritten))
        except Exception as exc:
            logger.warning("inbox: %s rows not released at shutdown (%s); replayed when their lease ends",
                           self.channel, type(exc).__name__)
            return
        if released:
            logger.info("inbox: %d unfinished %s events released for the next start", released, self.channel)

    async def _run(self) -> None:
        while True:
            try:
                await self.beat()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database may be briefly unavailable: keep beating
                logger.warning("inbox: %s beat failed: %s", self.channel, type(exc).__name__, exc_info=exc)
            await asyncio.sleep(self.beat_s)

    async def beat(self) -> int:
        """One round: write pending finishes, renew leases, replay orphans, purge; returns rows replayed."""
        if not self._started:  # the first beat of a (re)started gateway: take over a dead predecessor's rows
            self._started = True
            freed = await asyncio.to_thread(self.inbox.expire_dead_local_leases)
            if freed:
                logger.warning("inbox: %d %s events of a gateway that died are replayed now", freed, self.channel)
        await asyncio.to_thread(self._flush)
        if self.in_flight:
            await asyncio.to_thread(self.inbox.renew, self.in_flight)
        orphans = await asyncio.to_thread(self.inbox.claim_orphans, self.channel)
        if orphans:
            logger.warning("inbox: replaying %d unfinished %s events", len(orphans), self.channel)
            self.in_flight.update(row.id for row in orphans)
            await self.replay(orphans)
        loop = asyncio.get_running_loop()
        if loop.time() - self._last_purge > PURGE_EVERY_S:
            self._last_purge = loop.time()
            purged = await asyncio.to_thread(self.inbox.purge, self.keep_days)
            if purged:
                logger.info("inbox: %d finished %s rows older than %s days deleted", purged, self.channel,
                            self.keep_days)
        return len(orphans)

    def _flush(self) -> None:
        for row_id, (status, reason, not_before_s) in list(self._unwritten.items()):
            self._write(row_id, status, reason, not_before_s)
            del self._unwritten[row_id]
            self.in_flight.discard(row_id)

