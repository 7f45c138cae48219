"""`labourbot calc ...`: the law-exact calculators on the command line.

Each command prints a short zh-TW answer, or with ``--json`` exactly one JSON object
``{"result", "unit", "formula", "citations", ...detail fields}``. Dates and amounts accept the
formats of :mod:`labourbot.parsing`. Bad input prints one line to stderr and exits with code 2.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Optional, TypeVar

import typer
from typer.core import TyperCommand

try:  # typer >= 0.20 ships its own copy of click
    from typer._click import exceptions as _click_exceptions
except ImportError:  # pragma: no cover - older typer on top of click
    from click import exceptions as _click_exceptions  # type: ignore[no-redef]

from labourbot import calc
from labourbot.calc import CalcResult
from labourbot.parsing import parse_date, parse_hours, parse_wage

EXIT_BAD_INPUT = 2

calc_app = typer.Typer(
    help="勞動法規試算：特休、加班費、預告期間、資遣費、最低工資、產假。",
    no_args_is_help=True,
    add_completion=False,
)

T = TypeVar("T")


class _OneLineErrorCommand(TyperCommand):
    """Reports option errors (missing or unknown options) on one line, exit code 2."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except _click_exceptions.UsageError as exc:
            message = exc.format_message()
            if isinstance(exc, _click_exceptions.MissingParameter) and exc.param is not None:
                names = "/".join(getattr(exc.param, "opts", []) or [str(exc.param.name)])
                message = f"缺少必要參數 {names}"
            elif isinstance(exc, _click_exceptions.NoSuchOption):
                message = f"沒有這個參數 {exc.option_name}"
            elif isinstance(exc, _click_exceptions.BadOptionUsage):
                message = f"參數 {exc.option_name} 後面需要一個值"
            elif "extra argument" in message:
                extra = re.search(r"\(([^()]*)\)\s*$", message)
                message = f"有無法辨識的多餘輸入：{extra.group(1) if extra else message}"
            _fail(f"{message}（用 --help 查看用法）")
            raise  # pragma: no cover - _fail raises


def _fail(message: str) -> None:
    typer.echo(f"錯誤：{message}", err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _guard(func: Callable[[], T]) -> T:
    try:
        return func()
    except ValueError as exc:
        _fail(str(exc).splitlines()[0] if str(exc) else "輸入有誤")
        raise  # pragma: no cover - _fail raises


def _date(text: str, what: str) -> date:
    try:
        return parse_date(text)
    except ValueError as exc:
        _fail(f"{what}：{exc}")
        raise  # pragma: no cover


def _amount(text: str, what: str, expected: str | None = None) -> Decimal:
    try:
        wage = parse_wage(text)
    except ValueError as exc:
        _fail(f"{what}：{exc}")
        raise  # pragma: no cover
    if expected is not None and wage.period is not None and wage.period != expected:
        labels = {"hourly": "時薪", "daily": "日薪", "monthly": "月薪", "annual": "年薪"}
        _fail(f"{what}應為{labels[expected]}，但輸入的是{labels[wage.period]}「{text}」")
    return wage.amount


def _emit(result: CalcResult, as_json: bool, headline: str) -> None:
    if as_json:
        typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
        return
    typer.echo(headline)
    typer.echo(f"計算：{result.formula}")
    typer.echo(f"依據：{'、'.join(result.citations)}")
    for note in result.notes:
        typer.echo(f"提醒：{note}")


JsonOpt = typer.Option(False, "--json", help="輸出一個 JSON 物件")

_DAY_ALIASES = {
    "weekday": "weekday", "平日": "weekday", "工作日": "weekday",
    "rest-day": "rest-day", "restday": "rest-day", "休息日": "rest-day",
    "holiday": "holiday", "國定假日": "holiday", "休假日": "holiday", "特休": "holiday", "特別休假": "holiday",
    "regular-day-off": "regular-day-off", "例假": "regular-day-off", "例假日": "regular-day-off",
}


@calc_app.command("annual-leave", cls=_OneLineErrorCommand)
def annual_leave_cmd(
    start: str = typer.Option(..., "--start", help="到職日，例如 2023-03-01 或 112年3月1日"),
    on: Optional[str] = typer.Option(None, "--on", help="計算日（預設今天）"),
    as_json: bool = JsonOpt,
) -> None:
    """特別休假天數（勞動基準法第38條）。

    範例：labourbot calc annual-leave --start 112年3月1日 --on 2025-06-15
    """
    s = _date(start, "到職日")
    o = _date(on, "計算日") if on else date.today()
    result = _guard(lambda: calc.annual_leave_days(s, o))
    _emit(result, as_json, f"特別休假：{result.value} 日（年資 {result.service.text}）")


@calc_app.command("overtime", cls=_OneLineErrorCommand)
def overtime_cmd(
    hours: str = typer.Option(..., "--hours", help="當日總工作時數，例如 10 或 10.5"),
    day: str = typer.Option(..., "--day", help="weekday（平日）| rest-day（休息日）| holiday（國定假日/特休）| regular-day-off（例假）"),
    hourly_wage: Optional[str] = typer.Option(None, "--hourly-wage", help="平日每小時工資，例如 200"),
    monthly_wage: Optional[str] = typer.Option(None, "--monthly-wage", help="或給月薪，時薪以 月薪÷30÷8 計"),
    as_json: bool = JsonOpt,
) -> None:
    """單日加班費（勞動基準法第24條、第39條、第40條），為月薪以外另應給付的金額。

    範例：labourbot calc overtime --hourly-wage 200 --hours 11 --day weekday
    """
    day_type = _DAY_ALIASES.get(day.strip().lower()) or _DAY_ALIASES.get(day.strip())
    if day_type is None:
        _fail(f"--day 必須是 weekday、rest-day、holiday 或 regular-day-off（收到「{day}」）")
    if (hourly_wage is None) == (monthly_wage is None):
        _fail("請給 --hourly-wage 或 --monthly-wage 其中一個")
    if hourly_wage is not None:
        wage: Any = _amount(hourly_wage, "時薪", "hourly")
    else:
        monthly = _amount(monthly_wage or "", "月薪", "monthly")
        wage = _guard(lambda: calc.hourly_wage_from_monthly(monthly))
    try:
        h = parse_hours(hours)
    except ValueError as exc:
        _fail(f"時數：{exc}")
        raise  # pragma: no cover
    result = _guard(lambda: calc.overtime_pay(wage, h, day_type))  # type: ignore[arg-type]
    _emit(result, as_json, f"應另外給付：新臺幣 {result.value:,} 元")


@calc_app.command("notice", cls=_OneLineErrorCommand)
def notice_cmd(
    start: str = typer.Option(..., "--start", help="到職日"),
    end: str = typer.Option(..., "--end", help="最後工作日（契約終止日）"),
    monthly_wage: Optional[str] = typer.Option(None, "--monthly-wage", help="月薪（選填，用來計算預告期間工資）"),
    as_json: bool = JsonOpt,
) -> None:
    """資遣預告期間（勞動基準法第16條）。

    範例：labourbot calc notice --start 2022-01-10 --end 2025-06-30
    """
    s, e = _date(start, "到職日"), _date(end, "最後工作日")
    wage = _amount(monthly_wage, "月薪", "monthly") if monthly_wage else None
    result = _guard(lambda: calc.dismissal_notice_days(s, e, wage))
    headline = f"預告期間：{result.value} 日（年資 {result.service.text}）"
    if result.pay_in_lieu is not None:
        headline += f"；未預告應給預告期間工資 {result.pay_in_lieu:,} 元"
    _emit(result, as_json, headline)


@calc_app.command("severance", cls=_OneLineErrorCommand)
def severance_cmd(
    monthly_wage: str = typer.Option(..., "--monthly-wage", help="月平均工資，例如 36000 或 3萬6"),
    start: str = typer.Option(..., "--start", help="到職日"),
    end: str = typer.Option(..., "--end", help="最後工作日"),
    scheme: str = typer.Option("new", "--scheme", help="new（勞退新制，預設）| old（勞基法舊制）"),
    as_json: bool = JsonOpt,
) -> None:
    """資遣費（勞工退休金條例第12條／勞動基準法第17條）。

    範例：labourbot calc severance --monthly-wage 36000 --start 2019-04-01 --end 2025-06-30 --scheme new
    """
    key = {"new": "new", "新制": "new", "old": "old", "舊制": "old"}.get(scheme.strip().lower())
    if key is None:
        _fail(f"--scheme 必須是 new 或 old（收到「{scheme}」）")
    wage = _amount(monthly_wage, "月平均工資", "monthly")
    s, e = _date(start, "到職日"), _date(end, "最後工作日")
    result = _guard(lambda: calc.severance_pay(wage, s, e, key))  # type: ignore[arg-type]
    label = "勞退新制" if key == "new" else "勞基法舊制"
    _emit(result, as_json, f"資遣費（{label}）：新臺幣 {result.value:,} 元（年資 {result.service.text}）")


@calc_app.command("min-wage", cls=_OneLineErrorCommand)
def min_wage_cmd(
    monthly: Optional[str] = typer.Option(None, "--monthly", help="月薪"),
    hourly: Optional[str] = typer.Option(None, "--hourly", help="時薪"),
    on: Optional[str] = typer.Option(None, "--on", help="日期（預設今天）"),
    as_json: bool = JsonOpt,
) -> None:
    """檢查月薪或時薪是否達到當時的最低工資（最低工資法第5條）。

    範例：labourbot calc min-wage --hourly 190 --on 2026-01-01
    """
    if (monthly is None) == (hourly is None):
        _fail("請給 --monthly 或 --hourly 其中一個")
    period = "monthly" if monthly is not None else "hourly"
    amount = _amount(monthly or hourly or "", "月薪" if period == "monthly" else "時薪", period)
    o = _date(on, "日期") if on else date.today()
    result = _guard(lambda: calc.check_minimum_wage(amount, period, o))  # type: ignore[arg-type]
    kind = "月薪" if period == "monthly" else "時薪"
    verdict = "符合" if result.value else "低於"
    _emit(result, as_json, f"{kind} {result.to_dict()['wage']:,} 元{verdict}最低標準 {result.minimum:,} 元")


@calc_app.command("maternity", cls=_OneLineErrorCommand)
def maternity_cmd(
    start: str = typer.Option(..., "--start", help="產假第一天"),
    birth: str = typer.Option(..., "--birth", help="分娩日（或預產期）"),
    monthly_wage: Optional[str] = typer.Option(None, "--monthly-wage", help="月薪（選填，用來計算產假工資）"),
    hired: Optional[str] = typer.Option(None, "--hired", help="到職日（選填，判斷是否受僱滿6個月）"),
    as_json: bool = JsonOpt,
) -> None:
    """產假8星期的起迄與工資（勞動基準法第50條、性別平等工作法第15條）。

    範例：labourbot calc maternity --start 2025-03-01 --birth 2025-03-10 --monthly-wage 36000
    """
    s, b = _date(start, "產假開始日"), _date(birth, "分娩日")
    h = _date(hired, "到職日") if hired else None
    wage = _amount(monthly_wage, "月薪", "monthly") if monthly_wage else None
    result = _guard(lambda: calc.maternity_leave(s, b, monthly_wage=wage, hire_date=h))
    headline = f"產假 {result.value} 日：{result.start.isoformat()} 至 {result.end.isoformat()}"
    if result.pay is not None:
        headline += f"；產假工資 {result.pay:,} 元"
    _emit(result, as_json, headline)
