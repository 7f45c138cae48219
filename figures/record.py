"""Recording what the gateway did with each message: one MessageEvent (no text), and for questions the
bot could not answer, an UnansweredQuestion (text masked) for the curation queue.

The gateway calls `FigureRecorder.observe` once per handled message with the incoming text and the reply
(channels/conversation.py). `observe` is cheap and never raises: it classifies the reply (a few dict
look-ups), hashes the sender and hands the rows to a writer thread, which writes them in batches, so
the reply never waits for the database and a database error only loses figures (logged), never a reply.

Which question a 沒幫助 tap or a handoff is about: the last question of that conversation, remembered
here for half an hour (masked, in memory only, keyed by the conversation hash), so that MessageEvent
never holds any text.
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import json
import logging
import queue
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Optional, Protocol, Sequence

from cases.masking import mask_personal_data
from cases.models import utcnow
from figures.models import EVENT_KINDS, MessageEvent, UnansweredQuestion
from labourbot.language import detect

logger = logging.getLogger(__name__)

FEEDBACK = re.compile(r"^/feedback\s*(\{.*\})?\s*$", re.S)
KB_ENTRY = re.compile(r"^/kb_entry\s*(\{.*\})\s*$", re.S)
NOT_RECORDED = frozenset({"rate_limited", "busy"})  # refused before handling: an abuser must not fill the table
CHITCHAT_INTENTS = frozenset({"greet", "goodbye", "thank", "thanks", "affirm", "deny", "bot_challenge",
                              "chitchat", "mood_great", "mood_unhappy"})
NOT_ANSWERED_INTENTS = frozenset({"out_of_scope", "nlu_fallback"})
QUESTION_KINDS = ("kb_answer", "did_you_mean", "not_answered")
# Reply kinds (actions/replies.py `say(kind=...)`, channels/) -> MessageEvent.kind, when nothing stronger
# is in the reply (see `classify` for the order).
SERVICE_KINDS = {
    "calc_result": "calculator", "calc_understood": "calculator", "calc_error": "calculator",
    "reask": "calculator", "job_list": "job_search", "scam_check": "scam_check",
    "scam_check_prompt": "scam_check", "quiz_intro": "quiz", "quiz_question": "quiz",
    "quiz_feedback": "quiz", "quiz_result": "quiz", "quiz_reask": "quiz", "quiz_late": "quiz",
    "case_ack": "held", "menu": "menu",
}


class ButtonLike(Protocol):
    payload: str


class MessageLike(Protocol):
    kind: str
    meta: dict[str, Any]
    buttons: Sequence[ButtonLike]


class ReplyLike(Protocol):
    """What is read of the gateway's reply (channels/replies.py BotReply)."""

    messages: Sequence[MessageLike]
    intent: str
    topic: str
    handoff: bool


@dataclass
class Classified:
    kind: str
    topic: str = "other"
    intent: str = ""
    entry_id: Optional[str] = None
    case_id: Optional[int] = None
    detail: dict[str, Any] = field(default_factory=dict)
    offered: list[str] = field(default_factory=list)  # entry ids the reply offered, best first


def _json_payload(pattern: re.Pattern[str], text: str) -> Optional[dict[str, Any]]:
    match = pattern.match(text.strip())
    if not match:
        return None
    try:
        data = json.loads(match.group(1) or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def feedback_of(text: str) -> Optional[tuple[Optional[bool], Optional[str]]]:
    """(helpful, entry id) of a feedback tap `/feedback{"helpful": "yes"|"no", "entry_id": ...}`, or None."""
    data = _json_payload(FEEDBACK, text)
    if data is None:
        return None
    value = str(data.get("helpful", "")).strip().lower()
    helpful = True if value in ("yes", "true", "1") else False if value in ("no", "false", "0") else None
    entry = data.get("entry_id")
    return helpful, (str(entry)[:80] if entry else None)


def offered_entries(reply: ReplyLike) -> list[str]:
    """The entries offered as buttons (`/kb_entry{"entry_id": ...}`), best first."""
    found: list[str] = []
    for message in reply.messages:
        for button in message.buttons:
            data = _json_payload(KB_ENTRY, button.payload or "")
            entry = (data or {}).get("entry_id")
            if entry and str(entry) not in found:
                found.append(str(entry)[:80])
    return found


def message_language(text: str) -> str:
    """The message's own language when it tells (labourbot/language.py: a long enough message, or a
    telling short one such as 「xin chào」); otherwise zh. A short 「ok」 in an English conversation is
    counted as zh: the figures count messages, not conversations, by language."""
    detection = detect(text)
    return detection.lang if detection.lang and (detection.switches() or detection.hints()) else "zh"


def classify(text: str, reply: ReplyLike) -> Optional[Classified]:
    """What the service did with the message `text` answered by `reply`; None when it is not counted."""
    kinds = [m.kind for m in reply.messages]
    metas = [m.meta or {} for m in reply.messages]
    base = Classified(kind="other", topic=reply.topic or "other", intent=reply.intent or "")
    if any(k in NOT_RECORDED for k in kinds):
        return None
    case_id = next((m.get("case_id") for m in metas if isinstance(m.get("case_id"), int)), None)
    base.case_id = case_id
    if "emergency" in kinds:
        base.kind = "emergency"
        return base
    feedback = feedback_of(text)
    if feedback is not None:
        base.kind, base.entry_id = "feedback", feedback[1]
        base.detail = {"helpful": feedback[0]}
        return base
    if reply.handoff:
        base.kind = "handoff"
        return base
    if not reply.messages and not text.startswith("/"):
        base.kind = "held"  # a case held by staff took the message; the bot stayed quiet
        return base
    answers = [m for m in metas if m.get("kind") in ("kb_answer", "statute_answer", "article")]
    quiz = [m for m in metas if str(m.get("kind", "")).startswith("quiz_")]
    if quiz:
        base.kind = "quiz"
        base.detail = _quiz_detail(quiz)
        return base
    if any(m.get("kind") == "kb_answer" for m in answers) or ("article" in kinds and "not_sure" not in kinds):
        entries = [str(m["entry_id"]) for m in answers if m.get("entry_id")]
        base.kind, base.entry_id = "kb_answer", (entries[0][:80] if entries else None)
        if len(entries) > 1:
            base.detail = {"entries": entries[:3]}
        return base
    service = next((SERVICE_KINDS[k] for k in kinds if k in SERVICE_KINDS), None)
    if service is not None:
        base.kind = service
        return base
    if "not_sure" in kinds or ("holding" in kinds and base.topic != "job_search"):
        base.offered = offered_entries(reply)
        base.kind = "did_you_mean" if base.offered else "not_answered"
        if "statute_answer" in kinds:
            base.detail = {"statute": True}
        return base
    if "holding" in kinds:
        base.kind = "job_search"
        return base
    if base.intent in NOT_ANSWERED_INTENTS:
        base.kind = "not_answered"
    elif base.intent in CHITCHAT_INTENTS:
        base.kind = "chitchat"
    reply_kind = next((k for k in kinds if k not in ("text", "notice")), None)
    if base.kind == "other" and reply_kind:
        base.detail = {"reply": reply_kind[:24]}
    return base


def _quiz_detail(metas: list[dict[str, Any]]) -> dict[str, Any]:
    detail: dict[str, Any] = {}
    for meta in metas:
        kind = meta.get("kind")
        if kind == "quiz_intro":
            detail["start"] = True
        elif kind == "quiz_feedback" and meta.get("question_id"):
            detail["question"] = str(meta["question_id"])[:16]
            detail["correct"] = bool(meta.get("correct"))
        elif kind == "quiz_result":
            detail["finished"] = True
            detail["score"] = int(meta.get("score") or 0)
            detail["answered"] = int(meta.get("answered") or 0)
    return detail


def conversation_hash(key: bytes, sender: str) -> str:
    """A keyed hash of the Rasa sender id (`<channel>:<user id>`): 32 hex characters."""
    return hmac.new(key, sender.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


@dataclass
class _Remembered:
    text: str  # masked
    at: float
    queued: set[str] = field(default_factory=set)  # reasons it is already in the queue for


class LastQuestions:
    """The last question of each conversation, masked, for `ttl_s`; at most `size` conversations."""

    def __init__(self, ttl_s: float = 1800.0, size: int = 10_000) -> None:
        self.ttl_s, self.size = ttl_s, size
        self._items: OrderedDict[str, _Remembered] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, conversation: str, masked: str, queued: Iterable[str] = ()) -> None:
        with self._lock:
            self._items.pop(conversation, None)
            self._items[conversation] = _Remembered(masked, time.monotonic(), set(queued))
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def take(self, conversation: str, reason: str) -> Optional[str]:
        """The remembered question, unless it is already queued for `reason` (then None)."""
        with self._lock:
            item = self._items.get(conversation)
            if item is None or time.monotonic() - item.at > self.ttl_s:
                self._items.pop(conversation, None)
                return None
            if reason in item.queued or (reason == "handoff" and item.queued):
                return None
            item.queued.add(reason)
            return item.text


class Writer:
    """A daemon thread that writes rows in batches (one transaction per batch). Rows past `max_queue`
    waiting are dropped with a warning: figures must never hold up or take down the gateway."""

    def __init__(self, store: Any, max_queue: int = 20_000, batch: int = 500) -> None:
        self.store = store
        self.batch = batch
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max_queue)
        self._thread: Optional[threading.Thread] = None
        self._start_lock = threading.Lock()
        self.dropped = 0
        self.failed = 0

    def submit(self, rows: list[Any]) -> None:
        self._ensure_started()
        for row in rows:
            try:
                self._queue.put_nowait(row)
            except queue.Full:
                self.dropped += 1
                if self.dropped % 1000 == 1:
                    logger.warning("figures: writer behind, %d rows dropped", self.dropped)

    def _ensure_started(self) -> None:
        if self._thread is not None:
            return
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="figures-writer", daemon=True)
                self._thread.start()
                atexit.register(self.flush, 5.0)

    def _run(self) -> None:
        while True:
            rows = [self._queue.get()]
            while len(rows) < self.batch:
                try:
                    rows.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                with self.store.session() as session:
                    session.add_all(rows)
            except Exception as exc:  # the database down or locked: these figures are lost, the bot goes on
                self.failed += len(rows)
                logger.warning("figures: %d rows not written (%s)", len(rows), type(exc).__name__)
            finally:
                for _ in rows:
                    self._queue.task_done()

    def flush(self, timeout_s: float = 5.0) -> bool:
        """Wait until every submitted row is written (or given up); False on timeout."""
        deadline = time.monotonic() + timeout_s
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True


class FigureRecorder:
    """Turns each handled message into rows (see the module docstring)."""

    def __init__(self, store: Any, key: bytes, *, remember_s: float = 1800.0, writer: Optional[Writer] = None) -> None:
        self.key = key
        self.writer = writer or Writer(store)
        self.last = LastQuestions(ttl_s=remember_s)

    @classmethod
    def for_store(cls, store: Any) -> Optional["FigureRecorder"]:
        """A recorder on the case store, with the key of its data folder (figures/config.py); None (and a
        logged error) when the key cannot be read or written: the gateway runs on without figures."""
        from figures.config import FiguresSettings

        try:
            settings = FiguresSettings.under(store.settings)
            if not settings.figures_record:
                logger.info("figures: not recorded (LABOURBOT_FIGURES_RECORD=false)")
                return None
            return cls(store, settings.key())
        except Exception as exc:
            logger.error("figures: off, no key (%s)", type(exc).__name__, exc_info=exc)
            return None

    def observe(self, channel: str, sender: str, text: str, reply: ReplyLike,
                at: Optional[datetime] = None) -> None:
        """Record one handled message; never raises (a failure is logged and the figure lost)."""
        try:
            rows = self.rows(channel, sender, text, reply, at or utcnow())
            if rows:
                self.writer.submit(rows)
        except Exception as exc:
            logger.warning("figures: message not recorded (%s)", type(exc).__name__, exc_info=exc)

    def rows(self, channel: str, sender: str, text: str, reply: ReplyLike, at: datetime) -> list[Any]:
        found = classify(text, reply)
        if found is None:
            return []
        if found.kind not in EVENT_KINDS:  # a mapping above that names a kind the model does not know
            found.kind = "other"
        conversation = conversation_hash(self.key, sender)
        language = message_language(text)
        rows: list[Any] = [MessageEvent(
            at=at, channel=channel[:16], conversation=conversation, kind=found.kind, topic=found.topic[:32],
            intent=found.intent[:64], entry_id=found.entry_id, language=language, case_id=found.case_id,
            detail=found.detail or None)]
        question = self._question(found, conversation, text)
        if question is not None:
            reason, masked, offered = question
            rows.append(UnansweredQuestion(at=at, channel=channel[:16], conversation=conversation, reason=reason,
                                           text=masked, offered=offered, language=language))
        return rows

    def _question(self, found: Classified, conversation: str, text: str) -> Optional[tuple[str, str, list[str]]]:
        """(reason, masked text, offered entries) when the message puts a question in the curation queue."""
        typed = text.strip() and not text.startswith(("/", "~p"))
        if found.kind in QUESTION_KINDS and typed:
            masked = mask_personal_data(text.strip())[:2000]
            if found.kind == "kb_answer":
                self.last.remember(conversation, masked)
                return None
            reason = "not_sure" if found.kind == "did_you_mean" else "not_answered"
            self.last.remember(conversation, masked, queued=[reason])
            return reason, masked, found.offered[:5]
        if found.kind == "feedback" and found.detail.get("helpful") is False:
            asked = self.last.take(conversation, "not_helpful")
            if asked is not None:
                return "not_helpful", asked, [found.entry_id] if found.entry_id else []
        if found.kind == "handoff":
            asked = self.last.take(conversation, "handoff")
            if asked is not None:
                return "handoff", asked, []
        return None
