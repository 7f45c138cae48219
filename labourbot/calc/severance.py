"""Severance pay (資遣費) under the new (勞工退休金條例) and old (勞動基準法) pension schemes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Literal

from ._common import (
    CalcResult,
    Number,
    fmt_date,
    fmt_money,
    fmt_num,
    round_half_up,
    to_date,
    to_fraction,
)
from .service import ServiceLength, service_length

Scheme = Literal["new", "old"]
NEW_SCHEME_START = date(2005, 7, 1)  # 勞工退休金條例 in force (one year after promulgation, 第58條)
NEW_SCHEME_CAP_MONTHS = Fraction(6)
DAYS_PER_YEAR = 365


@dataclass(frozen=True, kw_only=True)
class SeveranceResult(CalcResult):
    """Severance in NTD (``value``), with the service length and the months of wage it is based on."""

    scheme: Scheme
    average_monthly_wage: Fraction
    start: date
    end: date
    service: ServiceLength
    base_months: Fraction
    uncapped_months: Fraction
    capped: bool
    exact_amount: Fraction


def severance_pay(monthly_wage: Number, start: date, end: date, scheme: Scheme = "new") -> SeveranceResult:
    """Severance pay for service from ``start`` (hire date) to ``end`` (last day of employment).

    ``monthly_wage`` is the average wage for one month (平均工資 as defined in 勞動基準法第2條第4款,
    expressed per month); pass the average, not just the last salary, when they differ.

    - ``scheme="new"`` (勞工退休金條例第12條第1項): half a month of average wage per full year of
      service; a partial year is paid in proportion. The proportion used here is
      (years + months/12 + days/365) x 1/2, the usual administrative way of prorating remaining
      months and days. The total is capped at 6 months of average wage.
    - ``scheme="old"`` (勞動基準法第17條第1項): one month of average wage per full year; the
      remaining months (or service under one year) are paid in proportion (months/12), and any
      remaining part of a month counts as a whole month. No cap.

    Service counts from the hiring day (勞動基準法施行細則第5條); see :mod:`labourbot.calc.service`.
    Service before 2005-07-01 kept by a worker who moved to the new scheme is paid under the old
    rules (勞工退休金條例第11條); this function applies one scheme to the whole period, so such
    mixed cases must be split by the caller. The exact amount is rounded half-up to a whole NTD.
    """
    wage = to_fraction(monthly_wage, "平均工資", allow_zero=False)
    start = to_date(start, "到職日")
    end = to_date(end, "離職日")
    if scheme not in ("new", "old"):
        raise ValueError("制度必須是 new（勞退新制）或 old（勞基法舊制）")
    service = service_length(start, end)
    notes: list[str] = []
    if scheme == "new":
        years = service.fraction_of_years(DAYS_PER_YEAR)
        uncapped = years / 2
        months = min(uncapped, NEW_SCHEME_CAP_MONTHS)
        capped = uncapped > NEW_SCHEME_CAP_MONTHS
        years_text = f"{service.years}＋{service.months}/12＋{service.days}/365"
        formula = (
            f"年資 {service.text}（{years_text}＝{fmt_num(years)}年）；"
            f"{fmt_money(wage)}元×({years_text})×1/2"
        )
        if capped:
            formula += f"，超過上限以6個月計：{fmt_money(wage)}元×6"
        citations = ("勞工退休金條例第12條", "勞動基準法第2條")
        if start < NEW_SCHEME_START:
            notes.append("2005年7月1日前的年資如屬保留的舊制年資，應依勞動基準法計算資遣費，本結果未分開計算。")
    else:
        extra_month = 1 if service.days > 0 else 0
        remaining = service.months + extra_month
        months = service.years + Fraction(remaining, 12)
        uncapped = months
        capped = False
        formula = f"年資 {service.text}；滿{service.years}年給{service.years}個月，剩餘{service.months}個月"
        if extra_month:
            formula += f"又{service.days}天（未滿1個月以1個月計）共{remaining}個月"
        formula += f"按比例{remaining}/12；{fmt_money(wage)}元×({service.years}＋{remaining}/12)"
        citations = ("勞動基準法第17條", "勞動基準法第2條")
    exact = wage * months
    total = round_half_up(exact)
    formula += f"＝{fmt_money(exact)}元"
    if exact.denominator != 1:
        formula += f"，四捨五入為 {total:,}元"
    formula = f"到職 {fmt_date(start)}，最後工作日 {fmt_date(end)}。" + formula
    notes.append("資遣費應於終止勞動契約後30日內發給。")
    return SeveranceResult(
        value=total,
        unit="NTD",
        formula=formula,
        citations=citations,
        notes=tuple(notes),
        scheme=scheme,
        average_monthly_wage=wage,
        start=start,
        end=end,
        service=service,
        base_months=months,
        uncapped_months=uncapped,
        capped=capped,
        exact_amount=exact,
    )
