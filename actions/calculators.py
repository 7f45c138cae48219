"""Calculator conversations: pick a calculator, fill its form from free text, say the result.

The law math lives in labourbot.calc and the parsing in labourbot.parsing; this module only
routes, validates slot answers and formats the reply.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from datetime import date, datetime
from typing import Any, Callable, Dict, List, Optional, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.replies import button, human_button, say
from labourbot import calc
from labourbot.parsing import parse_date, parse_duration, parse_hours, parse_wage, shift_months

TAIPEI = ZoneInfo("Asia/Taipei")

# calc type -> (form name, label, keywords that pick it from free text)
CALCULATORS: Dict[str, tuple[str, str, tuple[str, ...]]] = {
    "annual_leave": ("annual_leave_form", "特休天數", ("特休", "特別休假", "年假")),
    "overtime": ("overtime_form", "加班費", ("加班",)),
    "severance": ("severance_form", "資遣費", ("資遣", "遣散")),
    "notice": ("notice_form", "預告期間", ("預告",)),
    "min_wage": ("min_wage_form", "最低工資檢查", ("最低工資", "基本工資", "基本薪資", "低於")),
    "maternity": ("maternity_form", "產假", ("產假", "生產", "預產期")),
}
CALC_SLOTS = ("calc_start", "calc_end", "calc_wage", "calc_hours", "calc_day_type", "calc_birth",
              "calc_leave_start")
DAY_TYPES = {
    "weekday": ("平日", ("平日", "上班日", "工作日", "禮拜一", "週一")),
    "rest-day": ("休息日", ("休息日", "週六", "禮拜六", "星期六")),
    "holiday": ("國定假日／特休日", ("國定", "假日", "颱風", "特休", "連假", "節")),
    "regular-day-off": ("例假（緊急情況）", ("例假", "週日", "禮拜天", "禮拜日", "星期日")),
}


def today() -> date:
    return datetime.now(TAIPEI).date()


def _entities(tracker: Tracker, name: str) -> List[str]:
    return [str(v) for v in tracker.get_latest_entity_values(name)]


def _first_ok(candidates: List[str], parse: Callable[[str], Any]) -> Any:
    """The first candidate text the parser accepts, or None."""
    for text in candidates:
        try:
            return parse(text)
        except (ValueError, ArithmeticError):
            continue
    return None


def parse_start_date(text: str, tracker: Tracker | None = None) -> Optional[date]:
    """A start date from a date ("113年3月1日") or a length of service ("三年兩個月" → that long ago)."""
    now = today()
    dates = [text] + (_entities(tracker, "date") if tracker else [])
    found = _first_ok(dates, lambda t: parse_date(t, today=now))
    if found:
        return found
    durations = [text] + (_entities(tracker, "duration") if tracker else [])
    service = _first_ok(durations, parse_duration)
    if service is None:
        return None
    start = shift_months(now, -service.total_months)
    return date.fromordinal(start.toordinal() - service.days)


def parse_any_date(text: str, tracker: Tracker | None = None) -> Optional[date]:
    now = today()
    return _first_ok([text] + (_entities(tracker, "date") if tracker else []), lambda t: parse_date(t, today=now))


def parse_wage_text(text: str, tracker: Tracker | None = None) -> Optional[Dict[str, Any]]:
    wage = _first_ok([text] + (_entities(tracker, "money") if tracker else []), parse_wage)
    if wage is None or wage.amount <= 0:
        return None
    period = wage.period or ("hourly" if wage.amount < 1000 else "monthly")
    return {"amount": str(wage.amount), "period": period}


def parse_day_type(text: str) -> Optional[str]:
    for key, (_, words) in DAY_TYPES.items():
        if key == text or any(w in text for w in words):
            return key
    return None


def pick_calculator(text: str) -> Optional[str]:
    for key, (_, _, words) in CALCULATORS.items():
        if any(w in text for w in words):
            return key
    return None


def prefill(kind: str, text: str, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Slots that the first message already answers ("做了三年兩個月", "月薪3萬5")."""
    events = []
    start = parse_start_date("", tracker) if (_entities(tracker, "date") or _entities(tracker, "duration")) else None
    if start:
        events.append(SlotSet("calc_start", start.isoformat()))
    wage = parse_wage_text("", tracker) if _entities(tracker, "money") else None
    if wage:
        events.append(SlotSet("calc_wage", wage))
    day_type = parse_day_type(text) if kind == "overtime" else None
    if day_type:
        events.append(SlotSet("calc_day_type", day_type))
    return events


class ActionCalculatorMenu(Action):
    """Route a calculation request to its form, or ask which calculator."""

    def name(self) -> Text:
        return "action_calculator_menu"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        text = tracker.latest_message.get("text") or ""
        kind = next(tracker.get_latest_entity_values("calc_type"), None) or pick_calculator(text)
        if kind not in CALCULATORS:
            say(
                dispatcher,
                "我可以幫您算這些，請選一個：",
                buttons=[button(label, f'/calculate{{"calc_type": "{key}"}}')
                         for key, (_, label, _) in CALCULATORS.items()] + [human_button()],
                kind="menu",
            )
            return []
        form = CALCULATORS[kind][0]
        filled = prefill(kind, text, tracker)
        # Clear what an earlier, cancelled calculation left; never set one slot twice here, since
        # the form validates the slot events of this turn and the first one of a name would win.
        resets = [SlotSet(s, None) for s in CALC_SLOTS if s not in {e["name"] for e in filled}]
        return resets + [SlotSet("calc_type", kind)] + filled + [FollowupAction(form)]


class CalcFormValidation(FormValidationAction):
    """Shared validators: every calculator form accepts the same kinds of answers."""

    @abstractmethod
    def name(self) -> Text:
        """validate_<form name>; one subclass per calculator form."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[Dict[Text, Any]]:
        """Validate only slots that carry a value: slots cleared this turn are not answers."""
        candidates = tracker.slots_to_validate
        tracker.slots_to_validate = lambda: {k: v for k, v in candidates().items() if v is not None}  # type: ignore[method-assign]
        return await super().get_validation_events(dispatcher, tracker, domain)

    def _bad(self, dispatcher: CollectingDispatcher, slot: str, hint: str) -> Dict[Text, Any]:
        say(dispatcher, f"抱歉，我看不懂這個{hint} 🙏 再試一次，或輸入「取消」結束試算。", kind="reask")
        return {slot: None}

    def validate_calc_start(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        start = parse_start_date(str(value), tracker)
        if start is None:
            return self._bad(dispatcher, "calc_start", "日期（例如 113年3月1日、2024/3/1，或「做了三年兩個月」）")
        if start > today():
            return self._bad(dispatcher, "calc_start", "日期：到職日不能在今天之後")
        return {"calc_start": start.isoformat()}

    def validate_calc_end(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> Dict[Text, Any]:
        end = parse_any_date(str(value), tracker)
        start = tracker.get_slot("calc_start")
        if end is None:
            return self._bad(dispatcher, "calc_end", "日期（例如 115年10月31日、今天）")
        if start and end < date.fromisoformat(start):
            return self._bad(dispatcher, "calc_end", "日期：最後工作日早於到職日")
        return {"calc_end": end.isoformat()}

    def validate_calc_wage(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[Text, Any]:
        if isinstance(value, dict):
            return {"calc_wage": value}
        optional = (tracker.active_loop or {}).get("name") == "maternity_form"
        if optional and (str(value).strip() in ("0", "零") or any(w in str(value) for w in ("不想", "略過", "跳過", "不提供"))):
            return {"calc_wage": {"amount": None, "period": "monthly"}}
        wage = parse_wage_text(str(value), tracker)
        if wage is None:
            return self._bad(dispatcher, "calc_wage", "金額（例如 35000、3萬5、時薪196）")
        return {"calc_wage": wage}

    def validate_calc_hours(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        match = re.search(r"[0-9]+(?:\.[0-9]+)?|[一二兩三四五六七八九十半]+", str(value))
        hours = _first_ok([str(value)] + ([match.group(0)] if match else []), parse_hours)
        if hours is None or hours <= 0:
            return self._bad(dispatcher, "calc_hours", "時數（例如 3、2.5、三小時）")
        return {"calc_hours": str(hours)}

    def validate_calc_day_type(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[Text, Any]:
        kind = parse_day_type(str(value))
        if kind is None:
            return self._bad(dispatcher, "calc_day_type", "日子類型（平日、休息日、國定假日或例假）")
        return {"calc_day_type": kind}

    def validate_calc_birth(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        birth = parse_any_date(str(value), tracker)
        if birth is None:
            return self._bad(dispatcher, "calc_birth", "日期（例如 115年12月20日）")
        return {"calc_birth": birth.isoformat()}

    def validate_calc_leave_start(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        start = parse_any_date(str(value), tracker)
        if start is None:
            return self._bad(dispatcher, "calc_leave_start", "日期（例如 115年12月1日）")
        return {"calc_leave_start": start.isoformat()}


class ValidateAnnualLeaveForm(CalcFormValidation):
    def name(self) -> Text:
        return "validate_annual_leave_form"


class ValidateOvertimeForm(CalcFormValidation):
    def name(self) -> Text:
        return "validate_overtime_form"


class ValidateSeveranceForm(CalcFormValidation):
    def name(self) -> Text:
        return "validate_severance_form"


class ValidateNoticeForm(CalcFormValidation):
    def name(self) -> Text:
        return "validate_notice_form"


class ValidateMinWageForm(CalcFormValidation):
    def name(self) -> Text:
        return "validate_min_wage_form"


class ValidateMaternityForm(CalcFormValidation):
    def name(self) -> Text:
        return "validate_maternity_form"


def run_calculation(kind: str, slots: Dict[str, Any], on: date) -> calc.CalcResult:
    """Call the library function for a filled form (pure; raises ValueError on bad combinations)."""
    start = date.fromisoformat(slots["calc_start"]) if slots.get("calc_start") else None
    end = date.fromisoformat(slots["calc_end"]) if slots.get("calc_end") else on
    wage = slots.get("calc_wage") or {}
    amount = wage.get("amount")
    if kind == "annual_leave":
        return calc.annual_leave_days(start, on)
    if kind == "notice":
        return calc.dismissal_notice_days(start, on)
    if kind == "severance":
        monthly = amount if wage.get("period") != "hourly" else None
        if monthly is None:
            raise ValueError("資遣費要用月平均工資計算，請提供月薪。")
        return calc.severance_pay(monthly, start, end, scheme="new")
    if kind == "min_wage":
        return calc.check_minimum_wage(amount, wage.get("period", "monthly"), on)
    if kind == "overtime":
        hourly = amount if wage.get("period") == "hourly" else calc.hourly_wage_from_monthly(amount)
        return calc.overtime_pay(hourly, slots["calc_hours"], slots["calc_day_type"])
    if kind == "maternity":
        monthly = amount if amount and wage.get("period") != "hourly" else None
        return calc.maternity_leave(date.fromisoformat(slots["calc_leave_start"]),
                                    date.fromisoformat(slots["calc_birth"]), monthly_wage=monthly)
    raise ValueError(f"unknown calculator {kind}")


def format_result(result: calc.CalcResult) -> str:
    unit = {"days": "天", "NTD": "元", "hours": "小時"}.get(result.unit or "", "")
    if isinstance(result.value, bool):
        headline = "✅ 符合規定" if result.value else "⚠️ 低於法定標準"
    else:
        headline = f"結果：{result.value:,} {unit}".strip()
    notes = "".join(f"\n・{n}" for n in result.notes)
    return f"{headline}\n算法：{result.formula}{notes}\n\n依據：{'、'.join(result.citations)}\n（試算僅供參考，個案請洽勞工局或 1955。）"


class ActionCalcResult(Action):
    """Run the calculator whose form just finished and say the result with its formula."""

    def name(self) -> Text:
        return "action_calc_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        kind = tracker.get_slot("calc_type") or ""
        slots = {s: tracker.get_slot(s) for s in CALC_SLOTS}
        try:
            result = run_calculation(kind, slots, today())
        except (ValueError, KeyError, TypeError) as exc:
            say(dispatcher, f"抱歉，這組資料沒辦法試算：{exc}", buttons=[human_button()], kind="calc_error")
        else:
            say(dispatcher, format_result(result), buttons=[human_button(), button("再算一次", "/calculate")],
                citations=result.citations, kind="calc_result", calc_type=kind,
                result=result.value if isinstance(result.value, bool) else int(result.value))
        return [SlotSet(slot, None) for slot in CALC_SLOTS] + [SlotSet("calc_type", None)]
