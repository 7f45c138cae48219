"""`labourbot jobs ...` (job listings) and `labourbot scam-check` (job-scam checker).

Thin wrappers over jobs.import_jobs / jobs.search_jobs and scam.check_text. The libraries are
imported inside the commands so that `labourbot --help` stays fast. Bad input: one line on stderr,
exit code 2.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, Optional

import typer

EXIT_BAD_INPUT = 2

jobs_app = typer.Typer(help="職缺資料：匯入開放資料（CSV/JSON）與搜尋。", no_args_is_help=True,
                       add_completion=False)


def _fail(message: str) -> None:
    typer.echo(f"錯誤：{message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False))


@jobs_app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="職缺檔（.csv 或 .json；欄位對照見 docs/jobs.md）"),
    as_json: bool = typer.Option(False, "--json", help="輸出一個 JSON 物件"),
    if_empty: bool = typer.Option(False, "--if-empty", help="資料庫已有未過期職缺時不匯入（make run 用）"),
    replace: bool = typer.Option(False, "--replace", help="先刪除所有已存職缺再匯入"),
    shift_dates: bool = typer.Option(False, "--shift-dates",
                                     help="把更新日期整批平移，使最新一筆為今天（示範資料用）"),
) -> None:
    """Import listings from a CSV or JSON file; bad rows are reported with their line number and skipped.

    Example: labourbot jobs import jobs/data/sample_jobs.csv
    """
    from jobs import import_jobs

    try:
        report = import_jobs(file, if_empty=if_empty, replace=replace, shift_dates=shift_dates)
    except ValueError as exc:
        _fail(str(exc))
        return
    if as_json:
        _echo_json(report.to_dict())
        return
    if report.not_needed:
        typer.echo("職缺資料庫已有未過期的職缺，略過匯入。")
        return
    typer.echo(f"讀取 {report.rows} 筆，匯入 {report.imported} 筆（新增 {report.inserted}、更新 {report.updated}），"
               f"略過 {len(report.skipped)} 筆。")
    for bad in report.skipped:
        typer.echo(f"  略過 {bad}")


_NATURE = {"part_time": "part_time", "full_time": "full_time"}


@jobs_app.command("search")
def search_command(
    keyword: str = typer.Argument("", help="關鍵字（職缺名稱、公司、地址、工作內容；空白分隔多個）"),
    district: Optional[str] = typer.Option(None, "--district", "-d", help="臺南市行政區，例如 永康區"),
    part_time: bool = typer.Option(False, "--part-time", help="只找兼職"),
    full_time: bool = typer.Option(False, "--full-time", help="只找全職"),
    min_salary: Optional[str] = typer.Option(
        None, "--min-salary", help="最低薪資：30000、3萬（月薪）或 時薪200、日薪1600（依月換算比較）"),
    page: int = typer.Option(1, "--page", min=1, help="第幾頁"),
    page_size: int = typer.Option(10, "--page-size", min=1, max=100, help="每頁筆數"),
    include_stale: bool = typer.Option(False, "--include-stale", help="也列出過期（太久未更新）的職缺"),
    as_json: bool = typer.Option(False, "--json", help="輸出一個 JSON 物件"),
) -> None:
    """Search current listings by keyword, district, part-/full-time and minimum pay.

    Example: labourbot jobs search "門市" --district 永康區 --part-time --min-salary 時薪200 --json
    """
    from jobs import search_jobs
    from labourbot.parsing import parse_wage

    if part_time and full_time:
        _fail("--part-time 與 --full-time 只能擇一")
    amount, period = None, "monthly"
    if min_salary:
        try:
            wage = parse_wage(min_salary)
        except ValueError as exc:
            _fail(f"--min-salary：{exc}")
            return
        amount, period = wage.amount, wage.period or "monthly"
    try:
        result = search_jobs(keyword, district=district, nature="part_time" if part_time else
                             "full_time" if full_time else None, min_salary=amount, salary_period=period,
                             page=page, page_size=page_size, include_stale=include_stale)
    except ValueError as exc:
        _fail(str(exc))
        return
    if as_json:
        _echo_json({"total": result.total, "page": result.page, "pages": result.pages,
                    "jobs": [job.to_dict() for job in result.jobs]})
        return
    if not result.jobs:
        typer.echo("沒有符合條件的職缺。")
        return
    typer.echo(f"共 {result.total} 筆，第 {result.page}/{result.pages} 頁：")
    for job in result.jobs:
        typer.echo(f"- {job.title}｜{job.company}｜{job.district or job.city}｜{job.wage_text()}"
                   f"｜{job.nature_text or '—'}｜更新 {job.updated.isoformat()}")


def scam_check(
    text: str = typer.Argument(..., help="徵才廣告或對方說的話"),
    as_json: bool = typer.Option(False, "--json", help="輸出一個 JSON 物件"),
    no_semantic: bool = typer.Option(False, "--no-semantic", help="不使用語意比對（只用規則與薪資檢查）"),
    on: Optional[str] = typer.Option(None, "--on", help="以哪一天的最低工資比較（預設今天）"),
) -> None:
    """Check a job ad or offer for signs of a job scam: risk high/medium/low, signals, advice, citations.

    Example: labourbot scam-check --json "在家打字日領3000，先加LINE，要提供存摺"
    """
    from labourbot.parsing import parse_date
    from scam import check_text

    when: date | None = None
    if on:
        try:
            when = parse_date(on)
        except ValueError as exc:
            _fail(f"--on：{exc}")
    if not text.strip():
        _fail("請給要檢查的文字")
    report = check_text(text, semantic=not no_semantic, on=when)
    if as_json:
        _echo_json(report.to_dict())
        return
    label = {"high": "高風險", "medium": "中風險", "low": "低風險"}[report.risk]
    typer.echo(f"風險：{label}")
    for signal in report.signals:
        typer.echo(f"- {signal.label}：{signal.evidence}")
    typer.echo(report.advice)
    if report.citations:
        typer.echo("依據：" + "、".join(report.citations))
