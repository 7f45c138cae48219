"""Entry loading and validation rules, on synthetic entries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge_base.entries import EntryError, load_entries, unbacked_numbers, validate_entries
from knowledge_base.testing import entry, write_entries

GOOD_ANSWER = "雇主要求加班時，平日延長工作時間的前兩小時，工資至少要多給三分之一，之後再延長的部分至少多給三分之二。" \
              "每月加班原則上不超過46小時。加班費不能用補休直接取代，除非勞工自己選擇。若有爭議可以撥打1955或向勞工局申訴。"
ARTICLES = {"勞動基準法第24條": "延長工作時間在二小時以內者，按平日每小時工資額加給三分之一以上。",
            "勞動基準法第32條": "一日不得超過十二小時。"}


def _load(tmp_path: Path, items: list[dict], topic: str = "overtime"):
    write_entries(tmp_path, topic, items)
    return load_entries(tmp_path)


def test_loads_typed_entries_with_file_topic_default(tmp_path: Path) -> None:
    s = _load(tmp_path, [entry("ot_rate", "加班費", GOOD_ANSWER, ["a", "b", "c"], ["勞動基準法第24條"],
                               [("勞動基準法第24條", "加給三分之一以上")])])
    (e,) = s.entries
    assert e.topic == "overtime" and e.questions == ("a", "b", "c") and e.updated == dt.date(2025, 1, 1)
    assert e.evidence[0].quote == "加給三分之一以上" and e.source == "overtime.yml"
    assert validate_entries(s, ARTICLES) == []
    assert len(s.fingerprint) == 64


def test_broken_yaml_and_structure_raise(tmp_path: Path) -> None:
    (tmp_path / "x.yml").write_text("topic: [unclosed", encoding="utf-8")
    with pytest.raises(EntryError):
        load_entries(tmp_path)
    (tmp_path / "x.yml").write_text("topic: wages\nentries: 3\n", encoding="utf-8")
    with pytest.raises(EntryError, match="must be a list"):
        load_entries(tmp_path)


@pytest.mark.parametrize(
    "change,message",
    [
        ({"topic": "salary"}, "topic vocabulary"),
        ({"questions": ["a", "b"]}, "2 questions"),
        ({"answer": "太短了"}, "answer has 3 characters"),
        ({"audience": ["boss"]}, "audience"),
        ({"citations": ["勞基法24"]}, "not canonical"),
        ({"citations": ["勞動基準法第99條"], "evidence": []}, "not found in the official texts"),
        ({"evidence": [{"citation": "勞動基準法第24條", "quote": "加給二分之一"}]}, "does not occur"),
        ({"evidence": [{"citation": "勞動基準法第32條", "quote": "十二小時"}]}, "not in citations"),
        ({"evidence": []}, "has no evidence"),
        ({"id": "Bad ID"}, "id must be"),
    ],
)
def test_validation_catches(tmp_path: Path, change: dict, message: str) -> None:
    item = entry("ot_rate", "加班費", GOOD_ANSWER, ["a", "b", "c"], ["勞動基準法第24條"],
                 [("勞動基準法第24條", "加給三分之一以上")])
    item.update(change)
    problems = validate_entries(_load(tmp_path, [item]), ARTICLES)
    assert any(message in p for p in problems), problems


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    item = entry("same", "t", GOOD_ANSWER.replace("1955", "一九五五"), ["a", "b", "c"])
    write_entries(tmp_path, "wages", [item])
    s = _load(tmp_path, [item])
    assert any("duplicate id" in p for p in validate_entries(s))
    assert any("at least 150" in p for p in validate_entries(s, min_entries=150))


def test_quote_length_limit(tmp_path: Path) -> None:
    long_quote = "延長工作時間在二小時以內者，按平日每小時工資額加給三分之一以上"
    item = entry("ot", "t", GOOD_ANSWER, ["a", "b", "c"], ["勞動基準法第24條"], [("勞動基準法第24條", long_quote)])
    assert any("longer than" in p for p in validate_entries(_load(tmp_path, [item]), ARTICLES))


@pytest.mark.parametrize(
    "answer,numbers",
    [
        ("請撥打1955或165，緊急時撥110、119、113，臺南市民專線1999。", []),
        ("勞工局電話06-2951052，或(06)2991111。", []),
        ("2026年1月1日起最低工資月薪29,500元、時薪196元；2025年是28,590元、190元。", []),
        ("依勞動基準法第24條、第9條之1及第38條第1項規定。", []),
        ("前2小時加給1/3，每月加班不得超過46小時。", ["2", "1", "3", "46"]),
        ("２０２６年起產假有56天。", ["2026", "56"]),
        ("沒有數字。", []),
        ("撥1955勞動部24小時勞工諮詢申訴專線；需要24小時諮詢可撥1955。", []),
        ("公司24小時內要通報。", ["24"]),
    ],
)
def test_unbacked_numbers(answer: str, numbers: list[str]) -> None:
    assert unbacked_numbers(answer) == numbers
