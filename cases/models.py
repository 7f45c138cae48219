"""Tables of the case store (SQLAlchemy 2 declarative). Changes need a migration in migrations/versions.

Times are stored as UTC (naive in SQLite, where `UTCDateTime` restores the zone on reading).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any, Optional

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Case life cycle: waiting (nobody has it) -> assigned (a staff member holds it) -> closed.
WAITING, ASSIGNED, CLOSED = "waiting", "assigned", "closed"
OPEN_STATUSES = (WAITING, ASSIGNED)
STATUSES = (WAITING, ASSIGNED, CLOSED)
PRIORITIES = ("normal", "high")
REASONS = ("request_human", "fallback", "sensitive_topic", "danger")
ROLES = ("staff", "supervisor", "admin")  # channels/console/access.py ranks them
# What a case is for: a question handed to a person, a mediation application, a consultation booking,
# an occupational-injury follow-up. A conversation has at most one open case of each kind.
QUESTION, MEDIATION, BOOKING, INJURY = "question", "mediation", "booking", "injury"
KINDS = (QUESTION, MEDIATION, BOOKING, INJURY)
CHANNELS = ("line", "telegram", "web", "rest")

# Outbox rows: pending -> sent | failed; a 'staff' row is expanded into one row per staff destination.
PENDING, SENT, FAILED, EXPANDED, SKIPPED = "pending", "sent", "failed", "expanded", "skipped"
# Inbox rows (webhook events): pending -> done | refused | failed.
DONE = "done"
REFUSED = "refused"  # inbox: the platform refused the answer for good (user blocked the bot, bad request)
INBOX_CHANNELS = ("line", "telegram")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Optional[datetime], dialect: Any) -> Optional[datetime]:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    pass


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConsoleSession(Base):
    __tablename__ = "console_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random, only ever sent signed
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    user: Mapped[StaffUser] = relationship(lazy="joined")


class LoginThrottle(Base):
    """Failed console logins of one account name (as typed, lowercased) or one client address, kept in
    the database so that the backoff and the lockout hold across gateway processes and restarts."""

    __tablename__ = "console_login_throttle"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)  # account:<name> | address:<ip>
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class LoginNonce(Base):
    """A login form's nonce that was used: a form can be sent once (its token is refused afterwards)."""

    __tablename__ = "console_login_nonces"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class AuditEvent(Base):
    """Who did what in the console: logins (with the name as typed and the address) and every read,
    take, reply, note and close of a case. Never a message text. `case_id` is no foreign key: the
    entry outlives a purged case."""

    __tablename__ = "console_audit"
    __table_args__ = (
        Index("ix_console_audit_case", "case_id", "id"),
        Index("ix_console_audit_account", "account", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(32))  # login | logout | read | take | reply | note | close ...
    outcome: Mapped[str] = mapped_column(String(16), default="ok")  # ok | failed | locked | refused
    account: Mapped[str] = mapped_column(String(64), default="")  # the staff name, or the name as typed
    staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(String(64), default="")
    case_id: Mapped[Optional[int]] = mapped_column(Integer)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        # At most one open case per conversation and kind, even when two processes open one at once.
        Index("uq_cases_open_sender_kind", "sender", "kind", unique=True,
              sqlite_where=text("status != 'closed'"), postgresql_where=text("status != 'closed'")),
        Index("ix_cases_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=QUESTION, server_default=QUESTION)
    status: Mapped[str] = mapped_column(String(16), default=WAITING)
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    reason: Mapped[str] = mapped_column(String(32), default="request_human")
    topic: Mapped[str] = mapped_column(String(32), default="other")
    language: Mapped[str] = mapped_column(String(8), default="zh", server_default="zh")  # zh en id vi th
    channel: Mapped[str] = mapped_column(String(16))
    channel_user: Mapped[str] = mapped_column(String(128))
    sender: Mapped[str] = mapped_column(String(160), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[Optional[str]] = mapped_column(String(200))
    consent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    assigned_to: Mapped[Optional[int]] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    assigned_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    user_acked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    closed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    closed_by: Mapped[Optional[int]] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    survey_sent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    rating: Mapped[Optional[int]] = mapped_column(Integer)
    rated_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    assignee: Mapped[Optional[StaffUser]] = relationship(foreign_keys=[assigned_to], lazy="joined")
    messages: Mapped[list["CaseMessage"]] = relationship(
        back_populates="case", order_by="CaseMessage.id", cascade="all, delete-orphan", passive_deletes=True
    )
    notes: Mapped[list["CaseNote"]] = relationship(
        order_by="CaseNote.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseMessage(Base):
    """A line of the case: 'transcript' (the conversation with the bot before the handoff) or 'thread'
    (what the user and staff wrote after it)."""

    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    part: Mapped[str] = mapped_column(String(16), default="thread")  # transcript | thread
    author: Mapped[str] = mapped_column(String(16))  # user | bot | staff | system
    staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A staff reply sent by push (LINE, Telegram): the outbox row that carries it, for its delivery status.
    outbox_id: Mapped[Optional[int]] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"), index=True)

    case: Mapped[Case] = relationship(back_populates="messages")
    staff: Mapped[Optional[StaffUser]] = relationship(lazy="joined")


class CaseNote(Base):
    """An internal note: staff only, never sent to the user."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[Optional[int]] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff: Mapped[Optional[StaffUser]] = relationship(lazy="joined")


def new_key() -> str:
    return str(uuid.uuid4())


class OutboxMessage(Base):
    """A message to send on a chat platform, written in the transaction that made it necessary.

    destination: 'staff' (expanded by the worker into one row per configured staff group), 'line' or
    'telegram' (address: the user, group or chat id). idempotency_key doubles as LINE's X-Line-Retry-Key.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # staff_alert | staff_reply | survey
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    destination: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(160), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    idempotency_key: Mapped[str] = mapped_column(String(36), default=new_key, unique=True)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    claimed_by: Mapped[Optional[str]] = mapped_column(String(64))
    last_error: Mapped[Optional[str]] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class PendingMessage(Base):
    """A message for a pull channel (web chat, rest) waiting to be fetched by the page or the client."""

    __tablename__ = "pending_messages"
    __table_args__ = (Index("ix_pending_sender", "sender", "fetched_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender: Mapped[str] = mapped_column(String(160))
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fetched_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class InboxEvent(Base):
    """One LINE event or Telegram update, stored before its webhook was answered 200 (channels/inbox.py).

    (channel, event_key) is unique: LINE's webhookEventId or Telegram's update_id, so a redelivery is
    recognised whatever process gets it. `sender` orders replays per conversation. A pending row belongs
    to `claimed_by` until `lease_until`; a row whose lease ran out belonged to a process that died and is
    replayed. `body` (the event's JSON) is emptied when the row is done: only the key is kept, for dedupe.
    """

    __tablename__ = "inbox_events"
    __table_args__ = (
        Index("uq_inbox_channel_key", "channel", "event_key", unique=True),
        Index("ix_inbox_due", "status", "lease_until"),
        Index("ix_inbox_finished", "status", "done_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    event_key: Mapped[str] = mapped_column(String(80))
    sender: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    lease_until: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    claimed_by: Mapped[Optional[str]] = mapped_column(String(64))
    last_error: Mapped[Optional[str]] = mapped_column(String(300))
    done_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # The answer as rendered for the platform (JSON), stored once Rasa has answered: a retry sends it
    # again instead of asking Rasa a second time. `delivered`: how many of its sends already went out.
    reply: Mapped[Optional[str]] = mapped_column(Text)
    delivered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ButtonPayload(Base):
    """A button's payload too long for the platform (LINE postback data, Telegram callback_data), under
    the short id the button carries (channels/payloads.py). Kept so that a button still works after a
    gateway restart or when another gateway process receives the tap; deleted after `keep_days`."""

    __tablename__ = "button_payloads"

    key: Mapped[str] = mapped_column(String(24), primary_key=True)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
