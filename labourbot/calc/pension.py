"""Employer contribution to the worker's individual pension account (勞退新制 6%)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ._common import CalcResult, Number, fmt_money, fmt_num, round_half_up, to_fraction

MIN_EMPLOYER_RATE = Fraction(6, 100)


@dataclass(frozen=True, kw_only=True)
class PensionContributionResult(CalcResult):
    """``value`` is the monthly employer contribution in NTD."""

    monthly_wage: Fraction
    rate: Fraction
    exact_amount: Fraction


def employer_pension_contribution(monthly_wage: Number, rate: Number = Decimal("0.06")) -> PensionContributionResult:
    """Monthly employer pension contribution of at least 6% (勞工退休金條例第14條第1項).

    The statute applies the rate to the worker's monthly wage as classified in the official
    contribution grade table (月提繳分級表, 第14條第5項): the real base is the grade at or above
    the wage, so the true amount can be slightly higher. This function applies ``rate`` (at least
    6%) directly to the given monthly wage and rounds half-up to a whole NTD.
    """
    wage = to_fraction(monthly_wage, "月薪", allow_zero=False)
    r = to_fraction(rate, "提繳率")
    if r < MIN_EMPLOYER_RATE:
        raise ValueError("雇主提繳率不得低於6%")
    if r > 1:
        raise ValueError("提繳率請以小數表示，例如 0.06")
    exact = wage * r
    total = round_half_up(exact)
    pct = fmt_num(r * 100)
    formula = f"{fmt_money(wage)}元×{pct}%＝{fmt_money(exact)}元"
    if exact.denominator != 1:
        formula += f"，四捨五入為 {total:,}元"
    return PensionContributionResult(
        value=total,
        unit="NTD",
        formula=formula,
        citations=("勞工退休金條例第14條",),
        notes=("實際提繳以勞動部「勞工退休金月提繳分級表」對應的月提繳工資計算，金額可能略高。",),
        monthly_wage=wage,
        rate=r,
        exact_amount=exact,
    )
