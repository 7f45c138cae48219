"""Retention that runs by itself: what we promised to delete is deleted, without a cron line.

Why: users are told that case data is deleted after `retention_days` (180), and the webhook inbox and
the button payloads have their own limits, but only `labourbot cases purge` deleted anything, and
Rasa's tracker kept every conversation forever, also of those who refused the handoff's consent. The
gateway now runs `RetentionTask` (channels/handoff.py CaseRuntime): once shortly after it starts, then
every `retention_every_s` (a day). Each job is independent: one failing (the tracker database down)
does not stop the others, and the next round tries again. Several gateways sweeping the same
databases do no harm: every job is a plain DELETE of what is past its date.

The Rasa tracker (`purge_tracker`): Rasa's SQL tracker store table `events` (bot/tracker_store.py on
SQLite, rasa's SQLTrackerStore on PostgreSQL), read and written here with SQLAlchemy Core since the
gateway cannot import Rasa. A conversation is deleted whole (every event of its sender id) once it has
been idle `tracker_keep_days`, or `tracker_declined_keep_days` when the person's last answer to the
handoff's consent question was no (a `slot` event `handoff_consent` = false). Rasa starts such a
conversation afresh if the person writes again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional

from pydantic import AliasChoices, Field
from sqlalchemy import Column, DateTime, Engine, Float, Integer, MetaData, String, Table, Text, delete, func, select
from sqlalchemy.engine import make_url

from cases.db import CaseStore, make_engine
from cases.models import utcnow
from cases.service import purge
from labourbot.config import DataSettings, postgres_url

logger = logging.getLogger(__name__)

CONSENT_SLOT = "handoff_consent"
_CHUNK = 500

# Rasa's SQLTrackerStore.SQLEvent (the columns bot/tracker_store.py writes too).
EVENTS = Table(
    "events", MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


# The service figures' tables (figures/models.py; named here, since cases may not import figures):
# message_events hold no text and no user id (aggregate-only), kept EVENTS_KEEP_DAYS; the questions the
# bot could not answer hold masked text and are kept as long as case data.
EVENTS_KEEP_DAYS = 730.0
FIGURE_TABLES = MetaData()
MESSAGE_EVENTS = Table("message_events", FIGURE_TABLES, Column("id", Integer, primary_key=True),
                       Column("at", DateTime(timezone=True)))
UNANSWERED = Table("unanswered_questions", FIGURE_TABLES, Column("id", Integer, primary_key=True),
                   Column("at", DateTime(timezone=True)))


class RetentionSettings(DataSettings):
    """When the gateway sweeps, how long Rasa's conversations are kept, and where they are.

    The case data's own limits are the case settings' (`retention_days`, `inbox_keep_days`)."""

    retention_every_s: float = 24 * 3600.0
    retention_first_delay_s: float = 300.0  # after the start: not while the gateway is busiest
    tracker_keep_days: float = 30.0  # a Rasa conversation idle this long is deleted
    tracker_declined_keep_days: float = 1.0  # ... this long when the person refused the handoff's consent
    message_events_keep_days: float = EVENTS_KEEP_DAYS  # the service figures' rows (no text, no user id)
    # Rasa's tracker database as a SQLAlchemy URL; unset: RASA_TRACKER_DB (the SQLite file `labourbot
    # serve` gives Rasa), else <data_dir>/rasa_tracker.db. With endpoints.postgres.yml set it to the
    # PostgreSQL database of RASA_PG_* (postgresql://rasa:...@host:5432/rasa).
    tracker_database_url: str = ""
    rasa_tracker_db: str = Field("", validation_alias=AliasChoices("RASA_TRACKER_DB"))

    @property
    def tracker_url(self) -> str:
        if self.tracker_database_url.strip():
            url = self.tracker_database_url.strip()
            return postgres_url(url) or url
        return f"sqlite:///{self.rasa_tracker_db.strip() or self.data_dir / 'rasa_tracker.db'}"


# ---- Rasa's tracker ------------------------------------------------------------------------------------


def tracker_engine(url: str) -> Optional[Engine]:
    """An engine on Rasa's tracker database, or None when it is a SQLite file that does not exist (yet):
    Rasa creates it, never we."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not (parsed.database and Path(parsed.database).exists()):
        return None
    return make_engine(url, busy_timeout_s=5.0)


def _declined(engine: Engine, senders: list[str]) -> set[str]:
    """Which of `senders` answered the consent question last with no (a boolean slot value: the raw text
    the form first puts in the slot, and the resets to None, are not answers)."""
    last: dict[str, bool] = {}
    with engine.connect() as connection:
        for chunk in _chunks(senders):
            rows = connection.execute(
                select(EVENTS.c.sender_id, EVENTS.c.data)
                .where(EVENTS.c.sender_id.in_(chunk), EVENTS.c.type_name == "slot",
                       EVENTS.c.action_name == CONSENT_SLOT)
                .order_by(EVENTS.c.id))
            for sender, data in rows:
                value = json.loads(data or "{}").get("value")
                if isinstance(value, bool):
                    last[sender] = value
    return {sender for sender, consented in last.items() if not consented}


def _idle_since(engine: Engine, cutoff: float) -> list[str]:
    """Conversations whose newest event is older than `cutoff` (epoch seconds)."""
    with engine.connect() as connection:
        return list(connection.scalars(
            select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id)
            .having(func.max(EVENTS.c.timestamp) < cutoff)))


def delete_conversations(engine: Engine, senders: Iterable[str]) -> int:
    """Delete every event of these conversations; returns how many events. One short transaction per
    chunk: Rasa waits for SQLite's write lock only `busy_timeout_s` (5 s) before a message fails."""
    deleted = 0
    for chunk in _chunks(list(senders)):
        with engine.begin() as connection:
            deleted += connection.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(chunk))).rowcount or 0
    return deleted


def purge_tracker(engine: Engine, keep_days: float, declined_keep_days: float,
                  now: Optional[datetime] = None) -> dict[str, int]:
    """Delete the conversations idle past `keep_days`, and those whose person refused the consent idle
    past `declined_keep_days`; returns how many conversations of each and how many events."""
    now = now or utcnow()
    stale = _idle_since(engine, (now - timedelta(days=keep_days)).timestamp())
    recent = set(_idle_since(engine, (now - timedelta(days=declined_keep_days)).timestamp())) - set(stale)
    declined = _declined(engine, sorted(recent))
    events = delete_conversations(engine, [*stale, *declined])
    return {"tracker_conversations": len(stale), "tracker_declined": len(declined), "tracker_events": events}


def _chunks(items: list[str]) -> Iterable[list[str]]:
    return (items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK))


# ---- the jobs and the task -----------------------------------------------------------------------------

Job = Callable[[datetime], Mapping[str, int]]


def purge_cases_job(store: CaseStore, retention_days: float, events_keep_days: float = EVENTS_KEEP_DAYS) -> Job:
    """Cases created more than `retention_days` ago, with everything attached (cases.service.purge); the
    unanswered questions of the same age; message events older than `events_keep_days`."""
    def run(now: datetime) -> Mapping[str, int]:
        with store.session() as session:
            counts = dict(purge(session, timedelta(days=retention_days), now))
            counts.update(purge_figures(session, retention_days, events_keep_days, now))
            return counts
    return run


def purge_figures(session: Any, questions_keep_days: float, events_keep_days: float,
                  now: datetime) -> dict[str, int]:
    """Delete unanswered questions and message events past their time (UTC datetimes: naive on SQLite)."""
    def cutoff(days: float) -> datetime:
        moment = now - timedelta(days=days)
        return moment.astimezone(timezone.utc).replace(tzinfo=None) if store_naive(session) else moment
    return {
        "unanswered_questions": session.execute(
            delete(UNANSWERED).where(UNANSWERED.c.at < cutoff(questions_keep_days))).rowcount or 0,
        "message_events": session.execute(
            delete(MESSAGE_EVENTS).where(MESSAGE_EVENTS.c.at < cutoff(events_keep_days))).rowcount or 0,
    }


def store_naive(session: Any) -> bool:
    """SQLite keeps UTC times without a zone (cases.models.UTCDateTime)."""
    return session.get_bind().dialect.name == "sqlite"


def purge_tracker_job(settings: RetentionSettings) -> Job:
    """Rasa's conversations past their time (`purge_tracker`); nothing while the tracker file is missing."""
    def run(now: datetime) -> Mapping[str, int]:
        engine = tracker_engine(settings.tracker_url)
        if engine is None:
            return {}
        try:
            return purge_tracker(engine, settings.tracker_keep_days, settings.tracker_declined_keep_days, now)
        finally:
            engine.dispose()
    return run


def sweep(jobs: Mapping[str, Job], now: Optional[datetime] = None) -> dict[str, int]:
    """Run every job once (synchronous); a failing job is logged and the others still run."""
    now = now or utcnow()
    counts: dict[str, int] = {}
    for name, job in jobs.items():
        try:
            counts.update({f"{name}.{key}": value for key, value in job(now).items()})
        except Exception as exc:
            logger.warning("retention: %s failed (%s); tried again next round", name, type(exc).__name__,
                           exc_info=exc)
    return counts


class RetentionTask:
    """Runs `sweep` in a thread after `first_delay_s`, then every `every_s`, until `stop`."""

    def __init__(self, jobs: Mapping[str, Job], every_s: float, first_delay_s: float) -> None:
        self.jobs = dict(jobs)
        self.every_s = every_s
        self.first_delay_s = first_delay_s
        self._stop = asyncio.Event()

    async def run_forever(self) -> None:
        delay = self.first_delay_s
        while not await self._stopped_within(delay):
            counts = await asyncio.to_thread(sweep, self.jobs)
            deleted = {key: value for key, value in counts.items() if value}
            logger.info("retention: swept%s", f" {deleted}" if deleted else ", nothing past its time")
            delay = self.every_s

    async def _stopped_within(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=max(0.0, seconds))
        except asyncio.TimeoutError:
            return False
        return True

    def stop(self) -> None:
        self._stop.set()
