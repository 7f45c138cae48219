"""The gateway side of cases: the CaseRouter that ConversationService asks before Rasa, and the runtime
(case store, outbox worker) the gateway starts and stops with its lifespan (channels/app.py).

Before Rasa, in this order (see ConversationService.handle):
1. danger words: the emergency numbers at once and a high-priority case (`urgent`), never Rasa;
2. a satisfaction-score button (or a bare 1-5 right after the survey): stored on the closed case;
3. a question case held by a staff member (only a question handoff holds the conversation; a mediation
   application, a booking or an injury follow-up does not): the message goes to its thread; the user
   gets one acknowledgement (the first message after staff took over) and then nothing, so the
   conversation stays with staff.
Otherwise the message goes to the bot.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from datetime import timedelta
from typing import Any, Optional

from sqlalchemy import select

from cases import texts
from cases.config import CaseSettings
from cases.db import CaseStore
from cases.masking import install_log_filter
from cases.models import ASSIGNED, CLOSED, QUESTION, Case, utcnow
from cases.outbox import OutboxWorker, Sender
from cases.retention import Job, RetentionSettings, RetentionTask, purge_cases_job, purge_tracker_job
from cases.service import CaseDraft, TranscriptLine, open_case, record_rating, route_user_message
from cases.transcript import transcript_from_events
from channels.canned import try_again_reply
from channels.conversation import Incoming
from channels.inbox import Inbox
from channels.payloads import PayloadTable
from channels.rasa_client import RasaClient, RasaUnavailable
from channels.replies import BotReply, OutMessage


logger = logging.getLogger(__name__)

RATING = re.compile(r'^/rate_case\s*(\{.*\})\s*$', re.S)
BARE_SCORE = re.compile(r"^\s*([1-5])\s*(?:分\s*)?$")
SURVEY_WINDOW = timedelta(hours=24)
HELD_ACK = "您的訊息已轉給負責案件 #{case_id} 的同仁，同仁回覆會顯示在這裡。之後的訊息也會直接轉給同仁。"
URGENT_RETRY_DELAYS_S = (1, 2, 5, 10, 30, 60, 120, 300, 600)  # ~19 min in all


def _reply(text: str, kind: str, **meta: Any) -> BotReply:
    return BotReply(messages=[OutMessage(text=text, kind=kind, meta={"kind": kind, **meta})], intent="")


class CaseRouter:
    def __init__(self, store: CaseStore, worker: OutboxWorker | None = None, rasa: RasaClient | None = None) -> None:
        self.store = store
        self.worker = worker
        self.rasa = rasa  # for the conversation so far when a danger case opens
        self._retries: set[asyncio.Task[None]] = set()  # urgent cases being written again

    # ---- 2 and 3: before Rasa --------------------------------------------------------------------------

    async def before_rasa(self, message: Incoming, text: str) -> Optional[BotReply]:
        """A reply that replaces the bot's (rating stored, message passed to staff), or None.

        When the case store cannot be read (locked, down), nobody can tell whether staff hold this
        conversation: the bot answers (a locked database must not make the bot mute) and the error is
        logged. When it can be read and staff hold the conversation but the message cannot be written
        to the case thread, the user gets the retry hint (see `_before_rasa`)."""
        try:
            return await asyncio.to_thread(self._before_rasa, message.sender, text)
        except Exception as exc:  # the case store being down must not silence the bot
            logger.error("cases: router unavailable (%s); the bot answers", type(exc).__name__, exc_info=exc)
            return None

    def _before_rasa(self, sender: str, text: str) -> Optional[BotReply]:
        rating = self._rating(sender, text)
        if rating is not None:
            return rating
        with self.store.read() as session:  # the common case: nobody holds this conversation
            held = session.scalar(select(Case.id).where(Case.sender == sender, Case.kind == QUESTION,
                                                        Case.status == ASSIGNED))
        if held is None:
            return None
        try:
            with self.store.session() as session:
                case, first = route_user_message(session, sender, text)
                if case is None:
                    return None
                case_id = case.id
        except Exception as exc:
            # Staff hold this conversation but the message could not be added to its thread (SQLite
            # locked past the busy timeout, PostgreSQL down). Answering from the bot would cut into the
            # staff member's conversation and the message would never reach them: ask for it again.
            logger.warning("cases: message of held case #%s not stored (%s); the user is asked to resend",
                           held, type(exc).__name__)
            return try_again_reply(text)
        logger.info("cases: message of case #%s passed to staff", case_id)
        if first:
            return _reply(HELD_ACK.format(case_id=case_id), "case_ack", case_id=case_id)
        return BotReply(messages=[], intent="")  # staff hold the conversation: the bot stays quiet

    def _rating(self, sender: str, text: str) -> Optional[BotReply]:
        match = RATING.match(text.strip())
        if match:
            try:
                data = json.loads(match.group(1))
                case_id, score = int(data["case_id"]), int(data["score"])
            except (ValueError, KeyError, TypeError):
                return _reply(texts.RATING_INVALID, "rating")
            with self.store.session() as session:
                answer = record_rating(session, sender, case_id, score)
            return _reply(answer, "rating", case_id=case_id)
        bare = BARE_SCORE.match(text)
        if not bare:
            return None
        with self.store.read() as session:
            case_id = session.scalar(
                select(Case.id).where(Case.sender == sender, Case.status == CLOSED, Case.rating.is_(None),
                                      Case.survey_sent_at >= utcnow() - SURVEY_WINDOW)
                .order_by(Case.id.desc()).limit(1)
            )
        if case_id is None:
            return None
        with self.store.session() as session:
            answer = record_rating(session, sender, case_id, int(bare.group(1)))
        return _reply(answer, "rating", case_id=case_id)

    # ---- 1: danger -------------------------------------------------------------------------------------

    async def urgent(self, message: Incoming, text: str, topic: str = "other") -> Optional[int]:
        """Open (or raise) a high-priority case for a message with danger words; its number, or None."""
        lines = await self._recent_turns(message.sender)
        lines.append(TranscriptLine("user", text, utcnow()))
        draft = CaseDraft(sender=message.sender, topic=topic, reason="danger", priority="high",
                          summary=text[:300], transcript=lines)
        try:
            case_id = await asyncio.to_thread(self._open, draft)
        except Exception as exc:
            logger.error("cases: urgent case could not be written (%s); retrying in the background",
                         type(exc).__name__, exc_info=exc)
            task = asyncio.create_task(self._open_later(draft), name="urgent-case-retry")
            self._retries.add(task)
            task.add_done_callback(self._retries.discard)
            return None
        if self.worker is not None:
            self.worker.wake()
        return case_id

    async def _open_later(self, draft: CaseDraft) -> None:
        """Write an urgent case that could not be written at once (SQLite locked past the busy timeout,
        PostgreSQL down): the user already has the emergency numbers, and staff must still hear of it.
        open_case is idempotent per sender (an open case is raised, not duplicated), so a retry after a
        write that did commit cannot make a second case. Lost only if the gateway stops meanwhile."""
        for delay in URGENT_RETRY_DELAYS_S:
            await asyncio.sleep(delay)
            try:
                case_id = await asyncio.to_thread(self._open, draft)
            except Exception as exc:
                logger.warning("cases: urgent case still not written (%s)", type(exc).__name__)
                continue
            logger.info("cases: urgent case #%s written on retry", case_id)
            if self.worker is not None:
                self.worker.wake()
            return
        logger.error("cases: urgent case given up after %d retries", len(URGENT_RETRY_DELAYS_S))

    def _open(self, draft: CaseDraft) -> int:
        with self.store.session() as session:
            case, _created = open_case(session, draft)
            return case.id

    async def _recent_turns(self, sender: str) -> list[TranscriptLine]:
        """The conversation so far, from Rasa's tracker (best effort: Rasa may be the thing that is down)."""
        if self.rasa is None:
            return []
        try:
            events = await self.rasa.tracker_events(sender)
        except RasaUnavailable:
            return []
        return transcript_from_events(events, stop_at_handoff=False)


class CaseRuntime:
    """The case store, the outbox worker, the router and the retention task, started and stopped by the
    gateway's lifespan (channels/app.py). Started before the chat channels (their inboxes and button
    payloads live in the case store) and stopped after them."""

    def __init__(self, settings: CaseSettings, retention: RetentionSettings | None = None) -> None:
        self.settings = settings
        self.retention_settings = retention or RetentionSettings.under(settings)
        self.store = CaseStore(settings)
        self.worker: OutboxWorker | None = None
        self.router: CaseRouter | None = None
        self.retention: RetentionTask | None = None
        self._task: asyncio.Task[None] | None = None
        self._retention_task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def wake_worker(self) -> None:
        """Deliver now (callable from the console's worker threads)."""
        if self._loop is not None and self.worker is not None:
            self._loop.call_soon_threadsafe(self.worker.wake)

    async def open_store(self) -> None:
        """Create or upgrade the schema (retried on first use when the database is not ready yet)."""
        install_log_filter()
        try:
            await asyncio.to_thread(self.store.ensure_schema)
        except Exception as exc:  # the bot works without the case store
            logger.error("cases: database not ready (%s): %s", type(exc).__name__, exc)

    def start_worker(self, sender: Sender, rasa: RasaClient) -> CaseRouter:
        """Start delivering the outbox through `sender`; returns the router for ConversationService."""
        self._loop = asyncio.get_running_loop()
        self.worker = OutboxWorker(self.store, self.settings, sender)
        self.router = CaseRouter(self.store, self.worker, rasa)
        self._task = asyncio.create_task(self.worker.run_forever(), name="outbox-worker")
        self._start_retention()
        self._warn_about_delivery()
        logger.info("cases: store on %s, outbox worker %s", self.store.dialect, self.worker.worker_id)
        return self.router

    def retention_jobs(self) -> dict[str, Job]:
        """What the retention task deletes, each past the limit its setting promises (docs/handoff.md)."""
        store, settings = self.store, self.settings
        inbox, payloads = Inbox(store), PayloadTable(store)
        return {
            "cases": purge_cases_job(store, settings.retention_days,
                                     self.retention_settings.message_events_keep_days),
            "inbox": lambda now: {"rows": inbox.purge(settings.inbox_keep_days, now)},
            "button_payloads": lambda now: {"rows": payloads.purge(now)},
            "tracker": purge_tracker_job(self.retention_settings),
        }

    def _start_retention(self) -> None:
        timing = self.retention_settings
        self.retention = RetentionTask(self.retention_jobs(), timing.retention_every_s,
                                       timing.retention_first_delay_s)
        self._retention_task = asyncio.create_task(self.retention.run_forever(), name="retention")

    def _warn_about_delivery(self) -> None:
        assert self.worker is not None
        if not self.settings.staff_destinations:
            logger.warning("cases: staff notifications off (LINE_STAFF_GROUP_ID / TELEGRAM_STAFF_CHAT_ID not "
                           "set): new cases show in the console only")
        for platform, _address in self.settings.staff_destinations:
            if platform not in self.worker.deliverable:
                logger.warning("cases: a %s staff group is set but this gateway has no %s credentials",
                               platform, platform)

    async def stop(self) -> None:
        if self.retention is not None and self._retention_task is not None:
            self.retention.stop()
            await asyncio.gather(self._retention_task, return_exceptions=True)  # a sweep ends its job first
        if self.worker is not None and self._task is not None:
            self.worker.stop()
            try:
                await asyncio.wait_for(self._task, timeout=10.0)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                self._task.cancel()
                await asyncio.gather(self._task, return_exceptions=True)
        self.store.dispose()
