"""Notice period before a dismissal (預告期間)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ._common import CalcResult, Number, fmt_date, fmt_money, round_half_up, to_date, to_fraction
from .service import ServiceLength, service_length


@dataclass(frozen=True, kw_only=True)
class NoticeResult(CalcResult):
    """Days of notice owed; ``value`` in days. ``pay_in_lieu`` is set when a monthly wage is given."""

    start: date
    end: date
    service: ServiceLength
    pay_in_lieu: int | None


def _notice_days(service: ServiceLength) -> int:
    if service.total_months < 3:
        return 0
    if service.years < 1:
        return 10
    if service.years < 3:
        return 20
    return 30


def dismissal_notice_days(start: date, end: date, monthly_wage: Number | None = None) -> NoticeResult:
    """Notice the employer must give when dismissing under 勞動基準法第11條 or 第13條但書.

    Implements 勞動基準法第16條第1項: continuous service of 3 months to under 1 year, 10 days;
    1 to under 3 years, 20 days; 3 years or more, 30 days; under 3 months no notice period is set.
    ``end`` is the last day of employment (counted). With ``monthly_wage`` the wage for the notice
    period is also computed (第16條第3項: owed when the employer ends the contract without the
    notice), as monthly wage / 30 x days, rounded half-up to a whole NTD.
    """
    start = to_date(start, "到職日")
    end = to_date(end, "離職日")
    service = service_length(start, end)
    days = _notice_days(service)
    tier = {0: "未滿3個月：法未規定預告期間", 10: "滿3個月未滿1年：10日", 20: "滿1年未滿3年：20日", 30: "滿3年以上：30日"}[days]
    formula = f"到職 {fmt_date(start)} 至最後工作日 {fmt_date(end)}，年資 {service.text}；{tier}"
    pay: int | None = None
    citations = ["勞動基準法第16條"]
    notes = ["適用於雇主依第11條或第13條但書資遣；收到預告後，每週可請最多2日的謀職假，工資照給。"]
    if monthly_wage is not None:
        wage = to_fraction(monthly_wage, "月薪", allow_zero=False)
        exact = wage / 30 * days
        pay = round_half_up(exact)
        formula += f"；未預告時應給付預告期間工資 {fmt_money(wage)}÷30×{days}＝{fmt_money(exact)}元"
        if exact.denominator != 1:
            formula += f"，四捨五入為 {pay:,}元"
    return NoticeResult(
        value=days,
        unit="days",
        formula=formula,
        citations=tuple(citations),
        notes=tuple(notes),
        start=start,
        end=end,
        service=service,
        pay_in_lieu=pay,
    )
