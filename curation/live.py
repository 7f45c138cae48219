"""Approved console entries and attached questions, for a running knowledge base (no restart).

The action server asks `stamp` at most every few seconds: one cheap aggregate query per table. Only when
it changed does it load `extras` and hand them to KnowledgeBase.set_extras, which encodes just those
rows (actions/kb_client.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from curation.models import APPROVED, KBDraft, KBExampleQuestion
from curation.service import draft_entry
from knowledge_base.entries import Entry

Stamp = tuple[Any, ...]


def stamp(session: Session) -> Stamp:
    """Changes whenever an entry is approved or a question attached (approved rows are never edited)."""
    drafts = session.execute(select(func.count(KBDraft.id), func.max(KBDraft.id), func.max(KBDraft.updated_at))
                             .where(KBDraft.status == APPROVED)).one()
    questions = session.execute(select(func.count(KBExampleQuestion.id), func.max(KBExampleQuestion.id))).one()
    return (*drafts, *questions)


def extras(session: Session) -> tuple[list[Entry], dict[str, list[str]]]:
    """(approved console entries, entry id -> attached example questions), oldest first."""
    entries = [draft_entry(d) for d in session.scalars(
        select(KBDraft).where(KBDraft.status == APPROVED).order_by(KBDraft.id))]
    questions: dict[str, list[str]] = {}
    for q in session.scalars(select(KBExampleQuestion).order_by(KBExampleQuestion.id)):
        questions.setdefault(q.entry_id, []).append(q.text)
    return entries, questions


def refresh(kb: Any, session: Session) -> dict[str, Any]:
    """Give `kb` the current extras; returns what KnowledgeBase.set_extras measured."""
    entries, questions = extras(session)
    return kb.set_extras(entries, questions)
