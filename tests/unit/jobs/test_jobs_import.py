"""Importing listings: column names (Chinese and English), 民國 and western dates, bad rows reported
with their line number and skipped while every good row is kept exactly."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from jobs import JobStore, import_jobs, search_jobs
from jobs.importer import map_columns, parse_file, parse_listing_date

TODAY = date(2024, 3, 20)
HEADER = "職缺編號,職缺名稱,事業單位,縣市,鄉鎮市區,工作地址,薪資類型,薪資下限,薪資上限,工作性質,上班時段,學歷,聯絡人,電話,更新日期,網址\n"


@pytest.fixture()
def store(tmp_path: Path) -> JobStore:
    return JobStore(f"sqlite:///{tmp_path / 'jobs.db'}", max_age_days=60)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("text,expected", [
    ("113/03/01", date(2024, 3, 1)),      # 民國 with slashes, as the open data writes it
    ("1130301", date(2024, 3, 1)),        # 民國 compact, 7 digits
    ("113-3-1", date(2024, 3, 1)),
    ("民國113年3月1日", date(2024, 3, 1)),
    ("2024-03-01", date(2024, 3, 1)),     # western
    ("2024/3/1", date(2024, 3, 1)),
    ("20240301", date(2024, 3, 1)),
    ("2024-03-01 08:30:00", date(2024, 3, 1)),
    ("2024-03-01T08:30:00+08:00", date(2024, 3, 1)),
])
def test_listing_dates_in_both_styles(text, expected):
    assert parse_listing_date(text) == expected


@pytest.mark.parametrize("text", ["昨天", "3月1日", "113/02/30", "不詳", ""])
def test_relative_incomplete_or_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_listing_date(text)


def test_chinese_and_english_column_names_map_to_the_same_fields():
    chinese = map_columns(["職缺名稱", "事業單位", "薪資下限", "更新日期", "工作性質", "備註"])
    english = map_columns(["Title", "company_name", "Salary Min", "updated_at", "employment_type", "notes"])
    assert list(chinese.values()) == ["title", "company", "wage_min", "updated", "nature"]
    assert list(english.values()) == ["title", "company", "wage_min", "updated", "nature"]


def test_csv_import_keeps_every_field_and_both_date_styles(tmp_path, store):
    path = write(tmp_path, "jobs.csv", HEADER
                 + "A1,門市人員,好茶飲,臺南市,永康區,永康區中華路,時薪,200,220,兼職,16:00-22:00,不拘,陳店長,(06)000-0001,113/03/01,https://example.org/a1\n"
                 + "A2,作業員,永誠精密,台南市,永康,永康工業區,月薪,\"33,000\",4萬,全職,08:00-17:00,高中職,人資,(06)000-0002,2024-03-02,https://example.org/a2\n"
                 + "A3,房務員,赤崁旅宿,臺南市,中西區,民族路,日薪,1800,,兼職,11:00-15:00,不拘,何小姐,(06)000-0003,1130303,\n")
    report = import_jobs(path, store=store, today=TODAY)
    assert (report.rows, report.inserted, report.updated, report.skipped) == (3, 3, 0, [])
    a1, a2, a3 = store.get("A1"), store.get("A2"), store.get("A3")
    assert (a1.title, a1.company, a1.district, a1.wage_type, a1.wage_min, a1.wage_max, a1.nature) == \
        ("門市人員", "好茶飲", "永康區", "hourly", 200, 220, "part_time")
    assert (a1.hours, a1.education, a1.contact, a1.phone, a1.url) == \
        ("16:00-22:00", "不拘", "陳店長", "(06)000-0001", "https://example.org/a1")
    assert a1.updated == date(2024, 3, 1) and a2.updated == date(2024, 3, 2) and a3.updated == date(2024, 3, 3)
    assert (a2.city, a2.district, a2.wage_min, a2.wage_max) == ("臺南市", "永康區", 33000, 40000)
    assert (a3.wage_type, a3.wage_min, a3.wage_max, a3.url) == ("daily", 1800, None, "")


def test_bad_rows_are_reported_with_their_line_and_skipped_and_nothing_else_is_lost(tmp_path, store):
    rows = [
        "B1,門市人員,好茶飲,臺南市,永康區,,時薪,200,,兼職,,,,,113/03/01,",          # line 2: good
        "B2,,無名公司,臺南市,東區,,時薪,200,,兼職,,,,,113/03/01,",                  # line 3: no title
        "B3,店員,甲商店,臺南市,東區,,時薪,兩百元,,兼職,,,,,昨天,",                  # line 4: relative date
        "B4,店員,乙商店,臺南市,火星區,,時薪,200,,兼職,,,,,113/03/01,",              # line 5: not a district
        "B5,店員,丙商店,臺南市,東區,,時薪,300,200,兼職,,,,,113/03/01,",             # line 6: min > max
        "B6,店員,丁商店,臺南市,東區,,週薪,300,,兼職,,,,,113/03/01,",                # line 7: unknown wage type
        "B7,店員,戊商店,臺南市,東區,,時薪,很多,,兼職,,,,,113/03/01,",               # line 8: not an amount
        "B8,店員,己商店,臺南市,東區,,時薪,200,,看心情,,,,,113/03/01,",              # line 9: unknown nature
        "B1,重複,庚商店,臺南市,東區,,時薪,200,,兼職,,,,,113/03/01,",                # line 10: duplicate id
        "B9,\"多行\n職缺\",辛商店,臺南市,北區,,面議,,,全職,,,,,2024-03-05,",         # lines 11-12: good
        "B10,店員,壬商店,臺南市,南區,,時薪,,,兼職,,,,,113/03/01,",                  # line 13: no amount
        "B11,店員,癸商店,臺南市,南區,,月薪,30000,,全職,,,,,2099-01-01,",            # line 14: in the future
        "B12,技術員,子公司,臺南市,安南區,,月薪,35000,38000,全職,,,,,1130310,",       # line 15: good
    ]
    path = write(tmp_path, "bad.csv", HEADER + "\n".join(rows) + "\n")
    report = import_jobs(path, store=store, today=TODAY)
    assert [b.line for b in report.skipped] == [3, 4, 5, 6, 7, 8, 9, 10, 13, 14]
    reasons = {b.line: b.reason for b in report.skipped}
    assert "職缺名稱" in reasons[3]
    assert "更新日期" in reasons[4]
    assert "火星區" in reasons[5]
    assert "大於" in reasons[6]
    assert "週薪" in reasons[7]
    assert "很多" in reasons[8]
    assert "看心情" in reasons[9]
    assert "第 2 行" in reasons[10]
    assert "沒有薪資金額" in reasons[13]
    assert "未來" in reasons[14]
    assert str(report.skipped[0]).startswith("第 3 行：")
    assert report.rows == 13 and report.inserted == 3
    kept = search_jobs(store=store, today=TODAY, page_size=50)
    assert sorted(j.id for j in kept.jobs) == ["B1", "B12", "B9"]
    assert store.get("B1").title == "門市人員"  # the duplicate did not overwrite the first row
    assert store.get("B9").title == "多行\n職缺" and store.get("B9").wage_type == "negotiable"


def test_json_array_with_english_aliases_and_line_numbers(tmp_path, store):
    text = json.dumps([
        {"id": "J1", "title": "Barista", "company": "巷弄咖啡", "district": "東區", "salary_type": "hourly",
         "salary_min": 200, "salary_max": 230, "job_type": "part-time", "updated": "2024-03-01"},
        {"id": "J2", "title": "", "company": "空白公司", "updated": "2024-03-01"},
        {"id": "J3", "title": "倉管", "company": "安定物流", "district": "安定區", "salary_type": "月薪",
         "salary_min": "32000", "job_type": "全職", "updated": "113/03/02", "contact_info": "林小姐 (06)000-1234"},
    ], ensure_ascii=False, indent=2)
    report = import_jobs(write(tmp_path, "jobs.json", text), store=store, today=TODAY)
    assert [(b.line, "職缺名稱" in b.reason) for b in report.skipped] == [(13, True)]  # "[" line 1, J1 lines 2-12
    j1, j3 = store.get("J1"), store.get("J3")
    assert (j1.wage_type, j1.wage_min, j1.wage_max, j1.nature, j1.updated) == \
        ("hourly", 200, 230, "part_time", date(2024, 3, 1))
    assert (j3.updated, j3.contact, j3.phone, j3.nature) == (date(2024, 3, 2), "林小姐", "(06)000-1234", "full_time")


def test_json_object_holding_the_records_and_json_lines(tmp_path):
    wrapped = '{"updated": "2024-03-01",\n "data": [\n  {"職缺名稱": "店員", "事業單位": "甲", "更新日期": "1130301"},\n  {"職缺名稱": "店員", "更新日期": "1130301"}\n]}'
    parsed = parse_file(write(tmp_path, "w.json", wrapped), today=TODAY)
    assert [line for line, _ in parsed.jobs] == [3] and [b.line for b in parsed.bad] == [4]
    lines = '{"職缺名稱": "店員", "事業單位": "甲", "更新日期": "1130301"}\n{not json}\n{"職缺名稱": "工讀", "事業單位": "乙", "更新日期": "2024-03-01"}\n'
    parsed = parse_file(write(tmp_path, "l.jsonl", lines), today=TODAY)
    assert [line for line, _ in parsed.jobs] == [1, 3] and [b.line for b in parsed.bad] == [2]


def test_big5_csv_from_older_exports(tmp_path):
    path = write(tmp_path, "big5.csv", "職缺名稱,事業單位,更新日期,鄉鎮市區\n作業員,臺南工廠,113/03/01,新營區\n", "cp950")
    parsed = parse_file(path, today=TODAY)
    assert parsed.bad == [] and parsed.jobs[0][1].district == "新營區"


def test_reimport_updates_by_id_and_replace_and_if_empty(tmp_path, store):
    first = write(tmp_path, "a.csv", HEADER + "C1,店員,甲,臺南市,東區,,時薪,200,,兼職,,,,,113/03/01,\n")
    second = write(tmp_path, "b.csv", HEADER + "C1,店長,甲,臺南市,東區,,月薪,40000,,全職,,,,,113/03/05,\n"
                   + "C2,店員,乙,臺南市,北區,,時薪,210,,兼職,,,,,113/03/05,\n")
    assert import_jobs(first, store=store, today=TODAY).inserted == 1
    report = import_jobs(second, store=store, today=TODAY)
    assert (report.inserted, report.updated) == (1, 1) and store.get("C1").title == "店長"
    assert import_jobs(first, store=store, today=TODAY, if_empty=True).not_needed
    report = import_jobs(first, store=store, today=TODAY, replace=True)
    assert report.removed == 2 and store.count() == 1


def test_shift_dates_moves_the_newest_listing_to_today(tmp_path, store):
    path = write(tmp_path, "s.csv", HEADER + "D1,店員,甲,臺南市,東區,,時薪,200,,兼職,,,,,113/01/01,\n"
                 + "D2,店員,乙,臺南市,東區,,時薪,200,,兼職,,,,,113/03/01,\n")
    import_jobs(path, store=store, today=date(2026, 11, 26), shift_dates=True)
    assert store.get("D2").updated == date(2026, 11, 26)
    assert (date(2026, 11, 26) - store.get("D1").updated).days == (date(2024, 3, 1) - date(2024, 1, 1)).days


def test_the_sample_file_imports_cleanly():
    from jobs import SAMPLE_FILE

    parsed = parse_file(SAMPLE_FILE, today=date(2026, 11, 26), shift_dates=True)
    assert parsed.bad == [] and 55 <= len(parsed.jobs) <= 70
    newest = max(j.updated for _, j in parsed.jobs)
    stale = [j for _, j in parsed.jobs if (newest - j.updated).days > 60]
    hourly = [j for _, j in parsed.jobs if j.wage_type == "hourly"]
    part_time = [j for _, j in parsed.jobs if j.nature == "part_time"]
    assert len(stale) >= 4 and len(hourly) >= 15 and len(part_time) >= 20
    assert all(j.company and j.district for _, j in parsed.jobs)
