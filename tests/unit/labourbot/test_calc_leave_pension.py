"""Menstrual leave counting (性別平等工作法第14條) and the employer pension contribution (勞退條例第14條)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from labourbot.calc import employer_pension_contribution, menstrual_leave

# (days taken this year, sick days already taken, counted into sick leave, total sick, over cap, clause)
MENSTRUAL = [
    pytest.param(0, 0, 0, 0, False, "性平14-1 none taken", id="0"),
    pytest.param(3, 0, 0, 0, False, "性平14-1 first 3 days not counted", id="3"),
    pytest.param(4, 0, 1, 1, False, "性平14-1 4th day counted into sick leave", id="4"),
    pytest.param(12, 0, 9, 9, False, "性平14-1 one a month, 9 counted", id="12"),
    pytest.param(5, 28, 2, 30, False, "請假規則4-1-1 exactly at 30", id="at-30"),
    pytest.param(12, 25, 9, 34, True, "請假規則4-1-1 over 30", id="over-30"),
]


@pytest.mark.parametrize(("days", "sick", "counted", "total", "over", "clause"), MENSTRUAL)
def test_menstrual_counting(days: int, sick: int, counted: int, total: int, over: bool, clause: str) -> None:
    result = menstrual_leave(days, sick_leave_days_taken=sick)
    assert result.value == counted, clause
    assert result.not_counted_days == days - counted
    assert result.sick_leave_total == total
    assert result.exceeds_sick_leave_cap is over


# (days, daily wage, expected half pay, clause)
HALF_PAY = [
    pytest.param(5, 1000, 2500, "性平14-2 half pay for all days", id="5x1000"),
    pytest.param(3, 953, 1430, "性平14-2 1429.5 rounds half-up", id="3x953"),
]


@pytest.mark.parametrize(("days", "daily", "expected", "clause"), HALF_PAY)
def test_menstrual_half_pay(days: int, daily: int, expected: int, clause: str) -> None:
    assert menstrual_leave(days, daily_wage=daily).half_pay == expected, clause


@pytest.mark.parametrize("days", [-1, 13, True], ids=["negative", "13-days", "bool"])
def test_menstrual_rejects(days: int) -> None:
    with pytest.raises(ValueError):
        menstrual_leave(days)


# (monthly wage, rate, expected NTD, clause)
PENSION = [
    pytest.param(28590, Decimal("0.06"), 1715, "勞退14-1 6% of 28590 = 1715.4", id="28590"),
    pytest.param(29500, Decimal("0.06"), 1770, "勞退14-1 6% of 29500", id="29500"),
    pytest.param(36625, Decimal("0.06"), 2198, "勞退14-1 2197.5 rounds half-up", id="half-up"),
    pytest.param(40000, Decimal("0.07"), 2800, "勞退14-1 more than 6% allowed", id="7pct"),
]


@pytest.mark.parametrize(("wage", "rate", "expected", "clause"), PENSION)
def test_pension(wage: int, rate: Decimal, expected: int, clause: str) -> None:
    result = employer_pension_contribution(wage, rate)
    assert result.value == expected, clause
    assert result.citations == ("勞工退休金條例第14條",)


def test_pension_rate_below_6_percent_rejected() -> None:
    with pytest.raises(ValueError, match="6%"):
        employer_pension_contribution(30000, Decimal("0.05"))
