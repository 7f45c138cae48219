"""Maternity and miscarriage leave (勞動基準法第50條; 性別平等工作法第15條, 施行細則第6條)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from labourbot.calc import maternity_leave, miscarriage_leave

D = date

# (leave start, birth, expected last day, clause)
DATES = [
    pytest.param(D(2025, 3, 1), D(2025, 3, 10), D(2025, 4, 25), "50-1 8 weeks = 56 calendar days", id="2025-03"),
    pytest.param(D(2024, 2, 1), D(2024, 2, 1), D(2024, 3, 27), "細則6 consecutive days over Feb 29", id="leap-feb"),
    pytest.param(D(2025, 12, 20), D(2026, 1, 5), D(2026, 2, 13), "細則6 across a new year", id="new-year"),
]


@pytest.mark.parametrize(("start", "birth", "end", "clause"), DATES)
def test_maternity_dates(start: date, birth: date, end: date, clause: str) -> None:
    result = maternity_leave(start, birth)
    assert result.value == 56 and result.unit == "days"
    assert result.end == end, clause
    assert result.pay is None and result.full_pay is None
    assert "勞動基準法第50條" in result.citations


# (monthly wage, hire date, leave start, expected pay, full pay?, clause)
PAY = [
    pytest.param(36000, D(2020, 1, 1), D(2025, 3, 1), 67200, True, "50-2 full pay: 36000/30x56", id="full"),
    pytest.param(36000, D(2024, 9, 1), D(2025, 3, 1), 67200, True, "50-2 exactly 6 months: full", id="exactly-6m"),
    pytest.param(36000, D(2024, 9, 2), D(2025, 3, 1), 33600, False, "50-2 one day short: half", id="6m-minus-1d"),
    pytest.param(28590, D(2020, 1, 1), D(2025, 3, 1), 53368, True, "50-2 28590/30x56", id="28590"),
    pytest.param(29500, D(2020, 1, 1), D(2026, 3, 1), 55067, True, "50-2 55066.67 rounded", id="29500"),
]


@pytest.mark.parametrize(("wage", "hired", "start", "expected", "full", "clause"), PAY)
def test_maternity_pay(wage: int, hired: date, start: date, expected: int, full: bool, clause: str) -> None:
    result = maternity_leave(start, start, monthly_wage=wage, hire_date=hired)
    assert result.pay == expected, clause
    assert result.full_pay is full


def test_maternity_pay_without_hire_date_assumes_full_and_says_so() -> None:
    result = maternity_leave(D(2025, 3, 1), D(2025, 3, 1), monthly_wage=36000)
    assert result.pay == 67200 and result.full_pay is True
    assert any("未提供到職日" in n for n in result.notes)


def test_birth_after_leave_rejected() -> None:
    with pytest.raises(ValueError, match="分娩日"):
        maternity_leave(D(2025, 1, 1), D(2025, 3, 1))


def test_start_after_birth_noted() -> None:
    result = maternity_leave(D(2025, 3, 2), D(2025, 3, 1))
    assert result.days_before_birth == -1 and result.notes


# (pregnancy months, expected days, clause)
MISCARRIAGE = [
    pytest.param(Decimal("0.5"), 5, "性平15-1 under 2 months: 5 days", id="0.5m"),
    pytest.param(Decimal("1.9"), 5, "性平15-1 under 2 months: 5 days", id="1.9m"),
    pytest.param(2, 7, "性平15-1 2 months: 1 week", id="2m"),
    pytest.param(Decimal("2.99"), 7, "性平15-1 under 3 months: 1 week", id="2.99m"),
    pytest.param(3, 28, "性平15-1 / 勞基50-1 3 months: 4 weeks", id="3m"),
    pytest.param(5, 28, "性平15-1 / 勞基50-1 over 3 months: 4 weeks", id="5m"),
]


@pytest.mark.parametrize(("months", "expected", "clause"), MISCARRIAGE)
def test_miscarriage_leave(months: Decimal, expected: int, clause: str) -> None:
    result = miscarriage_leave(months)
    assert result.value == expected, clause
    assert result.citations[0] == "性別平等工作法第15條"


def test_miscarriage_leave_end_date() -> None:
    assert miscarriage_leave(3, D(2025, 1, 1)).end == D(2025, 1, 28)
    assert miscarriage_leave(1, D(2025, 1, 1)).end == D(2025, 1, 5)
