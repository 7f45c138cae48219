"""Pure parsers for user-typed dates, money amounts and durations (zh-TW ValueError messages)."""

from __future__ import annotations

from .amounts import Wage, format_chinese_number, parse_amount, parse_int, parse_number, parse_wage
from .dates import format_roc_date, parse_date, shift_months
from .durations import Duration, parse_duration, parse_hours

__all__ = [
    "Duration",
    "Wage",
    "format_chinese_number",
    "format_roc_date",
    "parse_amount",
    "parse_date",
    "parse_duration",
    "parse_hours",
    "parse_int",
    "parse_number",
    "parse_wage",
    "shift_months",
]
