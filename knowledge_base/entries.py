"""Curated Q&A entries: typed loading from `knowledge_base/entries/<topic>.yml` (or `<topic>.<part>.yml`) and validation."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

TOPICS: tuple[str, ...] = (
    "wages", "overtime", "working_hours", "leave", "annual_leave", "termination_severance",
    "retirement_pension", "occupational_injury", "discrimination_gender", "sexual_harassment",
    "job_scam", "dispute_mediation", "part_time_students", "foreign_workers", "job_search", "insurance",
    "labour_relations", "other",
)
AUDIENCES: tuple[str, ...] = ("worker", "student", "employer", "migrant")
QUESTIONS_RANGE = (3, 8)
ANSWER_RANGE = (80, 400)
# Evidence quotes are short fragments: 30+ characters identical to a statute count as copying.
MAX_QUOTE_CHARS = 29
MIN_ENTRIES = 360  # issue 13: the knowledge base covers what workers ask (403 shipped)

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_CITATION = re.compile(r"^\S+?第\d+條(?:之\d+)?$")


class EntryError(ValueError):
    """Entries that cannot be loaded (YAML or structure)."""


@dataclass(frozen=True)
class Evidence:
    citation: str
    quote: str


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    topic: str
    questions: tuple[str, ...]
    answer: str
    citations: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    audience: tuple[str, ...] = ()
    updated: dt.date | None = None
    source: str = ""  # file the entry came from
    language: str = "zh"  # "zh" for the Chinese entries; en | id | vi | th for translations (translations.py)
    translates: str = ""  # a translation: the id of the Chinese entry it renders
    keywords: tuple[str, ...] = ()  # colloquial search terms (entries/keywords.yml), indexed with the title


@dataclass
class EntrySet:
    entries: list[Entry]
    files: list[Path] = field(default_factory=list)
    file_topics: dict[str, str] = field(default_factory=dict)  # file name -> declared topic
    fingerprint: str = ""

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}


def _as_str_list(value: Any, where: str, name: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        problems.append(f"{where}: {name} must be a list of strings")
        return ()
    return tuple(str(v).strip() for v in value if str(v).strip())


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _yaml_load(text: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - safe loader


def parse_entry_file(path: Path) -> tuple[str, list[Entry], list[str]]:
    """(declared topic, entries, structural problems) of one YAML file."""
    problems: list[str] = []
    try:
        doc = _yaml_load(path.read_text(encoding="utf-8"))
    except Exception as exc:  # yaml.YAMLError, UnicodeDecodeError
        raise EntryError(f"{path.name}: cannot read YAML ({exc})") from exc
    if not isinstance(doc, dict):
        raise EntryError(f"{path.name}: top level must be a mapping with 'topic' and 'entries'")
    file_topic = str(doc.get("topic") or "").strip()
    raw = doc.get("entries")
    if not isinstance(raw, list):
        raise EntryError(f"{path.name}: 'entries' must be a list")
    out: list[Entry] = []
    for i, item in enumerate(raw):
        where = f"{path.name}[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: entry must be a mapping")
            continue
        eid = str(item.get("id") or "").strip()
        where = f"{path.name}:{eid or i}"
        evidence: list[Evidence] = []
        for ev in item.get("evidence") or []:
            if isinstance(ev, dict) and ev.get("citation") and ev.get("quote"):
                evidence.append(Evidence(str(ev["citation"]).strip(), str(ev["quote"]).strip()))
            else:
                problems.append(f"{where}: evidence items need 'citation' and 'quote'")
        updated = _as_date(item.get("updated"))
        if item.get("updated") is not None and updated is None:
            problems.append(f"{where}: updated {item.get('updated')!r} is not a date")
        out.append(
            Entry(
                id=eid,
                title=str(item.get("title") or "").strip(),
                topic=str(item.get("topic") or file_topic).strip(),
                questions=_as_str_list(item.get("questions"), where, "questions", problems),
                answer=str(item.get("answer") or "").strip(),
                citations=_as_str_list(item.get("citations"), where, "citations", problems),
                evidence=tuple(evidence),
                audience=_as_str_list(item.get("audience"), where, "audience", problems),
                updated=updated,
                source=path.name,
                language=str(doc.get("language") or "zh").strip(),
                translates=str(item.get("translates") or "").strip(),
            )
        )
    return file_topic, out, problems


KEYWORDS_FILE = "keywords.yml"  # entry id -> colloquial search terms; not an entry file
KEYWORDS_RANGE = (4, 18)


def entry_files(directory: Path | str) -> list[Path]:
    d = Path(directory)
    return sorted(p for p in d.glob("*.y*ml") if p.is_file() and p.name != KEYWORDS_FILE) if d.is_dir() else []


def load_keywords(path: Path, known: Iterable[str]) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """(entry id -> keywords, problems) of a keywords file; a missing file has none.

    Keywords are the words a worker would type (slang, abbreviations, Simplified forms): search terms
    only, so they state nothing and carry no numbers. An id that is not an entry is a problem (a typo
    there would silently index nothing).
    """
    if not path.is_file():
        return {}, []
    try:
        doc = _yaml_load(path.read_text(encoding="utf-8"))
    except Exception as exc:  # yaml.YAMLError, UnicodeDecodeError
        raise EntryError(f"{path.name}: cannot read YAML ({exc})") from exc
    if doc is None:
        return {}, []
    if not isinstance(doc, dict):
        raise EntryError(f"{path.name}: top level must be a mapping of entry id -> list of keywords")
    ids = set(known)
    out: dict[str, tuple[str, ...]] = {}
    problems: list[str] = []
    lo, hi = KEYWORDS_RANGE
    for eid, value in doc.items():
        where = f"{path.name}:{eid}"
        if str(eid) not in ids:
            problems.append(f"{where}: no entry has this id")
            continue
        terms = tuple(dict.fromkeys(_as_str_list(value, where, "keywords", problems)))
        if not lo <= len(terms) <= hi:
            problems.append(f"{where}: {len(terms)} keywords (need {lo}-{hi})")
        if any(re.search(r"\d", t) for t in terms):
            problems.append(f"{where}: keywords carry no numbers")
        out[str(eid)] = terms
    return out, problems


def fingerprint_files(files: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for p in files:
        h.update(p.name.encode())
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def load_entries(directory: Path | str, strict: bool = True) -> EntrySet:
    """Load every entry file in `directory`; with `strict`, structural problems raise EntryError."""
    files = entry_files(directory)
    entries: list[Entry] = []
    topics: dict[str, str] = {}
    problems: list[str] = []
    for f in files:
        topic, items, probs = parse_entry_file(f)
        topics[f.name] = topic
        entries.extend(items)
        problems.extend(probs)
    kw_path = Path(directory) / KEYWORDS_FILE
    keywords, kw_problems = load_keywords(kw_path, (e.id for e in entries))
    problems.extend(kw_problems)
    if strict and problems:
        raise EntryError("; ".join(problems))
    if keywords:
        from dataclasses import replace

        entries = [replace(e, keywords=keywords[e.id]) if e.id in keywords else e for e in entries]
    hashed = files + ([kw_path] if kw_path.is_file() else [])
    return EntrySet(entries, files, topics, fingerprint_files(hashed))


# ---------------------------------------------------------------- validation

HOTLINES = ("1955", "165", "110", "119", "113", "1925", "1999")
MINIMUM_WAGE_AMOUNTS = ("28,590", "28590", "29,500", "29500", "190", "196")
_ARTICLE_REF = re.compile(r"第\s*\d+\s*(?:條(?:\s*之\s*\d+)?|項|款|目)")
_PHONE = re.compile(r"(?<!\d)(?:\(0\d{1,2}\)\s*|0\d{1,3}[-\s])\d{3,4}[-\s]?\d{3,4}(?!\d)|(?<!\d)0800[-\s]?\d{3}[-\s]?\d{3}(?!\d)")
_MIN_WAGE_DATE = re.compile(r"20(?:25|26)\s*(?:年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?|-\d{2}-\d{2})")
_NUMBER = re.compile(r"\d[\d,]*")
# "24小時" next to 1955 describes the hotline (勞動部24小時勞工諮詢申訴專線), it is not a claim.
_HOTLINE_24H = re.compile(r"1955[^。；\n]{0,20}?24\s*小時|24\s*小時[^。；\n]{0,20}?1955")


def unbacked_numbers(answer: str) -> list[str]:
    """Numbers in an answer other than article references, phone/hotline numbers and the minimum wage."""
    text = answer.translate({c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)})
    text = _ARTICLE_REF.sub(" ", text)
    text = _PHONE.sub(" ", text)
    text = _HOTLINE_24H.sub(lambda m: m.group(0).replace("24", " "), text)
    has_wage = any(re.search(rf"(?<![\d,]){re.escape(a)}(?![\d,])", text) for a in MINIMUM_WAGE_AMOUNTS[:4])
    numbers = []
    if has_wage:
        text = _MIN_WAGE_DATE.sub(" ", text)
    for m in _NUMBER.finditer(text):
        token = m.group(0).rstrip(",")
        if token in HOTLINES or token in MINIMUM_WAGE_AMOUNTS:
            continue
        numbers.append(token)
    return numbers


def squash(text: str) -> str:
    return "".join(text.split())


def shape_problems(e: Entry, where: str, answer_range: tuple[int, int]) -> list[str]:
    """The rules of an entry's form, shared by the Chinese and the translated entries: questions,
    answer length, audience, date."""
    problems = []
    lo, hi = QUESTIONS_RANGE
    if not lo <= len(e.questions) <= hi:
        problems.append(f"{where}: {len(e.questions)} questions (need {lo}-{hi})")
    if len(set(e.questions)) != len(e.questions):
        problems.append(f"{where}: repeated question")
    lo, hi = answer_range
    if not lo <= len(e.answer) <= hi:
        problems.append(f"{where}: answer has {len(e.answer)} characters (need {lo}-{hi})")
    if not e.audience or any(a not in AUDIENCES for a in e.audience):
        problems.append(f"{where}: audience {list(e.audience)} must be a non-empty subset of {AUDIENCES}")
    if e.updated is None:
        problems.append(f"{where}: missing or invalid 'updated' date")
    return problems


def citation_problems(e: Entry, where: str, article_texts: Mapping[str, str] | None,
                      allowed: Sequence[str] | None = None, allowed_from: str = "") -> list[str]:
    """Each citation canonical, among `allowed` when given (a translation cites its Chinese entry's), and
    in the official texts when they are given."""
    problems = []
    for c in e.citations:
        if not _CITATION.match(c):
            problems.append(f"{where}: citation {c!r} is not canonical (e.g. 勞動基準法第24條)")
        elif allowed is not None and c not in allowed:
            problems.append(f"{where}: citation {c!r} is not among {allowed_from}'s citations")
        elif article_texts is not None and c not in article_texts:
            problems.append(f"{where}: citation {c!r} not found in the official texts")
    return problems


def validate_entries(
    entry_set: EntrySet,
    article_texts: Mapping[str, str] | None = None,
    min_entries: int = 0,
) -> list[str]:
    """Every rule an entry must follow; returns human-readable problems (empty = valid).

    `article_texts` maps canonical citations to official article text; when given, citations must
    exist there and evidence quotes must occur in the cited article (whitespace-insensitive).
    """
    problems: list[str] = []
    for fname, topic in entry_set.file_topics.items():
        if topic not in TOPICS:
            problems.append(f"{fname}: file topic {topic!r} is not in the topic vocabulary")
    seen: dict[str, str] = {}
    squashed = {c: squash(t) for c, t in (article_texts or {}).items()}
    for e in entry_set.entries:
        where = f"{e.source}:{e.id or '?'}"
        if not e.id or not _ID.match(e.id):
            problems.append(f"{where}: id must be lower-case ascii ([a-z0-9_.-])")
        if e.id in seen:
            problems.append(f"{where}: duplicate id (also in {seen[e.id]})")
        seen[e.id] = e.source
        if not e.title:
            problems.append(f"{where}: missing title")
        if e.topic not in TOPICS:
            problems.append(f"{where}: topic {e.topic!r} is not in the topic vocabulary")
        problems += shape_problems(e, where, ANSWER_RANGE)
        problems += citation_problems(e, where, article_texts)
        for ev in e.evidence:
            if ev.citation not in e.citations:
                problems.append(f"{where}: evidence cites {ev.citation!r}, which is not in citations")
            if len(squash(ev.quote)) > MAX_QUOTE_CHARS:
                problems.append(f"{where}: evidence quote longer than {MAX_QUOTE_CHARS} characters")
            if article_texts is not None and ev.citation in squashed and squash(ev.quote) not in squashed[ev.citation]:
                problems.append(f"{where}: quote {ev.quote!r} does not occur in {ev.citation}")
        if not e.evidence and unbacked_numbers(e.answer):
            problems.append(f"{where}: answer states numbers {unbacked_numbers(e.answer)} but has no evidence")
    if len(entry_set.entries) < min_entries:
        problems.append(f"only {len(entry_set.entries)} entries (need at least {min_entries})")
    return problems


def entries_citing(entries: Iterable[Entry], citations: Iterable[str]) -> list[tuple[Entry, list[str]]]:
    """Entries that cite any of `citations` (e.g. articles changed by a statute import): needs review."""
    wanted = set(citations)
    out = []
    for e in entries:
        hit = [c for c in e.citations if c in wanted]
        if hit:
            out.append((e, hit))
    return out
