"""Calculator conversations: pick a calculator, fill its form from free text, say the result.

The law math lives in labourbot.calc and the parsing in labourbot.parsing; this module only
routes, validates slot answers and formats the reply.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable, Dict, List, Optional, Text
from zoneinfo import ZoneInfo

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import i18n
from actions.replies import REQUEST_HUMAN, button, human_button, say
from labourbot import calc
from labourbot.parsing import (
    CalcValues,
    Wage,
    extract_calc_values,
    find_day_type,
    parse_date,
    parse_duration,
    parse_hours,
    parse_wage,
)
from labourbot.parsing.languages import (
    find_calculator_lang,
    find_day_type_lang,
    parse_date_lang,
    parse_hours_lang,
    parse_service_lang,
    parse_wage_lang,
    parse_yes_no,
)

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
# Which keyword wins when a message has several: "特休日加班" is about overtime, "資遣的預告期間"
# about notice. The menu keeps the CALCULATORS order.
PICK_ORDER = ("overtime", "notice", "severance", "maternity", "min_wage", "annual_leave")
CALC_SLOTS = ("calc_start", "calc_end", "calc_wage", "calc_hours", "calc_day_type", "calc_birth",
              "calc_leave_start", "calc_understood")
DAY_LABELS = {"weekday": "平日", "rest-day": "休息日", "holiday": "國定假日／特休日", "regular-day-off": "例假"}
WAGE_LABELS = {"monthly": "月薪", "hourly": "時薪", "daily": "日薪"}
# Wage periods each calculator can use (severance and maternity pay need a monthly wage).
WAGE_PERIODS = {"overtime": ("monthly", "hourly", "daily"), "min_wage": ("monthly", "hourly"),
                "severance": ("monthly",), "maternity": ("monthly",)}
NORMAL_DAILY_HOURS = 8  # 勞動基準法第30條第1項
MAX_WEEKDAY_OVERTIME = 4  # 12 hours a day with normal hours (勞動基準法第32條第2項)
LOOK_BACK_MESSAGES = 3
ZH = "zh"
_CJK = re.compile(r"[\u3400-\u9fff]")


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


def _num(value: Fraction | Decimal | int) -> str:
    """A number for people: 32000 -> "32,000", 2.5 -> "2.5", 400/3 -> "133.33"."""
    value = Fraction(value)
    if value.denominator == 1:
        return f"{value.numerator:,}"
    return f"{float(value):,.2f}".rstrip("0").rstrip(".")


def _roc(d: date) -> str:
    return f"{d.year - 1911}年{d.month}月{d.day}日"


# --- reading answers and messages --------------------------------------------------------------


def parse_start_date(text: str, tracker: Tracker | None = None, *, end: date | None = None,
                     end_inclusive: bool = False, lang: str = ZH) -> Optional[date]:
    """A start date from a date ("113年3月1日") or a length of service ("三年兩個月" → that long before ``end``).

    ``end`` defaults to today; ``end_inclusive`` as in labourbot.calc.service_length (True for a last
    working day, False for "on date X" questions such as annual leave).
    """
    now = today()
    found = parse_any_date(text, tracker, lang)
    if found:
        return found
    if lang != ZH:
        service_lang = _first_ok([text], lambda t: parse_service_lang(t, lang))
        if service_lang is not None and (service_lang.total_months or service_lang.days):
            return service_lang.start_date(end or now, end_inclusive=end_inclusive)
        if not _CJK.search(text):
            return None  # the Chinese readers below would guess at numbers in another language
    durations = [text] + (_entities(tracker, "duration") if tracker else [])
    service = _first_ok(durations, parse_duration) or extract_calc_values(text, today=now).service
    if service is None or service.total_months == 0 and service.days == 0:
        return None
    return service.start_date(end or now, end_inclusive=end_inclusive)


def parse_any_date(text: str, tracker: Tracker | None = None, lang: str = ZH) -> Optional[date]:
    now = today()
    if lang != ZH:
        found_lang = _first_ok([text], lambda t: parse_date_lang(t, lang, today=now))
        if found_lang or not _CJK.search(text):
            return found_lang
    found = _first_ok([text] + (_entities(tracker, "date") if tracker else []), lambda t: parse_date(t, today=now))
    if found:
        return found
    values = extract_calc_values(text, today=now)
    return next(iter(d for d in (values.start, values.end, values.birth, values.leave_start) if d), None) or (
        values.dates[0] if values.dates else None)


def wage_slot(wage: Wage, kind: str | None = None, *, answer: bool = False) -> Optional[Dict[str, Any]]:
    """The calc_wage slot for a parsed wage, or None when ``kind`` cannot use it.

    An amount with no period is read by its size: under 1,000 an hourly wage, from 10,000 a monthly
    one. In between (a daily wage? a part-time month?) a value taken from a message is left for the
    form to ask; a direct answer to "請問薪資是多少" is taken as monthly.
    """
    if wage.amount <= 0:
        return None
    period, inferred = wage.period, False
    if period is None:
        inferred = True
        if wage.amount < 1000:
            period = "hourly"
        elif wage.amount >= 10_000 or answer:
            period = "monthly"
        else:
            return None
    if period not in WAGE_PERIODS.get(kind or "", ("monthly", "hourly", "daily")):
        return None
    slot: Dict[str, Any] = {"amount": str(wage.amount), "period": period}
    if inferred:
        slot["inferred"] = True
    return slot


def parse_wage_text(text: str, tracker: Tracker | None = None, lang: str = ZH) -> Optional[Dict[str, Any]]:
    """A wage answer: the whole text ("3萬5"), a wage inside it ("大概月薪3萬5吧"), or a money entity."""
    if lang != ZH and not _CJK.search(text):
        found = _first_ok([text], lambda t: parse_wage_lang(t, lang))
        return None if found is None or found.period == "annual" else wage_slot(found, answer=True)
    wage = _first_ok([text], parse_wage) or extract_calc_values(text, today=today()).wage
    if wage is None and tracker is not None:
        wage = _first_ok(_entities(tracker, "money"), parse_wage)
    if wage is None or wage.period == "annual":
        return None
    return wage_slot(wage, answer=True)


def parse_day_type(text: str, lang: str = ZH) -> Optional[str]:
    """A day type from an answer; a bare 特休 counts here (in a whole message it means annual leave)."""
    if lang != ZH and not _CJK.search(text):
        return find_day_type_lang(text)
    found = find_day_type(text)
    if found:
        return found
    if text.strip() in DAY_LABELS:
        return text.strip()
    return "holiday" if "特休" in text or "特別休假" in text else None


def parse_hours_answer(text: str, lang: str = ZH) -> Optional[Dict[str, str]]:
    """An hours answer: "3", "三小時" (overtime hours) or "總共做了11小時" (the day's total)."""
    if lang != ZH and not _CJK.search(text):
        found = _first_ok([text], lambda t: parse_hours_lang(t, lang))
        return {"hours": str(found.hours), "basis": found.basis} if found else None
    values = extract_calc_values(text, today=today())
    if values.hours is not None:
        return {"hours": str(values.hours), "basis": "overtime"}
    if values.total_hours is not None:
        return {"hours": str(values.total_hours), "basis": "total"}
    match = re.search(r"[0-9]+(?:\.[0-9]+)?|[一二兩三四五六七八九十半]+", text)
    hours = _first_ok([text] + ([match.group(0)] if match else []), parse_hours)
    if hours is None or hours <= 0:
        return None
    basis = "total" if re.search(r"總共|一共|總計|全部|整天", text) else "overtime"
    return {"hours": str(hours), "basis": basis}


def pick_calculator(text: str) -> Optional[str]:
    """The calculator a message names: Chinese keywords first, then the other languages' words."""
    for key in PICK_ORDER:
        if any(w in text for w in CALCULATORS[key][2]):
            return key
    return find_calculator_lang(text)


# --- from message values to form slots ---------------------------------------------------------


def hours_slot(values: CalcValues) -> Optional[Dict[str, str]]:
    if values.hours is not None:
        return {"hours": str(values.hours), "basis": "overtime"}
    if values.total_hours is not None:
        return {"hours": str(values.total_hours), "basis": "total"}
    return None


def describe_wage(slot: Dict[str, Any]) -> str:
    label = WAGE_LABELS.get(slot.get("period") or "", "薪資")
    text = f"{label} {_num(Decimal(slot['amount']))} 元"
    return text + f"（沒說月薪或時薪，依金額當作{label}）" if slot.get("inferred") else text


def describe_work(day_type: Optional[str], hours: Optional[Dict[str, str]]) -> Optional[str]:
    """「平日加班 3 小時」, 「休息日那天總共工作 8 小時」, 「平日」 or 「加班 3 小時」."""
    day = DAY_LABELS.get(day_type or "", "")
    if hours is None:
        return day or None
    h = _num(Fraction(hours["hours"]))
    if hours.get("basis") == "total":
        return f"{day}那天總共工作 {h} 小時"
    return f"{day}加班 {h} 小時"


def prefill_slots(kind: str, values: CalcValues, on: date) -> tuple[Dict[str, Any], List[str]]:
    """Form slots a message already answers, and what was read, in words, for the user to check.

    Pure: ``on`` is today. A length of service becomes a start date counted back from the end date
    (or from today); for severance without an end date, today is taken as the last working day and
    the description says so.
    """
    slots: Dict[str, Any] = {}
    said: List[str] = []
    if kind in WAGE_PERIODS and values.wage is not None and values.wage.period != "annual":
        wage = wage_slot(values.wage, kind)
        if wage:
            slots["calc_wage"] = wage
            said.append(describe_wage(wage))
    if kind == "overtime":
        hours = hours_slot(values)
        if values.day_type:
            slots["calc_day_type"] = values.day_type
        if hours:
            slots["calc_hours"] = hours
        work = describe_work(values.day_type, hours)
        if work:
            said.append(work)
    if kind in ("annual_leave", "notice", "severance"):
        start, end = values.start, values.end
        loose = list(values.dates)
        if start is None and end is None and len(loose) >= 2 and kind == "severance":
            start, end = sorted(loose[:2])
        elif start is None and values.service is None and loose:
            start = loose[0]
        inclusive = kind != "annual_leave"
        if start is not None:
            said.append(f"到職日 {_roc(start)}")
        elif values.service is not None:
            until = (end or on) if kind == "severance" else on
            start = values.service.start_date(until, end_inclusive=inclusive)
            assumed = "（以今天為最後工作日往回推算）" if kind == "severance" and end is None else ""
            said.append(f"年資 {values.service.text}{assumed}")
            if kind == "severance" and end is None:
                end = on
        if start is not None and start <= on:
            slots["calc_start"] = start.isoformat()
        if kind == "severance" and end is not None and (start is None or end >= start):
            slots["calc_end"] = end.isoformat()
            if values.end is not None:
                said.append(f"最後工作日 {_roc(end)}")
    if kind == "maternity":
        if values.birth:
            slots["calc_birth"] = values.birth.isoformat()
            said.append(f"預產期 {_roc(values.birth)}")
        if values.leave_start:
            slots["calc_leave_start"] = values.leave_start.isoformat()
            said.append(f"產假開始 {_roc(values.leave_start)}")
    return slots, said


def suggests_overtime(values: CalcValues) -> bool:
    """Hours that could earn overtime pay: stated overtime hours, hours on a rest day, holiday or regular
    day off, or a day's total past the normal 8 hours. 「每天只排4小時」 (fewer hours) is not overtime."""
    if values.hours:
        return True
    if not values.total_hours:
        return False
    return (values.day_type not in (None, "weekday")) or values.total_hours > NORMAL_DAILY_HOURS


def calculator_offer(text: str, on: date | None = None) -> Optional[str]:
    """The calculator to offer for a message with numbers it could use, else None.

    For the knowledge answer's 「用您的數字試算」 button: 「做了三年被資遣，資遣費怎麼算」 → "severance";
    「加班費怎麼算」 (no numbers) → None. Without a calculator word, hours that could be overtime point to
    the overtime calculator (suggests_overtime).
    """
    values = extract_calc_values(text, today=on or today())
    kind = pick_calculator(text) or ("overtime" if suggests_overtime(values) else None)
    if kind is None:
        return None
    slots, _ = prefill_slots(kind, values, on or today())
    return kind if slots else None


def _is_payload(text: str) -> bool:
    return text.lstrip().startswith("/")


def message_with_values(tracker: Tracker) -> str:
    """The text to read values from: this message, or for a button press the user's earlier words.

    A calculation started by a button (`/calculate{"calc_type": "overtime"}`) was offered after a
    question that had the numbers; up to three messages back are searched, never past an earlier
    calculation's result (so 「再算一次」 starts clean).
    """
    text = tracker.latest_message.get("text") or ""
    if not _is_payload(text):
        return text
    seen_current = False
    looked = 0
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_calc_result":
            break
        if event.get("event") != "user":
            continue
        if not seen_current:
            seen_current = True
            continue
        looked += 1
        if looked > LOOK_BACK_MESSAGES:
            break
        earlier = event.get("text") or ""
        if earlier and not _is_payload(earlier) and not extract_calc_values(earlier, today=today()).is_empty():
            return earlier
    return ""


def _meta(lang: str) -> Dict[str, str]:
    """The reply's language for the channels' own labels (channels/labels.py); none for Chinese, as before."""
    return {} if lang == ZH else {"language": lang}


def _human_button(lang: str) -> Dict[str, Any]:
    """「找真人」 (its label in the conversation's language; the payload is the same)."""
    return human_button() if lang == ZH else button(i18n.text("human_button", lang), REQUEST_HUMAN)


def understood_text(said: List[str]) -> str:
    return "我從您的訊息讀到：" + "、".join(said)


class ActionCalculatorMenu(Action):
    """Route a calculation request to its form, or ask which calculator."""

    def name(self) -> Text:
        return "action_calculator_menu"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        text = tracker.latest_message.get("text") or ""
        lang = i18n.language_of(tracker)
        # The free-text reader is Chinese: in another language the form asks every value.
        source = message_with_values(tracker) if lang == ZH else ""
        values = extract_calc_values(source, today=today())
        kind = (next(tracker.get_latest_entity_values("calc_type"), None) or pick_calculator(text)
                or ("overtime" if values.hours or values.total_hours else None))
        if kind not in CALCULATORS:
            say(
                dispatcher,
                i18n.text("calc_menu", lang),
                buttons=[button(label if lang == ZH else i18n.text(f"calc_label_{key}", lang),
                                f'/calculate{{"calc_type": "{key}"}}')
                         for key, (_, label, _) in CALCULATORS.items()] + [_human_button(lang)],
                kind="menu", **_meta(lang),
            )
            return []
        form = CALCULATORS[kind][0]
        filled, said = prefill_slots(kind, values, today())
        if said:
            filled["calc_understood"] = said
            required = domain.get("forms", {}).get(form, {}).get("required_slots", [])
            if any(slot not in filled for slot in required):
                # The form asks next; when nothing is missing the result repeats this itself.
                say(dispatcher, understood_text(said) + "。", kind="calc_understood")
        # Clear what an earlier, cancelled calculation left; set each slot exactly once here, since
        # the form validates the slot events of this turn and the first one of a name would win.
        slots = {slot: filled.get(slot) for slot in CALC_SLOTS}
        return [SlotSet(s, v) for s, v in slots.items()] + [SlotSet("calc_type", kind), FollowupAction(form)]


class CalcFormValidation(FormValidationAction):
    """Shared validators: every calculator form accepts the same kinds of answers."""

    @abstractmethod
    def name(self) -> Text:
        """validate_<form name>; one subclass per calculator form."""

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[Dict[Text, Any]]:
        """Fill the form's other empty slots from an answer that says more than was asked.

        Asked for the wage, people often answer 「月薪3萬2，平日加班3小時」; the requested slot gets
        its answer through the domain mapping and the rest is read here, so nothing is asked twice.
        """
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        requested = tracker.get_slot("requested_slot")
        text = tracker.latest_message.get("text") or ""
        kind = tracker.get_slot("calc_type") or ""
        if not requested or not text or _is_payload(text) or kind not in CALCULATORS:
            return events
        if i18n.language_of(tracker) != ZH:
            return events  # the free-text reader is Chinese; each value is asked for in turn
        filled, _ = prefill_slots(kind, extract_calc_values(text, today=today()), today())
        required = self.domain_slots(domain)
        extra = {slot: value for slot, value in filled.items()
                 if slot != requested and slot in required and tracker.get_slot(slot) is None}
        events += [SlotSet(slot, value) for slot, value in extra.items()]
        return events

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[Dict[Text, Any]]:
        """Validate only slots that carry a value: slots cleared this turn are not answers."""
        candidates = tracker.slots_to_validate
        tracker.slots_to_validate = lambda: {k: v for k, v in candidates().items() if v is not None}  # type: ignore[method-assign]
        return await super().get_validation_events(dispatcher, tracker, domain)

    def _bad(self, dispatcher: CollectingDispatcher, slot: str, hint: str, lang: str = ZH) -> Dict[Text, Any]:
        """Re-ask: ``hint`` is a catalog key (actions/i18n.py calc_hint_*)."""
        say(dispatcher, i18n.text("calc_bad", lang, hint=i18n.text(hint, lang)), kind="reask", **_meta(lang))
        return {slot: None}

    def validate_calc_start(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        form = (tracker.active_loop or {}).get("name")
        end_slot = tracker.get_slot("calc_end")
        end = date.fromisoformat(end_slot) if end_slot else None
        inclusive = form in ("severance_form", "notice_form")
        lang = i18n.language_of(tracker)
        start = parse_start_date(str(value), tracker, end=end, end_inclusive=inclusive, lang=lang)
        if start is None:
            return self._bad(dispatcher, "calc_start", "calc_hint_date", lang)
        if start > today():
            return self._bad(dispatcher, "calc_start", "calc_hint_future", lang)
        out: Dict[Text, Any] = {"calc_start": start.isoformat()}
        if form == "severance_form" and end is None and parse_any_date(str(value), tracker, lang) is None:
            # A length of service was counted back from today, so today is the last working day.
            out["calc_end"] = today().isoformat()
        return out
    def validate_calc_end(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> Dict[Text, Any]:
        lang = i18n.language_of(tracker)
        end = parse_any_date(str(value), tracker, lang)
        start = tracker.get_slot("calc_start")
        if end is None:
            return self._bad(dispatcher, "calc_end", "calc_hint_end", lang)
        if start and end < date.fromisoformat(start):
            return self._bad(dispatcher, "calc_end", "calc_hint_end_before", lang)
        return {"calc_end": end.isoformat()}

    def validate_calc_wage(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[Text, Any]:
        if isinstance(value, dict):
            return {"calc_wage": value}
        optional = (tracker.active_loop or {}).get("name") == "maternity_form"
        lang = i18n.language_of(tracker)
        skipped = lang != ZH and parse_yes_no(str(value)) is False
        if optional and (skipped or str(value).strip() in ("0", "零")
                         or any(w in str(value) for w in ("不想", "略過", "跳過", "不提供"))):
            return {"calc_wage": {"amount": None, "period": "monthly"}}
        wage = parse_wage_text(str(value), tracker, lang)
        if wage is None:
            return self._bad(dispatcher, "calc_wage", "calc_hint_wage", lang)
        usable = WAGE_PERIODS.get(tracker.get_slot("calc_type") or "", tuple(WAGE_LABELS))
        if wage["period"] not in usable:
            labels = [i18n.text(f"calc_wage_{p}", lang) for p in usable]
            need = i18n.text("calc_or", lang).join(labels)
            example = f"{need[:2]}35000" if lang == ZH else f"{labels[0]} 35000"
            say(dispatcher, i18n.text("calc_need_period", lang, need=need, example=example), kind="reask",
                **_meta(lang))
            return {"calc_wage": None}
        return {"calc_wage": wage}

    def validate_calc_hours(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        lang = i18n.language_of(tracker)
        hours = value if isinstance(value, dict) else parse_hours_answer(str(value), lang)
        try:
            amount = Fraction(str(hours["hours"])) if hours else None
        except (ValueError, ZeroDivisionError):
            amount = None
        if hours is None or amount is None or not 0 < amount <= 24:
            return self._bad(dispatcher, "calc_hours", "calc_hint_hours", lang)
        if (tracker.get_slot("calc_day_type") == "weekday" and hours.get("basis") == "overtime"
                and amount > MAX_WEEKDAY_OVERTIME):
            say(dispatcher, i18n.text("calc_weekday_max", lang, max=MAX_WEEKDAY_OVERTIME, hours=_num(amount)),
                kind="reask", **_meta(lang))
            return {"calc_hours": None}
        return {"calc_hours": {"hours": str(amount), "basis": hours.get("basis", "overtime")}}

    def validate_calc_day_type(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[Text, Any]:
        lang = i18n.language_of(tracker)
        kind = parse_day_type(str(value), lang)
        if kind is None:
            return self._bad(dispatcher, "calc_day_type", "calc_hint_day_type", lang)
        return {"calc_day_type": kind}

    def validate_calc_birth(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        lang = i18n.language_of(tracker)
        birth = parse_any_date(str(value), tracker, lang)
        if birth is None:
            return self._bad(dispatcher, "calc_birth", "calc_hint_birth", lang)
        return {"calc_birth": birth.isoformat()}

    def validate_calc_leave_start(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        lang = i18n.language_of(tracker)
        start = parse_any_date(str(value), tracker, lang)
        if start is None:
            return self._bad(dispatcher, "calc_leave_start", "calc_hint_leave_start", lang)
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


def hours_worked(day_type: str, hours: Dict[str, str] | str) -> Fraction:
    """The day's total hours, which the overtime calculator needs.

    On a weekday "加班3小時" means 3 hours beyond the 8 normal hours (勞動基準法第30條第1項), so
    the day had 11; on a rest day, holiday or day off every hour worked is counted, so the hours
    said are the day's hours whichever way they were said.
    """
    if isinstance(hours, str):
        hours = {"hours": hours, "basis": "overtime"}
    value = Fraction(str(hours["hours"]))
    if day_type == "weekday" and hours.get("basis", "overtime") == "overtime":
        return value + NORMAL_DAILY_HOURS
    return value


def hourly_wage(wage: Dict[str, Any]) -> tuple[Fraction, str]:
    """平日每小時工資額 and the rule it goes with ("monthly" or "hourly") for a calc_wage slot.

    A daily wage is paid by the day like an hourly wage by the hour, so it takes the hourly rule,
    over an 8-hour normal day (勞動基準法第30條第1項).
    """
    amount = Fraction(str(wage["amount"]))
    period = wage.get("period")
    if period == "hourly":
        return amount, "hourly"
    if period == "daily":
        return amount / NORMAL_DAILY_HOURS, "hourly"
    return calc.hourly_wage_from_monthly(amount), "monthly"


def input_notes(kind: str, slots: Dict[str, Any], lang: str = ZH) -> List[str]:
    """How the answers became the calculator's inputs, in words: the assumptions a reader should check."""
    if kind != "overtime" or not slots.get("calc_wage") or not slots.get("calc_hours"):
        return []
    if lang != ZH:
        return _input_notes_lang(slots, lang)
    notes: List[str] = []
    wage = slots["calc_wage"]
    per_hour, _ = hourly_wage(wage)
    if wage.get("period") == "monthly":
        notes.append(f"月薪 {_num(Decimal(wage['amount']))} 元 ÷ 30 ÷ 8 ＝ 平日每小時工資 {_num(per_hour)} 元。")
    elif wage.get("period") == "daily":
        notes.append(f"日薪 {_num(Decimal(wage['amount']))} 元 ÷ 8 小時 ＝ 時薪 {_num(per_hour)} 元"
                     "（以每日正常工時8小時計），按日計酬比照時薪制。")
    day, basis, said, total = _hours_figures(slots)
    if day == "weekday" and basis == "total":
        over = max(Fraction(0), total - NORMAL_DAILY_HOURS)
        notes.append(f"那天總共工作 {_num(total)} 小時：扣掉每日正常工時 8 小時，加班 {_num(over)} 小時。")
    elif day == "weekday":
        notes.append(f"平日加班 {_num(said)} 小時：正常工時 8 小時加上加班 {_num(said)} 小時，當天共 {_num(total)} 小時。")
    elif basis == "overtime":
        notes.append(f"{DAY_LABELS.get(day, day)}出勤的時數全部計算，以當天工作 {_num(total)} 小時計。")
    return notes


def _hours_figures(slots: Dict[str, Any]) -> tuple[str, str, Fraction, Fraction]:
    """The overtime form's day type, hours basis ("overtime" or "total"), the hours said and the day's
    total hours: the figures the notes word, in Chinese or in the person's language."""
    hours = slots["calc_hours"]
    if isinstance(hours, str):
        hours = {"hours": hours, "basis": "overtime"}
    day = slots.get("calc_day_type") or ""
    return day, hours.get("basis") or "", Fraction(str(hours["hours"])), hours_worked(day, hours)


def _input_notes_lang(slots: Dict[str, Any], lang: str) -> List[str]:
    """input_notes in another language: the same figures, worded from the catalog."""
    wage = slots["calc_wage"]
    per_hour, _ = hourly_wage(wage)
    notes: List[str] = []
    if wage.get("period") in ("monthly", "daily"):
        notes.append(i18n.text(f"calc_note_{wage['period']}", lang, wage=_num(Decimal(wage["amount"])),
                               rate=_num(per_hour)))
    day, basis, said, total = _hours_figures(slots)
    if day == "weekday" and basis == "total":
        over = max(Fraction(0), total - NORMAL_DAILY_HOURS)
        notes.append(i18n.text("calc_note_total", lang, total=_num(total), over=_num(over)))
    elif day == "weekday":
        notes.append(i18n.text("calc_note_weekday", lang, said=_num(said), total=_num(total)))
    elif basis == "overtime" and f"calc_day_{day}" in i18n.CATALOG:
        notes.append(i18n.text("calc_note_dayoff", lang, day=i18n.text(f"calc_day_{day}", lang),
                               total=_num(total)))
    return notes


def answers_said(kind: str, slots: Dict[str, Any], lang: str) -> List[str]:
    """The form's answers, as read, in ``lang``: repeated above the result so the person can check them."""
    said: List[str] = []
    wage = slots.get("calc_wage") or {}
    if kind in WAGE_PERIODS and wage.get("amount") is not None:
        label = i18n.text(f"calc_wage_{wage.get('period') or 'monthly'}", lang)
        text = i18n.text("calc_wage_said", lang, label=label, amount=_num(Decimal(str(wage["amount"]))))
        inferred = i18n.text("calc_wage_inferred", lang, label=label) if wage.get("inferred") else ""
        said.append(text + inferred)
    hours, day = slots.get("calc_hours"), slots.get("calc_day_type")
    if kind == "overtime" and hours and day:
        hours = hours if isinstance(hours, dict) else {"hours": hours, "basis": "overtime"}
        key = "calc_hours_total_said" if hours.get("basis") == "total" else "calc_hours_said"
        said.append(i18n.text(key, lang, day=i18n.text(f"calc_day_{day}", lang),
                              hours=_num(Fraction(str(hours["hours"])))))
    for slot, label in (("calc_start", "calc_start_label"), ("calc_end", "calc_end_label"),
                        ("calc_birth", "calc_birth_label"), ("calc_leave_start", "calc_leave_start_label")):
        if slots.get(slot):
            said.append(i18n.text("calc_date_said", lang, label=i18n.text(label, lang),
                                  date=date.fromisoformat(slots[slot]).strftime("%Y-%m-%d")))
    return said


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
        monthly = amount if wage.get("period") not in ("hourly", "daily") else None
        if monthly is None:
            raise ValueError("資遣費要用月平均工資計算，請提供月薪。")
        return calc.severance_pay(monthly, start, end, scheme="new")
    if kind == "min_wage":
        return calc.check_minimum_wage(amount, wage.get("period", "monthly"), on)
    if kind == "overtime":
        per_hour, basis = hourly_wage(wage)
        day = slots["calc_day_type"]
        return calc.overtime_pay(per_hour, hours_worked(day, slots["calc_hours"]), day, wage_basis=basis)
    if kind == "maternity":
        monthly = amount if amount and wage.get("period") not in ("hourly", "daily") else None
        return calc.maternity_leave(date.fromisoformat(slots["calc_leave_start"]),
                                    date.fromisoformat(slots["calc_birth"]), monthly_wage=monthly)
    raise ValueError(f"unknown calculator {kind}")


def format_result(result: calc.CalcResult, understood: List[str] | None = None,
                  inputs: List[str] | None = None) -> str:
    """The reply: what was read from the user's words, the answer, how it was computed, the law."""
    unit = {"days": "天", "NTD": "元", "hours": "小時"}.get(result.unit or "", "")
    if isinstance(result.value, bool):
        headline = "✅ 符合規定" if result.value else "⚠️ 低於法定標準"
    else:
        headline = f"結果：{result.value:,} {unit}".strip()
    if understood:
        headline = understood_text(understood) + "\n" + headline
    notes = "".join(f"\n・{n}" for n in [*(inputs or []), *result.notes])
    return f"{headline}\n算法：{result.formula}{notes}\n\n依據：{'、'.join(result.citations)}\n（試算僅供參考，個案請洽勞工局或 1955。）"


def format_result_lang(result: calc.CalcResult, said: List[str], inputs: List[str], lang: str) -> str:
    """The reply in en/id/vi/th: the answers as read, the amount, the inputs, then the calculator's own
    formula and notes, which are in Chinese (the law's terms), and the Chinese article ids."""
    if isinstance(result.value, bool):
        headline = i18n.text("calc_result_ok" if result.value else "calc_result_below", lang)
    else:
        key = {"days": "calc_result_days", "NTD": "calc_result_money", "hours": "calc_result_hours"}.get(
            result.unit or "", "calc_result_days")
        headline = i18n.text(key, lang, value=f"{result.value:,}")
    lines = [i18n.text("calc_understood", lang, said="; ".join(said))] if said else []
    lines.append(headline)
    lines += [f"・{n}" for n in inputs]
    lines.append(i18n.text("calc_formula", lang, formula=result.formula))
    lines += [f"・{n}" for n in result.notes]
    lines += ["", i18n.text("calc_basis", lang, citations="、".join(result.citations)),
              i18n.text("calc_disclaimer", lang)]
    return "\n".join(lines)


class ActionCalcResult(Action):
    """Run the calculator whose form just finished and say the result with its formula."""

    def name(self) -> Text:
        return "action_calc_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        kind = tracker.get_slot("calc_type") or ""
        slots = {s: tracker.get_slot(s) for s in CALC_SLOTS}
        lang = i18n.language_of(tracker)
        try:
            result = run_calculation(kind, slots, today())
            inputs = input_notes(kind, slots, lang)
        except (ValueError, KeyError, TypeError, ZeroDivisionError) as exc:
            say(dispatcher, i18n.text("calc_error", lang, error=exc), buttons=[_human_button(lang)],
                kind="calc_error", **_meta(lang))
        else:
            text = (format_result(result, slots.get("calc_understood"), inputs) if lang == ZH
                    else format_result_lang(result, answers_said(kind, slots, lang), inputs, lang))
            say(dispatcher, text,
                buttons=[_human_button(lang), button(i18n.text("calc_again", lang), "/calculate")],
                citations=result.citations, kind="calc_result", calc_type=kind,
                result=result.value if isinstance(result.value, bool) else int(result.value), **_meta(lang))
        return [SlotSet(slot, None) for slot in CALC_SLOTS] + [SlotSet("calc_type", None)]
