"""Shared helpers for the calculators: exact arithmetic, rounding, formatting, result base class.

All money arithmetic is done with :class:`fractions.Fraction` (exact); only the final NTD amount is
rounded, half-up, to a whole dollar (:func:`round_half_up`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, Union

Number = Union[int, Decimal, Fraction, float, str]
"""Accepted numeric inputs. Floats are converted through their shortest repr (``0.1`` -> 1/10)."""

Unit = Literal["days", "NTD", "hours"] | None


def to_fraction(value: Number, name: str, *, allow_zero: bool = True) -> Fraction:
    """Convert a numeric input to an exact Fraction, rejecting negatives, NaN and booleans."""
    if isinstance(value, bool):
        raise ValueError(f"{name}必須是數字")
    try:
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError
            result = Fraction(repr(value))
        elif isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError
            result = Fraction(value)
        elif isinstance(value, (int, Fraction)):
            result = Fraction(value)
        elif isinstance(value, str):
            result = Fraction(Decimal(value.strip().replace(",", "")))
        else:
            raise ValueError
    except (ValueError, ArithmeticError, TypeError):
        raise ValueError(f"{name}必須是數字（收到：{value!r}）") from None
    if result < 0:
        raise ValueError(f"{name}不可為負數")
    if not allow_zero and result == 0:
        raise ValueError(f"{name}必須大於 0")
    return result


def to_date(value: date, name: str) -> date:
    """Accept a date (a datetime is truncated to its date)."""
    if not isinstance(value, date):
        raise ValueError(f"{name}必須是日期")
    if isinstance(value, datetime):
        return value.date()
    return value


def round_half_up(value: Fraction) -> int:
    """Round a non-negative exact amount to the nearest integer, halves going up (0.5 -> 1)."""
    return math.floor(value + Fraction(1, 2))


def fmt_money(value: Fraction | int) -> str:
    """``28590`` -> ``"28,590"``; non-integers show two decimals (display only)."""
    value = Fraction(value)
    if value.denominator == 1:
        return f"{value.numerator:,}"
    return f"{float(value):,.2f}"


def fmt_num(value: Fraction | int) -> str:
    """A plain number for formulas: integers as is, others with up to 2 decimals."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text


def fmt_rate(rate: Fraction) -> str:
    """``4/3`` -> ``"1又1/3"``, ``2`` -> ``"2"``, ``1/2`` -> ``"1/2"``."""
    whole, rest = divmod(rate.numerator, rate.denominator)
    if rest == 0:
        return str(whole)
    frac = f"{rest}/{rate.denominator}"
    return f"{whole}又{frac}" if whole else frac


def fmt_date(value: date) -> str:
    """``2024-03-01`` -> ``"2024-03-01（民國113年3月1日）"``."""
    roc = value.year - 1911
    if roc >= 1:
        return f"{value.isoformat()}（民國{roc}年{value.month}月{value.day}日）"
    return value.isoformat()


def json_number(value: Fraction | Decimal | int) -> int | float:
    """Exact integers stay ints; other values become floats rounded to 4 decimals."""
    value = Fraction(value)
    if value.denominator == 1:
        return value.numerator
    return round(float(value), 4)


def _jsonable(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, (Fraction, Decimal)):
        return json_number(value)
    if isinstance(value, float):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        extra = getattr(value, "_json_extra", None)
        if callable(extra):
            out.update(extra())
        return out
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


@dataclass(frozen=True, kw_only=True)
class CalcResult:
    """Common shape of every calculator result.

    value: the headline answer (days, NTD, hours, or a bool for checks).
    unit: ``"days"``, ``"NTD"``, ``"hours"`` or ``None`` (for booleans).
    formula: a zh-TW, human-readable formula with the actual numbers.
    citations: article citations such as ``"勞動基準法第38條"``.
    notes: zh-TW caveats and assumptions that apply to this particular result.
    """

    value: int | bool
    unit: Unit
    formula: str
    citations: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """All fields as JSON-compatible values (dates as ISO strings, fractions as numbers)."""
        return _jsonable(self)  # type: ignore[no-any-return]

    def as_json(self) -> dict[str, Any]:
        """The CLI/JSON shape: ``{"result", "unit", "formula", "citations", ...detail fields}``."""
        data = self.to_dict()
        out: dict[str, Any] = {
            "result": data.pop("value"),
            "unit": data.pop("unit"),
            "formula": data.pop("formula"),
            "citations": data.pop("citations"),
        }
        out.update(data)
        return out
