"""Law-exact labour calculators (pure functions; results are frozen dataclasses).

Every result has ``value``, ``unit`` ("days" | "NTD" | "hours" | None), ``formula`` (zh-TW, with
the actual numbers), ``citations`` and ``notes``, plus calculation-specific detail fields;
``result.as_json()`` gives the JSON shape used by the CLI. Money is computed exactly with
fractions and rounded half-up to a whole NTD at the end. See docs/calculators.md.
"""

from __future__ import annotations

from ._common import CalcResult, round_half_up
from .annual_leave import AnnualLeaveResult, annual_leave_days
from .maternity import MaternityResult, MiscarriageLeaveResult, maternity_leave, miscarriage_leave
from .menstrual import MenstrualLeaveResult, menstrual_leave
from .min_wage import MinimumWage, MinWageCheckResult, check_minimum_wage, minimum_wage_on, minimum_wage_table
from .notice import NoticeResult, dismissal_notice_days
from .overtime import (
    DAY_TYPES,
    OvertimeCapResult,
    OvertimeResult,
    OvertimeSegment,
    hourly_wage_from_monthly,
    monthly_overtime_check,
    overtime_pay,
)
from .pension import PensionContributionResult, employer_pension_contribution
from .service import ServiceLength, anniversary, service_length
from .severance import SeveranceResult, severance_pay

__all__ = [
    "DAY_TYPES",
    "AnnualLeaveResult",
    "CalcResult",
    "MaternityResult",
    "MenstrualLeaveResult",
    "MinWageCheckResult",
    "MinimumWage",
    "MiscarriageLeaveResult",
    "NoticeResult",
    "OvertimeCapResult",
    "OvertimeResult",
    "OvertimeSegment",
    "PensionContributionResult",
    "ServiceLength",
    "SeveranceResult",
    "anniversary",
    "annual_leave_days",
    "check_minimum_wage",
    "dismissal_notice_days",
    "employer_pension_contribution",
    "hourly_wage_from_monthly",
    "maternity_leave",
    "menstrual_leave",
    "minimum_wage_on",
    "minimum_wage_table",
    "miscarriage_leave",
    "monthly_overtime_check",
    "overtime_pay",
    "round_half_up",
    "service_length",
    "severance_pay",
]
