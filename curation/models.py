"""Tables of the curation queue (migration 0007), on the case store's database and declarative base.

A draft entry is written by staff and approved or rejected by an administrator; approved drafts and
attached example questions are searched by the action server's knowledge base without a restart
(curation/live.py) and written to the repository's YAML by `labourbot kb export` (curation/export.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base, UTCDateTime, utcnow

# Draft life cycle: draft -> approved | rejected (an administrator decides).
DRAFT, APPROVED, REJECTED = "draft", "approved", "rejected"
DRAFT_STATUSES = (DRAFT, APPROVED, REJECTED)


class KBDraft(Base):
    """A new knowledge-base entry written in the console. `evidence` is a list of
    {"citation", "quote"}; `source_questions` the ids of the queued questions it answers."""

    __tablename__ = "kb_drafts"
    __table_args__ = (
        Index("ix_kb_drafts_entry_id", "entry_id", unique=True),
        Index("ix_kb_drafts_status_updated", "status", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(32))
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)
    questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer: Mapped[str] = mapped_column(Text)
    citations: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source_questions: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[Optional[int]] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[Optional[int]] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    exported_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class KBExampleQuestion(Base):
    """A question, rewritten by staff without personal data, attached to an entry as one more way to
    ask it (searchable at once: attaching needs no approval, the text is checked for personal data)."""

    __tablename__ = "kb_example_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(80), index=True)
    text: Mapped[str] = mapped_column(Text)
    question_id: Mapped[Optional[int]] = mapped_column(ForeignKey("unanswered_questions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[Optional[int]] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    exported_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
