"""Minimum wage check (最低工資法第4、5條; 勞動基準法第21條 before 2024) against the data file."""

from __future__ import annotations

import re
from datetime import date
from importlib import resources

import pytest

from labourbot.calc import check_minimum_wage, minimum_wage_on, minimum_wage_table
from labourbot.calc.min_wage import _parse_entries

D = date

# (wage, period, date, meets minimum, minimum in force, article)
CASES = [
    pytest.param(29499, "monthly", D(2026, 1, 1), False, 29500, "最低工資法5 one below, 2026", id="m-29499-2026"),
    pytest.param(29500, "monthly", D(2026, 1, 1), True, 29500, "最低工資法5 at minimum, 2026", id="m-29500-2026"),
    pytest.param(29499, "monthly", D(2025, 12, 31), True, 28590, "最低工資法5 same wage in 2025", id="m-29499-2025"),
    pytest.param(28589, "monthly", D(2025, 12, 31), False, 28590, "最低工資法5 one below, 2025", id="m-28589-2025"),
    pytest.param(28590, "monthly", D(2025, 12, 31), True, 28590, "最低工資法5 at minimum, 2025", id="m-28590-2025"),
    pytest.param(28590, "monthly", D(2026, 1, 1), False, 29500, "最低工資法5 2025 level is short in 2026", id="m-28590-2026"),
    pytest.param(195, "hourly", D(2026, 1, 1), False, 196, "最低工資法5 hourly one below, 2026", id="h-195-2026"),
    pytest.param(196, "hourly", D(2026, 1, 1), True, 196, "最低工資法5 hourly at minimum, 2026", id="h-196-2026"),
    pytest.param(190, "hourly", D(2026, 1, 1), False, 196, "最低工資法5 2025 hourly short in 2026", id="h-190-2026"),
    pytest.param(190, "hourly", D(2025, 12, 31), True, 190, "最低工資法5 hourly at minimum, 2025", id="h-190-2025"),
    pytest.param(189, "hourly", D(2025, 12, 31), False, 190, "最低工資法5 hourly one below, 2025", id="h-189-2025"),
    pytest.param(27470, "monthly", D(2024, 6, 1), True, 27470, "最低工資法5 first minimum wage, 2024", id="m-27470-2024"),
    pytest.param(27469, "monthly", D(2024, 6, 1), False, 27470, "最低工資法5 one below, 2024", id="m-27469-2024"),
    pytest.param(183, "hourly", D(2024, 1, 1), True, 183, "最低工資法5 hourly 2024", id="h-183-2024"),
]


@pytest.mark.parametrize(("wage", "period", "on", "expected", "minimum", "clause"), CASES)
def test_check_minimum_wage(wage: int, period: str, on: date, expected: bool, minimum: int, clause: str) -> None:
    result = check_minimum_wage(wage, period, on)  # type: ignore[arg-type]
    assert result.value is expected, clause
    assert result.minimum == minimum
    assert result.unit is None
    assert result.citations[0] == "最低工資法第5條"
    assert result.shortfall == max(0, minimum - wage)


def test_basic_wage_era_cites_labour_standards_act() -> None:
    result = check_minimum_wage(26400, "monthly", D(2023, 6, 1))
    assert result.value is True and result.basis == "basic_wage"
    assert result.citations == ("勞動基準法第21條",)


def test_before_data_rejected() -> None:
    with pytest.raises(ValueError):
        minimum_wage_on(D(2010, 1, 1))


def test_bad_period_rejected() -> None:
    with pytest.raises(ValueError):
        check_minimum_wage(30000, "weekly", D(2026, 1, 1))  # type: ignore[arg-type]


# (date, monthly, hourly)
@pytest.mark.parametrize(
    ("on", "monthly", "hourly"),
    [
        pytest.param(D(2024, 1, 1), 27470, 183, id="2024"),
        pytest.param(D(2025, 1, 1), 28590, 190, id="2025"),
        pytest.param(D(2025, 12, 31), 28590, 190, id="2025-last-day"),
        pytest.param(D(2026, 1, 1), 29500, 196, id="2026"),
        pytest.param(D(2030, 1, 1), 29500, 196, id="latest-stays-in-force"),
    ],
)
def test_minimum_wage_on(on: date, monthly: int, hourly: int) -> None:
    entry = minimum_wage_on(on)
    assert (entry.monthly, entry.hourly) == (monthly, hourly)


def test_data_file_has_one_line_per_announcement() -> None:
    text = resources.files("labourbot").joinpath("data/min_wage.yml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if re.match(r"^- \{effective: \d{4}-\d{2}-\d{2},", line)]
    assert len(lines) == len(minimum_wage_table())


def test_new_announcement_is_one_entry() -> None:
    import yaml

    text = resources.files("labourbot").joinpath("data/min_wage.yml").read_text(encoding="utf-8")
    text += "- {effective: 2027-01-01, monthly: 30000, hourly: 200}\n"
    table = _parse_entries(yaml.safe_load(text))
    assert table[-1].effective == D(2027, 1, 1) and table[-1].basis == "minimum_wage"
