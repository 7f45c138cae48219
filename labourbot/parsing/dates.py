"""Parse dates written in 民國 (ROC) or western form, and simple relative dates.

Accepted forms (full-width characters are fine, numbers may be Chinese numerals):

- ROC: "113年3月1日", "民國113年3月1日", "113/3/1", "113-3-1", "113.3.1", "1130301" (7 digits)
- western: "2024/3/1", "2024-03-01", "2024.3.1", "2024年3月1日", "西元2024年3月1日", "20240301"
- month only: "113年3月", "2024年3月" (the 1st of that month)
- relative to ``today``: "今天", "昨天", "前天", "明天", "後天", "去年三月", "今年5月10日",
  "上個月5號", "這個月10日", "下個月", "3月5日" (this year), "三年前", "6個月前", "10天前", "2週後"

A year below 1000 is a 民國 year (+1911); four digits are a western year. Answers that only name
a month resolve to its 1st day.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from .amounts import NUMERAL_CHARS, normalize, parse_int

_NUM = r"([0-9" + NUMERAL_CHARS + r"]+)"
_DAY_MARK = r"(?:日|號|号)?"
MIN_YEAR, MAX_YEAR = 1912, 2200

_FORMAT_HINT = "請用例如 2024-03-01、113/3/1 或 113年3月1日"

_RELATIVE_DAYS = {"今天": 0, "今日": 0, "本日": 0, "昨天": -1, "昨日": -1, "前天": -2, "明天": 1, "明日": 1, "後天": 2}
_RELATIVE_YEARS = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "後年": 2}
_RELATIVE_MONTHS = {
    "上上個月": -2, "上上月": -2, "上個月": -1, "上月": -1, "這個月": 0, "這月": 0, "本月": 0,
    "下個月": 1, "下月": 1, "下下個月": 2,
}

_YMD_CHINESE = re.compile(r"^(?:民國|西元|公元)?" + _NUM + r"年" + _NUM + r"月(?:" + _NUM + _DAY_MARK + r")?$")
_YMD_SEPARATED = re.compile(r"^(\d{1,4})([/\-.])(\d{1,2})\2(\d{1,2})$")
_COMPACT = re.compile(r"^(\d{7,8})$")
_REL_YEAR = re.compile(r"^(" + "|".join(_RELATIVE_YEARS) + r")" + _NUM + r"月(?:" + _NUM + _DAY_MARK + r")?$")
_REL_MONTH = re.compile(r"^(" + "|".join(sorted(_RELATIVE_MONTHS, key=len, reverse=True)) + r")(?:" + _NUM + _DAY_MARK + r")?$")
_MONTH_DAY = re.compile(r"^" + _NUM + r"月" + _NUM + _DAY_MARK + r"$")
_OFFSET = re.compile(r"^" + _NUM + r"(年|個月|月|週|周|個星期|星期|天|日)(前|後|以前|以後|之前|之後)$")


def _year(value: int) -> int:
    year = value + 1911 if value < 1000 else value
    if value <= 0 or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"年份 {value} 超出可接受範圍（民國1年至{MAX_YEAR}年）")
    return year


def _make(year: int, month: int, day: int, original: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"日期不存在：「{original}」（{year}年{month}月{day}日）") from None


def shift_months(d: date, months: int) -> date:
    """Move ``d`` by whole calendar months, clamping the day to the target month's length."""
    years, month0 = divmod(d.month - 1 + months, 12)
    year, month = d.year + years, month0 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def format_roc_date(d: date) -> str:
    """``date(2024, 3, 1)`` -> ``"113年3月1日"`` (民國 form; years from 1912)."""
    if d.year < MIN_YEAR:
        raise ValueError("民國紀年從1912年開始")
    return f"{d.year - 1911}年{d.month}月{d.day}日"


def parse_date(text: str, today: date | None = None) -> date:
    """Parse a date in the forms listed in the module docstring.

    ``today`` anchors relative expressions and month-day forms without a year; it defaults to
    the current date. Raises ValueError with a zh-TW message when the text is not a valid date.
    """
    if not isinstance(text, str):
        raise ValueError("日期必須是文字")
    original = text.strip()
    s = normalize(original)
    if not s:
        raise ValueError(f"沒有輸入日期，{_FORMAT_HINT}")
    base = today if today is not None else date.today()

    if s in _RELATIVE_DAYS:
        return base + timedelta(days=_RELATIVE_DAYS[s])

    m = _YMD_SEPARATED.match(s)
    if m:
        return _make(_year(int(m.group(1))), int(m.group(3)), int(m.group(4)), original)

    m = _COMPACT.match(s)
    if m:
        digits = m.group(1)
        year_digits = len(digits) - 4
        return _make(_year(int(digits[:year_digits])), int(digits[-4:-2]), int(digits[-2:]), original)

    try:
        m = _YMD_CHINESE.match(s)
        if m:
            day = parse_int(m.group(3)) if m.group(3) else 1
            return _make(_year(parse_int(m.group(1))), parse_int(m.group(2)), day, original)

        m = _REL_YEAR.match(s)
        if m:
            day = parse_int(m.group(3)) if m.group(3) else 1
            return _make(base.year + _RELATIVE_YEARS[m.group(1)], parse_int(m.group(2)), day, original)

        m = _REL_MONTH.match(s)
        if m:
            first = shift_months(base.replace(day=1), _RELATIVE_MONTHS[m.group(1)])
            day = parse_int(m.group(2)) if m.group(2) else 1
            return _make(first.year, first.month, day, original)

        m = _MONTH_DAY.match(s)
        if m:
            return _make(base.year, parse_int(m.group(1)), parse_int(m.group(2)), original)

        m = _OFFSET.match(s)
        if m:
            n = parse_int(m.group(1))
            sign = -1 if "前" in m.group(3) else 1
            unit = m.group(2)
            if unit == "年":
                return shift_months(base, sign * 12 * n)
            if unit in ("個月", "月"):
                return shift_months(base, sign * n)
            if unit in ("週", "周", "個星期", "星期"):
                return base + timedelta(days=sign * 7 * n)
            return base + timedelta(days=sign * n)
    except ValueError as exc:
        if str(exc).startswith(("日期不存在", "年份")):
            raise
        raise ValueError(f"無法辨識的日期「{original}」，{_FORMAT_HINT}") from None
    except OverflowError:
        raise ValueError(f"日期超出範圍：「{original}」") from None

    raise ValueError(f"無法辨識的日期「{original}」，{_FORMAT_HINT}")
