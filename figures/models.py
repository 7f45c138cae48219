"""Tables of the service figures (migration 0006), on the case store's database and declarative base."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base, UTCDateTime, utcnow

# What the service did with a message (MessageEvent.kind).
EVENT_KINDS = (
    "kb_answer",      # answered from the knowledge base (an entry or an article)
    "did_you_mean",   # not sure: offered the closest entries to choose from
    "not_answered",   # no answer and no entry offered (fallback, out of scope)
    "calculator", "job_search", "scam_check", "quiz",
    "handoff",        # the conversation was handed to a person (a case opened)
    "held",           # a message to staff in an open case (the bot did not answer)
    "feedback",       # a 有幫助 / 沒幫助 tap (detail: {"helpful": bool})
    "emergency",      # danger words: the emergency reply
    "menu", "chitchat", "other",
)
# Why a question is in the curation queue (UnansweredQuestion.reason).
UNANSWERED_REASONS = ("not_sure", "not_answered", "not_helpful", "handoff")
# Curation status of a queued question.
QUEUED, ATTACHED, DRAFTED, DISMISSED = "new", "attached", "drafted", "dismissed"


class MessageEvent(Base):
    """One message handled by the gateway: who (a hash, never the user id), where, what was done.
    Never any text: the analytics are counts of these rows."""

    __tablename__ = "message_events"
    __table_args__ = (Index("ix_message_events_kind_at", "kind", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    conversation: Mapped[str] = mapped_column(String(32))  # keyed hash of the sender id
    kind: Mapped[str] = mapped_column(String(24))
    topic: Mapped[str] = mapped_column(String(32), default="other")
    intent: Mapped[str] = mapped_column(String(64), default="")
    entry_id: Mapped[Optional[str]] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(8), default="zh")
    case_id: Mapped[Optional[int]] = mapped_column(Integer)  # no foreign key: figures outlive cases
    detail: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)


class UnansweredQuestion(Base):
    """A question the bot was not sure about, could not answer, got a 沒幫助 for, or handed to a person:
    its text with personal data masked, and the entries the bot offered. Kept as long as case data."""

    __tablename__ = "unanswered_questions"
    __table_args__ = (Index("ix_unanswered_questions_status_at", "status", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    channel: Mapped[str] = mapped_column(String(16))
    conversation: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)  # masked (cases/masking.py)
    offered: Mapped[list[str]] = mapped_column(JSON, default=list)  # entry ids, best first
    language: Mapped[str] = mapped_column(String(8), default="zh")
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    handled_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    handled_by: Mapped[Optional[int]] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    entry_id: Mapped[Optional[str]] = mapped_column(String(80))  # the entry it was attached to / drafted as
