"""Menstrual leave (生理假): how the days of a year count against sick leave, and their pay."""

from __future__ import annotations

from dataclasses import dataclass

from ._common import CalcResult, Number, fmt_money, round_half_up, to_fraction

NOT_COUNTED_PER_YEAR = 3
MAX_PER_YEAR = 12  # one day a month
SICK_LEAVE_DAYS_PER_YEAR = 30  # ordinary sick leave without hospitalisation, 勞工請假規則第4條第1項第1款


@dataclass(frozen=True, kw_only=True)
class MenstrualLeaveResult(CalcResult):
    """``value`` is the number of menstrual-leave days that count as sick leave this year."""

    days_taken: int
    not_counted_days: int
    counted_into_sick_leave: int
    sick_leave_days_taken: int
    sick_leave_total: int
    sick_leave_cap: int
    exceeds_sick_leave_cap: bool
    half_pay: int | None


def menstrual_leave(
    days_taken: int,
    *,
    sick_leave_days_taken: int = 0,
    daily_wage: Number | None = None,
) -> MenstrualLeaveResult:
    """Count a year's menstrual leave days (性別平等工作法第14條).

    One day may be taken each month (so at most 12 a year). The first 3 days of the year do not
    count as sick leave; further days are added to ordinary sick leave, whose yearly limit without
    hospitalisation is 30 days (勞工請假規則第4條第1項第1款). Every menstrual leave day, counted or
    not, is paid at half the daily wage (第14條第2項). ``sick_leave_days_taken`` is other ordinary
    sick leave already taken that year; ``daily_wage`` gives the half pay total (rounded half-up).
    """
    if isinstance(days_taken, bool) or not isinstance(days_taken, int) or not 0 <= days_taken <= MAX_PER_YEAR:
        raise ValueError("生理假天數必須是 0 到 12 的整數（每月1日）")
    if isinstance(sick_leave_days_taken, bool) or not isinstance(sick_leave_days_taken, int) or sick_leave_days_taken < 0:
        raise ValueError("已請病假天數必須是非負整數")
    not_counted = min(days_taken, NOT_COUNTED_PER_YEAR)
    counted = days_taken - not_counted
    total_sick = sick_leave_days_taken + counted
    exceeds = total_sick > SICK_LEAVE_DAYS_PER_YEAR
    formula = (
        f"今年生理假 {days_taken} 日：前3日不併入病假（{not_counted}日），"
        f"其餘 {counted} 日併入病假；病假合計 {sick_leave_days_taken}＋{counted}＝{total_sick} 日"
        f"（未住院病假一年上限30日）"
    )
    half_pay: int | None = None
    if daily_wage is not None:
        wage = to_fraction(daily_wage, "日薪", allow_zero=False)
        exact = wage * days_taken / 2
        half_pay = round_half_up(exact)
        formula += f"；生理假工資減半：{fmt_money(wage)}×{days_taken}×1/2＝{fmt_money(exact)}元"
        if exact.denominator != 1:
            formula += f"，四捨五入為 {half_pay:,}元"
    notes = ("併入病假的生理假會占用病假額度；超過病假上限的部分請洽勞工局確認處理方式。",) if exceeds else ()
    return MenstrualLeaveResult(
        value=counted,
        unit="days",
        formula=formula,
        citations=("性別平等工作法第14條", "勞工請假規則第4條"),
        notes=notes,
        days_taken=days_taken,
        not_counted_days=not_counted,
        counted_into_sick_leave=counted,
        sick_leave_days_taken=sick_leave_days_taken,
        sick_leave_total=total_sick,
        sick_leave_cap=SICK_LEAVE_DAYS_PER_YEAR,
        exceeds_sick_leave_cap=exceeds,
        half_pay=half_pay,
    )
