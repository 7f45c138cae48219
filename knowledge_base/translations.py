"""Translated entries: `knowledge_base/entries/lang/<lang>/<topic>.yml`, loading and validation.

A translated entry renders one Chinese entry (`translates`) in English, Indonesian, Vietnamese or Thai.
It keeps the Chinese entry's citations (a subset) and quotes the Chinese statute text verbatim as
evidence; every Arabic number in its answer must be backed by the Chinese entry (its answer or
citations) or by the cited articles, so a translation cannot state a figure the Chinese entry does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping

from .entries import (
    HOTLINES,
    MAX_QUOTE_CHARS,
    MINIMUM_WAGE_AMOUNTS,
    TOPICS,
    Entry,
    EntryError,
    EntrySet,
    citation_problems,
    fingerprint_files,
    parse_entry_file,
    shape_problems,
    squash,
)

LANGUAGES: tuple[str, ...] = ("en", "id", "vi", "th")
LANG_DIR = "lang"  # under the entries folder
# Answers in these languages run longer than the Chinese 80-400 characters (Thai and Vietnamese most).
TRANSLATED_ANSWER_RANGE = (40, 1600)
_TRANSLATED_ID = re.compile(r"^(en|id|vi|th)-[a-z0-9][a-z0-9_.-]*$")


@dataclass
class TranslationSet:
    """Translated entries of every language, with the files they came from."""

    entries: list[Entry]
    files: list[Path] = field(default_factory=list)
    file_meta: dict[str, tuple[str, str]] = field(default_factory=dict)  # "en/wages.yml" -> (language, topic)
    fingerprint: str = ""

    def by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    def languages(self) -> list[str]:
        return [lang for lang in LANGUAGES if any(e.language == lang for e in self.entries)]

    def in_language(self, language: str) -> list[Entry]:
        return [e for e in self.entries if e.language == language]

    def as_entry_set(self, language: str) -> EntrySet:
        """One language's entries as an EntrySet (what SearchIndex.build and fingerprints expect)."""
        files = [f for f in self.files if f.parent.name == language]
        return EntrySet(self.in_language(language), files,
                        {k: t for k, (lang, t) in self.file_meta.items() if lang == language},
                        fingerprint_files(files))


def translations_dir(entries_dir: Path | str) -> Path:
    return Path(entries_dir) / LANG_DIR


def translation_files(root: Path | str) -> list[Path]:
    """`<root>/<lang>/*.yml` files (any folder name: the validator reports unknown languages)."""
    d = Path(root)
    return sorted(p for p in d.glob("*/*.y*ml") if p.is_file()) if d.is_dir() else []


def load_translations(root: Path | str, strict: bool = True) -> TranslationSet:
    """Load every translated entry file under `root` (normally `entries/lang`); empty when it is missing.

    Each entry's `language` is the file's declared language and its `source` is "<folder>/<file>".
    With `strict`, structural problems (bad YAML, non-list fields) raise EntryError.
    """
    files = translation_files(root)
    entries: list[Entry] = []
    meta: dict[str, tuple[str, str]] = {}
    problems: list[str] = []
    for f in files:
        rel = f"{f.parent.name}/{f.name}"
        try:
            topic, items, probs = parse_entry_file(f)
        except EntryError as exc:  # unreadable YAML: reported (strict) or skipped, never fatal for the others
            problems.append(f"{f.parent.name}/{exc}")
            continue
        declared = items[0].language if items else _declared_language(f)
        meta[rel] = (declared, topic)
        entries.extend(replace(e, source=rel) for e in items)
        problems.extend(f"{f.parent.name}/{p}" for p in probs)
    if strict and problems:
        raise EntryError("; ".join(problems))
    return TranslationSet(entries, files, meta, fingerprint_files(files))


def _declared_language(path: Path) -> str:
    from .entries import _yaml_load

    try:
        doc = _yaml_load(path.read_text(encoding="utf-8"))
    except Exception:  # parse_entry_file already reported it
        return ""
    return str(doc.get("language") or "").strip() if isinstance(doc, dict) else ""


# ---------------------------------------------------------------- numbers

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "貳": 2, "兩": 2, "两": 2, "三": 3, "參": 3, "四": 4,
              "肆": 4, "五": 5, "伍": 5, "六": 6, "陸": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"萬": 10_000, "万": 10_000, "億": 100_000_000, "亿": 100_000_000}
_CN_RUN = re.compile("[零〇一壹二貳兩两三參四肆五伍六陸七柒八捌九玖十拾百佰千仟萬万億亿]+")
_ARABIC_CN = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s?([萬万億亿])")  # starts at a number's first digit: linear
_THAI_DIGITS = {ord(c): str(i) for i, c in enumerate("๐๑๒๓๔๕๖๗๘๙")}
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}
# 60,000 / 60.000 / 60 000 (thousands groups) | 1.5 / 1,5 (decimals) | 8
_NUM = re.compile(r"(?<![\d])\d{1,3}(?:([,.\u00a0\u202f ])\d{3})(?:\1\d{3})*(?![\d])|\d+(?:[.,]\d+)?")
_PHONE = re.compile(r"(?<!\d)(?:\(0\d{1,2}\)\s*|\+?886[-\s]?\d{1,2}[-\s]|0\d{1,3}[-\s])\d{3,4}[-\s]?\d{3,4}(?!\d)"
                    r"|(?<!\d)0800[-\s]?\d{3}[-\s]?\d{3}(?!\d)")
_ISO_DATE = re.compile(r"(?<!\d)(20\d\d)-(\d\d)-(\d\d)(?!\d)")


def chinese_numeral(run: str) -> int | None:
    """Value of a run of Chinese numerals (三十, 四十六, 一百五十萬, 二〇二六); None when it is not one."""
    if not run:
        return None
    if all(c in _CN_DIGITS for c in run) and len(run) > 1:  # 二〇二六: digit by digit
        return int("".join(str(_CN_DIGITS[c]) for c in run))
    total = section = digit = 0
    seen = False
    for c in run:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
            seen = True
        elif c in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[c]
            digit = 0
            seen = True
        elif c in _CN_BIG:
            total += (section + digit) * _CN_BIG[c]
            section = digit = 0
        else:
            return None
    return total + section + digit if seen or total else None


def numbers_in_chinese(text: str) -> set[float]:
    """Arabic and Chinese-numeral numbers in Chinese text (6萬 and 六萬 are 60000; 1/3 gives 1 and 3)."""
    text = text.translate(_FULLWIDTH)
    out: set[float] = set()
    for m in _ARABIC_CN.finditer(text):
        out.add(float(m.group(1)) * _CN_BIG[m.group(2)])
    for m in re.finditer(r"\d[\d,]*(?:\.\d+)?", text):
        try:
            out.add(float(m.group(0).replace(",", "")))
        except ValueError:
            continue
    for m in _CN_RUN.finditer(text):
        value = chinese_numeral(m.group(0))
        if value is not None:
            out.add(float(value))
        for piece in re.split("[萬万億亿]", m.group(0)):  # 六萬 also backs a bare "6" (six ten-thousands)
            v = chinese_numeral(piece)
            if v is not None:
                out.add(float(v))
    return out


def numbers_in_translation(text: str) -> list[tuple[str, float]]:
    """(as written, value) of every Arabic number in a translated answer, phone numbers aside.

    "60,000", "60.000" and "60 000" are thousands groups (60000); "1.5" and "1,5" decimals; Thai digits count.
    ISO dates give year, month and day.
    """
    # Not NFKC: it would turn a list marker ①1955 into 11955.
    text = text.translate(_FULLWIDTH).translate(_THAI_DIGITS)
    text = _PHONE.sub(" ", text)
    out: list[tuple[str, float]] = []
    for m in _ISO_DATE.finditer(text):
        out.extend((g, float(g)) for g in m.groups())
    text = _ISO_DATE.sub(" ", text)
    for m in _NUM.finditer(text):
        token = m.group(0)
        if m.group(1):  # thousands groups
            value = float(re.sub(r"\D", "", token))
        else:
            value = float(token.replace(",", "."))
        out.append((token, value))
    return out


def backed_numbers(zh: Entry, article_texts: Mapping[str, str] | None, citations: Iterable[str]) -> set[float]:
    """Numbers a translation of `zh` may state: its answer, its citations, the cited articles' text,
    hotlines and the minimum wage amounts."""
    backed = numbers_in_chinese(zh.answer) | numbers_in_chinese(zh.title)
    for c in {*zh.citations, *citations}:
        backed |= numbers_in_chinese(c)
        if article_texts and c in article_texts:
            backed |= numbers_in_chinese(article_texts[c])
    backed |= {float(h) for h in HOTLINES} | {float(a.replace(",", "")) for a in MINIMUM_WAGE_AMOUNTS}
    return backed


def unbacked_translated_numbers(answer: str, zh: Entry, article_texts: Mapping[str, str] | None = None,
                                citations: Iterable[str] = ()) -> list[str]:
    """Numbers in a translated answer that neither the Chinese entry nor the cited articles state.

    Allowed besides: a year written in the Thai Buddhist era (2569 = 2026) when the year is backed, and
    "24"/"7" next to the 1955 hotline (24 hours, 7 days a week) when the answer names 1955.
    """
    backed = backed_numbers(zh, article_texts, citations)
    has_1955 = "1955" in answer
    out = []
    for token, value in numbers_in_translation(answer):
        if value in backed or (value - 543) in backed and value > 2500:
            continue
        if has_1955 and value in (24.0, 7.0, 365.0):
            continue
        out.append(token)
    return out


# ---------------------------------------------------------------- validation


def validate_translations(
    translations: TranslationSet,
    chinese: EntrySet | Iterable[Entry],
    article_texts: Mapping[str, str] | None = None,
) -> list[str]:
    """Every rule a translated entry must follow; returns human-readable problems (empty = valid).

    - the file's `language` is one of LANGUAGES and matches its folder; its topic is in the vocabulary;
    - ids are "<lang>-<translated id>", unique across all languages; `translates` names an existing
      Chinese entry, at most once per language; the entry's topic is the Chinese entry's topic;
    - title, 3-8 distinct questions, an answer, audience, date;
    - citations are canonical, a subset of the Chinese entry's and (with `article_texts`) exist;
    - evidence cites one of its citations and quotes the Chinese statute text verbatim (short fragments);
    - every Arabic number in the answer is backed (unbacked_translated_numbers).
    """
    zh = chinese.by_id() if isinstance(chinese, EntrySet) else {e.id: e for e in chinese}
    problems: list[str] = []
    for rel, (lang, topic) in translations.file_meta.items():
        folder = rel.split("/", 1)[0]
        if lang not in LANGUAGES:
            problems.append(f"{rel}: language {lang!r} is not one of {LANGUAGES}")
        elif lang != folder:
            problems.append(f"{rel}: language {lang!r} does not match its folder {folder!r}")
        if topic not in TOPICS:
            problems.append(f"{rel}: file topic {topic!r} is not in the topic vocabulary")
    seen: dict[str, str] = {}
    rendered: dict[tuple[str, str], str] = {}
    squashed = {c: squash(t) for c, t in (article_texts or {}).items()}
    for e in translations.entries:
        where = f"{e.source}:{e.id or '?'}"
        if e.id in seen:
            problems.append(f"{where}: duplicate id (also in {seen[e.id]})")
        seen[e.id] = e.source
        base = zh.get(e.translates)
        if not e.translates or base is None:
            problems.append(f"{where}: translates {e.translates!r}, which is not a Chinese entry id")
        if not _TRANSLATED_ID.match(e.id or "") or e.id != f"{e.language}-{e.translates}":
            problems.append(f"{where}: id must be '<language>-<translated id>' ({e.language}-{e.translates})")
        key = (e.language, e.translates)
        if key in rendered and e.translates:
            problems.append(f"{where}: {e.translates} is already translated to {e.language} by {rendered[key]}")
        rendered[key] = e.id
        if e.language != e.source.split("/", 1)[0]:
            problems.append(f"{where}: language {e.language!r} does not match its folder")
        if base is not None and e.topic != base.topic:
            problems.append(f"{where}: topic {e.topic!r} differs from {base.id}'s topic {base.topic!r}")
        if not e.title:
            problems.append(f"{where}: missing title")
        problems += shape_problems(e, where, TRANSLATED_ANSWER_RANGE)
        problems += citation_problems(e, where, article_texts, base.citations if base is not None else None,
                                      base.id if base is not None else "")
        for ev in e.evidence:
            if ev.citation not in e.citations:
                problems.append(f"{where}: evidence cites {ev.citation!r}, which is not in citations")
            if len(squash(ev.quote)) > MAX_QUOTE_CHARS:
                problems.append(f"{where}: evidence quote longer than {MAX_QUOTE_CHARS} characters")
            if article_texts is not None and ev.citation in squashed and squash(ev.quote) not in squashed[ev.citation]:
                problems.append(f"{where}: quote {ev.quote!r} does not occur in {ev.citation}")
        if base is not None:
            loose = unbacked_translated_numbers(e.answer, base, article_texts, e.citations)
            if loose:
                problems.append(f"{where}: answer states numbers {loose} that neither {base.id} nor its "
                                "cited articles state")
    return problems
