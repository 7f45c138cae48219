"""Overtime pay for one day (勞動基準法第24、32、36、39、40條) and the monthly cap (第32條第2項)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from labourbot.calc import hourly_wage_from_monthly, monthly_overtime_check, overtime_pay, round_half_up

# (hourly wage, hours worked that day, day type, expected NTD, article/clause)
CASES = [
    pytest.param(200, 6, "weekday", 0, "24-1 within normal hours", id="weekday-6h"),
    pytest.param(200, 8, "weekday", 0, "24-1 exactly 8 normal hours", id="weekday-8h"),
    pytest.param(200, 9, "weekday", 267, "24-1-1 1h at 1+1/3 (266.67)", id="weekday-9h"),
    pytest.param(200, 10, "weekday", 533, "24-1-1 2h at 1+1/3 (533.33)", id="weekday-10h"),
    pytest.param(200, Decimal("10.5"), "weekday", 700, "24-1-2 0.5h beyond 2h at 1+2/3", id="weekday-10.5h"),
    pytest.param(200, 11, "weekday", 867, "24-1-2 beyond 2h: 533.33+333.33", id="weekday-11h"),
    pytest.param(200, 12, "weekday", 1200, "24-1-2 + 32-2 12h day: 533.33+666.67", id="weekday-12h"),
    pytest.param(190, 12, "weekday", 1140, "24-1 190x(8/3+10/3)", id="weekday-12h-190"),
    pytest.param(200, 0, "rest-day", 0, "24-2 nothing worked", id="rest-0h"),
    pytest.param(200, 1, "rest-day", 267, "24-2 first 2h at 1+1/3, actual hours (no 4h block)", id="rest-1h"),
    pytest.param(200, 2, "rest-day", 533, "24-2 first 2h", id="rest-2h"),
    pytest.param(200, 3, "rest-day", 867, "24-2 3rd hour at 1+2/3", id="rest-3h"),
    pytest.param(190, 4, "rest-day", 1140, "24-2 190x(8/3+10/3)", id="rest-4h-190"),
    pytest.param(200, 8, "rest-day", 2533, "24-2 2h + 6h", id="rest-8h"),
    pytest.param(200, 9, "rest-day", 2867, "24-2 9th hour still 1+2/3", id="rest-9h"),
    pytest.param(200, 12, "rest-day", 3867, "24-2 + 32-2 max 12h", id="rest-12h"),
    pytest.param(196, 12, "rest-day", 3789, "24-2 196x(8/3+50/3) = 3789.33", id="rest-12h-196"),
    pytest.param(200, 0, "holiday", 0, "39 nothing worked", id="holiday-0h"),
    pytest.param(200, 1, "holiday", 1600, "39 any work within 8h: one extra day", id="holiday-1h"),
    pytest.param(200, 8, "holiday", 1600, "39 8h: one extra day", id="holiday-8h"),
    pytest.param(200, 9, "holiday", 1867, "39 + 24-1-1 9th hour", id="holiday-9h"),
    pytest.param(200, 12, "holiday", 2800, "39 + 24-1-1/2 up to 12h", id="holiday-12h"),
    pytest.param(200, 0, "regular-day-off", 0, "40 nothing worked", id="dayoff-0h"),
    pytest.param(200, 4, "regular-day-off", 1600, "40 one extra day's wage", id="dayoff-4h"),
    pytest.param(200, 10, "regular-day-off", 2400, "40 + 24-1-3 beyond 8h doubled", id="dayoff-10h"),
]


@pytest.mark.parametrize(("wage", "hours", "day", "expected", "clause"), CASES)
def test_overtime_pay(wage: int, hours: int, day: str, expected: int, clause: str) -> None:
    result = overtime_pay(wage, hours, day)  # type: ignore[arg-type]
    assert result.value == expected, clause
    assert result.unit == "NTD"
    assert "勞動基準法第24條" in result.citations
    assert sum(s.amount for s in result.segments) == result.exact_amount
    assert result.value == round_half_up(result.exact_amount)


# (wage, hours, day, article/clause)
REJECTED = [
    pytest.param(200, Decimal("12.5"), "weekday", "32-2 more than 4h overtime on a weekday", id="weekday-12.5h"),
    pytest.param(200, 13, "weekday", "32-2 13h day", id="weekday-13h"),
    pytest.param(200, 13, "rest-day", "32-2 rest day over 12h", id="rest-13h"),
    pytest.param(200, 13, "holiday", "32-2 holiday over 12h", id="holiday-13h"),
    pytest.param(200, 25, "regular-day-off", "40 more than one day", id="dayoff-25h"),
    pytest.param(200, -1, "weekday", "negative hours", id="negative"),
    pytest.param(0, 9, "weekday", "zero wage", id="zero-wage"),
    pytest.param(200, 9, "sunday", "unknown day type", id="bad-day"),
]


@pytest.mark.parametrize(("wage", "hours", "day", "clause"), REJECTED)
def test_overtime_rejected(wage: int, hours: int, day: str, clause: str) -> None:
    with pytest.raises(ValueError):
        overtime_pay(wage, hours, day)  # type: ignore[arg-type]


def test_weekday_segments_and_extended_hours() -> None:
    result = overtime_pay(200, 11, "weekday")
    assert [(s.hours, s.rate) for s in result.segments] == [(2, Fraction(4, 3)), (1, Fraction(5, 3))]
    assert result.extended_hours == 3
    assert result.exact_amount == Fraction(2600, 3)


def test_rest_day_all_hours_are_extended() -> None:
    # 施行細則第20條之1 / 第36條第3項
    assert overtime_pay(200, 5, "rest-day").extended_hours == 5


def test_regular_day_off_gives_compensatory_rest() -> None:
    result = overtime_pay(200, 4, "regular-day-off")
    assert result.compensatory_rest_days == 1
    assert "勞動基準法第40條" in result.citations


def test_half_up_rounding() -> None:
    # 190.0625 x 8 = 1520.5 -> 1521 (half-up, not banker's rounding)
    assert overtime_pay(Decimal("190.0625"), 3, "holiday").value == 1521
    assert round_half_up(Fraction(5, 2)) == 3
    assert round_half_up(Fraction(7, 2)) == 4
    assert round_half_up(Fraction(249, 100)) == 2


def test_hourly_from_monthly() -> None:
    assert hourly_wage_from_monthly(48000) == 200
    assert overtime_pay(hourly_wage_from_monthly(48000), 10, "weekday").value == 533


# (month hours, agreement, three-month hours, within cap, article/clause)
CAP_CASES = [
    pytest.param(46, False, None, True, "32-2 46h normal cap", id="46-ok"),
    pytest.param(Decimal("46.5"), False, None, False, "32-2 over 46h", id="46.5-over"),
    pytest.param(54, False, None, False, "32-2 54h needs agreement", id="54-no-agreement"),
    pytest.param(54, True, None, True, "32-2 proviso 54h with agreement", id="54-agreement"),
    pytest.param(55, True, None, False, "32-2 proviso over 54h", id="55-agreement"),
    pytest.param(50, True, 138, True, "32-2 proviso 138h per 3 months", id="138-ok"),
    pytest.param(50, True, 139, False, "32-2 proviso over 138h", id="139-over"),
]


@pytest.mark.parametrize(("month", "agreement", "three", "expected", "clause"), CAP_CASES)
def test_monthly_cap(month: int, agreement: bool, three: int | None, expected: bool, clause: str) -> None:
    result = monthly_overtime_check(month, with_agreement=agreement, three_month_hours=three)
    assert result.value is expected, clause
    assert result.unit is None
    assert result.monthly_cap == (54 if agreement else 46)


def test_monthly_cap_excess() -> None:
    result = monthly_overtime_check(47)
    assert result.monthly_excess == 1
    with pytest.raises(ValueError):
        monthly_overtime_check(50, with_agreement=True, three_month_hours=40)


# Hourly-paid workers (wage_basis="hourly"): (hourly wage, hours, day type, expected NTD, article/clause)
HOURLY_CASES = [
    pytest.param(200, 10, "weekday", 533, "24-1-1 same as monthly: 2h at 1+1/3", id="hourly-weekday-10h"),
    pytest.param(200, 12, "weekday", 1200, "24-1-1/2 same as monthly", id="hourly-weekday-12h"),
    pytest.param(200, 3, "rest-day", 867, "24-2 same amounts; 39 rest-day wage already in the hourly rate", id="hourly-rest-3h"),
    pytest.param(190, 4, "rest-day", 1140, "24-2 190x(8/3+10/3)", id="hourly-rest-4h-190"),
    pytest.param(200, 5, "holiday", 2000, "39 加倍發給 by actual hours: 200x2x5 (not one extra day)", id="hourly-holiday-5h"),
    pytest.param(196, 8, "holiday", 3136, "39 196x2x8", id="hourly-holiday-8h"),
    pytest.param(200, 10, "holiday", 3733, "39 8h doubled + 24-1-1 2h at 1+1/3: 3200+533.33", id="hourly-holiday-10h"),
    pytest.param(200, 0, "holiday", 0, "39 nothing worked, nothing owed for work", id="hourly-holiday-0h"),
    pytest.param(200, 4, "regular-day-off", 1600, "40 加倍發給 by actual hours: 200x2x4", id="hourly-dayoff-4h"),
    pytest.param(200, 10, "regular-day-off", 4000, "40 + 24-1-3: every hour doubled", id="hourly-dayoff-10h"),
]


@pytest.mark.parametrize(("wage", "hours", "day", "expected", "clause"), HOURLY_CASES)
def test_overtime_pay_hourly(wage: int, hours: int, day: str, expected: int, clause: str) -> None:
    result = overtime_pay(wage, hours, day, wage_basis="hourly")  # type: ignore[arg-type]
    assert result.value == expected, clause
    assert result.wage_basis == "hourly"
    assert result.value == round_half_up(result.exact_amount)


@pytest.mark.parametrize("day", ["rest-day", "holiday", "regular-day-off"])
def test_the_result_says_which_rule_it_applied(day: str) -> None:
    # 第39條: the day's own wage is in a monthly wage; the labour authorities read the hourly minimum
    # wage as including the rest day's and day off's, not the holiday's.
    monthly = overtime_pay(200, 5, day)  # type: ignore[arg-type]
    hourly = overtime_pay(200, 5, day, wage_basis="hourly")  # type: ignore[arg-type]
    assert monthly.notes[0].startswith("依月薪制計算")
    assert hourly.notes[0].startswith("依時薪制計算")


def test_hourly_and_monthly_differ_only_on_holidays_and_days_off() -> None:
    # 第24條 rates are the same for both; 第39條/第40條 "加倍發給" is one extra day for a monthly wage
    # (any work within 8 hours) but the hours actually worked, doubled, for an hourly wage.
    for hours in (1, 3, 8, 10, 12):
        for day in ("weekday", "rest-day"):
            assert overtime_pay(200, hours, day).value == overtime_pay(200, hours, day, wage_basis="hourly").value
    assert overtime_pay(200, 3, "holiday").value == 1600  # 第39條, monthly: one extra day (8 h)
    assert overtime_pay(200, 3, "holiday", wage_basis="hourly").value == 1200  # 第39條, hourly: 200x2x3
    assert overtime_pay(200, 3, "regular-day-off", wage_basis="hourly").compensatory_rest_days == 1  # 第40條 補假


def test_unknown_wage_basis_is_rejected() -> None:
    with pytest.raises(ValueError):
        overtime_pay(200, 9, "weekday", wage_basis="daily")  # type: ignore[arg-type]
