"""Pure helpers of the calculator actions: routing and answer parsing."""

from datetime import date

import pytest

from actions.calculators import format_result, parse_day_type, parse_start_date, pick_calculator, run_calculation, today
from labourbot.calc import severance_pay


@pytest.mark.parametrize("text,kind", [
    ("幫我算特休", "annual_leave"), ("加班費怎麼算出來", "overtime"), ("資遣費可以拿多少", "severance"),
    ("預告期間幾天", "notice"), ("我的時薪有沒有低於最低工資", "min_wage"), ("產假有幾天", "maternity"),
    ("幫我算一下", None),
])
def test_pick_calculator(text, kind):
    assert pick_calculator(text) == kind


@pytest.mark.parametrize("text,kind", [("休息日", "rest-day"), ("平日", "weekday"), ("國定假日", "holiday"),
                                       ("例假", "regular-day-off"), ("不知道", None)])
def test_parse_day_type(text, kind):
    assert parse_day_type(text) == kind


def test_start_date_from_a_date_or_a_length_of_service():
    assert parse_start_date("113年3月1日") == date(2024, 3, 1)
    assert parse_start_date("2024/3/1") == date(2024, 3, 1)
    assert parse_start_date("一年") is not None and parse_start_date("一年") < today()
    assert parse_start_date("很久以前") is None


def test_severance_form_uses_the_new_scheme_and_the_monthly_wage():
    slots = {"calc_start": "2020-01-01", "calc_end": "2026-01-01", "calc_wage": {"amount": "40000", "period": "monthly"}}
    result = run_calculation("severance", slots, date(2026, 11, 26))
    # 勞工退休金條例第12條第1項: half a month per year of service.
    assert result.value == severance_pay(40000, date(2020, 1, 1), date(2026, 1, 1), scheme="new").value
    assert "勞工退休金條例第12條" in result.citations


def test_severance_refuses_an_hourly_wage():
    slots = {"calc_start": "2020-01-01", "calc_end": "2026-01-01", "calc_wage": {"amount": "196", "period": "hourly"}}
    with pytest.raises(ValueError):
        run_calculation("severance", slots, date(2026, 11, 26))


def test_min_wage_result_is_formatted_as_a_yes_no_answer():
    below = run_calculation("min_wage", {"calc_wage": {"amount": "195", "period": "hourly"}}, date(2026, 1, 1))
    assert below.value is False  # 196/hour from 2026-01-01 (最低工資 announcement)
    assert "低於" in format_result(below)
