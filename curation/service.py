"""What staff and administrators do with the curation queue, in the caller's transaction.

Staff attach a queued question (rewritten without personal data) to an existing entry, draft a new
entry from it, or dismiss it; administrators approve or reject drafts. Each function changes the rows
and returns; the console writes the audit line in the same transaction. Refusals raise CurationError
with a zh-TW message for the form.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import StaffUser, utcnow
from cases.office_hours import TAIPEI
from curation.checks import DraftInput, check_draft, check_question
from curation.models import APPROVED, DRAFT, REJECTED, KBDraft, KBExampleQuestion
from figures.models import ATTACHED, DISMISSED, DRAFTED, QUEUED, UnansweredQuestion
from knowledge_base.entries import Entry, load_entries

ID_PREFIX = "console"


class CurationError(ValueError):
    """The action was refused; `problems` are zh-TW sentences for the form."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Catalogue:
    """The entries a question may be attached to: the YAML entries and approved console entries."""

    entries: Mapping[str, Entry]

    def title(self, entry_id: str) -> str:
        e = self.entries.get(entry_id)
        return e.title if e else entry_id

    def search(self, query: str, limit: int = 10) -> list[Entry]:
        """Entries by id, or by the words of their title and questions (BM25 tokens, most shared first)."""
        from knowledge_base.tokens import tokenize

        query = (query or "").strip()
        if not query:
            return []
        if query in self.entries:
            return [self.entries[query]]
        wanted = set(tokenize(query))
        scored = []
        for e in self.entries.values():
            have = set(tokenize(" ".join((e.title, *e.questions))))
            n = len(wanted & have)
            if n or query in e.id:
                scored.append((-(n + (5 if query in e.id else 0)), e.id, e))
        return [e for _, _, e in sorted(scored)[:limit]]


def yaml_entries(entries_dir: Path) -> dict[str, Entry]:
    return load_entries(entries_dir, strict=False).by_id()


def catalogue(session: Session, entries_dir: Path) -> Catalogue:
    found = dict(yaml_entries(entries_dir))
    for d in session.scalars(select(KBDraft).where(KBDraft.status == APPROVED).order_by(KBDraft.id)):
        found.setdefault(d.entry_id, draft_entry(d))
    return Catalogue(found)


def draft_entry(d: KBDraft, questions: Sequence[str] = ()) -> Entry:
    """The entry a draft stands for (extra example questions appended, repeats dropped); dated the
    day it was approved, in Taiwan."""
    reviewed = d.reviewed_at or d.updated_at
    updated = reviewed.astimezone(TAIPEI).date() if reviewed else dt.date.today()
    draft = draft_input(d)
    draft.questions = list(dict.fromkeys([*draft.questions, *questions]))
    return draft.to_entry(updated=updated)


def _queued(session: Session, ids: Sequence[int]) -> list[UnansweredQuestion]:
    rows = list(session.scalars(select(UnansweredQuestion).where(UnansweredQuestion.id.in_(list(ids)))
                                .order_by(UnansweredQuestion.id)))
    if not ids or len(rows) != len(set(ids)):
        raise CurationError(["找不到這些問題，可能已被刪除，請重新整理頁面。"])
    if any(r.status != QUEUED for r in rows):
        raise CurationError(["這些問題已經有同仁處理過了，請重新整理頁面。"])
    return rows


def _handled(rows: Sequence[UnansweredQuestion], status: str, staff: StaffUser, entry_id: Optional[str]) -> None:
    now = utcnow()
    for r in rows:
        r.status, r.handled_at, r.handled_by, r.entry_id = status, now, staff.id, entry_id


def attach(session: Session, staff: StaffUser, question_ids: Sequence[int], entry_id: str, text: str,
           known: Catalogue) -> KBExampleQuestion:
    """Attach the rewritten `text` as an example question of entry `entry_id`; the queued questions
    are marked attached to it."""
    problems = check_question(text)
    entry = known.entries.get((entry_id or "").strip())
    if entry is None:
        problems.append("請選擇一則已有的條目（用搜尋或輸入條目代號）。")
    if problems:
        raise CurationError(problems)
    assert entry is not None
    text = " ".join(text.split())
    rows = _queued(session, question_ids)
    row = KBExampleQuestion(entry_id=entry.id, text=text, question_id=rows[0].id, created_by=staff.id)
    if text not in entry.questions and not session.scalar(select(KBExampleQuestion.id).where(
            KBExampleQuestion.entry_id == entry.id, KBExampleQuestion.text == text)):
        session.add(row)
    _handled(rows, ATTACHED, staff, entry.id)
    session.flush()
    return row


def _free_id(session: Session, topic: str, taken: Sequence[str]) -> str:
    base = f"{topic.replace('_', '-')}-{ID_PREFIX}-"
    used = set(taken) | set(session.scalars(select(KBDraft.entry_id).where(KBDraft.entry_id.like(base + "%"))))
    n = 1
    while f"{base}{n}" in used:
        n += 1
    return f"{base}{n}"


_ID_OK = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def create_draft(session: Session, staff: StaffUser, draft: DraftInput, question_ids: Sequence[int],
                 article_texts: Mapping[str, str], yaml_ids: Sequence[str]) -> KBDraft:
    """Save a checked draft for an administrator (queued questions marked drafted); CurationError with
    every problem otherwise. Without an id one is made from the topic (wages-console-3)."""
    taken = list(yaml_ids) + list(session.scalars(select(KBDraft.entry_id).where(KBDraft.status != REJECTED)))
    entry_id = draft.entry_id or (_free_id(session, draft.topic, taken) if _ID_OK.match(draft.topic.replace("_", "-"))
                                  else "")
    problems = check_draft(draft, article_texts, taken, entry_id)
    rejected = session.scalar(select(KBDraft).where(KBDraft.entry_id == entry_id, KBDraft.status == REJECTED))
    if problems:
        raise CurationError(problems)
    rows = _queued(session, question_ids) if question_ids else []
    if rejected is not None:  # the id of a rejected draft may be used again; the old row is kept, renamed
        rejected.entry_id = f"{entry_id[:60]}.rejected-{rejected.id}"
        session.flush()
    now = utcnow()
    row = KBDraft(entry_id=entry_id, status=DRAFT, title=draft.title, topic=draft.topic, audience=draft.audience,
                  questions=draft.questions, answer=draft.answer, citations=draft.citations,
                  evidence=[{"citation": c, "quote": q} for c, q in draft.evidence],
                  source_questions=[r.id for r in rows], created_at=now, updated_at=now, created_by=staff.id)
    session.add(row)
    _handled(rows, DRAFTED, staff, entry_id)
    session.flush()
    return row


def dismiss(session: Session, staff: StaffUser, question_ids: Sequence[int]) -> int:
    """Take questions off the queue (nothing to learn from them); returns how many."""
    rows = _queued(session, question_ids)
    _handled(rows, DISMISSED, staff, None)
    return len(rows)


def _pending(session: Session, draft_id: int) -> KBDraft:
    row = session.get(KBDraft, draft_id)
    if row is None:
        raise CurationError([f"找不到草稿 #{draft_id}。"])
    if row.status != DRAFT:
        raise CurationError([f"草稿 #{draft_id} 已經審核過了。"])
    return row


def approve(session: Session, admin: StaffUser, draft_id: int, article_texts: Mapping[str, str],
            yaml_ids: Sequence[str]) -> KBDraft:
    """Approve a draft: checked again (the statutes may have changed since), then searchable."""
    if admin.role != "admin":
        raise CurationError(["只有管理者可以核准條目。"])
    row = _pending(session, draft_id)
    problems = check_draft(draft_input(row), article_texts, yaml_ids, row.entry_id)
    if problems:
        raise CurationError(problems)
    row.status, row.reviewed_at, row.reviewed_by = APPROVED, utcnow(), admin.id
    row.updated_at = row.reviewed_at
    return row


def reject(session: Session, admin: StaffUser, draft_id: int) -> KBDraft:
    if admin.role != "admin":
        raise CurationError(["只有管理者可以退回草稿。"])
    row = _pending(session, draft_id)
    row.status, row.reviewed_at, row.reviewed_by = REJECTED, utcnow(), admin.id
    row.updated_at = row.reviewed_at
    return row


def draft_input(row: KBDraft) -> DraftInput:
    return DraftInput(title=row.title, topic=row.topic, answer=row.answer, questions=list(row.questions),
                      citations=list(row.citations), evidence=[(e["citation"], e["quote"]) for e in row.evidence],
                      audience=list(row.audience), entry_id=row.entry_id)


def drafts(session: Session, status: Optional[str] = None, limit: int = 100) -> list[KBDraft]:
    query = select(KBDraft)
    if status:
        query = query.where(KBDraft.status == status)
    return list(session.scalars(query.order_by(KBDraft.updated_at.desc(), KBDraft.id.desc()).limit(limit)))
