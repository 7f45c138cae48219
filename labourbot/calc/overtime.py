"""Overtime pay for one day of work, and the monthly overtime cap check."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from ._common import (
    CalcResult,
    Number,
    fmt_money,
    fmt_num,
    fmt_rate,
    round_half_up,
    to_fraction,
)

DayType = Literal["weekday", "rest-day", "holiday", "regular-day-off"]
WageBasis = Literal["monthly", "hourly"]
WAGE_BASES: tuple[WageBasis, ...] = ("monthly", "hourly")
DAY_TYPES: tuple[DayType, ...] = ("weekday", "rest-day", "holiday", "regular-day-off")
DAY_TYPE_LABELS: dict[str, str] = {
    "weekday": "平日（工作日）",
    "rest-day": "休息日",
    "holiday": "國定假日／特別休假日",
    "regular-day-off": "例假日",
}

NORMAL_DAILY_HOURS = 8
MAX_DAILY_HOURS = 12  # normal + extended hours in one day (勞動基準法第32條第2項)
MAX_EMERGENCY_DAY_HOURS = 24  # regular day off under 第40條: no statutory daily cap, one calendar day
MONTHLY_CAP = 46
MONTHLY_CAP_WITH_AGREEMENT = 54
THREE_MONTH_CAP_WITH_AGREEMENT = 138

_FIRST = Fraction(4, 3)  # hourly wage plus one third
_SECOND = Fraction(5, 3)  # hourly wage plus two thirds
_DOUBLE = Fraction(2)


@dataclass(frozen=True)
class OvertimeSegment:
    """One block of hours paid at one rate: ``amount = hours * hourly_wage * rate`` (exact)."""

    label: str
    hours: Fraction
    rate: Fraction
    amount: Fraction

    def _json_extra(self) -> dict[str, object]:
        return {"rate_text": fmt_rate(self.rate)}


@dataclass(frozen=True, kw_only=True)
class OvertimeResult(CalcResult):
    """Pay owed for the day beyond what a monthly wage already covers; ``value`` in NTD."""

    day_type: DayType
    wage_basis: WageBasis
    hours: Fraction
    hourly_wage: Fraction
    segments: tuple[OvertimeSegment, ...]
    exact_amount: Fraction
    extended_hours: Fraction
    compensatory_rest_days: int


def hourly_wage_from_monthly(monthly_wage: Number) -> Fraction:
    """平日每小時工資額 of a monthly-paid worker as commonly computed: monthly / 30 / 8 (exact).

    The 30-day month and 8-hour day follow the usual administrative practice; an agreed different
    basis (for example fixed allowances excluded) changes the result.
    """
    return to_fraction(monthly_wage, "月薪", allow_zero=False) / 30 / NORMAL_DAILY_HOURS


def _split(hours: Fraction, bounds: list[tuple[Fraction, str, Fraction]]) -> list[tuple[str, Fraction, Fraction]]:
    """Cut ``hours`` into consecutive blocks ``(label, hours_in_block, rate)`` by upper bounds."""
    out = []
    lower = Fraction(0)
    for upper, label, rate in bounds:
        part = min(hours, upper) - lower
        if part > 0:
            out.append((label, part, rate))
        lower = upper
    return out


def overtime_pay(hourly_wage: Number, hours: Number, day: DayType, *, wage_basis: WageBasis = "monthly") -> OvertimeResult:
    """Overtime pay owed for one day of work.

    ``hours`` is the total time worked that day; ``hourly_wage`` is 平日每小時工資額 (see
    :func:`hourly_wage_from_monthly`). With ``wage_basis="monthly"`` the result is what is owed on
    top of the monthly wage, which already covers 8 normal hours on a weekday and the paid rest
    day, holiday or day off itself (勞動基準法第39條). Rates are the statutory minimum ("以上"); the
    law lets employers pay more.

    ``wage_basis="hourly"`` is for workers paid by the hour (or by the day, converted to an hourly
    wage by the caller). Their pay differs from the monthly rule only where 第39條's "照給" wage
    is not already in the pay: the labour authorities read the hourly minimum wage as including the
    paid 例假 and 休息日, but not the 休假日 (national holidays, special leave). So:

    - weekday and rest day: the same amounts; for hourly pay they are the whole pay for those hours
      (the note says so), since there is no monthly wage they are "on top of".
    - holiday: the hours actually worked within 8 are paid double (wage x 2 per hour), instead of
      the monthly rule's one extra day's wage whatever the hours; hours beyond 8 as on a weekday.
    - regular day off (第40條 "加倍發給"): every hour actually worked paid double, the same actual-hours
      reading, plus the compensatory rest day.

    - ``weekday``: hours beyond 8; the first 2 at wage x (1+1/3), the next 2 at wage x (1+2/3)
      (勞動基準法第24條第1項第1款、第2款). At most 12 hours in the day (第32條第2項); more is
      rejected.
    - ``rest-day`` (休息日): the first 2 hours at wage x (1+1/3) each, every later hour at wage x
      (1+2/3) (第24條第2項). The current text pays actual hours; the old rule that counted
      rest-day work in blocks of 4/8/12 hours was repealed in 2018. All hours count as extended
      working time (施行細則第20條之1) and toward the monthly cap (第36條第3項). Max 12 hours.
    - ``holiday`` (休假日 under 第37條, or 特別休假 under 第38條): "工資加倍發給" (第39條). The
      administrative reading applied here: any work within 8 hours earns one extra day's wage
      (8 x hourly wage), whatever the hours; hours 9-10 and 11-12 are extended hours paid as on a
      weekday (第24條第1項). Max 12 hours.
    - ``regular-day-off`` (例假, only when work is ordered for a natural disaster, incident or
      emergency under 第40條): within 8 hours one extra day's wage plus one compensatory rest day
      afterwards; hours beyond 8 are emergency extended hours paid double (第24條第1項第3款 with
      第32條第4項). 第32條第4項 sets no daily maximum; the calculator accepts up to 24 hours.

    Rounding: computed exactly with fractions; the total is rounded half-up to a whole NTD once.
    """
    wage = to_fraction(hourly_wage, "時薪", allow_zero=False)
    worked = to_fraction(hours, "工作時數")
    if day not in DAY_TYPES:
        raise ValueError("日別必須是 weekday、rest-day、holiday 或 regular-day-off 其中之一")
    if wage_basis not in WAGE_BASES:
        raise ValueError("計薪方式必須是 monthly（月薪）或 hourly（時薪）")
    hourly = wage_basis == "hourly"
    limit = MAX_EMERGENCY_DAY_HOURS if day == "regular-day-off" else MAX_DAILY_HOURS
    if worked > limit:
        if day == "weekday":
            raise ValueError(
                f"平日工作時數 {fmt_num(worked)} 小時超過上限：正常工時8小時加延長工時4小時，一日最多12小時"
            )
        raise ValueError(f"{DAY_TYPE_LABELS[day]}工作時數 {fmt_num(worked)} 小時超過一日上限 {limit} 小時")

    eight = Fraction(NORMAL_DAILY_HOURS)
    blocks: list[tuple[str, Fraction, Fraction]] = []  # (label, hours, rate)
    extended = Fraction(0)
    rest_days = 0
    citations: list[str] = []
    notes: list[str] = []
    one_day_label = "8小時以內：加發一日工資（以8小時計）"

    if day == "weekday":
        over = max(Fraction(0), worked - eight)
        blocks = _split(
            over,
            [(Fraction(2), "延長工時第1-2小時", _FIRST), (Fraction(4), "延長工時第3-4小時", _SECOND)],
        )
        extended = over
        citations = ["勞動基準法第24條", "勞動基準法第32條"]
        if over == 0:
            covered = "照約定時薪計給" if hourly else "月薪已涵蓋"
            notes.append(f"未超過每日正常工時8小時，{covered}，沒有加班費。")
        elif hourly:
            notes.append("時薪制：當天前8小時照約定時薪計給，這裡只算超過8小時的加班費。")
    elif day == "rest-day":
        blocks = _split(
            worked,
            [(Fraction(2), "休息日第1-2小時", _FIRST), (Fraction(limit), "休息日第3小時起", _SECOND)],
        )
        extended = worked
        citations = ["勞動基準法第24條", "勞動基準法第36條", "勞動基準法第32條", "勞動基準法施行細則第20條之1"]
        if hourly:
            notes.append("依時薪制計算：休息日照給的工資已折算在時薪裡（主管機關見解），所以這個金額就是休息日這些工時的全部工資，算法和月薪制相同。")
        else:
            notes.append("依月薪制計算：休息日的工資已含在月薪內（第39條），這是月薪以外另外加給的金額。")
        notes.append("休息日工作時數全部計入每月延長工時總數（一般上限46小時）。")
    elif day == "holiday":
        if worked > 0 and hourly:
            blocks.append(("8小時以內：實際工作時數加倍發給", min(worked, eight), _DOUBLE))
        elif worked > 0:
            blocks.append((one_day_label, eight, Fraction(1)))
        over = max(Fraction(0), worked - eight)
        blocks += _split(
            over,
            [(Fraction(2), "超過8小時後第1-2小時", _FIRST), (Fraction(4), "超過8小時後第3-4小時", _SECOND)],
        )
        extended = over
        citations = ["勞動基準法第39條", "勞動基準法第37條", "勞動基準法第24條", "勞動基準法第32條"]
        if hourly:
            notes.append(
                "依時薪制計算：休假日（國定假日、特休日）的工資沒有折算在時薪裡，出勤時依實際工作時數加倍發給，"
                "這個金額就是當天工作的全部工資；月薪制則是不論工作幾小時都另外加發一日工資（主管機關見解）。"
            )
            notes.append("休假日出勤須經勞工同意。")
        else:
            notes.append("依月薪制計算：休假日的工資已含在月薪內；出勤8小時以內不論工作幾小時都加發一日工資（主管機關見解），這是月薪以外另外加給的金額。")
            notes.append("休假日出勤須經勞工同意。")
    else:  # regular-day-off
        if worked > 0:
            rest_days = 1
        if worked > 0 and hourly:
            blocks.append(("8小時以內：實際工作時數加倍發給", min(worked, eight), _DOUBLE))
        elif worked > 0:
            blocks.append((one_day_label, eight, Fraction(1)))
        over = max(Fraction(0), worked - eight)
        if over > 0:
            blocks.append(("超過8小時部分：加倍發給", over, _DOUBLE))
        extended = over
        citations = ["勞動基準法第40條", "勞動基準法第36條", "勞動基準法第24條", "勞動基準法第32條"]
        if hourly:
            notes.append(
                "依時薪制計算：停止假期的工資加倍發給（第40條），這裡和國定假日的時薪制算法一樣，依實際工作時數加倍；"
                "這個金額是當天工作的全部工資。時薪制的例假出勤較少見，個案請向勞工局確認。"
            )
        else:
            notes.append("依月薪制計算：例假的工資已含在月薪內，出勤8小時以內加發一日工資，這是月薪以外另外加給的金額。")
        notes.append("例假只有天災、事變或突發事件才可要求出勤，事後應補假休息，並於24小時內報主管機關核備。")

    segments = tuple(OvertimeSegment(label, h, rate, h * wage * rate) for label, h, rate in blocks)
    exact = sum((s.amount for s in segments), Fraction(0))
    total = round_half_up(exact)
    if segments:
        parts = [f"{s.label} {fmt_money(wage)}元×{fmt_rate(s.rate)}×{fmt_num(s.hours)}小時＝{fmt_money(s.amount)}元" for s in segments]
        formula = "；".join(parts) + f"；合計 {fmt_money(exact)}元"
        if exact.denominator != 1:
            formula += f"，四捨五入為 {total:,}元"
    else:
        formula = f"{DAY_TYPE_LABELS[day]}工作 {fmt_num(worked)} 小時，無須另外加給：0元"
    if rest_days:
        formula += "，另應補假休息1日"
    formula = f"{DAY_TYPE_LABELS[day]}工作{fmt_num(worked)}小時，時薪{fmt_money(wage)}元：" + formula
    return OvertimeResult(
        value=total,
        unit="NTD",
        formula=formula,
        citations=tuple(citations),
        notes=tuple(notes),
        day_type=day,
        wage_basis=wage_basis,
        hours=worked,
        hourly_wage=wage,
        segments=segments,
        exact_amount=exact,
        extended_hours=extended,
        compensatory_rest_days=rest_days,
    )


@dataclass(frozen=True, kw_only=True)
class OvertimeCapResult(CalcResult):
    """Whether a month's extended hours are within the cap; ``value`` is a bool."""

    month_hours: Fraction
    monthly_cap: int
    monthly_excess: Fraction
    with_agreement: bool
    three_month_hours: Fraction | None
    three_month_cap: int | None
    three_month_excess: Fraction | None


def monthly_overtime_check(
    month_hours: Number,
    *,
    with_agreement: bool = False,
    three_month_hours: Number | None = None,
) -> OvertimeCapResult:
    """Check a month's extended working hours against 勞動基準法第32條第2項.

    Normally at most 46 extended hours a month. With the consent of the union (or, without a union,
    of the labour-management meeting) at most 54 a month and 138 in each period of three
    consecutive months (the period is agreed and counted by calendar, 施行細則第22條);
    ``three_month_hours`` is that period's total and is only checked with ``with_agreement``.
    Rest-day hours count toward the total (第36條第3項); emergency work under 第32條第4項 does not.
    """
    month = to_fraction(month_hours, "當月延長工時")
    cap = MONTHLY_CAP_WITH_AGREEMENT if with_agreement else MONTHLY_CAP
    excess = max(Fraction(0), month - cap)
    ok = excess == 0
    three: Fraction | None = None
    three_cap: int | None = None
    three_excess: Fraction | None = None
    parts = [f"當月延長工時 {fmt_num(month)} 小時，上限 {cap} 小時"]
    if with_agreement and three_month_hours is not None:
        three = to_fraction(three_month_hours, "三個月延長工時")
        if three < month:
            raise ValueError("三個月延長工時合計不可少於當月延長工時")
        three_cap = THREE_MONTH_CAP_WITH_AGREEMENT
        three_excess = max(Fraction(0), three - three_cap)
        ok = ok and three_excess == 0
        parts.append(f"連續三個月合計 {fmt_num(three)} 小時，上限 {three_cap} 小時")
    verdict = "未超過上限" if ok else "超過上限"
    notes: list[str] = []
    if with_agreement:
        notes.append("54小時／138小時的上限須經工會或勞資會議同意；僱用30人以上須報當地主管機關備查。")
    return OvertimeCapResult(
        value=ok,
        unit=None,
        formula="；".join(parts) + f" → {verdict}",
        citations=("勞動基準法第32條", "勞動基準法第36條"),
        notes=tuple(notes),
        month_hours=month,
        monthly_cap=cap,
        monthly_excess=excess,
        with_agreement=with_agreement,
        three_month_hours=three,
        three_month_cap=three_cap,
        three_month_excess=three_excess,
    )


__all__ = [
    "DAY_TYPES",
    "WAGE_BASES",
    "DayType",
    "WageBasis",
    "OvertimeCapResult",
    "OvertimeResult",
    "OvertimeSegment",
    "hourly_wage_from_monthly",
    "monthly_overtime_check",
    "overtime_pay",
]
