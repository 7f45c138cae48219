"""A person's rows in the service figures, for `labourbot privacy export/delete`: found by the keyed
hash of their conversation id (figures/config.py), since the figures never hold the id itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from figures.models import MessageEvent, UnansweredQuestion
from figures.record import conversation_hash


def export_figures(session: Session, key: bytes, sender: str) -> dict[str, Any]:
    """The person's queued questions (masked text, as staff see them) and how many message events."""
    conversation = conversation_hash(key, sender)
    questions = session.scalars(select(UnansweredQuestion).where(UnansweredQuestion.conversation == conversation)
                                .order_by(UnansweredQuestion.id))
    events = session.scalar(select(func.count()).select_from(MessageEvent)
                            .where(MessageEvent.conversation == conversation)) or 0
    return {"unanswered_questions": [{"at": q.at.isoformat(), "reason": q.reason, "text": q.text,
                                      "status": q.status} for q in questions],
            "message_events": int(events)}


def delete_figures(session: Session, key: bytes, sender: str) -> dict[str, int]:
    """Delete the person's queued questions and message events; returns how many of each."""
    conversation = conversation_hash(key, sender)
    return {
        "unanswered_questions": session.execute(
            delete(UnansweredQuestion).where(UnansweredQuestion.conversation == conversation)).rowcount or 0,
        "message_events": session.execute(
            delete(MessageEvent).where(MessageEvent.conversation == conversation)).rowcount or 0,
    }
