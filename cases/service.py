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
from typing import Any, Optional, Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import case as sql_case
from sqlalchemy import Select, delete, exists, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cases import texts
from cases.mediation_models import MediationApplication
from cases.models import (
    ASSIGNED,
    AuditEvent,
    LoginNonce,
    LoginThrottle,
    CHANNELS,
    CLOSED,
    FAILED,
    KINDS,
    OPEN_STATUSES,
    PENDING,
    PRIORITIES,
    QUESTION,
    REASONS,
    ROLES,
    SENT,
    SKIPPED,
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
from labourbot.textnorm import clip
from labourbot.topics import TOPICS

PUSH_CHANNELS = ("line", "telegram")  # staff replies are pushed through the outbox
PULL_CHANNELS = ("web", "rest")  # staff replies wait in pending_messages for the page or the client
MAX_TEXT = 4000
PENDING_KEEP = timedelta(days=7)  # a message for a pull channel not acknowledged by then has expired
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


class AlreadyTaken(CaseError):
    """Another staff member took the case between this one's reading it and taking it."""


@dataclass
class TranscriptLine:
    author: str  # user | bot
    text: str
    at: Optional[datetime] = None


@dataclass
class CaseDraft:
    sender: str
    kind: str = QUESTION  # question | mediation | booking | injury: one open case per sender and kind
    topic: str = "other"
    reason: str = "request_human"
    priority: str = "normal"
    summary: str = ""
    contact: Optional[str] = None
    transcript: list[TranscriptLine] = field(default_factory=list)
    language: str = "zh"  # the conversation's language (zh en id vi th; docs/languages.md)


def split_sender(sender: str) -> tuple[str, str]:
    """'line:Uxxxx' -> ('line', 'Uxxxx'); a sender without a known channel prefix is 'rest'."""
    channel, sep, user = sender.partition(":")
    if sep and channel in CHANNELS and user:
        return channel, user
    return "rest", sender


# ---- cases -----------------------------------------------------------------------------------------


def open_case_for(session: Session, sender: str, kind: str = QUESTION) -> Optional[Case]:
    """The sender's open case of this kind (a question handoff unless told otherwise)."""
    return session.scalars(
        select(Case).where(Case.sender == sender, Case.kind == kind, Case.status.in_(OPEN_STATUSES))
        .order_by(Case.id.desc())
    ).first()


def open_case(session: Session, draft: CaseDraft, now: Optional[datetime] = None) -> tuple[Case, bool]:
    """Write a case with its transcript and the staff notification, in the caller's transaction.

    Returns (case, True), or (the sender's open case of the draft's kind, False) when there is one
    already; a high-priority draft raises an existing case to high priority (and notifies staff again).
    A sender may have one open case of each kind at once (a question handoff and a mediation application).
    """
    now = now or utcnow()
    if (draft.topic not in TOPICS or draft.reason not in REASONS or draft.priority not in PRIORITIES
            or draft.kind not in KINDS):
        raise CaseError(f"bad draft: kind={draft.kind} topic={draft.topic} reason={draft.reason} "
                        f"priority={draft.priority}")
    existing = open_case_for(session, draft.sender, draft.kind)
    if existing is None:
        channel, user = split_sender(draft.sender)
        case = Case(
            kind=draft.kind, status=WAITING, priority=draft.priority, reason=draft.reason, topic=draft.topic,
            channel=channel,
            channel_user=user, sender=draft.sender, summary=clip(draft.summary, 1000),
            contact=clip(draft.contact, 200) if draft.contact else None, consent_at=now, created_at=now,
            updated_at=now, language=texts.case_language(draft.language),
        )
        case.messages = [
            CaseMessage(part="transcript", author=line.author, text=clip(line.text, MAX_TEXT),
                        created_at=line.at or now)
            for line in draft.transcript if line.text.strip()
        ]
        try:
            with session.begin_nested():  # the unique index: another process may have opened one just now
                session.add(case)
                session.flush()
        except IntegrityError:
            existing = open_case_for(session, draft.sender, draft.kind)
            if existing is None:
                raise
        else:
            _notify_staff(session, case, now)
            return case, True
    if draft.contact and not existing.contact:
        existing.contact = clip(draft.contact, 200)
    if draft.priority == "high" and existing.priority != "high":
        existing.priority, existing.reason = "high", draft.reason
        _notify_staff(session, existing, now)
    if draft.reason == "danger" and draft.transcript:  # the alarming message belongs in the thread
        session.add(CaseMessage(case_id=existing.id, part="thread", author="user",
                                text=clip(draft.transcript[-1].text, MAX_TEXT), created_at=now))
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
    """The staff member takes the case; from now on the user's messages go to its thread.

    The take is a conditional UPDATE: it only applies while the case is still open and held by whom this
    session read (nobody, or the colleague an admin takes over from). Reads lock nothing on PostgreSQL
    (and a session may hold an old copy of the case), so of two staff taking the same case at once the
    second one gets AlreadyTaken instead of silently taking it over."""
    now = now or utcnow()
    case = _case_for(session, case_id, user)
    if case.assigned_to == user.id:
        return case
    holder = Case.assigned_to.is_(None) if case.assigned_to is None else Case.assigned_to == case.assigned_to
    taken = session.execute(
        update(Case).where(Case.id == case.id, holder, Case.status.in_(OPEN_STATUSES))
        .values(assigned_to=user.id, assigned_at=now, status=ASSIGNED, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.expire(case)  # reloaded with what the database now holds
    if taken != 1:
        raise AlreadyTaken(f"案件 #{case_id} 剛由其他同仁接手")
    session.add(CaseMessage(case_id=case_id, part="thread", author="system", text=f"{user.name} 接手案件",
                            created_at=now))
    return case


def deliver_to_user(session: Session, case: Case, kind: str, text: str,
                    buttons: Sequence[dict[str, str]] = (), now: Optional[datetime] = None,
                    thread_message_id: Optional[int] = None) -> OutboxMessage | PendingMessage:
    """Send a message to the case's user on their channel: pushed through the outbox (LINE, Telegram),
    or kept for the web chat page / the REST client to fetch. `thread_message_id` (a staff reply)
    lets the console show whether the pull client acknowledged it."""
    now = now or utcnow()
    payload: dict[str, Any] = {"text": text, "buttons": [dict(b) for b in buttons]}
    row: OutboxMessage | PendingMessage
    if case.channel in PUSH_CHANNELS:
        row = OutboxMessage(kind=kind, case_id=case.id, destination=case.channel, address=case.channel_user,
                            payload=payload, created_at=now, next_attempt_at=now)
    else:
        if thread_message_id is not None:
            payload["thread_message_id"] = thread_message_id
        row = PendingMessage(sender=case.sender, case_id=case.id, kind=kind, payload=payload, created_at=now)
    session.add(row)
    return row


def staff_reply(session: Session, case_id: int, user: StaffUser, text: str,
                now: Optional[datetime] = None) -> CaseMessage:
    """A staff reply: kept in the thread and sent to the user; an unassigned case is taken first.
    The thread message points to what carries it (outbox row, or pending message) so that the console
    can show whether it arrived."""
    now = now or utcnow()
    text = clip(text, MAX_TEXT)
    if not text:
        raise CaseError("回覆不能是空白的")
    case = assign(session, case_id, user, now)
    message = CaseMessage(case_id=case.id, part="thread", author="staff", staff_id=user.id, text=text,
                          created_at=now)
    session.add(message)
    session.flush()  # the message's id, for the pending message
    row = deliver_to_user(session, case, "staff_reply", f"{texts.STAFF_PREFIX}{text}{texts.interpreter_note(case.language)}", now=now,
                          thread_message_id=message.id)
    if isinstance(row, OutboxMessage):
        session.flush()  # the outbox row's id
        message.outbox_id = row.id
    case.updated_at = now
    return message


def add_note(session: Session, case_id: int, user: StaffUser, text: str,
             now: Optional[datetime] = None) -> CaseNote:
    text = clip(text, MAX_TEXT)
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
    """If a staff member holds the sender's question case, add the message to its thread.

    Only a question handoff holds the conversation: a mediation application (or a booking, an injury
    follow-up) taken by staff leaves the user talking to the bot.

    Returns (case, first) where `first` says whether this is the first message since staff took over
    (the user gets one acknowledgement then), or (None, False) when the bot should answer.
    """
    now = now or utcnow()
    case = session.scalars(
        select(Case).where(Case.sender == sender, Case.kind == QUESTION, Case.status == ASSIGNED)
        .order_by(Case.id.desc())
    ).first()
    if case is None:
        return None, False
    session.add(CaseMessage(case_id=case.id, part="thread", author="user", text=clip(text, MAX_TEXT),
                            created_at=now))
    first = case.user_acked_at is None
    if first:
        case.user_acked_at = now
    case.updated_at = now
    return case, first


@dataclass
class CaseFilter:
    status: Optional[str] = None  # waiting | assigned | closed | open (waiting + assigned) | None (all)
    kind: Optional[str] = None  # question | mediation | booking | injury | None (all)
    topic: Optional[str] = None
    channel: Optional[str] = None
    waiting_over: Optional[timedelta] = None  # only cases older than this
    viewer: Optional[StaffUser] = None  # staff see unassigned cases and their own
    undelivered: bool = False  # only cases with a staff reply that did not reach the user
    limit: int = 200


def list_cases(session: Session, flt: CaseFilter, now: Optional[datetime] = None) -> list[Case]:
    """Open cases first: high priority, then the longest waiting; closed cases after them."""
    now = now or utcnow()
    query = select(Case)
    if flt.status == "open":
        query = query.where(Case.status.in_(OPEN_STATUSES))
    elif flt.status:
        query = query.where(Case.status == flt.status)
    if flt.kind:
        query = query.where(Case.kind == flt.kind)
    if flt.topic:
        query = query.where(Case.topic == flt.topic)
    if flt.channel:
        query = query.where(Case.channel == flt.channel)
    if flt.waiting_over:
        query = query.where(Case.created_at <= now - flt.waiting_over)
    if flt.viewer is not None:
        query = query.where(_visible_to(flt.viewer))
    if flt.undelivered:
        query = query.where(Case.id.in_(_undelivered_case_ids(now)))
    query = query.order_by(
        sql_case((Case.status == CLOSED, 1), else_=0),
        sql_case((Case.priority == "high", 0), else_=1),
        Case.created_at,
        Case.id,
    ).limit(flt.limit)
    return list(session.scalars(query).unique())


def _visible_to(viewer: StaffUser) -> Any:
    """The cases a staff member may see in lists (the SQL side of `can_open`)."""
    if viewer.role == "admin":
        return true()
    return or_(Case.assigned_to.is_(None), Case.assigned_to == viewer.id)


# ---- delivery status of staff replies and staff alerts ------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """Where a staff reply is: state sent | pending | failed (pushed) or read | unread | expired (pulled)."""

    state: str
    label: str  # for the console (zh-TW)


def _short_reason(reason: Optional[str]) -> str:
    return clip(reason or "", 80) or texts.DELIVERY_NO_REASON


def _push_delivery(row: OutboxMessage) -> Delivery:
    if row.status == SENT:
        return Delivery("sent", texts.DELIVERY_SENT)
    if row.status == PENDING:
        if row.attempts == 0:
            return Delivery("pending", texts.DELIVERY_PENDING)
        return Delivery("pending", texts.DELIVERY_RETRYING.format(attempts=row.attempts,
                                                                  reason=_short_reason(row.last_error)))
    return Delivery("failed", texts.DELIVERY_FAILED.format(reason=_short_reason(row.last_error)))


def _pull_delivery(row: PendingMessage, now: datetime) -> Delivery:
    if row.fetched_at is not None:
        return Delivery("read", texts.DELIVERY_READ)
    if row.created_at <= now - PENDING_KEEP:
        return Delivery("expired", texts.DELIVERY_EXPIRED.format(days=PENDING_KEEP.days))
    return Delivery("unread", texts.DELIVERY_UNREAD)


def thread_deliveries(session: Session, case_id: int, now: Optional[datetime] = None) -> dict[int, Delivery]:
    """The delivery of each staff reply of the case's thread, by thread message id. Replies written
    before delivery was tracked, or whose record was purged, are missing."""
    now = now or utcnow()
    out: dict[int, Delivery] = {}
    for message_id, row in session.execute(
        select(CaseMessage.id, OutboxMessage).join(OutboxMessage, OutboxMessage.id == CaseMessage.outbox_id)
        .where(CaseMessage.case_id == case_id, CaseMessage.author == "staff")
    ).tuples():
        out[message_id] = _push_delivery(row)
    for pending in session.scalars(
        select(PendingMessage).where(PendingMessage.case_id == case_id, PendingMessage.kind == "staff_reply")
    ):
        message_id = pending.payload.get("thread_message_id")
        if isinstance(message_id, int):
            out[message_id] = _pull_delivery(pending, now)
    return out


def _undelivered_case_ids(now: datetime) -> Select[Any]:
    """Cases with a staff reply that did not reach the user: refused or out of attempts (push), or not
    acknowledged by the page or client before it expired (pull)."""
    failed_push = (
        select(CaseMessage.case_id).join(OutboxMessage, OutboxMessage.id == CaseMessage.outbox_id)
        .where(CaseMessage.author == "staff", OutboxMessage.status.in_((FAILED, SKIPPED)))
    )
    expired_pull = select(PendingMessage.case_id).where(
        PendingMessage.kind == "staff_reply", PendingMessage.fetched_at.is_(None),
        PendingMessage.created_at <= now - PENDING_KEEP,
    )
    return select(Case.id).where(or_(Case.id.in_(failed_push), Case.id.in_(expired_pull)))


def undelivered_case_ids(session: Session, case_ids: Sequence[int], now: Optional[datetime] = None) -> set[int]:
    """Which of `case_ids` have a staff reply that did not reach the user (the case list's badge)."""
    if not case_ids:
        return set()
    query = _undelivered_case_ids(now or utcnow()).where(Case.id.in_(list(case_ids)))
    return set(session.scalars(query))


def _unseen_failed_alerts() -> Select[Any]:
    """Staff alerts of high-priority cases that no staff group received (refused, or out of attempts) and
    that nobody has seen on the case page yet (seeing one leaves a system line pointing to it)."""
    seen = exists().where(CaseMessage.outbox_id == OutboxMessage.id, CaseMessage.author == "system")
    return (
        select(OutboxMessage).join(Case, Case.id == OutboxMessage.case_id)
        .where(OutboxMessage.kind == "staff_alert", OutboxMessage.status == FAILED, Case.priority == "high",
               ~seen)
    )


def unseen_failed_alerts(session: Session, viewer: StaffUser) -> dict[int, int]:
    """{case id: failed urgent alerts} for the console's banner, over the cases the viewer may open."""
    query = _unseen_failed_alerts().where(_visible_to(viewer)).order_by(OutboxMessage.case_id)
    counts: dict[int, int] = {}
    for row in session.scalars(query):
        counts[row.case_id] = counts.get(row.case_id, 0) + 1  # type: ignore[index]
    return counts


def acknowledge_failed_alerts(session: Session, case: Case, user: StaffUser,
                              now: Optional[datetime] = None) -> int:
    """A staff member opened the case: each failed urgent alert gets a system line in the thread (who
    saw it, which platform refused it and why), which takes it off the banner. Returns how many."""
    now = now or utcnow()
    rows = list(session.scalars(_unseen_failed_alerts().where(OutboxMessage.case_id == case.id)
                                .order_by(OutboxMessage.id)))
    for row in rows:
        text = texts.ALERT_FAILED_SEEN.format(via=texts.CHANNEL_LABELS.get(row.destination, row.destination),
                                              reason=_short_reason(row.last_error))
        session.add(CaseMessage(case_id=case.id, part="thread", author="system", staff_id=user.id, text=text,
                                outbox_id=row.id, created_at=now))
    return len(rows)


def purge(session: Session, older_than: timedelta, now: Optional[datetime] = None) -> dict[str, int]:
    """Delete cases created before now - older_than (with their messages, notes and outbox rows), and
    fetched or stale pending messages, finished outbox rows, audit entries of the same age (they name
    cases that no longer exist) and expired console sessions."""
    now = now or utcnow()
    cutoff = now - older_than
    ids = list(session.scalars(select(Case.id).where(Case.created_at < cutoff)))
    open_count = session.scalar(
        select(func.count()).select_from(Case).where(Case.created_at < cutoff, Case.status.in_(OPEN_STATUSES))
    ) or 0
    counts = {"cases": len(ids), "open_cases": int(open_count)}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        # explicit deletes: foreign-key cascades are not enabled on every SQLite connection
        for model in (CaseMessage, CaseNote, OutboxMessage, PendingMessage, MediationApplication):
            session.execute(delete(model).where(model.case_id.in_(chunk)))
        session.execute(delete(Case).where(Case.id.in_(chunk)))
    counts["pending_messages"] = session.execute(
        delete(PendingMessage).where(PendingMessage.created_at < cutoff)
    ).rowcount or 0
    counts["outbox"] = session.execute(
        delete(OutboxMessage).where(OutboxMessage.created_at < cutoff, OutboxMessage.status != PENDING)
    ).rowcount or 0
    counts["audit"] = session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff)).rowcount or 0
    counts["sessions"] = session.execute(
        delete(ConsoleSession).where(ConsoleSession.expires_at < now)
    ).rowcount or 0
    return counts


def fetch_pending(session: Session, sender: str, after: Optional[int] = None,
                  now: Optional[datetime] = None) -> list[dict[str, Any]]:
    """Messages waiting for a pull-channel user, oldest first, each with its id.

    `after` is the client's cursor, the id of the last message it showed: messages up to it are
    acknowledged (fetched_at), later ones are returned. A message is returned on every poll until the
    client acknowledges it with a later cursor, so a response lost on the way (a phone's network) loses
    nothing. Without a cursor: everything not yet acknowledged, and nothing is acknowledged. Messages
    older than PENDING_KEEP have expired and are not handed out any more (the console shows them as
    not delivered; they are deleted with their case by `purge`).
    """
    now = now or utcnow()
    mine = PendingMessage.sender == sender
    fresh = PendingMessage.created_at > now - PENDING_KEEP
    if after is None:
        query = select(PendingMessage).where(mine, fresh, PendingMessage.fetched_at.is_(None))
    else:
        session.execute(
            update(PendingMessage)
            .where(mine, fresh, PendingMessage.id <= after, PendingMessage.fetched_at.is_(None))
            .values(fetched_at=now)  # an expired message was never handed out: it stays not delivered
        )
        query = select(PendingMessage).where(mine, fresh, PendingMessage.id > after)
    rows = session.scalars(query.order_by(PendingMessage.id).limit(50))
    return [{**row.payload, "id": row.id, "kind": row.kind, "case_id": row.case_id} for row in rows]


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


def one_time_password() -> str:
    """A generated password to be shown once (first administrator, accounts made in the console): 20
    URL-safe characters, about 120 bits."""
    return secrets.token_urlsafe(15)


def active_admin_exists(session: Session) -> bool:
    """Whether some active account can manage the others (`labourbot serve` says how to make the first)."""
    return session.scalar(select(exists().where(StaffUser.role == "admin", StaffUser.active.is_(True)))) or False


def staff_accounts(session: Session) -> list[StaffUser]:
    """Every account, active ones first, then by name (the console's accounts page)."""
    return list(session.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.name)))


def _staff_named(session: Session, name: str) -> StaffUser:
    user = session.scalar(select(StaffUser).where(StaffUser.name == name))
    if user is None:
        raise CaseError(f"沒有帳號 {name}")
    return user


def end_staff_sessions(session: Session, name: str, by: Optional[StaffUser] = None, address: str = "") -> int:
    """Log the account out everywhere (its console sessions are deleted); how many sessions ended."""
    user = _staff_named(session, name)
    ended = session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user.id)).rowcount or 0
    audit(session, "end_sessions", staff=by, account=name, address=address)
    return ended


def deactivate_staff_user(session: Session, name: str, by: Optional[StaffUser] = None, address: str = "") -> int:
    """The account can no longer log in, and its sessions end at once; how many sessions ended."""
    user = _staff_named(session, name)
    user.active = False
    ended = session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user.id)).rowcount or 0
    audit(session, "deactivate", staff=by, account=name, address=address)
    return ended


def reset_staff_password(session: Session, name: str, password: str, by: Optional[StaffUser] = None,
                         address: str = "") -> None:
    """A new password: the old one and every session of the account stop working, and a lockout of the
    account (failed logins) is lifted."""
    if len(password) < MIN_PASSWORD:
        raise CaseError(f"密碼至少要 {MIN_PASSWORD} 個字元")
    user = _staff_named(session, name)
    user.password_hash = _hasher.hash(password)
    session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user.id))
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == LoginKeys.of(name, "").account))
    audit(session, "reset_password", staff=by, account=name, address=address)


# ---- console logins: throttling, one-time forms, the password check --------------------------------------


@dataclass(frozen=True)
class ThrottlePolicy:
    """Failed logins of one key: the first `free` cost nothing, then each doubles the wait before the
    next try (1 s, 2 s, 4 s, ...), and from `lock_after` on the key is locked for `lockout`."""

    free: int
    lock_after: int
    lockout: timedelta

    def wait(self, failures: int) -> timedelta:
        if failures >= self.lock_after:
            return self.lockout
        if failures <= self.free:
            return timedelta(0)
        return min(self.lockout, timedelta(seconds=2 ** (failures - self.free - 1)))


ACCOUNT_THROTTLE = ThrottlePolicy(free=2, lock_after=5, lockout=timedelta(minutes=15))
ADDRESS_THROTTLE = ThrottlePolicy(free=10, lock_after=20, lockout=timedelta(minutes=15))
THROTTLE_WINDOW = timedelta(hours=1)  # a key without a failure for this long starts counting again


@dataclass(frozen=True)
class LoginKeys:
    """The throttle rows a login attempt counts against: the account name as typed (whether it exists
    or not, so a lockout tells nothing about which names exist) and the client address."""

    account: str
    address: str

    @classmethod
    def of(cls, name: str, address: str) -> "LoginKeys":
        return cls("account:" + name.strip().lower()[:64], "address:" + address[:64])


def login_locked(session: Session, keys: LoginKeys, now: Optional[datetime] = None) -> bool:
    """Whether the account name or the address must wait (backoff or lockout) before the next try."""
    locked = select(func.count()).select_from(LoginThrottle).where(
        LoginThrottle.key.in_((keys.account, keys.address)), LoginThrottle.locked_until > (now or utcnow())
    )
    return bool(session.scalar(locked))


def _throttle_row(session: Session, key: str, now: datetime) -> LoginThrottle:
    """The key's row, locked for this transaction on PostgreSQL (SQLite's BEGIN IMMEDIATE already is)."""
    row = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
    if row is not None:
        return row
    try:
        with session.begin_nested():  # another process may insert the same key just now
            row = LoginThrottle(key=key, failures=0, last_failure_at=now)
            session.add(row)
    except IntegrityError:
        row = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
        assert row is not None
    return row


def record_login_failure(session: Session, keys: LoginKeys, now: Optional[datetime] = None) -> None:
    """Count a failed login against the account name and the address, and set their wait. Rows whose
    last failure is older than THROTTLE_WINDOW (longer than any lockout) are forgotten first, so the
    table does not grow with every name an attacker tries, and an old count starts again."""
    now = now or utcnow()
    session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - THROTTLE_WINDOW))
    for key, policy in ((keys.account, ACCOUNT_THROTTLE), (keys.address, ADDRESS_THROTTLE)):
        row = _throttle_row(session, key, now)
        row.failures += 1
        row.last_failure_at = now
        wait = policy.wait(row.failures)
        row.locked_until = now + wait if wait else None


def clear_login_failures(session: Session, keys: LoginKeys) -> None:
    """A successful login forgives the account's failures (the address's decay with time)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == keys.account))


def use_login_nonce(session: Session, nonce: str, keep: timedelta, now: Optional[datetime] = None) -> bool:
    """True the first time a login form (its nonce) is sent, False every later time. Nonces are kept for
    `keep`, at least the form's lifetime (an older form is refused by its signature anyway)."""
    now = now or utcnow()
    session.execute(delete(LoginNonce).where(LoginNonce.used_at < now - keep))
    try:
        with session.begin_nested():
            session.add(LoginNonce(nonce=nonce[:64], used_at=now))
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class LoginCandidate:
    """What a password is checked against, read before the check: argon2 (64 MiB, tens of milliseconds)
    then runs outside any transaction. An unknown or deactivated name gets a dummy hash, so that it
    costs as long as a wrong password."""

    user_id: Optional[int]
    password_hash: str


def login_candidate(session: Session, name: str) -> LoginCandidate:
    user = session.scalar(select(StaffUser).where(StaffUser.name == name))
    if user is None or not user.active:
        return LoginCandidate(None, _dummy_hash())
    return LoginCandidate(user.id, user.password_hash)


def password_matches(candidate: LoginCandidate, password: str) -> bool:
    """The argon2 check (no database)."""
    try:
        _hasher.verify(candidate.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return candidate.user_id is not None


def login_user(session: Session, candidate: LoginCandidate, password: str) -> Optional[StaffUser]:
    """After a matching password: the user, unless the account was deactivated or its password reset
    while the check ran. The hash is upgraded when argon2's parameters changed."""
    user = session.get(StaffUser, candidate.user_id) if candidate.user_id is not None else None
    if user is None or not user.active or user.password_hash != candidate.password_hash:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def authenticate(session: Session, name: str, password: str) -> Optional[StaffUser]:
    """The active user with this name and password, or None (the same work is done for unknown names)."""
    candidate = login_candidate(session, name)
    return login_user(session, candidate, password) if password_matches(candidate, password) else None


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


# ---- audit log -------------------------------------------------------------------------------------------

AUDIT_PAGE = 50


def audit(session: Session, action: str, *, outcome: str = "ok", staff: Optional[StaffUser] = None,
          account: str = "", address: str = "", case_id: Optional[int] = None,
          now: Optional[datetime] = None) -> None:
    """One line of the audit log, in the caller's transaction: who (the staff member, or the account name
    as typed at the login), from where, did what to which case. Never a message text. An account change
    made in the console names the changed `account` and keeps the acting staff member's id."""
    session.add(AuditEvent(at=now or utcnow(), action=action, outcome=outcome,
                           account=(account or (staff.name if staff else ""))[:64],
                           staff_id=staff.id if staff else None, address=address[:64], case_id=case_id))


def audit_entries(session: Session, case_id: Optional[int] = None, account: Optional[str] = None,
                  before: Optional[int] = None, limit: int = AUDIT_PAGE) -> list[AuditEvent]:
    """The audit log, newest first, optionally of one case or one account; `before` (an entry's id)
    pages back to older entries."""
    query = select(AuditEvent)
    if case_id is not None:
        query = query.where(AuditEvent.case_id == case_id)
    if account:
        query = query.where(AuditEvent.account == account)
    if before is not None:
        query = query.where(AuditEvent.id < before)
    return list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))


def open_cases_summary(session: Session) -> list[Case]:
    """Open cases for `labourbot cases list`, oldest first."""
    return list_cases(session, CaseFilter(status="open", limit=10_000))


