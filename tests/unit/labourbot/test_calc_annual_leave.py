"""Annual leave days (勞動基準法第38條第1項) and service length on calendar dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labourbot.calc import annual_leave_days, anniversary, service_length

D = date

# (start, on, expected days, clause checked)
CASES = [
    pytest.param(D(2024, 1, 1), D(2024, 1, 1), 0, "38-1 below 6 months (day one)", id="first-day"),
    pytest.param(D(2024, 1, 1), D(2024, 6, 30), 0, "38-1 below 6 months", id="6m-minus-1d"),
    pytest.param(D(2024, 1, 1), D(2024, 7, 1), 3, "38-1-1 exactly 6 months", id="exactly-6m"),
    pytest.param(D(2024, 1, 1), D(2024, 12, 31), 3, "38-1-1 under 1 year", id="1y-minus-1d"),
    pytest.param(D(2024, 1, 1), D(2025, 1, 1), 7, "38-1-2 exactly 1 year", id="exactly-1y"),
    pytest.param(D(2024, 1, 1), D(2025, 12, 31), 7, "38-1-2 under 2 years", id="2y-minus-1d"),
    pytest.param(D(2024, 1, 1), D(2026, 1, 1), 10, "38-1-3 exactly 2 years", id="exactly-2y"),
    pytest.param(D(2024, 1, 1), D(2027, 1, 1), 14, "38-1-4 exactly 3 years", id="exactly-3y"),
    pytest.param(D(2024, 1, 1), D(2028, 12, 31), 14, "38-1-4 under 5 years", id="5y-minus-1d"),
    pytest.param(D(2024, 1, 1), D(2029, 1, 1), 15, "38-1-5 exactly 5 years", id="exactly-5y"),
    pytest.param(D(2024, 1, 1), D(2033, 12, 31), 15, "38-1-5 under 10 years", id="10y-minus-1d"),
    pytest.param(D(2024, 1, 1), D(2034, 1, 1), 16, "38-1-6 exactly 10 years: 15+1", id="exactly-10y"),
    pytest.param(D(2024, 1, 1), D(2035, 1, 1), 17, "38-1-6 11 years: 15+2", id="11y"),
    pytest.param(D(2000, 1, 1), D(2023, 1, 1), 29, "38-1-6 23 years", id="23y"),
    pytest.param(D(2000, 1, 1), D(2024, 1, 1), 30, "38-1-6 24 years reaches the 30-day cap", id="24y-cap"),
    pytest.param(D(2000, 1, 1), D(2035, 6, 1), 30, "38-1-6 35 years stays at 30", id="35y-cap"),
    pytest.param(D(2024, 2, 29), D(2024, 8, 28), 0, "38-1 Feb-29 start, day before 6 months", id="feb29-6m-minus-1d"),
    pytest.param(D(2024, 2, 29), D(2024, 8, 29), 3, "38-1-1 Feb-29 start, 6 months", id="feb29-6m"),
    pytest.param(D(2024, 2, 29), D(2025, 2, 28), 3, "38-1-1 Feb-29 start: year not complete on Feb 28", id="feb29-feb28"),
    pytest.param(D(2024, 2, 29), D(2025, 3, 1), 7, "38-1-2 Feb-29 start: 1 year on Mar 1", id="feb29-mar1"),
    pytest.param(D(2024, 2, 29), D(2028, 2, 29), 14, "38-1-4 Feb-29 start, leap anniversary", id="feb29-4y-leap"),
    pytest.param(D(2023, 8, 31), D(2024, 2, 29), 0, "38-1 31st start: no Feb 31", id="aug31-feb29"),
    pytest.param(D(2023, 8, 31), D(2024, 3, 1), 3, "38-1-1 31st start: 6 months on Mar 1", id="aug31-mar1"),
]


@pytest.mark.parametrize(("start", "on", "expected", "clause"), CASES)
def test_annual_leave_days(start: date, on: date, expected: int, clause: str) -> None:
    result = annual_leave_days(start, on)
    assert result.value == expected, clause
    assert result.unit == "days"
    assert "勞動基準法第38條" in result.citations
    assert str(expected) in result.formula


def test_service_and_next_change_reported() -> None:
    result = annual_leave_days(D(2023, 3, 1), D(2025, 6, 15))
    assert (result.service.years, result.service.months, result.service.days) == (2, 3, 14)
    assert result.next_change_date == D(2026, 3, 1)
    assert result.next_change_days == 14
    assert result.as_json()["service"] == {"years": 2, "months": 3, "days": 14, "total_months": 27, "text": "2年3個月14天"}


def test_no_next_change_after_cap() -> None:
    result = annual_leave_days(D(2000, 1, 1), D(2030, 1, 1))
    assert result.next_change_date is None and result.next_change_days is None


def test_on_before_start_rejected() -> None:
    with pytest.raises(ValueError, match="早於到職日"):
        annual_leave_days(D(2025, 1, 1), D(2024, 1, 1))


# (start, months, expected anniversary, rule)
ANNIVERSARIES = [
    pytest.param(D(2024, 2, 29), 12, D(2025, 3, 1), "no Feb 29: period ends Feb 28", id="feb29+1y"),
    pytest.param(D(2024, 2, 29), 48, D(2028, 2, 29), "leap year has the day", id="feb29+4y"),
    pytest.param(D(2024, 1, 31), 1, D(2024, 3, 1), "no Feb 31 in a leap year", id="jan31+1m-leap"),
    pytest.param(D(2023, 1, 31), 1, D(2023, 3, 1), "no Feb 31", id="jan31+1m"),
    pytest.param(D(2024, 1, 31), 2, D(2024, 3, 31), "March has 31", id="jan31+2m"),
    pytest.param(D(2024, 11, 15), 3, D(2025, 2, 15), "year rollover", id="nov15+3m"),
]


@pytest.mark.parametrize(("start", "months", "expected", "rule"), ANNIVERSARIES)
def test_anniversary(start: date, months: int, expected: date, rule: str) -> None:
    assert anniversary(start, months) == expected, rule


def test_service_length_inclusive_end() -> None:
    # 施行細則第5條: the hiring day counts, and so does the last day worked.
    s = service_length(D(2020, 1, 1), D(2022, 12, 31))
    assert (s.years, s.months, s.days) == (3, 0, 0)
    s = service_length(D(2020, 1, 1), D(2020, 1, 1))
    assert (s.years, s.months, s.days) == (0, 0, 1)


dates = st.dates(min_value=D(1950, 1, 1), max_value=D(2100, 12, 31))


@given(start=dates, offset=st.integers(min_value=0, max_value=20000))
def test_service_length_brackets_stop(start: date, offset: int) -> None:
    stop = start + timedelta(days=offset)
    s = service_length(start, stop, end_inclusive=False)
    assert anniversary(start, s.total_months) <= stop < anniversary(start, s.total_months + 1)
    assert anniversary(start, s.total_months) + timedelta(days=s.days) == stop


@given(start=dates, months=st.integers(min_value=0, max_value=600))
def test_anniversary_round_trip(start: date, months: int) -> None:
    s = service_length(start, anniversary(start, months), end_inclusive=False)
    assert (s.total_months, s.days) == (months, 0)


@given(start=dates, a=st.integers(0, 15000), b=st.integers(0, 15000))
def test_annual_leave_monotonic(start: date, a: int, b: int) -> None:
    early, late = sorted((a, b))
    first = annual_leave_days(start, start + timedelta(days=early)).value
    second = annual_leave_days(start, start + timedelta(days=late)).value
    assert first <= second <= 30
