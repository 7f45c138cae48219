"""Annual paid leave (特別休假) days by length of service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ._common import CalcResult, fmt_date, to_date
from .service import ServiceLength, anniversary, service_length

MAX_ANNUAL_LEAVE_DAYS = 30


def _days_for_months(total_months: int) -> int:
    """Entitlement for a given number of whole months of service (勞動基準法第38條第1項)."""
    years = total_months // 12
    if total_months < 6:
        return 0
    if years < 1:
        return 3
    if years < 2:
        return 7
    if years < 3:
        return 10
    if years < 5:
        return 14
    if years < 10:
        return 15
    return min(MAX_ANNUAL_LEAVE_DAYS, 15 + (years - 9))


def _tier_text(total_months: int) -> str:
    years = total_months // 12
    if total_months < 6:
        return "未滿6個月：尚無特別休假"
    if years < 1:
        return "滿6個月未滿1年：3日"
    if years < 2:
        return "滿1年未滿2年：7日"
    if years < 3:
        return "滿2年未滿3年：10日"
    if years < 5:
        return "滿3年未滿5年：每年14日"
    if years < 10:
        return "滿5年未滿10年：每年15日"
    if years < 24:
        return f"滿10年以上每多1年加1日：15日＋{years - 9}日"
    return "滿24年以上：已達上限30日"


def _next_threshold(total_months: int) -> int | None:
    """Whole months at which the entitlement next changes, or None once the cap is reached."""
    if total_months < 6:
        return 6
    years = total_months // 12
    for limit in (1, 2, 3, 5):
        if years < limit:
            return limit * 12
    if years < 10:
        return 120
    if years < 24:
        return (years + 1) * 12
    return None


@dataclass(frozen=True, kw_only=True)
class AnnualLeaveResult(CalcResult):
    """Annual leave entitlement on a date; ``value`` is the number of days (unit ``"days"``)."""

    start: date
    on: date
    service: ServiceLength
    tier: str
    next_change_date: date | None
    next_change_days: int | None


def annual_leave_days(start: date, on: date) -> AnnualLeaveResult:
    """Annual paid leave days a worker is entitled to on ``on`` (hire date ``start``).

    Implements 勞動基準法第38條第1項 (tiers: 6 months to under 1 year 3 days; 1-2 years 7; 2-3
    years 10; 3-5 years 14; 5-10 years 15; from 10 years one more day per year, up to 30), with
    service counted as in 勞動基準法施行細則第5條 and the entitlement arising when the tier's
    condition is met (勞動基準法施行細則第24條第1項). Service is the time completed before ``on``
    begins, so on the 6-month or yearly anniversary the new tier already applies. Anniversaries of
    29 February (or a 31st) fall on the 1st of the next month when the month has no such day
    (see :mod:`labourbot.calc.service`).
    """
    start = to_date(start, "到職日")
    on = to_date(on, "計算日")
    if on < start:
        raise ValueError("計算日不可早於到職日")
    service = service_length(start, on, end_inclusive=False)
    months = service.total_months
    days = _days_for_months(months)
    threshold = _next_threshold(months)
    next_date = anniversary(start, threshold) if threshold is not None else None
    next_days = _days_for_months(threshold) if threshold is not None else None
    formula = (
        f"到職日 {fmt_date(start)}，至 {fmt_date(on)} 年資 {service.text}；"
        f"{_tier_text(months)} → 特別休假 {days} 日"
    )
    notes: list[str] = []
    if next_date is not None:
        notes.append(f"{fmt_date(next_date)} 起年資進入下一級，特別休假為 {next_days} 日。")
    notes.append("特休日期由勞工排定；年度終結或離職時未休的日數，雇主應折算工資發給。")
    return AnnualLeaveResult(
        value=days,
        unit="days",
        formula=formula,
        citations=("勞動基準法第38條", "勞動基準法施行細則第5條", "勞動基準法施行細則第24條"),
        notes=tuple(notes),
        start=start,
        on=on,
        service=service,
        tier=_tier_text(months),
        next_change_date=next_date,
        next_change_days=next_days,
    )
