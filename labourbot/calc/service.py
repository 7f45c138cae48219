"""Length of service (工作年資) on calendar dates.

Service counts from the day of hiring, that day included (勞動基準法施行細則第5條). Whole months and
years are counted by anniversaries in the way 民法第121條第2項 ends periods of months or years:
a period that starts on day *d* is complete at the end of the day before day *d* of the target month;
if the target month has no day *d* (a 29 February start in a common year, a 31st start in a
30-day month), the period is complete at the end of that month. So the anniversary (the first day
on which *n* whole months are complete) is day *d* of the target month, or the 1st of the following
month when day *d* does not exist. A worker hired on 2024-02-29 therefore completes one year at the
end of 2025-02-28 and has one full year of service on 2025-03-01.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from ._common import to_date


def anniversary(start: date, months: int) -> date:
    """The first day on which ``months`` whole months of service since ``start`` are complete."""
    if months < 0:
        raise ValueError("月數不可為負數")
    extra_years, month0 = divmod(start.month - 1 + months, 12)
    year, month = start.year + extra_years, month0 + 1
    try:
        return date(year, month, start.day)
    except ValueError:
        # No corresponding day in the target month: the period ends on the month's last day.
        return date(year + month // 12, month % 12 + 1, 1)


@dataclass(frozen=True)
class ServiceLength:
    """Whole years, remaining whole months and remaining days of service."""

    years: int
    months: int
    days: int

    @property
    def total_months(self) -> int:
        """Whole months of service (years * 12 + months)."""
        return self.years * 12 + self.months

    @property
    def text(self) -> str:
        """zh-TW text such as ``"3年2個月5天"`` (zero parts are left out; ``"0天"`` when empty)."""
        parts = []
        if self.years:
            parts.append(f"{self.years}年")
        if self.months:
            parts.append(f"{self.months}個月")
        if self.days or not parts:
            parts.append(f"{self.days}天")
        return "".join(parts)

    def fraction_of_years(self, days_per_year: int = 365) -> Fraction:
        """Years as an exact fraction: years + months/12 + days/days_per_year."""
        return self.years + Fraction(self.months, 12) + Fraction(self.days, days_per_year)

    def _json_extra(self) -> dict[str, object]:
        return {"total_months": self.total_months, "text": self.text}


def service_length(start: date, end: date, *, end_inclusive: bool = True) -> ServiceLength:
    """Service from ``start`` (hire date, counted) to ``end``.

    With ``end_inclusive=True`` ``end`` is the last day worked (that day counts); with ``False`` the
    length is the service completed before ``end`` begins (used for "on date X" questions, so that
    the anniversary day itself already counts as complete).

    Implements the counting rule of 勞動基準法施行細則第5條 (service counts from the hiring day),
    with months and years ended as in 民法第121條第2項 (see the module docstring).
    """
    start = to_date(start, "到職日")
    end = to_date(end, "結束日")
    stop = end + timedelta(days=1) if end_inclusive else end
    if stop < start:
        raise ValueError("結束日不可早於到職日")
    months = max(0, (stop.year - start.year) * 12 + (stop.month - start.month))
    while months > 0 and anniversary(start, months) > stop:
        months -= 1
    while anniversary(start, months + 1) <= stop:
        months += 1
    days = (stop - anniversary(start, months)).days
    return ServiceLength(years=months // 12, months=months % 12, days=days)
