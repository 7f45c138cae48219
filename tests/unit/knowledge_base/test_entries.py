"""Checks every shipped entry in knowledge_base/entries against the rules and the official statutes."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import pytest

from knowledge_base import config
from knowledge_base.entries import (
    ANSWER_RANGE,
    AUDIENCES,
    MAX_QUOTE_CHARS,
    MIN_ENTRIES,
    QUESTIONS_RANGE,
    TOPICS,
    EntrySet,
    load_entries,
    squash,
    unbacked_numbers,
    validate_entries,
)
from knowledge_base.general_codes import select_articles
from knowledge_base.laws import parse_law_file

COPY_RUN = 30  # this many characters identical to a statute count as copying it


@lru_cache(maxsize=1)
def shipped() -> EntrySet:
    return load_entries(config.ENTRIES_DIR, strict=True)


@lru_cache(maxsize=1)
def official() -> dict[str, str]:
    """Citation -> article text of every article an entry may cite, from the MOJ texts in ../shared/law.

    That is the labour laws of ChLaw-labour.json plus the articles of the general codes in zh-general/
    that an import keeps (knowledge_base.general_codes): an entry citing any other 民法 or 刑法 article
    would point at a text the bot does not have, so it fails here.
    """
    root = config.shared_law_dir()
    files = [root / "ChLaw-labour.json", *sorted((root / "zh-general").glob("*.json"))]
    return {a.citation: a.text for f in files for law in parse_law_file(f) for a in select_articles(law).articles}


def _report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems[:60])


def test_entry_files_exist_and_load() -> None:
    s = shipped()
    assert s.files, f"no entry files in {config.ENTRIES_DIR}"
    for f in s.files:
        assert f.suffix in (".yml", ".yaml")


def test_enough_entries() -> None:
    assert len(shipped().entries) >= MIN_ENTRIES


def test_ids_unique_and_well_formed() -> None:
    counts = Counter(e.id for e in shipped().entries)
    assert [i for i, n in counts.items() if n > 1] == []
    assert [e.id for e in shipped().entries if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", e.id)] == []


def test_topics_in_vocabulary() -> None:
    s = shipped()
    bad_files = [(f, t) for f, t in s.file_topics.items() if t not in TOPICS or f.split(".", 1)[0] != t]
    assert bad_files == [], "file topic must be in the vocabulary and match the file name (<topic>.yml, <topic>.<part>.yml)"
    assert [(e.id, e.topic) for e in s.entries if e.topic not in TOPICS] == []


def test_schema() -> None:
    problems = []
    lo, hi = QUESTIONS_RANGE
    for e in shipped().entries:
        if not e.title:
            problems.append(f"{e.id}: no title")
        if not lo <= len(e.questions) <= hi or len(set(e.questions)) != len(e.questions):
            problems.append(f"{e.id}: {len(e.questions)} questions (need {lo}-{hi}, distinct)")
        if not e.audience or set(e.audience) - set(AUDIENCES):
            problems.append(f"{e.id}: audience {e.audience}")
        if e.updated is None:
            problems.append(f"{e.id}: no valid 'updated' date")
    assert problems == [], _report(problems)


def test_answer_length() -> None:
    lo, hi = ANSWER_RANGE
    bad = [f"{e.id}: {len(e.answer)}" for e in shipped().entries if not lo <= len(e.answer) <= hi]
    assert bad == [], _report(bad)


def test_citations_exist_in_official_text() -> None:
    texts = official()
    bad = [f"{e.id}: {c}" for e in shipped().entries for c in e.citations if c not in texts]
    assert bad == [], _report(bad)


def test_evidence_quotes_occur_in_cited_article() -> None:
    texts = {c: squash(t) for c, t in official().items()}
    bad = []
    for e in shipped().entries:
        for ev in e.evidence:
            if ev.citation not in e.citations:
                bad.append(f"{e.id}: evidence cites {ev.citation}, not in its citations")
            elif squash(ev.quote) not in texts.get(ev.citation, ""):
                bad.append(f"{e.id}: {ev.quote!r} not in {ev.citation}")
            if len(squash(ev.quote)) > MAX_QUOTE_CHARS:
                bad.append(f"{e.id}: quote of {len(squash(ev.quote))} characters (max {MAX_QUOTE_CHARS})")
    assert bad == [], _report(bad)


def test_numbers_in_answers_have_evidence() -> None:
    bad = [f"{e.id}: {unbacked_numbers(e.answer)}" for e in shipped().entries
           if not e.evidence and unbacked_numbers(e.answer)]
    assert bad == [], _report(bad)


def test_answers_do_not_copy_statute_sentences() -> None:
    runs: set[str] = set()
    for text in official().values():
        t = squash(text)
        runs.update(t[i:i + COPY_RUN] for i in range(len(t) - COPY_RUN + 1))
    bad = []
    for e in shipped().entries:
        a = squash(e.answer)
        hit = next((a[i:i + COPY_RUN] for i in range(len(a) - COPY_RUN + 1) if a[i:i + COPY_RUN] in runs), None)
        if hit:
            bad.append(f"{e.id}: {hit}")
    assert bad == [], _report(bad)


def test_validator_agrees() -> None:
    assert validate_entries(shipped(), official(), MIN_ENTRIES) == []


@pytest.mark.parametrize("topic", [t for t in TOPICS if t != "other"])
def test_every_topic_has_entries(topic: str) -> None:
    assert any(e.topic == topic for e in shipped().entries)
