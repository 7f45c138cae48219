"""Every operation on cases, staff users and console sessions. Synchronous functions over a Session
(the caller owns the transaction: `with store.session() as s: ...`), shared by the action server,
the gateway, the console and the CLI.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Iterable, Optional, Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import case as sql_case
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cases import texts
from cases.models import (
    ASSIGNED,
    CHANNELS,
    CLOSED,
    OPEN_STATUSES,
    PENDING,
    PRIORITIES,
    REASONS,
    ROLES,
    SENT,
    WAITING,
    Case,
    CaseMessage,
    CaseNote,
    ConsoleSession,
    OutboxMessage,
    PendingMessage,
    StaffUser,
    utcnow,
)
from labourbot.topics import TOPICS

PUSH_CHANNELS = ("line", "telegram")  # staff replies are pushed through the outbox
PULL_CHANNELS = ("web", "rest")  # staff replies wait in pending_messages for the page or the client
MAX_TEXT = 4000
NAME_PATTERN = re.compile(r"^[\w.@-]{2,64}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so that a wrong name takes as long as a wrong password."""
    return _hasher.hash(secrets.token_hex(16))


class CaseError(Exception):
    """An operation that cannot be done (unknown case, closed case, bad input); the message is for users."""


class Forbidden(CaseError):
    """The staff member may not touch this case."""


@dataclass
class TranscriptLine:
    author: str  # user | bot
    text: str
    at: Optional[datetime] = None


@dataclass
class CaseDraft:
    sender: str
    topic: str = "other"
    reason: str = "request_human"
    priority: str = "normal"
    summary: str = ""
    contact: Optional[str] = None
    transcript: list[TranscriptLine] = field(default_factory=list)


def split_sender(sender: str) -> tuple[str, str]:
    """'line:Uxxxx' -> ('line', 'Uxxxx'); a sender without a known channel prefix is 'rest'."""
    channel, sep, user = sender.partition(":")
    if sep and channel in CHANNELS and user:
        return channel, user
    return "rest", sender


def _clip(text: str, limit: int = MAX_TEXT) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---- cases -----------------------------------------------------------------------------------------


def open_case_for(session: Session, sender: str) -> Optional[Case]:
    return session.scalars(
        select(Case).where(Case.sender == sender, Case.status.in_(OPEN_STATUSES)).order_by(Case.id.desc())
    ).first()


def open_case(session: Session, draft: CaseDraft, now: Optional[datetime] = None) -> tuple[Case, bool]:
    """Write a case with its transcript and the staff notification, in the caller's transaction.

    Returns (case, True), or (the sender's open case, False) when there is one already; a high-priority
    draft raises an existing case to high priority (and notifies staff again).
    """
    now = now or utcnow()
    if draft.topic not in TOPICS or draft.reason not in REASONS or draft.priority not in PRIORITIES:
        raise CaseError(f"bad draft: topic={draft.topic} reason={draft.reason} priority={draft.priority}")
    existing = open_case_for(session, draft.sender)
    if existing is None:
        channel, user = split_sender(draft.sender)
        case = Case(
            status=WAITING, priority=draft.priority, reason=draft.reason, topic=draft.topic, channel=channel,
            channel_user=user, sender=draft.sender, summary=_clip(draft.summary, 1000),
            contact=_clip(draft.contact, 200) if draft.contact else None, consent_at=now, created_at=now,
            updated_at=now,
        )
        case.messages = [
            CaseMessage(part="transcript", author=line.author, text=_clip(line.text), created_at=line.at or now)
            for line in draft.transcript if line.text.strip()
        ]
        try:
            with session.begin_nested():  # the unique index: another process may have opened one just now
                session.add(case)
                session.flush()
        except IntegrityError:
            existing = open_case_for(session, draft.sender)
            if existing is None:
                raise
        else:
            _notify_staff(session, case, now)
            return case, True
    if draft.contact and not existing.contact:
        existing.contact = _clip(draft.contact, 200)
    if draft.priority == "high" and existing.priority != "high":
        existing.priority, existing.reason = "high", draft.reason
        _notify_staff(session, existing, now)
    if draft.reason == "danger" and draft.transcript:  # the alarming message belongs in the thread
        session.add(CaseMessage(case_id=existing.id, part="thread", author="user",
                                text=_clip(draft.transcript[-1].text), created_at=now))
    existing.updated_at = now
    return existing, False


def _notify_staff(session: Session, case: Case, now: datetime) -> None:
    """One outbox row; the gateway's worker expands it into one message per configured staff group."""
    session.add(OutboxMessage(kind="staff_alert", case_id=case.id, destination="staff", address="",
                              payload={"case_id": case.id}, created_at=now, next_attempt_at=now))


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise CaseError(f"找不到案件 #{case_id}")
    return case


def can_open(user: StaffUser, case: Case) -> bool:
    """Admins open every case; staff open unassigned cases and their own."""
    return user.role == "admin" or case.assigned_to is None or case.assigned_to == user.id


def _case_for(session: Session, case_id: int, user: StaffUser, *, open_only: bool = True) -> Case:
    case = get_case(session, case_id)
    if not can_open(user, case):
        raise Forbidden("這件案件已由其他同仁負責")
    if open_only and not case.is_open:
        raise CaseError(f"案件 #{case_id} 已經結案")
    return case


def assign(session: Session, case_id: int, user: StaffUser, now: Optional[datetime] = None) -> Case:
    """The staff member takes the case; from now on the user's messages go to its thread."""
    now = now or utcnow()
    case = _case_for(session, case_id, user)
    if case.assigned_to != user.id:
        case.assigned_to, case.assigned_at, case.status, case.updated_at = user.id, now, ASSIGNED, now
        session.add(CaseMessage(case_id=case.id, part="thread", author="system",
                                text=f"{user.name} 接手案件", created_at=now))
    return case


def deliver_to_user(session: Session, case: Case, kind: str, text: str,
                    buttons: Sequence[dict[str, str]] = (), now: Optional[datetime] = None) -> None:
    """Send a message to the case's user on their channel: pushed through the outbox (LINE, Telegram),
    or kept for the web chat page / the REST client to fetch."""
    now = now or utcnow()
    payload: dict[str, Any] = {"text": text, "buttons": [dict(b) for b in buttons]}
    if case.channel in PUSH_CHANNELS:
        session.add(OutboxMessage(kind=kind, case_id=case.id, destination=case.channel,
                                  address=case.channel_user, payload=payload, created_at=now,
                                  next_attempt_at=now))
    else:
        session.add(PendingMessage(sender=case.sender, case_id=case.id, kind=kind, payload=payload,
                                   created_at=now))


def staff_reply(session: Session, case_id: int, user: StaffUser, text: str,
                now: Optional[datetime] = None) -> CaseMessage:
    """A staff reply: kept in the thread and sent to the user; an unassigned case is taken first."""
    now = now or utcnow()
    text = _clip(text)
    if not text:
        raise CaseError("回覆不能是空白的")
    case = assign(session, case_id, user, now)
    message = CaseMessage(case_id=case.id, part="thread", author="staff", staff_id=user.id, text=text,
                          created_at=now)
    session.add(message)
    deliver_to_user(session, case, "staff_reply", f"{texts.STAFF_PREFIX}{text}", now=now)
    case.updated_at = now
    return message


def add_note(session: Session, case_id: int, user: StaffUser, text: str,
             now: Optional[datetime] = None) -> CaseNote:
    text = _clip(text)
    if not text:
        raise CaseError("備註不能是空白的")
    case = _case_for(session, case_id, user, open_only=False)
    note = CaseNote(case_id=case.id, staff_id=user.id, text=text, created_at=now or utcnow())
    session.add(note)
    return note


def close_case(session: Session, case_id: int, user: StaffUser, now: Optional[datetime] = None) -> Case:
    """Close the case: the user is back with the bot, which asks for a 1-5 score."""
    now = now or utcnow()
    case = _case_for(session, case_id, user)
    case.status, case.closed_at, case.closed_by, case.updated_at = CLOSED, now, user.id, now
    case.survey_sent_at = now
    session.add(CaseMessage(case_id=case.id, part="thread", author="system", text=f"{user.name} 結案",
                            created_at=now))
    buttons = [{"title": label, "payload": texts.rating_payload(case.id, score)}
               for score, label in sorted(texts.SURVEY_LABELS.items(), reverse=True)]
    deliver_to_user(session, case, "survey",
                    texts.CLOSED.format(case_id=case.id) + "\n" + texts.SURVEY, buttons, now)
    return case


def record_rating(session: Session, sender: str, case_id: int, score: int,
                  now: Optional[datetime] = None) -> str:
    """Store a 1-5 score given on the case's own conversation; the answer to show the user."""
    case = session.get(Case, case_id)
    if case is None or case.sender != sender or not 1 <= score <= 5:
        return texts.RATING_INVALID
    if case.rating is not None:
        return texts.ALREADY_RATED
    if case.status != CLOSED:
        return texts.RATING_INVALID
    case.rating, case.rated_at = score, now or utcnow()
    return texts.RATED


def route_user_message(session: Session, sender: str, text: str,
                       now: Optional[datetime] = None) -> tuple[Optional[Case], bool]:
    """If a staff member holds the sender's case, add the message to its thread.

    Returns (case, first) where `first` says whether this is the first message since staff took over
    (the user gets one acknowledgement then), or (None, False) when the bot should answer.
    """
    now = now or utcnow()
    case = session.scalars(
        select(Case).where(Case.sender == sender, Case.status == ASSIGNED).order_by(Case.id.desc())
    ).first()
    if case is None:
        return None, False
    session.add(CaseMessage(case_id=case.id, part="thread", author="user", text=_clip(text), created_at=now))
    first = case.user_acked_at is None
    if first:
        case.user_acked_at = now
    case.updated_at = now
    return case, first


@dataclass
class CaseFilter:
    status: Optional[str] = None  # waiting | assigned | closed | open (waiting + assigned) | None (all)
    topic: Optional[str] = None
    channel: Optional[str] = None
    waiting_over: Optional[timedelta] = None  # only cases older than this
    viewer: Optional[StaffUser] = None  # staff see unassigned cases and their own
    limit: int = 200


def list_cases(session: Session, flt: CaseFilter, now: Optional[datetime] = None) -> list[Case]:
    """Open cases first: high priority, then the longest waiting; closed cases after them."""
    now = now or utcnow()
    query = select(Case)
    if flt.status == "open":
        query = query.where(Case.status.in_(OPEN_STATUSES))
    elif flt.status:
        query = query.where(Case.status == flt.status)
    if flt.topic:
        query = query.where(Case.topic == flt.topic)
    if flt.channel:
        query = query.where(Case.channel == flt.channel)
    if flt.waiting_over:
        query = query.where(Case.created_at <= now - flt.waiting_over)
    if flt.viewer is not None and flt.viewer.role != "admin":
        query = query.where(or_(Case.assigned_to.is_(None), Case.assigned_to == flt.viewer.id))
    query = query.order_by(
        sql_case((Case.status == CLOSED, 1), else_=0),
        sql_case((Case.priority == "high", 0), else_=1),
        Case.created_at,
        Case.id,
    ).limit(flt.limit)
    return list(session.scalars(query).unique())


def purge(session: Session, older_than: timedelta, now: Optional[datetime] = None) -> dict[str, int]:
    """Delete cases created before now - older_than (with their messages, notes and outbox rows), and
    fetched or stale pending messages, finished outbox rows and expired console sessions."""
    now = now or utcnow()
    cutoff = now - older_than
    ids = list(session.scalars(select(Case.id).where(Case.created_at < cutoff)))
    open_count = session.scalar(
        select(func.count()).select_from(Case).where(Case.created_at < cutoff, Case.status.in_(OPEN_STATUSES))
    ) or 0
    counts = {"cases": len(ids), "open_cases": int(open_count)}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        # explicit deletes: foreign-key cascades are not enabled on every SQLite connection
        for model in (CaseMessage, CaseNote, OutboxMessage, PendingMessage):
            session.execute(delete(model).where(model.case_id.in_(chunk)))
        session.execute(delete(Case).where(Case.id.in_(chunk)))
    counts["pending_messages"] = session.execute(
        delete(PendingMessage).where(PendingMessage.created_at < cutoff)
    ).rowcount or 0
    counts["outbox"] = session.execute(
        delete(OutboxMessage).where(OutboxMessage.created_at < cutoff, OutboxMessage.status != PENDING)
    ).rowcount or 0
    counts["sessions"] = session.execute(
        delete(ConsoleSession).where(ConsoleSession.expires_at < now)
    ).rowcount or 0
    return counts


def fetch_pending(session: Session, sender: str, now: Optional[datetime] = None) -> list[dict[str, Any]]:
    """Messages waiting for a pull-channel user (oldest first); each is handed out once."""
    now = now or utcnow()
    rows = list(session.scalars(
        select(PendingMessage).where(PendingMessage.sender == sender, PendingMessage.fetched_at.is_(None))
        .order_by(PendingMessage.id).limit(50)
    ))
    out = []
    for row in rows:
        taken = session.execute(
            update(PendingMessage).where(PendingMessage.id == row.id, PendingMessage.fetched_at.is_(None))
            .values(fetched_at=now)
        ).rowcount
        if taken:
            out.append({"id": row.id, "kind": row.kind, "case_id": row.case_id, **row.payload})
    return out


# ---- staff users and console sessions ------------------------------------------------------------------


def add_staff_user(session: Session, name: str, role: str, password: str) -> StaffUser:
    if not NAME_PATTERN.fullmatch(name):
        raise CaseError("帳號只能用 2-64 個字母、數字、中文或 . _ - @")
    if role not in ROLES:
        raise CaseError(f"角色只能是 {' 或 '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise CaseError(f"密碼至少要 {MIN_PASSWORD} 個字元")
    if session.scalar(select(StaffUser).where(StaffUser.name == name)) is not None:
        raise CaseError(f"帳號 {name} 已經存在")
    user = StaffUser(name=name, role=role, password_hash=_hasher.hash(password), active=True)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, name: str, password: str) -> Optional[StaffUser]:
    """The active user with this name and password, or None (the same work is done for unknown names)."""
    user = session.scalar(select(StaffUser).where(StaffUser.name == name))
    try:
        _hasher.verify(user.password_hash if user and user.active else _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def create_console_session(session: Session, user: StaffUser, ttl: timedelta,
                           now: Optional[datetime] = None) -> ConsoleSession:
    now = now or utcnow()
    row = ConsoleSession(id=secrets.token_urlsafe(32), user_id=user.id, created_at=now, expires_at=now + ttl)
    session.add(row)
    session.flush()
    return row


def console_session_user(session: Session, session_id: str, now: Optional[datetime] = None
                         ) -> Optional[StaffUser]:
    """The user of a live session, or None (unknown, expired or of a deactivated user)."""
    row = session.get(ConsoleSession, session_id)
    if row is None or row.expires_at <= (now or utcnow()) or not row.user.active:
        return None
    return row.user


def end_console_session(session: Session, session_id: str) -> None:
    session.execute(delete(ConsoleSession).where(ConsoleSession.id == session_id))


def open_cases_summary(session: Session) -> list[Case]:
    """Open cases for `labourbot cases list`, oldest first."""
    return list_cases(session, CaseFilter(status="open", limit=10_000))


def outbox_rows(session: Session, case_id: Optional[int] = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if case_id is not None:
        query = query.where(OutboxMessage.case_id == case_id)
    return list(session.scalars(query))


def sent_count(rows: Iterable[OutboxMessage]) -> int:
    return sum(1 for row in rows if row.status == SENT)
