"""Colloquial keywords per entry (knowledge_base/entries/keywords.yml): loading, rejection, indexing."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from knowledge_base import config
from knowledge_base.entries import KEYWORDS_FILE, KEYWORDS_RANGE, EntryError, entry_files, load_entries
from knowledge_base.index import answer_sentences, entry_lexical, entry_rows
from knowledge_base.kb import KnowledgeBase
from knowledge_base.testing import HashEncoder, entry, write_entries

PAD = "若有疑問可以撥打1955專線詢問，或向臺南市政府勞工局申訴。"


def _entries(directory: Path) -> None:
    write_entries(directory, "termination_severance", [
        entry("severance", "資遣費怎麼算", "雇主因虧損或業務緊縮終止契約時，要依年資發給資遣費。" + PAD,
              ["資遣費怎麼算", "公司資遣要給錢嗎", "資遣費的計算"]),
        entry("resign_notice", "自己要離職要提前多久說", "勞工自請離職，應依年資提前預告雇主。" + PAD,
              ["離職要提前說嗎", "辭職預告", "自請離職"]),
    ])


def _keywords(directory: Path, text: str) -> None:
    (directory / KEYWORDS_FILE).write_text(text, encoding="utf-8")


def test_keywords_load_into_entries_and_are_not_an_entry_file(tmp_path: Path) -> None:
    _entries(tmp_path)
    before = load_entries(tmp_path).fingerprint
    _keywords(tmp_path, "severance: [被裁, 砍人, 被fire, 遣散費]\n")
    s = load_entries(tmp_path)
    by_id = s.by_id()
    assert by_id["severance"].keywords == ("被裁", "砍人", "被fire", "遣散費")
    assert by_id["resign_notice"].keywords == ()
    assert all(f.name != KEYWORDS_FILE for f in s.files + entry_files(tmp_path))
    assert s.fingerprint != before  # new keywords force an index rebuild


@pytest.mark.parametrize("text, problem", [
    ("severanse: [被裁, 砍人, 被fire, 遣散費]\n", "no entry has this id"),
    ("severance: [被裁]\n", "keywords (need"),
    ("severance: [被裁, 砍人, 資遣兩個月, 遣散費 30 天]\n", "no numbers"),
    ("- severance\n", "top level must be a mapping"),
    ("severance: [unclosed\n", "cannot read YAML"),
])
def test_bad_keywords_are_rejected(tmp_path: Path, text: str, problem: str) -> None:
    _entries(tmp_path)
    _keywords(tmp_path, text)
    with pytest.raises(EntryError, match=re.escape(problem)):
        load_entries(tmp_path)


def test_keywords_are_indexed_with_the_title(tmp_path: Path) -> None:
    _entries(tmp_path)
    _keywords(tmp_path, "severance: [被裁員, 砍人, 被fire, 遣散費]\n")
    e = load_entries(tmp_path).by_id()["severance"]
    assert any("被裁員" in row and e.title in row for row in entry_rows(e))
    assert "遣散費" in entry_lexical(e)
    kb = KnowledgeBase.open(tmp_path / "var", HashEncoder(), entries_dir=tmp_path, languages=False)
    # Only the keyword links this word to the entry: neither its title, questions nor answer say 遣散費.
    assert kb.search("遣散費", 1, kinds=("entry",))[0].id == "severance"
    bare = tmp_path / "bare"
    _entries(bare)
    plain = KnowledgeBase.open(tmp_path / "var2", HashEncoder(), entries_dir=bare, languages=False)
    hits = plain.search("遣散費", 1, kinds=("entry",))
    assert not hits or hits[0].bm25 == 0.0


def test_answer_sentences_split_and_join_short_ones() -> None:
    text = "可以。雇主要先預告；沒有預告要給預告期間的工資！其他問題請洽勞工局。"
    parts = answer_sentences(text, min_chars=6)
    assert "".join(parts) == text and len(parts) == 3
    assert parts[0].startswith("可以。雇主")  # "可以。" is too short to stand alone
    assert answer_sentences("只有一句話。") == []


def test_shipped_keywords_cover_every_entry_and_follow_the_rules() -> None:
    s = load_entries(config.ENTRIES_DIR)  # loading rejects unknown ids, counts and numbers
    lo, hi = KEYWORDS_RANGE
    missing = [e.id for e in s.entries if not e.keywords]
    assert missing == []
    assert all(lo <= len(e.keywords) <= hi and all(len(k) <= 16 for k in e.keywords) for e in s.entries)


def test_a_long_message_is_embedded_by_its_question_sentence(tmp_path: Path) -> None:
    _entries(tmp_path)
    kb = KnowledgeBase.open(tmp_path / "var", HashEncoder(), entries_dir=tmp_path, languages=False)
    short = "公司資遣我要給錢嗎？"
    assert kb.dense_query(short) == short
    story = "我在一家早餐店做了三年，每天五點就要到店裡備料，老闆人一直都還不錯，同事也很照顧我，" \
            "上個月老闆說生意變差、店要收起來了，叫我月底就不用再來。請問這樣我可以拿資遣費嗎？"
    assert len(story) > kb.FOCUS_OVER
    focused = kb.dense_query(story)  # the question, after the end of the story when it is short
    assert focused.endswith("這樣我可以拿資遣費嗎？") and "早餐店" not in focused


def test_a_long_message_is_embedded_by_its_question_and_its_story_together(tmp_path: Path) -> None:
    """The dense query of a long message is the unit-length mix of its question sentences' vector and the
    whole message's: the story's facts count, the question keeps its weight."""
    from labourbot.encoders import encode_query
    from labourbot.textnorm import normalize

    _entries(tmp_path)
    kb = KnowledgeBase.open(tmp_path / "var", HashEncoder(), entries_dir=tmp_path, languages=False)
    story = normalize("我在一家早餐店做了三年，每天五點就要到店裡備料，老闆人一直都還不錯，同事也很照顧我，"
                      "上個月老闆說生意變差、店要收起來了，叫我月底就不用再來。請問這樣我可以拿資遣費嗎？")
    focus, whole = encode_query(kb.encoder, [kb.dense_query(story), story])
    vec = kb.query_vector(story)
    mixed = kb.FOCUS_WEIGHT * focus + (1 - kb.FOCUS_WEIGHT) * whole
    assert 0 < kb.FOCUS_WEIGHT < 1
    assert np.allclose(vec, mixed / np.linalg.norm(mixed), atol=1e-6)
    assert abs(float(np.linalg.norm(vec)) - 1.0) < 1e-5
    assert not np.allclose(vec, focus) and not np.allclose(vec, whole)
    short = normalize("公司資遣我要給錢嗎？")  # a short question is embedded as it is
    assert np.allclose(kb.query_vector(short), encode_query(kb.encoder, [short])[0])
