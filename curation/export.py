"""`labourbot kb export`: approved console entries and attached questions into the repository's YAML.

Git stays the source of truth: approved console entries go to `<topic>.console.yml` (one file per topic,
the layout knowledge_base/entries.py loads and tests/unit/knowledge_base/test_entries.py checks), with
the questions attached to them; a question attached to a YAML entry is added to that entry's list in
its own file, as one more line (the file is otherwise left as it is). Rows get `exported_at` the first
time. Running it again writes the same files (idempotent). An approved entry whose id another YAML file
already has is not written again; the knowledge base indexes the YAML one only (KnowledgeBase.set_extras).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import utcnow
from curation.models import APPROVED, KBDraft, KBExampleQuestion
from curation.service import draft_entry
from knowledge_base.entries import QUESTIONS_RANGE, Entry, entry_files, parse_entry_file

SUFFIX = ".console.yml"
HEADER = "# Written by `labourbot kb export` from entries approved in the staff console (docs/knowledge_base.md).\n"


@dataclass
class ExportReport:
    files: list[Path] = field(default_factory=list)  # files written or changed
    entries: list[str] = field(default_factory=list)  # console entries in the console files
    questions: list[str] = field(default_factory=list)  # "entry id: question" added to YAML entries
    skipped: list[str] = field(default_factory=list)  # what was not written, and why (zh-TW)

    def to_json(self) -> dict[str, Any]:
        return {"files": [str(f) for f in self.files], "entries": self.entries, "questions": self.questions,
                "skipped": self.skipped}


def _entry_dict(e: Entry) -> dict[str, Any]:
    return {"id": e.id, "title": e.title, "questions": list(e.questions), "answer": e.answer,
            "citations": list(e.citations),
            "evidence": [{"citation": ev.citation, "quote": ev.quote} for ev in e.evidence],
            "audience": list(e.audience), "updated": e.updated.isoformat() if e.updated else None}


def _dump(topic: str, entries: list[dict[str, Any]]) -> str:
    import yaml

    body = yaml.safe_dump({"topic": topic, "entries": entries}, allow_unicode=True, sort_keys=False, width=100)
    return HEADER + body


def _yaml_ids(directory: Path) -> dict[str, Path]:
    """Entry id -> file, for every entry file but the console ones."""
    found: dict[str, Path] = {}
    for f in entry_files(directory):
        if f.name.endswith(SUFFIX):
            continue
        _, items, _ = parse_entry_file(f)
        for e in items:
            found.setdefault(e.id, f)
    return found


def export(session: Session, out_dir: Path, entries_dir: Optional[Path] = None) -> ExportReport:
    """Write the approved console entries into `out_dir` (and attached questions of YAML entries in
    `entries_dir`, by default the same folder); mark the rows exported."""
    entries_dir = entries_dir or out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    report = ExportReport()
    in_yaml = _yaml_ids(entries_dir)
    attached: dict[str, list[KBExampleQuestion]] = {}
    for q in session.scalars(select(KBExampleQuestion).order_by(KBExampleQuestion.id)):
        attached.setdefault(q.entry_id, []).append(q)
    now = utcnow()
    by_topic: dict[str, list[dict[str, Any]]] = {}
    for d in session.scalars(select(KBDraft).where(KBDraft.status == APPROVED).order_by(KBDraft.entry_id)):
        if d.entry_id in in_yaml:
            report.skipped.append(f"{d.entry_id}：{in_yaml[d.entry_id].name} 已有同代號的條目，以 YAML 為準")
            d.exported_at = d.exported_at or now
            continue
        extra = attached.pop(d.entry_id, [])
        room = QUESTIONS_RANGE[1] - len(d.questions)
        fits = [q for q in extra if q.text not in d.questions][:max(room, 0)]
        for q in extra:
            if q not in fits and q.text not in d.questions:
                report.skipped.append(f"{d.entry_id}：例句已滿 {QUESTIONS_RANGE[1]} 句，未加入「{q.text}」")
            elif q.exported_at is None:
                q.exported_at = now
        by_topic.setdefault(d.topic, []).append(_entry_dict(draft_entry(d, [q.text for q in fits])))
        report.entries.append(d.entry_id)
        d.exported_at = d.exported_at or now
    for topic, items in sorted(by_topic.items()):
        path = out_dir / f"{topic}{SUFFIX}"
        text = _dump(topic, _merge(path, items))
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            report.files.append(path)
    for entry_id, questions in sorted(attached.items()):
        source = in_yaml.get(entry_id)
        if source is None:
            report.skipped.append(f"{entry_id}：找不到這則條目（尚未核准或已刪除），{len(questions)} 句例句未匯出")
            continue
        for q in questions:
            outcome = add_question(source, entry_id, q.text)
            if outcome == "added":
                report.questions.append(f"{entry_id}: {q.text}")
                if source not in report.files:
                    report.files.append(source)
            elif outcome != "present":
                report.skipped.append(f"{entry_id}：{outcome}，未加入「{q.text}」")
                continue
            q.exported_at = q.exported_at or now
    return report


def _merge(path: Path, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The console file's entries: those of the database, plus any kept in the file (a database reset
    must not delete what git has), by id."""
    ours = {i["id"]: i for i in items}
    kept: dict[str, dict[str, Any]] = {}
    if path.exists():
        _, old, _ = parse_entry_file(path)
        for e in old:
            if e.id not in ours:
                kept[e.id] = _entry_dict(e)
    return [v for _, v in sorted({**kept, **ours}.items())]


_ID_LINE = re.compile(r"^(?P<indent>\s*)- id:\s*(?P<id>\S+)\s*$")


def add_question(path: Path, entry_id: str, question: str) -> str:
    """Append `question` to the block-style `questions:` list of entry `entry_id` in `path`, as one new
    line; the file is re-read to make sure it says what was meant (else it is put back).
    Returns "added", "present", or why not (zh-TW)."""
    original = path.read_text(encoding="utf-8")
    _, items, _ = parse_entry_file(path)
    entry = next((e for e in items if e.id == entry_id), None)
    if entry is None:
        return "檔案裡找不到這則條目"
    if question in entry.questions:
        return "present"
    if len(entry.questions) >= QUESTIONS_RANGE[1]:
        return f"例句已滿 {QUESTIONS_RANGE[1]} 句"
    lines = original.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines)
                  if (m := _ID_LINE.match(line)) and m.group("id").strip("'\"") == entry_id), None)
    if start is None:
        return "條目的格式無法自動加入"
    indent = len(_ID_LINE.match(lines[start]).group("indent"))  # type: ignore[union-attr]
    head = next((i for i in range(start + 1, len(lines))
                 if lines[i].strip() == "questions:" or _ID_LINE.match(lines[i])), None)
    if head is None or _ID_LINE.match(lines[head]):
        return "條目的例句不是逐行列出，無法自動加入"
    last = head
    for i in range(head + 1, len(lines)):
        stripped = lines[i].lstrip()
        if stripped.startswith("- ") and len(lines[i]) - len(stripped) > indent:
            last = i
        else:
            break
    if last == head:
        return "條目的例句不是逐行列出，無法自動加入"
    prefix = lines[last][: len(lines[last]) - len(lines[last].lstrip())]
    newline = "\n" if not lines[last].endswith("\n") else ""
    lines.insert(last + 1, f"{newline}{prefix}- {json.dumps(question, ensure_ascii=False)}\n")
    path.write_text("".join(lines), encoding="utf-8")
    try:
        _, after, _ = parse_entry_file(path)
        changed = next(e for e in after if e.id == entry_id)
        ok = list(changed.questions) == [*entry.questions, question] and len(after) == len(items)
    except Exception:  # noqa: BLE001 - whatever went wrong, the file goes back as it was
        ok = False
    if not ok:
        path.write_text(original, encoding="utf-8")
        return "加入後檔案內容不符，已還原"
    return "added"
