"""Checks of what staff write in the curation console, by the rules the shipped entries follow.

A draft entry goes through knowledge_base.entries.validate_entries against the imported statutes (the
rules tests/unit/knowledge_base/test_entries.py applies to every YAML entry: citations exist, evidence
quotes verbatim in the cited article, numbers in the answer backed by evidence, sizes, topic, audience),
plus the test's rule that an answer copies no 30-character run of a statute. Its English problems are
shown to staff in zh-TW. A rewritten question must hold no personal data (cases/masking.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

from cases.masking import mask_personal_data
from knowledge_base.entries import (
    ANSWER_RANGE,
    MAX_QUOTE_CHARS,
    QUESTIONS_RANGE,
    Entry,
    EntrySet,
    Evidence,
    squash,
    validate_entries,
)

COPY_RUN = 30  # this many characters identical to a statute count as copying it (test_entries.py)
SOURCE = "console"
_MASKED = re.compile(r"\*{2,}")
_SPLIT = re.compile(r"[\n,，、;；]+")
_EVIDENCE_SEP = re.compile(r"\s*[|｜]\s*|\s*[：:]\s*")


@dataclass
class DraftInput:
    """A draft entry as typed in the console form (lists already split)."""

    title: str
    topic: str
    answer: str
    questions: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (citation, quote)
    audience: list[str] = field(default_factory=list)
    entry_id: str = ""

    def to_entry(self, entry_id: str | None = None, updated: dt.date | None = None) -> Entry:
        return Entry(id=entry_id or self.entry_id, title=self.title, topic=self.topic,
                     questions=tuple(self.questions), answer=self.answer, citations=tuple(self.citations),
                     evidence=tuple(Evidence(c, q) for c, q in self.evidence), audience=tuple(self.audience),
                     updated=updated or dt.date.today(), source=SOURCE)


def lines(text: str) -> list[str]:
    """Non-empty stripped lines, without repeats."""
    return list(dict.fromkeys(x.strip() for x in (text or "").splitlines() if x.strip()))


def split_items(text: str) -> list[str]:
    """Items typed one per line or separated by 、 , ;."""
    return [x.strip() for x in _SPLIT.split(text or "") if x.strip()]


def evidence_citation(line: str) -> str:
    """The citation part of an evidence line ("勞動基準法第24條｜摘句")."""
    return _EVIDENCE_SEP.split(line.strip(), maxsplit=1)[0]


def parse_form(title: str, topic: str, answer: str, questions: str, citations: str, evidence: str,
               audience: Sequence[str], entry_id: str = "", canonical: Mapping[str, str] | None = None
               ) -> tuple[DraftInput, list[str]]:
    """The form's fields as a DraftInput, and problems of form (an evidence line without its quote).

    Questions one per line; citations one per line (or separated by 、 , ;); evidence one per line as
    "勞動基準法第24條｜摘句" (or "：" between). `canonical` maps loose citations (勞基法第24條) to the
    canonical form when the caller can parse them.
    """
    problems: list[str] = []
    canon = canonical or {}
    cits = [canon.get(c, c) for c in split_items(citations)]
    ev: list[tuple[str, str]] = []
    for line in lines(evidence):
        parts = _EVIDENCE_SEP.split(line, maxsplit=1)
        if len(parts) != 2 or not parts[0] or not parts[1]:
            problems.append(f"佐證「{line[:40]}」的格式不對：請寫成「法規第N條｜原文摘句」，一行一則。")
            continue
        ev.append((canon.get(parts[0], parts[0]), parts[1]))
    return DraftInput(title=(title or "").strip(), topic=(topic or "").strip(), answer=" ".join((answer or "").split()),
                      questions=lines(questions), citations=list(dict.fromkeys(cits)), evidence=ev,
                      audience=[a for a in dict.fromkeys(audience) if a], entry_id=(entry_id or "").strip()), problems


_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"id must be lower-case"), "條目代號只能用小寫英文、數字與 _ . -，且以英數字開頭。"),
    (re.compile(r"missing title"), "請填寫標題。"),
    (re.compile(r"topic (.+) is not in the topic vocabulary"), "請從清單選擇主題。"),
    (re.compile(r"(\d+) questions \(need"),
     f"例句需要 {QUESTIONS_RANGE[0]} 到 {QUESTIONS_RANGE[1]} 句（目前 {{0}} 句），一行一句。"),
    (re.compile(r"repeated question"), "例句有重複。"),
    (re.compile(r"answer has (\d+) characters"), f"回答需要 {ANSWER_RANGE[0]} 到 {ANSWER_RANGE[1]} 字（目前 {{0}} 字）。"),
    (re.compile(r"audience \["), "請至少選一個適用對象。"),
    (re.compile(r"citation '(.+)' is not canonical"), "引用「{0}」的格式不對，請寫成「勞動基準法第24條」這樣的完整名稱與條號。"),
    (re.compile(r"citation '(.+)' not found in the official texts"), "引用的「{0}」不在已匯入的法規裡，請確認法規名稱與條號。"),
    (re.compile(r"evidence cites '(.+)', which is not in citations"), "佐證引用的「{0}」不在引用法條清單中，請一併列入引用。"),
    (re.compile(r"evidence quote longer than"), f"佐證摘句不能超過 {MAX_QUOTE_CHARS} 字，請節錄關鍵短句。"),
    (re.compile(r"quote '(.+)' does not occur in (.+)$"), "佐證摘句「{0}」不是「{1}」的原文，摘句必須與條文逐字相同。"),
    (re.compile(r"answer states numbers \[(.*)\] but has no evidence"),
     "回答裡的數字（{0}）沒有佐證：請加上含有這些數字的法條原文摘句。"),
    (re.compile(r"missing or invalid 'updated'"), "更新日期無效。"),
]


def in_chinese(problem: str) -> str:
    """A validate_entries problem as staff read it (zh-TW); the rule's own words if none fits."""
    message = problem.split(": ", 1)[1] if problem.startswith(SOURCE + ":") and ": " in problem else problem
    for pattern, text in _MESSAGES:
        m = pattern.search(message)
        if m:
            return text.format(*(g.replace("'", "").replace(", ", "、") for g in m.groups()))
    return f"其他問題：{message}"


def copied_run(answer: str, article_texts: Mapping[str, str], citations: Sequence[str]) -> str | None:
    """A COPY_RUN-character run of the answer found verbatim in a cited article (paraphrase, don't copy)."""
    a = squash(answer)
    for c in citations:
        t = squash(article_texts.get(c, ""))
        for i in range(len(a) - COPY_RUN + 1):
            if a[i:i + COPY_RUN] in t:
                return a[i:i + COPY_RUN]
    return None


def check_draft(draft: DraftInput, article_texts: Mapping[str, str], taken_ids: Sequence[str] = (),
                entry_id: str | None = None) -> list[str]:
    """Problems of a draft in zh-TW (empty: it may be saved and approved)."""
    eid = entry_id or draft.entry_id
    entry = draft.to_entry(eid)
    problems = [in_chinese(p) for p in validate_entries(EntrySet([entry], file_topics={}), article_texts)]
    if eid in set(taken_ids):
        problems.append(f"條目代號「{eid}」已經有人使用，請換一個。")
    run = copied_run(draft.answer, article_texts, draft.citations)
    if run:
        problems.append(f"回答有一段與法條原文連續 {COPY_RUN} 字相同（「{run[:12]}…」），請改用白話說明。")
    for field_name, text in (("標題", draft.title), ("回答", draft.answer), *(("例句", q) for q in draft.questions)):
        if has_personal_data(text):
            problems.append(f"{field_name}裡還有個人資料（電話、身分證號、帳號或 e-mail），請刪除後再送出。")
            break
    return list(dict.fromkeys(problems))


def has_personal_data(text: str) -> bool:
    """Personal data cases/masking.py would mask, or what is left of masked data (0912***678)."""
    return mask_personal_data(text) != text or bool(_MASKED.search(text))


def check_question(text: str) -> list[str]:
    """Problems of a rewritten example question (zh-TW)."""
    text = (text or "").strip()
    if not text:
        return ["例句不能是空白的。"]
    problems = []
    if has_personal_data(text):
        problems.append("例句裡還有個人資料或遮蔽過的號碼（***），請改寫成不含個資的一般問法。")
    if len(text) > 200:
        problems.append("例句太長了（最多 200 字），請寫成一句一般的問法。")
    return problems


@lru_cache(maxsize=2)
def _article_texts(laws_dir: str, fingerprint: str) -> dict[str, str]:
    from knowledge_base.laws import LawStore

    return {a.citation: a.text for law in LawStore(Path(laws_dir)).load_all() for a in law.articles}


def article_texts(laws_dir: Path) -> dict[str, str]:
    """Citation -> text of every imported article (cached until the statutes change)."""
    from knowledge_base.laws import LawStore

    return _article_texts(str(laws_dir), LawStore(laws_dir).fingerprint())


def canonical_citations(texts: Sequence[str], laws: Sequence[str]) -> dict[str, str]:
    """Loose citations among `texts` (勞基法第24條, 勞動基準法 第 24 條) -> their canonical form."""
    from knowledge_base.citations import CitationParser
    from labourbot.textnorm import normalize

    parser = CitationParser(laws)
    out: dict[str, str] = {}
    for text in texts:
        norm = normalize(text).strip()
        found = parser.parse(norm)
        if found is not None and found.start == 0 and found.end == len(norm):
            out[text] = found.citation
    return out
