"""`labourbot calc ...` commands: exact JSON values, short answers, one-line errors with exit 2."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.calc import calc_app

runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(calc_app, list(args))


def run_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, "exactly one JSON object"
    data = json.loads(lines[0])
    assert set(data) >= {"result", "unit", "formula", "citations"}
    assert isinstance(data["formula"], str) and data["formula"]
    return data


# (args, result, unit, first citation, article)
JSON_CASES = [
    pytest.param(["annual-leave", "--start", "112年3月1日", "--on", "2025-06-15"], 10, "days", "勞動基準法第38條", id="annual-leave-roc"),
    pytest.param(["annual-leave", "--start", "2024-02-29", "--on", "2025-03-01"], 7, "days", "勞動基準法第38條", id="annual-leave-feb29"),
    pytest.param(["overtime", "--hourly-wage", "200", "--hours", "11", "--day", "weekday"], 867, "NTD", "勞動基準法第24條", id="overtime-weekday"),
    pytest.param(["overtime", "--hourly-wage", "時薪190", "--hours", "十二", "--day", "rest-day"], 3673, "NTD", "勞動基準法第24條", id="overtime-rest-day"),
    pytest.param(["overtime", "--hourly-wage", "200", "--hours", "3", "--day", "holiday"], 1600, "NTD", "勞動基準法第39條", id="overtime-holiday"),
    pytest.param(["overtime", "--hourly-wage", "200", "--hours", "10", "--day", "regular-day-off"], 2400, "NTD", "勞動基準法第40條", id="overtime-day-off"),
    pytest.param(["overtime", "--monthly-wage", "4萬8", "--hours", "10", "--day", "平日"], 533, "NTD", "勞動基準法第24條", id="overtime-monthly"),
    pytest.param(["notice", "--start", "2024-01-01", "--end", "2024-12-31"], 20, "days", "勞動基準法第16條", id="notice"),
    pytest.param(["severance", "--monthly-wage", "4萬", "--start", "2020-01-01", "--end", "2023-06-30"], 70000, "NTD", "勞工退休金條例第12條", id="severance-new"),
    pytest.param(["severance", "--monthly-wage", "40000", "--start", "2020-01-01", "--end", "2023-07-05", "--scheme", "old"], 143333, "NTD", "勞動基準法第17條", id="severance-old"),
    pytest.param(["severance", "--monthly-wage", "40k", "--start", "2010-01-01", "--end", "2022-06-30"], 240000, "NTD", "勞工退休金條例第12條", id="severance-cap"),
    pytest.param(["min-wage", "--monthly", "29,499", "--on", "2026-01-01"], False, None, "最低工資法第5條", id="min-wage-below"),
    pytest.param(["min-wage", "--monthly", "NT$29,500", "--on", "115年1月1日"], True, None, "最低工資法第5條", id="min-wage-at"),
    pytest.param(["min-wage", "--hourly", "190", "--on", "2025-12-31"], True, None, "最低工資法第5條", id="min-wage-hourly-2025"),
    pytest.param(["min-wage", "--hourly", "190", "--on", "2026-01-01"], False, None, "最低工資法第5條", id="min-wage-hourly-2026"),
    pytest.param(["maternity", "--start", "2025-03-01", "--birth", "2025-03-10"], 56, "days", "勞動基準法第50條", id="maternity"),
]


@pytest.mark.parametrize(("args", "value", "unit", "citation"), JSON_CASES)
def test_json_output(args: list[str], value: Any, unit: str | None, citation: str) -> None:
    data = run_json(*args)
    assert data["result"] == value
    assert type(data["result"]) is type(value)
    assert data["unit"] == unit
    assert data["citations"][0] == citation


def test_annual_leave_json_fields() -> None:
    data = run_json("annual-leave", "--start", "2023-03-01", "--on", "2025-06-15")
    assert data["service"] == {"years": 2, "months": 3, "days": 14, "total_months": 27, "text": "2年3個月14天"}
    assert data["next_change_date"] == "2026-03-01"
    assert data["next_change_days"] == 14


def test_overtime_json_fields() -> None:
    data = run_json("overtime", "--hourly-wage", "200", "--hours", "11", "--day", "weekday")
    assert data["hours"] == 11 and data["hourly_wage"] == 200 and data["extended_hours"] == 3
    assert [s["rate_text"] for s in data["segments"]] == ["1又1/3", "1又2/3"]
    assert data["exact_amount"] == 866.6667


def test_min_wage_json_fields() -> None:
    data = run_json("min-wage", "--monthly", "29499", "--on", "2026-01-01")
    assert data["minimum"] == 29500 and data["shortfall"] == 1 and data["effective_date"] == "2026-01-01"


def test_maternity_json_fields() -> None:
    data = run_json(
        "maternity", "--start", "2025-03-01", "--birth", "2025-03-10", "--monthly-wage", "36000", "--hired", "2024-09-02"
    )
    assert data["end"] == "2025-04-25"
    assert data["pay"] == 33600 and data["full_pay"] is False


def test_notice_json_pay() -> None:
    data = run_json("notice", "--start", "2024-01-01", "--end", "2024-06-30", "--monthly-wage", "29500")
    assert data["result"] == 10 and data["pay_in_lieu"] == 9833


def test_severance_json_fields() -> None:
    data = run_json("severance", "--monthly-wage", "40000", "--start", "2010-01-01", "--end", "2022-06-30")
    assert data["capped"] is True and data["base_months"] == 6 and data["scheme"] == "new"


# (args, expected text in the short answer)
TEXT_CASES = [
    pytest.param(["annual-leave", "--start", "2024-01-01", "--on", "2024-07-01"], "特別休假：3 日", id="annual-leave"),
    pytest.param(["overtime", "--hourly-wage", "200", "--hours", "10", "--day", "weekday"], "新臺幣 533 元", id="overtime"),
    pytest.param(["severance", "--monthly-wage", "40000", "--start", "2020-01-01", "--end", "2020-12-31"], "新臺幣 20,000 元", id="severance"),
    pytest.param(["min-wage", "--hourly", "196", "--on", "2026-01-01"], "符合", id="min-wage"),
    pytest.param(["maternity", "--start", "2025-03-01", "--birth", "2025-03-10"], "2025-04-25", id="maternity"),
]


@pytest.mark.parametrize(("args", "expected"), TEXT_CASES)
def test_text_output(args: list[str], expected: str) -> None:
    result = run(*args)
    assert result.exit_code == 0
    assert expected in result.stdout
    assert "依據：" in result.stdout


# (args, part of the error message)
BAD_INPUT = [
    pytest.param(["annual-leave", "--start", "2023/2/29"], "日期不存在", id="bad-date"),
    pytest.param(["annual-leave", "--start", "2025-01-01", "--on", "2024-01-01"], "早於到職日", id="on-before-start"),
    pytest.param(["annual-leave"], "缺少必要參數 --start", id="missing-option"),
    pytest.param(["annual-leave", "--start", "2024-01-01", "--bogus"], "沒有這個參數", id="unknown-option"),
    pytest.param(["overtime", "--hourly-wage", "200", "--hours", "13", "--day", "weekday"], "12小時", id="over-12h"),
    pytest.param(["overtime", "--hourly-wage", "200", "--hours", "13", "--day", "rest-day"], "上限", id="rest-over-12h"),
    pytest.param(["overtime", "--hourly-wage", "abc", "--hours", "9", "--day", "weekday"], "無法辨識金額", id="bad-amount"),
    pytest.param(["overtime", "--hourly-wage", "月薪30000", "--hours", "9", "--day", "weekday"], "應為時薪", id="wrong-period"),
    pytest.param(["overtime", "--hourly-wage", "200", "--hours", "9", "--day", "sunday"], "--day", id="bad-day"),
    pytest.param(["overtime", "--hours", "9", "--day", "weekday"], "--hourly-wage", id="no-wage"),
    pytest.param(["severance", "--monthly-wage", "40000", "--start", "2020-01-01", "--end", "2021-01-01", "--scheme", "x"], "--scheme", id="bad-scheme"),
    pytest.param(["min-wage", "--monthly", "30000", "--hourly", "200"], "其中一個", id="both-wages"),
    pytest.param(["min-wage", "--on", "2026-01-01"], "其中一個", id="no-wage-given"),
    pytest.param(["min-wage", "--hourly", "200", "--on", "2000-01-01"], "資料", id="date-before-data"),
    pytest.param(["maternity", "--start", "2025-01-01", "--birth", "2025-06-01"], "分娩日", id="birth-after-leave"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_one_line_exit_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    err = result.stderr.strip()
    assert "\n" not in err and err.startswith("錯誤："), err
    assert message in err
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "command", ["annual-leave", "overtime", "notice", "severance", "min-wage", "maternity"]
)
def test_help_has_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "範例" in result.stdout and f"calc {command}" in result.stdout


def test_mounted_under_parent_app() -> None:
    """The lead mounts calc_app as `labourbot calc`; errors stay one line there too."""
    import typer

    parent = typer.Typer()

    @parent.callback()
    def _root() -> None:
        """Parent app."""

    parent.add_typer(calc_app, name="calc")
    ok = runner.invoke(parent, ["calc", "notice", "--start", "2024-01-01", "--end", "2026-12-31", "--json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["result"] == 30
    bad = runner.invoke(parent, ["calc", "notice", "--start", "2024-01-01"])
    assert bad.exit_code == 2
    assert bad.stderr.strip() == "錯誤：缺少必要參數 --end（用 --help 查看用法）"
