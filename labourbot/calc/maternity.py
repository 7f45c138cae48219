"""Maternity leave (產假) after a birth, and the shorter leave after a miscarriage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from ._common import CalcResult, Number, fmt_date, fmt_money, fmt_num, round_half_up, to_date, to_fraction
from .service import service_length

MATERNITY_DAYS = 56  # eight weeks, counted on consecutive calendar days
FULL_PAY_SERVICE_MONTHS = 6


@dataclass(frozen=True, kw_only=True)
class MaternityResult(CalcResult):
    """Maternity leave; ``value`` is the number of calendar days (56)."""

    start: date
    end: date
    birth: date
    days_before_birth: int
    full_pay: bool | None
    pay: int | None


def maternity_leave(
    start: date,
    birth: date,
    *,
    monthly_wage: Number | None = None,
    hire_date: date | None = None,
) -> MaternityResult:
    """Maternity leave of eight weeks around a birth, its last day and the pay for it.

    Implements 勞動基準法第50條 (eight weeks before and after giving birth; full wage when employed
    for 6 months or more, half otherwise) and 性別平等工作法第15條第1項, with the eight weeks
    counted as 56 consecutive calendar days (性別平等工作法施行細則第6條). ``start`` is the first
    day of leave; ``end`` = start + 55 days. The birth must fall on or before ``end``.

    Pay (only with ``monthly_wage``): monthly wage / 30 x 56, halved when service before ``start``
    is under 6 months (service counted as in :mod:`labourbot.calc.service`). When ``hire_date``
    is not given, full pay is assumed and a note says so. Rounded half-up to a whole NTD.
    """
    start = to_date(start, "產假開始日")
    birth = to_date(birth, "分娩日")
    end = start + timedelta(days=MATERNITY_DAYS - 1)
    if birth > end:
        raise ValueError(f"分娩日 {birth.isoformat()} 晚於產假最後一天 {end.isoformat()}，產假應在分娩前後請休")
    notes: list[str] = []
    days_before = (birth - start).days
    if days_before < 0:
        notes.append("產假開始日晚於分娩日；產假依曆連續計算8星期，本結果自所填開始日起算。")
    formula = f"產假8星期＝56日，依曆連續計算：{fmt_date(start)} 起至 {fmt_date(end)} 止"
    full_pay: bool | None = None
    pay: int | None = None
    citations = ["勞動基準法第50條", "性別平等工作法第15條", "性別平等工作法施行細則第6條"]
    if hire_date is not None:
        hire = to_date(hire_date, "到職日")
        if hire > start:
            raise ValueError("到職日不可晚於產假開始日")
        months = service_length(hire, start, end_inclusive=False).total_months
        full_pay = months >= FULL_PAY_SERVICE_MONTHS
    if monthly_wage is not None:
        wage = to_fraction(monthly_wage, "月薪", allow_zero=False)
        if full_pay is None:
            full_pay = True
            notes.append("未提供到職日，假設受僱已滿6個月（工資照給）；未滿6個月者減半發給。")
        ratio = Fraction(1) if full_pay else Fraction(1, 2)
        exact = wage / 30 * MATERNITY_DAYS * ratio
        pay = round_half_up(exact)
        formula += f"；產假工資 {fmt_money(wage)}÷30×56"
        if not full_pay:
            formula += "×1/2（受僱未滿6個月減半）"
        formula += f"＝{fmt_money(exact)}元"
        if exact.denominator != 1:
            formula += f"，四捨五入為 {pay:,}元"
    elif full_pay is not None:
        formula += "；受僱已滿6個月，工資照給" if full_pay else "；受僱未滿6個月，工資減半發給"
    return MaternityResult(
        value=MATERNITY_DAYS,
        unit="days",
        formula=formula,
        citations=tuple(citations),
        notes=tuple(notes),
        start=start,
        end=end,
        birth=birth,
        days_before_birth=days_before,
        full_pay=full_pay,
        pay=pay,
    )


@dataclass(frozen=True, kw_only=True)
class MiscarriageLeaveResult(CalcResult):
    """Leave after a miscarriage; ``value`` in calendar days."""

    pregnancy_months: Fraction
    start: date | None
    end: date | None


def miscarriage_leave(pregnancy_months: Number, start: date | None = None) -> MiscarriageLeaveResult:
    """Leave after a miscarriage by length of pregnancy (性別平等工作法第15條第1項).

    Pregnancy of 3 months or more: 4 weeks (28 days; also 勞動基準法第50條第1項, whose pay rule
    in 第50條第2項 then applies); 2 to under 3 months: 1 week (7 days); under 2 months: 5 days.
    Days are consecutive calendar days (性別平等工作法施行細則第6條); with ``start`` the last day
    is also returned.
    """
    months = to_fraction(pregnancy_months, "懷孕月數")
    citations = ["性別平等工作法第15條", "性別平等工作法施行細則第6條"]
    notes: list[str] = []
    if months >= 3:
        days, tier = 28, "懷孕3個月以上流產：產假4星期"
        citations.insert(1, "勞動基準法第50條")
        notes.append("工資依勞動基準法第50條：受僱滿6個月照給，未滿6個月減半發給。")
    elif months >= 2:
        days, tier = 7, "懷孕2個月以上未滿3個月流產：產假1星期"
    else:
        days, tier = 5, "懷孕未滿2個月流產：產假5日"
    formula = f"懷孕 {fmt_num(months)} 個月；{tier}＝{days}日"
    s = to_date(start, "產假開始日") if start is not None else None
    e = s + timedelta(days=days - 1) if s is not None else None
    if s is not None and e is not None:
        formula += f"，依曆連續計算：{fmt_date(s)} 起至 {fmt_date(e)} 止"
    return MiscarriageLeaveResult(
        value=days,
        unit="days",
        formula=formula,
        citations=tuple(citations),
        notes=tuple(notes),
        pregnancy_months=months,
        start=s,
        end=e,
    )
