"""Minimum wage in force on a date, and a check of a monthly or hourly wage against it.

The amounts live in ``labourbot/data/min_wage.yml`` (one announcement per line), loaded once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Literal

from ._common import CalcResult, Number, fmt_date, fmt_money, to_date, to_fraction

Period = Literal["monthly", "hourly"]
Basis = Literal["minimum_wage", "basic_wage"]
_BASIS_LABEL = {"minimum_wage": "最低工資", "basic_wage": "基本工資"}


@dataclass(frozen=True)
class MinimumWage:
    """One announcement: amounts in force from ``effective`` until the next announcement."""

    effective: date
    monthly: int
    hourly: int
    basis: Basis = "minimum_wage"


def _parse_entries(raw: object) -> tuple[MinimumWage, ...]:
    if not isinstance(raw, list) or not raw:
        raise ValueError("min_wage.yml must be a non-empty list")
    entries = []
    for item in raw:
        if not isinstance(item, dict):
            raise ValueError(f"min_wage.yml: bad entry {item!r}")
        effective = item["effective"]
        if not isinstance(effective, date):
            effective = date.fromisoformat(str(effective))
        basis = item.get("basis", "minimum_wage")
        if basis not in _BASIS_LABEL:
            raise ValueError(f"min_wage.yml: unknown basis {basis!r}")
        entries.append(MinimumWage(effective, int(item["monthly"]), int(item["hourly"]), basis))
    entries.sort(key=lambda e: e.effective)
    if len({e.effective for e in entries}) != len(entries):
        raise ValueError("min_wage.yml: duplicate effective dates")
    return tuple(entries)


@lru_cache(maxsize=1)
def minimum_wage_table() -> tuple[MinimumWage, ...]:
    """All announcements from the packaged data file, oldest first (read once, then cached)."""
    import yaml  # local import keeps `import labourbot.calc` light

    text = resources.files("labourbot").joinpath("data/min_wage.yml").read_text(encoding="utf-8")
    return _parse_entries(yaml.safe_load(text))


def minimum_wage_on(on: date) -> MinimumWage:
    """The announcement in force on ``on`` (the latest one whose effective date is not after it)."""
    on = to_date(on, "日期")
    current = None
    for entry in minimum_wage_table():
        if entry.effective <= on:
            current = entry
    if current is None:
        first = minimum_wage_table()[0].effective
        raise ValueError(f"沒有 {first.isoformat()} 以前的基本工資／最低工資資料")
    return current


@dataclass(frozen=True, kw_only=True)
class MinWageCheckResult(CalcResult):
    """``value`` is True when the wage is at least the minimum in force on ``on``."""

    period: Period
    wage: Fraction
    on: date
    minimum: int
    effective_date: date
    basis: Basis
    shortfall: Fraction


def check_minimum_wage(wage: Number, period: Period, on: date) -> MinWageCheckResult:
    """Check a monthly or hourly wage against the minimum in force on ``on``.

    Implements 最低工資法第5條 (an agreed wage may not be below the minimum; a lower agreement is
    replaced by the minimum) together with 最低工資法第4條 (a monthly and an hourly minimum) and the
    announced amounts in ``labourbot/data/min_wage.yml``; for dates before 2024-01-01 the basic wage
    of 勞動基準法第21條 applies (最低工資法第15條). Meeting the minimum means ``wage >= minimum``.
    The monthly minimum is for full-time monthly pay; part-time work is checked by the hourly one.
    """
    amount = to_fraction(wage, "工資")
    if period not in ("monthly", "hourly"):
        raise ValueError("工資種類必須是 monthly（月薪）或 hourly（時薪）")
    entry = minimum_wage_on(on)
    minimum = entry.monthly if period == "monthly" else entry.hourly
    ok = amount >= minimum
    shortfall = max(Fraction(0), minimum - amount)
    label = _BASIS_LABEL[entry.basis]
    kind = "月薪" if period == "monthly" else "時薪"
    formula = (
        f"{fmt_date(to_date(on, '日期'))} 適用的{kind}{label}為 {fmt_money(minimum)}元"
        f"（{entry.effective.isoformat()} 起）；{kind} {fmt_money(amount)}元 "
        + ("≥" if ok else "<")
        + f" {fmt_money(minimum)}元 → "
        + ("符合" if ok else f"低於{label}，差 {fmt_money(shortfall)}元")
    )
    if entry.basis == "minimum_wage":
        citations: tuple[str, ...] = ("最低工資法第5條", "最低工資法第4條")
    else:
        citations = ("勞動基準法第21條",)
    notes = () if ok else (f"約定低於{label}時，以{label}作為工資數額；可向勞工局申訴。",)
    return MinWageCheckResult(
        value=ok,
        unit=None,
        formula=formula,
        citations=citations,
        notes=notes,
        period=period,
        wage=amount,
        on=to_date(on, "日期"),
        minimum=minimum,
        effective_date=entry.effective,
        basis=entry.basis,
        shortfall=shortfall,
    )
