"""Checks every shipped translated entry (knowledge_base/entries/lang/<lang>/) against the rules.

The same statute texts as test_entries.py (../shared/law); one test per language and rule, so a failure
names the language. Numbers: every Arabic number a translated answer states must be stated by the
Chinese entry it renders or by the articles it cites (knowledge_base.translations).
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from knowledge_base import config
from knowledge_base.entries import EntrySet, load_entries
from knowledge_base.general_codes import select_articles
from knowledge_base.laws import parse_law_file
from knowledge_base.translations import (
    LANGUAGES,
    TranslationSet,
    load_translations,
    translations_dir,
    unbacked_translated_numbers,
    validate_translations,
)

# Issue 17: at least 60 translated entries in each of the four languages.
MIN_PER_LANGUAGE = 60


@lru_cache(maxsize=1)
def shipped() -> EntrySet:
    return load_entries(config.ENTRIES_DIR, strict=True)


@lru_cache(maxsize=1)
def official() -> dict[str, str]:
    """Citation -> article text of every article an entry may cite (as test_entries.official)."""
    root = config.shared_law_dir()
    files = [root / "ChLaw-labour.json", *sorted((root / "zh-general").glob("*.json"))]
    return {a.citation: a.text for f in files for law in parse_law_file(f) for a in select_articles(law).articles}


@lru_cache(maxsize=1)
def translations() -> TranslationSet:
    return load_translations(translations_dir(config.ENTRIES_DIR), strict=True)


def _report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems[:60])


def _problems_of(language: str) -> list[str]:
    t = translations()
    one = TranslationSet(t.in_language(language), [f for f in t.files if f.parent.name == language],
                         {k: v for k, v in t.file_meta.items() if k.split("/", 1)[0] == language})
    return validate_translations(one, shipped(), official())


def test_translation_folders_are_known_languages() -> None:
    root = translations_dir(config.ENTRIES_DIR)
    folders = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    assert set(folders) <= set(LANGUAGES), folders


def test_ids_unique_across_languages() -> None:
    ids = [e.id for e in translations().entries]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("language", LANGUAGES)
def test_translated_entries_follow_the_rules(language: str) -> None:
    problems = _problems_of(language)
    assert problems == [], _report(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_numbers_in_translated_answers_are_backed(language: str) -> None:
    chinese = shipped().by_id()
    loose = []
    for e in translations().in_language(language):
        base = chinese.get(e.translates)
        if base is not None:
            bad = unbacked_translated_numbers(e.answer, base, official(), e.citations)
            if bad:
                loose.append(f"{e.id}: {bad}")
    assert loose == [], _report(loose)


@pytest.mark.parametrize("language", LANGUAGES)
def test_enough_entries_per_language(language: str) -> None:
    assert len(translations().in_language(language)) >= MIN_PER_LANGUAGE


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_older_than_the_chinese_entry_it_renders(language: str) -> None:
    """A Chinese entry corrected after its translation was written (its `updated` date moves) leaves the
    translation stating the old facts: the translation must be updated too (same day or later)."""
    chinese = shipped().by_id()
    stale = [f"{e.id}: {e.updated} < {e.translates} {chinese[e.translates].updated}"
             for e in translations().in_language(language)
             if e.translates in chinese and e.updated and chinese[e.translates].updated
             and e.updated < chinese[e.translates].updated]
    assert not stale, _report(stale)
