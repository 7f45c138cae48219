"""Searching listings: keyword (Chinese substrings), district, part-/full-time, minimum pay compared on
the monthly scale, stale listings hidden, paging; districts; criteria from chat messages; the CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from jobs import DISTRICTS, Job, JobStore, canonical_district, find_district, search_jobs
from jobs.criteria import criteria_from_message
from jobs.store import tokenize
from cli.jobs import jobs_app
from labourbot.config import PROJECT_ROOT

TODAY = date(2026, 11, 26)


def job(id: str, title: str, district: str, wage_type: str, low: int | None, high: int | None, nature: str,
        age_days: int = 1, company: str = "測試公司", hours: str = "", description: str = "") -> Job:
    return Job(id=id, title=title, company=company, updated=TODAY - timedelta(days=age_days), district=district,
               wage_type=wage_type, wage_min=low, wage_max=high, nature=nature, hours=hours,
               description=description)


@pytest.fixture()
def store(tmp_path: Path) -> JobStore:
    s = JobStore(f"sqlite:///{tmp_path / 'jobs.db'}", max_age_days=60)
    s.upsert([
        job("h1", "飲料店門市人員", "永康區", "hourly", 200, 220, "part_time", 1),
        job("h2", "超商店員", "永康區", "hourly", 215, None, "part_time", 2, hours="23:00-07:00 大夜班"),
        job("h3", "早餐店助手", "永康區", "hourly", 196, None, "part_time", 3),
        job("h4", "門市人員", "永康區", "hourly", 250, None, "part_time", 90),         # stale
        job("m1", "CNC作業員", "永康區", "monthly", 33000, 40000, "full_time", 4, company="永誠精密工業"),
        job("m2", "會計助理", "東區", "monthly", 30000, None, "full_time", 5),
        job("m3", "軟體工程師", "東區", "monthly", 60000, 85000, "full_time", 6, description="Python 後端開發"),
        job("d1", "果園採收工", "玉井區", "daily", 1600, None, "part_time", 7),
        job("n1", "行銷企劃", "中西區", "negotiable", None, None, "full_time", 8),
        job("n2", "業務專員", "中西區", "negotiable", 40000, None, "full_time", 9),
        job("x1", "倉管", "安定區", "monthly", 32000, None, None, 60),                   # 60 days: still shown
    ])
    return s


def ids(result) -> list[str]:
    return [j.id for j in result.jobs]


def test_newest_first_and_stale_listings_hidden(store):
    result = search_jobs(store=store, today=TODAY, page_size=50)
    assert ids(result) == ["h1", "h2", "h3", "m1", "m2", "m3", "d1", "n1", "n2", "x1"]
    assert "h4" in ids(search_jobs(store=store, today=TODAY, page_size=50, include_stale=True))


def test_max_age_is_configurable(tmp_path, store, monkeypatch):
    from jobs.config import jobs_settings

    monkeypatch.setenv("LABOURBOT_JOBS_MAX_AGE_DAYS", "5")
    monkeypatch.setenv("LABOURBOT_DATA_DIR", str(tmp_path))
    assert jobs_settings().jobs_max_age_days == 5
    short = JobStore(store.url, max_age_days=jobs_settings().jobs_max_age_days)
    assert ids(search_jobs(store=short, today=TODAY, page_size=50)) == ["h1", "h2", "h3", "m1", "m2"]


def test_district_filter_accepts_short_and_simplified_names(store):
    assert ids(search_jobs(district="東區", store=store, today=TODAY)) == ["m2", "m3"]
    assert ids(search_jobs(district="玉井", store=store, today=TODAY)) == ["d1"]
    assert ids(search_jobs(district="永康区", nature="full_time", store=store, today=TODAY)) == ["m1"]
    with pytest.raises(ValueError):
        search_jobs(district="信義區", store=store, today=TODAY)


def test_part_time_and_full_time(store):
    assert ids(search_jobs(district="永康區", nature="part_time", store=store, today=TODAY)) == ["h1", "h2", "h3"]
    assert ids(search_jobs(nature="full_time", store=store, today=TODAY, page_size=50)) == ["m1", "m2", "m3", "n1", "n2"]


def test_keyword_matches_chinese_substrings_in_title_company_hours_and_description(store):
    assert ids(search_jobs("門市", store=store, today=TODAY)) == ["h1"]
    assert ids(search_jobs("門市 人員", store=store, today=TODAY)) == ["h1"]  # every word must match
    assert ids(search_jobs("精密", store=store, today=TODAY)) == ["m1"]      # company name
    assert ids(search_jobs("大夜班", store=store, today=TODAY)) == ["h2"]    # hours
    assert ids(search_jobs("python", store=store, today=TODAY)) == ["m3"]   # description, any case
    assert ids(search_jobs("店", store=store, today=TODAY, page_size=50)) == ["h1", "h2", "h3"]  # one character: LIKE
    assert ids(search_jobs("潛水", store=store, today=TODAY)) == []
    assert tokenize("門市人員 CNC") == "門市 市人 人員 cnc"


def test_minimum_monthly_salary_compares_hourly_and_daily_pay_sensibly(store):
    # 30,000 a month ~ 173 hours a month: an hourly job qualifies from about 173/hour.
    result = search_jobs(min_salary=30000, store=store, today=TODAY, page_size=50)
    assert ids(result) == ["h1", "h2", "h3", "m1", "m2", "m3", "d1", "n2", "x1"]  # 面議 without amount left out
    assert ids(search_jobs(min_salary=36000, store=store, today=TODAY, page_size=50)) == ["h1", "h2", "m1", "m3", "n2"]
    # hourly threshold: 210/hour; a monthly 40,000 job pays about 231/hour
    assert ids(search_jobs(min_salary=210, salary_period="hourly", store=store, today=TODAY, page_size=50)) == \
        ["h1", "h2", "m1", "m3", "n2"]
    assert ids(search_jobs(min_salary=50000, store=store, today=TODAY)) == ["m3"]


def test_combined_filters_and_paging(store):
    first = search_jobs(district="永康區", nature="part_time", min_salary=196, salary_period="hourly",
                        page_size=2, store=store, today=TODAY)
    assert (ids(first), first.total, first.pages, first.has_more) == (["h1", "h2"], 3, 2, True)
    second = search_jobs(district="永康區", nature="part_time", min_salary=196, salary_period="hourly",
                         page=2, page_size=2, store=store, today=TODAY)
    assert (ids(second), second.has_more) == (["h3"], False)


def test_wage_text_and_card_shape():
    j = job("c1", "店員", "東區", "hourly", 200, 220, "part_time", hours="10:00-15:00")
    assert j.wage_text() == "時薪 200–220 元"
    card = j.card()
    assert {"title", "company", "district", "wage", "hours", "url"} <= set(card)
    assert card["district"] == "臺南市東區" and card["hours"] == "兼職・10:00-15:00"
    assert job("c2", "企劃", "東區", "negotiable", 40000, None, "full_time").wage_text() == "面議（40,000 元以上）"


def test_all_37_districts_and_the_nlu_lookup_agree():
    assert len(DISTRICTS) == len(set(DISTRICTS)) == 37
    lookups = yaml.safe_load((PROJECT_ROOT / "bot/data/nlu/lookups.yml").read_text(encoding="utf-8"))["nlu"]
    listed = next(item for item in lookups if item.get("lookup") == "district")["examples"]
    spellings = {line.strip("- ").strip() for line in listed.splitlines() if line.strip()}
    assert all(canonical_district(s) in DISTRICTS for s in spellings), "every NLU spelling resolves"
    assert set(DISTRICTS) <= {canonical_district(s) for s in spellings}
    assert find_district("臺南市安南區海佃路") == "安南區"  # not 南區
    assert find_district("我在台北市") is None


@pytest.mark.parametrize("text,keyword,district,nature,wage", [
    ("幫我找永康區的兼職", "", "永康區", "part_time", None),
    ("有沒有東區的工作", "", "東區", None, None),
    ("我住安南區 想找附近的正職", "", "安南區", "full_time", None),
    ("帮我找永康区的工作", "", "永康區", None, None),
    ("幫我搜尋時薪200以上的工作", "", None, None, ("200", "hourly")),
    ("找月薪3萬以上的工作", "", None, None, ("30000", "monthly")),
    ("找餐廳外場兼職", "餐廳外場", None, "part_time", None),
    ("台南現在有什麼職缺", "", None, None, None),
])
def test_criteria_from_a_chat_message(text, keyword, district, nature, wage):
    c = criteria_from_message(text)
    assert (c.keyword, c.district, c.nature) == (keyword, district, nature)
    assert ((c.min_wage, c.period) if c.min_wage else None) == wage


def test_criteria_use_nlu_entities_and_survive_a_slot_round_trip():
    from jobs.criteria import Criteria

    c = criteria_from_message("安平附近有打工嗎", {"district": ["安平"], "job_type": ["打工"]})
    assert (c.district, c.nature) == ("安平區", "part_time")
    assert Criteria.from_slot(json.loads(json.dumps(c.to_slot()))) == c
    assert Criteria.from_slot(None) == Criteria()
    assert c.describe() == "安平區・兼職"


runner = CliRunner()


def test_cli_import_and_search(tmp_path, monkeypatch):
    monkeypatch.setenv("LABOURBOT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    csv_file = tmp_path / "jobs.csv"
    csv_file.write_text("職缺名稱,事業單位,鄉鎮市區,薪資類型,薪資下限,工作性質,更新日期\n"
                        "飲料店員,好茶飲,永康區,時薪,200,兼職,2026-11-20\n"
                        ",缺名稱,永康區,時薪,200,兼職,2026-11-20\n", encoding="utf-8")
    result = runner.invoke(jobs_app, ["import", str(csv_file)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["讀取 2 筆，匯入 1 筆（新增 1、更新 0），略過 1 筆。",
                                          "  略過 第 3 行：缺少「職缺名稱」"]
    assert (tmp_path / "jobs.db").exists()
    result = runner.invoke(jobs_app, ["search", "飲料", "--district", "永康區", "--part-time", "--min-salary",
                                      "30000", "--include-stale", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["total"], data["jobs"][0]["title"], data["jobs"][0]["wage"]) == (1, "飲料店員", "時薪 200 元起")
    bad = runner.invoke(jobs_app, ["search", "--district", "板橋區"])
    assert bad.exit_code == 2 and "不是臺南市的行政區" in bad.output
    missing = runner.invoke(jobs_app, ["import", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2 and "讀不到檔案" in missing.output
