"""Dismissal notice days (勞動基準法第16條)."""

from __future__ import annotations

from datetime import date

import pytest

from labourbot.calc import dismissal_notice_days

D = date

# (start, last day of employment, expected days, clause)
CASES = [
    pytest.param(D(2024, 1, 1), D(2024, 1, 15), 0, "16-1 under 3 months: none", id="2-weeks"),
    pytest.param(D(2024, 1, 1), D(2024, 3, 30), 0, "16-1 one day short of 3 months", id="3m-minus-1d"),
    pytest.param(D(2024, 1, 1), D(2024, 3, 31), 10, "16-1-1 exactly 3 months", id="exactly-3m"),
    pytest.param(D(2024, 1, 1), D(2024, 12, 30), 10, "16-1-1 under 1 year", id="1y-minus-1d"),
    pytest.param(D(2024, 1, 1), D(2024, 12, 31), 20, "16-1-2 exactly 1 year", id="exactly-1y"),
    pytest.param(D(2024, 1, 1), D(2026, 12, 30), 20, "16-1-2 under 3 years", id="3y-minus-1d"),
    pytest.param(D(2024, 1, 1), D(2026, 12, 31), 30, "16-1-3 exactly 3 years", id="exactly-3y"),
    pytest.param(D(2000, 1, 1), D(2025, 6, 30), 30, "16-1-3 long service", id="25y"),
]


@pytest.mark.parametrize(("start", "end", "expected", "clause"), CASES)
def test_notice_days(start: date, end: date, expected: int, clause: str) -> None:
    result = dismissal_notice_days(start, end)
    assert result.value == expected, clause
    assert result.unit == "days"
    assert result.citations == ("勞動基準法第16條",)
    assert result.pay_in_lieu is None


# (monthly wage, start, end, expected pay in lieu, clause)
PAY_CASES = [
    pytest.param(30000, D(2024, 1, 1), D(2025, 6, 30), 20000, "16-3 20 days of 30000/30", id="30000-20d"),
    pytest.param(28590, D(2024, 1, 1), D(2024, 6, 30), 9530, "16-3 10 days of 28590/30", id="28590-10d"),
    pytest.param(29500, D(2024, 1, 1), D(2024, 6, 30), 9833, "16-3 9833.33 rounded", id="29500-10d"),
    pytest.param(30000, D(2024, 1, 1), D(2024, 2, 1), 0, "16-3 no notice period", id="under-3m"),
]


@pytest.mark.parametrize(("wage", "start", "end", "expected", "clause"), PAY_CASES)
def test_notice_pay_in_lieu(wage: int, start: date, end: date, expected: int, clause: str) -> None:
    assert dismissal_notice_days(start, end, wage).pay_in_lieu == expected, clause


def test_end_before_start_rejected() -> None:
    with pytest.raises(ValueError):
        dismissal_notice_days(D(2024, 1, 2), D(2023, 12, 30))
