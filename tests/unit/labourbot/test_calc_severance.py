"""Severance pay: 勞工退休金條例第12條第1項 (new scheme) and 勞動基準法第17條 (old scheme)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from labourbot.calc import severance_pay

D = date

# (average monthly wage, start, last day, expected NTD, clause)
NEW = [
    pytest.param(40000, D(2020, 1, 1), D(2020, 12, 31), 20000, "12-1 one full year = 1/2 month", id="1y"),
    pytest.param(40000, D(2020, 1, 1), D(2022, 12, 31), 60000, "12-1 three full years", id="3y"),
    pytest.param(40000, D(2020, 1, 1), D(2023, 6, 30), 70000, "12-1 partial year: 3.5y", id="3y6m"),
    pytest.param(36000, D(2021, 1, 1), D(2021, 1, 10), 493, "12-1 10 days: 36000x10/365/2", id="10-days"),
    pytest.param(30000, D(2020, 1, 1), D(2022, 3, 15), 33116, "12-1 2y2m15d prorated", id="2y2m15d"),
    pytest.param(40000, D(2024, 2, 29), D(2025, 2, 28), 20000, "12-1 Feb-29 start, one year", id="feb29-1y"),
    pytest.param(40000, D(2010, 1, 1), D(2021, 12, 31), 240000, "12-1 12 years = exactly the 6-month cap", id="12y-at-cap"),
    pytest.param(40000, D(2010, 1, 1), D(2022, 6, 30), 240000, "12-1 cap of 6 months", id="12.5y-capped"),
    pytest.param(40000, D(2005, 7, 1), D(2025, 6, 30), 240000, "12-1 cap of 6 months, 20 years", id="20y-capped"),
]


@pytest.mark.parametrize(("wage", "start", "end", "expected", "clause"), NEW)
def test_new_scheme(wage: int, start: date, end: date, expected: int, clause: str) -> None:
    result = severance_pay(wage, start, end, "new")
    assert result.value == expected, clause
    assert result.unit == "NTD"
    assert result.citations[0] == "勞工退休金條例第12條"
    assert result.base_months <= 6


def test_new_scheme_cap_flag() -> None:
    at_cap = severance_pay(40000, D(2010, 1, 1), D(2021, 12, 31))
    assert at_cap.base_months == 6 and not at_cap.capped
    over = severance_pay(40000, D(2010, 1, 1), D(2022, 6, 30))
    assert over.capped and over.uncapped_months == Fraction(25, 4)


# (average monthly wage, start, last day, expected NTD, clause)
OLD = [
    pytest.param(40000, D(2020, 1, 1), D(2020, 12, 31), 40000, "17-1-1 one month per full year", id="1y"),
    pytest.param(40000, D(2020, 1, 1), D(2023, 6, 30), 140000, "17-1-2 remaining 6 months prorated", id="3y6m"),
    pytest.param(40000, D(2020, 1, 1), D(2023, 7, 5), 143333, "17-1-2 5 days count as a month: 3+7/12", id="3y6m5d"),
    pytest.param(36000, D(2021, 1, 1), D(2021, 1, 10), 3000, "17-1-2 under a month counts as one: 1/12", id="10-days"),
    pytest.param(30000, D(2020, 1, 1), D(2022, 11, 15), 87500, "17-1-2 2y10m15d -> 2+11/12", id="2y10m15d"),
    pytest.param(30000, D(2020, 1, 1), D(2022, 12, 15), 90000, "17-1-2 2y11m15d -> 3 months' worth", id="2y11m15d"),
    pytest.param(40000, D(2000, 1, 1), D(2019, 12, 31), 800000, "17-1-1 no cap: 20 years", id="20y-no-cap"),
]


@pytest.mark.parametrize(("wage", "start", "end", "expected", "clause"), OLD)
def test_old_scheme(wage: int, start: date, end: date, expected: int, clause: str) -> None:
    result = severance_pay(wage, start, end, "old")
    assert result.value == expected, clause
    assert result.citations[0] == "勞動基準法第17條"
    assert not result.capped


def test_pre_2005_note_under_new_scheme() -> None:
    result = severance_pay(40000, D(2003, 1, 1), D(2006, 1, 1))
    assert any("2005年7月1日" in n for n in result.notes)


@pytest.mark.parametrize(
    ("wage", "start", "end", "scheme"),
    [
        pytest.param(0, D(2020, 1, 1), D(2021, 1, 1), "new", id="zero-wage"),
        pytest.param(30000, D(2021, 1, 1), D(2020, 1, 1), "new", id="end-before-start"),
        pytest.param(30000, D(2020, 1, 1), D(2021, 1, 1), "mixed", id="bad-scheme"),
    ],
)
def test_severance_rejects(wage: int, start: date, end: date, scheme: str) -> None:
    with pytest.raises(ValueError):
        severance_pay(wage, start, end, scheme)  # type: ignore[arg-type]
