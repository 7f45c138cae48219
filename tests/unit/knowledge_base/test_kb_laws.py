"""Statute import: both MOJ formats, deleted articles, diffs on re-import, refusal of older texts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge_base import config
from knowledge_base.citations import format_citation
from knowledge_base.general_codes import GENERAL_CODES, ArticleRange, is_general_code, select_articles
from knowledge_base.laws import LawFormatError, LawStore, LawText, import_laws, parse_law_file
from knowledge_base.testing import SAMPLE_ITEMS, SAMPLE_LAW, write_chlaw_json, write_law_json

REAL_BULK = config.shared_law_dir() / "ChLaw-labour.json"
GENERAL_DIR = config.shared_law_dir() / "zh-general"


def _laws_in_bulk_file() -> int:
    """How many laws the reference ChLaw-labour.json holds (it grows; tests follow the data)."""
    return len(json.loads(REAL_BULK.read_bytes().decode("utf-8-sig"))["Laws"])


def test_parse_per_law_json_with_bom_and_crlf(tmp_path: Path) -> None:
    path = write_law_json(tmp_path / "N0030001.json", SAMPLE_LAW, "20240731", SAMPLE_ITEMS, bom=True, crlf=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in path.read_bytes()
    (law,) = parse_law_file(path)
    assert law.name == SAMPLE_LAW and law.amended == "2024-07-31"
    by_cit = law.article_map()
    assert list(by_cit) == ["勞動基準法第1條", "勞動基準法第9條之1", "勞動基準法第24條", "勞動基準法第38條"]
    art = by_cit["勞動基準法第9條之1"]
    assert art.number == "9-1" and art.chapter == "第二章 工資" and art.amended == "2024-07-31"
    assert "\r" not in by_cit["勞動基準法第24條"].text
    assert by_cit["勞動基準法第24條"].text.count("\n") == 1
    assert "勞動基準法第2條" not in by_cit  # （刪除）


def test_parse_bulk_chlaw_json(tmp_path: Path) -> None:
    path = write_chlaw_json(tmp_path / "ChLaw.json", [
        (SAMPLE_LAW, "20240731", SAMPLE_ITEMS),
        ("最低工資法（112.12.27制定）", "20231227", [("第 1 條", "虛構的最低工資條文。")]),
    ])
    laws = {law.name: law for law in parse_law_file(path)}
    assert set(laws) == {SAMPLE_LAW, "最低工資法"}
    assert laws["最低工資法"].articles[0].citation == "最低工資法第1條"
    assert len(laws[SAMPLE_LAW].articles) == 4
    assert laws[SAMPLE_LAW].article_map()["勞動基準法第38條"].chapter == "第三章 休假"


def test_rejects_files_that_are_not_statutes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(LawFormatError):
        parse_law_file(bad)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"hello": 1}), encoding="utf-8")
    with pytest.raises(LawFormatError):
        parse_law_file(other)
    english = tmp_path / "en.json"
    english.write_text(json.dumps({"中文法規名稱": "勞動基準法", "法規內容": []}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(LawFormatError, match="英文"):
        parse_law_file(english)


def test_reimport_reports_changes_and_refuses_older_text(tmp_path: Path) -> None:
    store = LawStore(tmp_path / "var" / "laws")
    v1 = write_law_json(tmp_path / "v1.json", SAMPLE_LAW, "20230101", SAMPLE_ITEMS)
    (first,) = import_laws([v1], store).changes
    assert first.status == "new" and len(first.added) == 4
    assert store.path_for(SAMPLE_LAW).exists()

    items = [it for it in SAMPLE_ITEMS if it[0] != "第 38 條"]  # removed
    items = [(lbl, "前二小時加給四分之一以上。" if lbl == "第 24 條" else txt) for lbl, txt in items]  # modified
    items.append(("第 39 條", "新增的虛構條文。"))  # added
    v2 = write_chlaw_json(tmp_path / "ChLaw.json", [(SAMPLE_LAW, "20240731", items)])
    report = import_laws([v2], store)
    (change,) = report.changes
    assert change.status == "updated" and change.old_amended == "2023-01-01"
    assert change.added == ["勞動基準法第39條"]
    assert change.removed == ["勞動基準法第38條"]
    assert change.modified == ["勞動基準法第24條"]
    assert report.changed_citations == {"勞動基準法第24條", "勞動基準法第38條", "勞動基準法第39條"}
    stored = store.load(SAMPLE_LAW)
    assert stored is not None and stored.amended == "2024-07-31"
    assert stored.article_map()["勞動基準法第24條"].text == "前二小時加給四分之一以上。"

    (again,) = import_laws([v2], store).changes
    assert again.status == "unchanged"

    (older,) = import_laws([v1], store).changes
    assert older.status == "refused"
    assert store.load(SAMPLE_LAW).amended == "2024-07-31"
    (forced,) = import_laws([v1], store, force=True).changes
    assert forced.status == "forced" and store.load(SAMPLE_LAW).amended == "2023-01-01"


def test_directory_import_reads_every_json_and_reports_bad_ones(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    write_law_json(src / "a.json", SAMPLE_LAW, "20240731", SAMPLE_ITEMS)
    write_law_json(src / "b.json", "就業服務法", "20230510", [("第 5 條", "虛構的就業歧視條文。")], bom=False, crlf=False)
    (src / "broken.json").write_text("[]", encoding="utf-8")
    (src / "notes.txt").write_text("ignored", encoding="utf-8")
    store = LawStore(tmp_path / "laws")
    report = import_laws([src], store)
    assert sorted(c.law for c in report.changes) == ["勞動基準法", "就業服務法"]
    assert len(report.errors) == 1 and "broken.json" in report.errors[0]
    assert {law.name for law in store.load_all()} == {"勞動基準法", "就業服務法"}


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LawFormatError):
        import_laws([tmp_path / "nope.json"], LawStore(tmp_path / "laws"))


def test_store_fingerprint_changes_with_content(tmp_path: Path) -> None:
    store = LawStore(tmp_path / "laws")
    empty = store.fingerprint()
    import_laws([write_law_json(tmp_path / "a.json", SAMPLE_LAW, "20240731", SAMPLE_ITEMS)], store)
    assert store.fingerprint() != empty


def test_import_real_bulk_file(tmp_path: Path) -> None:
    store = LawStore(tmp_path / "laws")
    report = import_laws([REAL_BULK], store)
    assert len(report.changes) == _laws_in_bulk_file() and not report.errors
    assert all(c.status == "new" for c in report.changes)
    labour = store.load("勞動基準法")
    assert labour is not None and labour.amended == "2024-07-31"
    arts = labour.article_map()
    assert "勞動基準法第24條" in arts and "延長工作時間" in arts["勞動基準法第24條"].text
    assert arts["勞動基準法第24條"].amended == "2024-07-31"
    assert "勞動基準法第9條之1" in arts
    assert store.load("最低工資法") is not None
    rules = store.load("勞動基準法施行細則")
    assert rules is not None and "勞動基準法施行細則第8條" not in rules.article_map()  # （刪除）


def test_real_per_law_files_match_bulk_file(tmp_path: Path) -> None:
    (bulk,) = [law for law in parse_law_file(REAL_BULK) if law.name == "性別平等工作法"]
    (single,) = parse_law_file(config.shared_law_dir() / "zh" / "N0030014.json")
    assert single.amended == bulk.amended == "2023-08-16"
    assert [a.citation for a in single.articles] == [a.citation for a in bulk.articles]
    assert [a.text for a in single.articles] == [a.text for a in bulk.articles]


# ---------------------------------------------------------------- general codes: selected articles only


def _numbers(first: int, last: int, *extra: str) -> list[str]:
    return [str(n) for n in range(first, last + 1)] + list(extra)


# Written out independently of knowledge_base/general_codes.py, from the official texts.
EXPECTED_SELECTION = {
    "民法": {format_citation("民法", n) for n in ["184", "188", "195", "252", *_numbers(482, 514, "483-1", "487-1", "501-1")]},
    "中華民國刑法": {format_citation("中華民國刑法", n) for n in ["302", "304", "339", "339-4"]},
    "職業安全衛生設施規則": {format_citation("職業安全衛生設施規則", n) for n in ["324-1", "324-2", "324-3", "324-6"]},
}


def _general_codes() -> dict[str, LawText]:
    laws = [law for f in sorted(GENERAL_DIR.glob("*.json")) for law in parse_law_file(f)]
    return {law.name: law for law in laws}


def test_article_range_orders_zhi_articles_inside() -> None:
    r = ArticleRange("482", "514")
    assert "482" in r and "483-1" in r and "514" in r
    assert "481" not in r and "514-1" not in r and "515" not in r
    assert "324-3" in ArticleRange("324-1", "324-3") and "324-4" not in ArticleRange("324-1", "324-3")


def test_selection_keeps_exactly_the_listed_articles_of_the_real_codes() -> None:
    codes = _general_codes()
    assert set(codes) == set(GENERAL_CODES) == set(EXPECTED_SELECTION)
    for name, whole in codes.items():
        part = select_articles(whole)
        assert {a.citation for a in part.articles} == EXPECTED_SELECTION[name], name
        assert (part.name, part.amended, part.url, part.source) == (whole.name, whole.amended, whole.url, whole.source)
        assert len(whole.articles) > 300 and whole.articles is not part.articles  # the input is not modified
        by_cit = whole.article_map()
        assert all(a == by_cit[a.citation] for a in part.articles)  # texts and chapters as in the source
    assert {len(select_articles(law).articles) for law in codes.values()} == {40, 4}


def test_civil_code_selection_is_tort_penalties_employment_and_work_contracts() -> None:
    civil = select_articles(_general_codes()["民法"])
    chapters = {a.chapter.rsplit(" / ", 1)[-1] for a in civil.articles}
    assert chapters == {"第五款 侵權行為", "第四款 契約", "第七節 僱傭", "第八節 承攬"}
    assert civil.article_map()["民法第252條"].text == "約定之違約金額過高者，法院得減至相當之數額。"
    whole = _general_codes()["民法"].article_map()
    assert "旅遊" in whole["民法第514條之1"].chapter  # the next section, outside the selection
    assert "民法第514條之1" not in civil.article_map() and "民法第1條" not in civil.article_map()


def test_selection_leaves_every_other_law_untouched(tmp_path: Path) -> None:
    laws = parse_law_file(REAL_BULK)
    assert not any(is_general_code(law.name) for law in laws)
    assert all(select_articles(law) is law for law in laws)
    (synthetic,) = parse_law_file(write_law_json(tmp_path / "law.json", SAMPLE_LAW, "20240731", SAMPLE_ITEMS))
    assert select_articles(synthetic) is synthetic


def test_import_of_the_general_code_folder_stores_only_the_selection(tmp_path: Path) -> None:
    store = LawStore(tmp_path / "laws")
    report = import_laws([GENERAL_DIR, REAL_BULK], store, select=select_articles)
    assert not report.errors and len(report.changes) == 3 + _laws_in_bulk_file()
    for name, citations in EXPECTED_SELECTION.items():
        stored = store.load(name)
        assert stored is not None and set(stored.article_map()) == citations
    assert len(store.load("勞動基準法").articles) == len(
        next(law for law in parse_law_file(REAL_BULK) if law.name == "勞動基準法").articles)
    whole = import_laws([GENERAL_DIR / "C0000001.json"], store)  # no selection: the whole code
    (change,) = whole.changes
    assert change.status == "updated" and len(store.load("中華民國刑法").articles) > 300
