"""Pure parsers for user-typed dates, money amounts and durations (zh-TW ValueError messages),
and a scanner that finds all of them in one free-text message (`extract_calc_values`)."""

from __future__ import annotations

from .amounts import Wage, format_chinese_number, parse_amount, parse_int, parse_number, parse_wage
from .dates import format_roc_date, parse_date, shift_months
from .durations import Duration, parse_duration, parse_hours
from .extract import CalcValues, DayType, extract_calc_values, find_day_type, normalize_message

__all__ = [
    "CalcValues",
    "DayType",
    "Duration",
    "Wage",
    "format_chinese_number",
    "extract_calc_values",
    "find_day_type",
    "format_roc_date",
    "normalize_message",
    "parse_amount",
    "parse_date",
    "parse_duration",
    "parse_hours",
    "parse_int",
    "parse_number",
    "parse_wage",
    "shift_months",
]
