"""Parse lengths of time: service durations ("三年兩個月") and working hours ("10.5小時").

Durations: "三年兩個月", "3年2個月", "半年", "一年半", "18個月", "2.5年", "3年2個月10天", "兩週".
Fractional years must come to whole months ("2.5年" = 30 months; "1.3年" is rejected). Months
are carried into years ("18個月" = 1 year 6 months); days are kept as days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from .amounts import NUMERAL_CHARS, normalize, parse_number

# A number begins where its run of digits or numerals begins (a lookbehind: begun anywhere inside a
# long run, a scan would retry the whole run from each of its characters).
_NUM = r"((?<![0-9.])[0-9.]+|(?<![" + NUMERAL_CHARS + r"])[" + NUMERAL_CHARS + r"]+)"
_PART = re.compile(
    r"半年|半小時|" + _NUM + r"(年半|年|個半月|個月|月|週|周|個星期|星期|天|日|個半小時|個小時|小時|鐘頭|個鐘頭|hr|h|分鐘|分)"
)
_PREFIX = re.compile(r"^(?:年資|工作了|工作|做了|已經|大約|約|共|總共)+")
# The lookbehinds begin the trailing words at the first of them, not again at each one of a long run.
_SUFFIX = re.compile(r"(?<!左右)(?<!多)(?<!了)(?:左右|多|了)+$")
_JOINERS = re.compile(r"[又和加,，、]|(?<=[年月週周期天日時分])零(?=[0-9一二三四五六七八九兩两十壹貳參肆伍陸柒捌玖拾])")


@dataclass(frozen=True)
class Duration:
    """A length of service: whole years, remaining whole months, and days."""

    years: int
    months: int
    days: int = 0

    @property
    def total_months(self) -> int:
        """Whole months (years * 12 + months)."""
        return self.years * 12 + self.months

    @property
    def text(self) -> str:
        """zh-TW text such as "3年2個月"."""
        parts = [f"{self.years}年" if self.years else "", f"{self.months}個月" if self.months else ""]
        if self.days or not any(parts):
            parts.append(f"{self.days}天")
        return "".join(parts)

    def end_date(self, start: date) -> date:
        """The first day on which this much service since ``start`` is complete (anniversary rule)."""
        from datetime import timedelta

        from labourbot.calc.service import anniversary

        return anniversary(start, self.total_months) + timedelta(days=self.days)

    def start_date(self, end: date, *, end_inclusive: bool = True) -> date:
        """The hire date that gives exactly this much service up to ``end``.

        People state their service ("做了三年兩個月") rather than their hire date; the calculators
        count service from dates, so this inverts :func:`labourbot.calc.service.service_length`
        (``end_inclusive`` as there). Month lengths can make an exact inverse impossible (no hire
        date gives exactly "1 month 0 days" to 31 March); then the nearest candidate is returned.
        """
        from datetime import timedelta

        from labourbot.calc.service import service_length

        from .dates import shift_months

        stop = end + timedelta(days=1) if end_inclusive else end
        guess = shift_months(stop, -self.total_months) - timedelta(days=self.days)
        for delta in (0, 1, -1, 2, -2, 3, -3):
            candidate = guess + timedelta(days=delta)
            if candidate > stop:
                continue
            got = service_length(candidate, end, end_inclusive=end_inclusive)
            if (got.years, got.months, got.days) == (self.years, self.months, self.days):
                return candidate
        return guess


def _tokens(text: str) -> list[tuple[str | None, str]]:
    """Split into (number, unit) pairs; raises when anything is left over."""
    s = normalize(text)
    s = _SUFFIX.sub("", _PREFIX.sub("", s))
    s = _JOINERS.sub("", s)
    out: list[tuple[str | None, str]] = []
    pos = 0
    while pos < len(s):
        m = _PART.match(s, pos)
        if not m:
            raise ValueError
        if m.group(0) in ("半年", "半小時"):
            out.append((None, m.group(0)))
        else:
            out.append((m.group(1), m.group(2)))
        pos = m.end()
    if not out:
        raise ValueError
    return out


def _number(raw: str) -> Fraction:
    return Fraction(parse_number(raw))


def parse_duration(text: str) -> Duration:
    """Parse a service length such as "三年兩個月" into a :class:`Duration`."""
    original = text
    hint = f"無法辨識的期間「{original}」，請輸入例如 3年2個月、三年兩個月、18個月 或 2.5年"
    try:
        pairs = _tokens(text)
    except ValueError:
        raise ValueError(hint) from None
    months = Fraction(0)
    days = Fraction(0)
    seen: set[str] = set()
    for raw, unit in pairs:
        kind = {"年半": "y", "年": "y", "半年": "y", "個半月": "m", "個月": "m", "月": "m", "天": "d", "日": "d"}.get(
            unit, "w" if unit in ("週", "周", "個星期", "星期") else "x"
        )
        if kind == "x" or kind in seen:
            raise ValueError(hint)
        seen.add(kind)
        try:
            n = _number(raw) if raw is not None else Fraction(0)
        except ValueError:
            raise ValueError(hint) from None
        if unit == "半年":
            months += 6
        elif unit == "年半":
            months += n * 12 + 6
        elif kind == "y":
            months += n * 12
        elif unit == "個半月":
            months += n + Fraction(1, 2)
        elif kind == "m":
            months += n
        elif kind == "w":
            days += n * 7
        else:
            days += n
    if months.denominator != 1:
        raise ValueError(f"期間「{original}」無法換算成整數個月，請改用例如「1年4個月」的寫法")
    if days.denominator != 1:
        raise ValueError(f"期間「{original}」的天數必須是整數")
    total = int(months)
    return Duration(years=total // 12, months=total % 12, days=int(days))


def parse_hours(text: str) -> Fraction:
    """Parse working hours: "10", "10.5", "十小時", "9個半小時", "8小時30分", "半小時" -> Fraction."""
    original = text
    hint = f"無法辨識的時數「{original}」，請輸入例如 10、10.5 或 十小時"
    s = normalize(text)
    try:
        return Fraction(parse_number(s))
    except ValueError:
        pass
    try:
        pairs = _tokens(s)
    except ValueError:
        raise ValueError(hint) from None
    total = Fraction(0)
    seen: set[str] = set()
    for raw, unit in pairs:
        kind = "min" if unit in ("分鐘", "分") else "h"
        if unit in ("年半", "年", "半年", "個半月", "個月", "月", "週", "周", "個星期", "星期", "天", "日") or kind in seen:
            raise ValueError(hint)
        seen.add(kind)
        try:
            n = _number(raw) if raw is not None else Fraction(0)
        except ValueError:
            raise ValueError(hint) from None
        if unit == "半小時":
            total += Fraction(1, 2)
        elif unit == "個半小時":
            total += n + Fraction(1, 2)
        elif kind == "min":
            total += n / 60
        else:
            total += n
    return total
