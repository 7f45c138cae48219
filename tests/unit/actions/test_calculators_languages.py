"""The calculator forms in English, Indonesian, Vietnamese and Thai (actions/calculators.py): the menu,
the answers read in each language, the re-asks and the result, with the same numbers as in Chinese."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.calculators as calculators
from actions.calculators import (ActionCalcResult, ActionCalculatorMenu, ValidateMaternityForm,
                                 ValidateOvertimeForm)
from actions.i18n import CATALOG
from labourbot import calc
from labourbot.config import PROJECT_ROOT

ON = date(2026, 11, 26)
LANGS = ("en", "id", "vi", "th")
FORMS = {"forms": {"overtime_form": {"required_slots": ["calc_wage", "calc_day_type", "calc_hours"]}}}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calculators, "today", lambda: ON)


def tracker(text: str, lang: str, slots: dict[str, Any] | None = None, form: str | None = None) -> Tracker:
    latest = {"text": text, "intent": {"name": "calculate", "confidence": 1.0}, "entities": []}
    events = [{"event": "user", "text": text, "parse_data": latest}]
    return Tracker("test", {"language": lang, **(slots or {})}, latest, events, False, None,
                   {"name": form} if form else {}, "action_listen")


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


# ------------------------------------------------------------------ menu and questions

@pytest.mark.parametrize("lang,text", [
    ("en", "calculate my overtime pay"), ("id", "tolong hitung uang lembur saya"),
    ("vi", "tính giúp tôi tiền tăng ca"), ("th", "ช่วยคำนวณค่าล่วงเวลาให้หน่อย"),
])
async def test_a_request_in_each_language_opens_the_overtime_form(lang: str, text: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionCalculatorMenu().run(dispatcher, tracker(text, lang), FORMS)
    slots = slot_events(events)
    assert slots["calc_type"] == "overtime" and events[-1]["name"] == "overtime_form"
    assert all(slots[s] is None for s in ("calc_wage", "calc_hours", "calc_day_type"))
    assert dispatcher.messages == []


@pytest.mark.parametrize("lang", LANGS)
async def test_the_menu_is_in_the_language(lang: str) -> None:
    dispatcher = CollectingDispatcher()
    await ActionCalculatorMenu().run(dispatcher, tracker("please calculate", lang), FORMS)
    [message] = dispatcher.messages
    assert message["text"] == CATALOG["calc_menu"][lang]
    titles = [b["title"] for b in message["buttons"]]
    assert titles[:6] == [CATALOG[f"calc_label_{k}"][lang] for k in calculators.CALCULATORS]
    assert titles[6] == CATALOG["human_button"][lang]
    assert message["buttons"][1]["payload"] == '/calculate{"calc_type": "overtime"}'


def test_every_form_question_has_a_variant_in_each_language() -> None:
    domain = yaml.safe_load((PROJECT_ROOT / "bot" / "domain" / "calculators.yml").read_text("utf-8"))
    for name, variants in domain["responses"].items():
        langs = [v["condition"][0]["value"] for v in variants if v.get("condition")]
        assert sorted(langs) == sorted(LANGS), name
        assert "condition" not in variants[-1], name  # Chinese: the unconditioned default, last
    day_buttons = {v["condition"][0]["value"]: [b["payload"] for b in v["buttons"]]
                   for v in domain["responses"]["utter_ask_calc_day_type"] if v.get("condition")}
    for lang, payloads in day_buttons.items():  # each button's words are understood
        assert [calculators.parse_day_type(p, lang) for p in payloads] == [
            "weekday", "rest-day", "holiday", "regular-day-off"], lang


# ------------------------------------------------------------------ answers and re-asks

@pytest.mark.parametrize("lang,text,slot", [
    ("en", "NT$30,000", {"amount": "30000", "period": "monthly", "inferred": True}),
    ("id", "200 per jam", {"amount": "200", "period": "hourly"}),
    ("vi", "30 nghìn", {"amount": "30000", "period": "monthly", "inferred": True}),
    ("th", "3 หมื่น", {"amount": "30000", "period": "monthly", "inferred": True}),
    ("en", "月薪3萬", {"amount": "30000", "period": "monthly"}),  # Chinese still understood
])
def test_wage_answers(lang: str, text: str, slot: dict[str, Any]) -> None:
    t = tracker(text, lang, {"calc_type": "overtime"}, "overtime_form")
    assert ValidateOvertimeForm().validate_calc_wage(text, CollectingDispatcher(), t, {}) == {"calc_wage": slot}


@pytest.mark.parametrize("lang,day,hours", [
    ("en", "rest day", "3 hours"), ("id", "hari istirahat", "3 jam"), ("vi", "ngày nghỉ ngơi", "3 giờ"),
    ("th", "วันหยุดพักผ่อน", "3 ชั่วโมง"),
])
def test_day_type_and_hours_answers(lang: str, day: str, hours: str) -> None:
    form = ValidateOvertimeForm()
    t = tracker(day, lang, {"calc_type": "overtime"}, "overtime_form")
    assert form.validate_calc_day_type(day, CollectingDispatcher(), t, {}) == {"calc_day_type": "rest-day"}
    t = tracker(hours, lang, {"calc_type": "overtime", "calc_day_type": "rest-day"}, "overtime_form")
    assert form.validate_calc_hours(hours, CollectingDispatcher(), t, {}) == {
        "calc_hours": {"hours": "3", "basis": "overtime"}}


@pytest.mark.parametrize("lang,text", [("en", "1 March 2022"), ("id", "1 Maret 2022"),
                                       ("vi", "ngày 1 tháng 3 năm 2022"), ("th", "1 มีนาคม 2565")])
def test_start_date_answers(lang: str, text: str) -> None:
    t = tracker(text, lang, {"calc_type": "annual_leave"}, "annual_leave_form")
    assert ValidateOvertimeForm().validate_calc_start(text, CollectingDispatcher(), t, {}) == {
        "calc_start": "2022-03-01"}


@pytest.mark.parametrize("lang", LANGS)
def test_bad_answers_are_reasked_in_the_language(lang: str) -> None:
    form = ValidateOvertimeForm()
    dispatcher = CollectingDispatcher()
    t = tracker("lots", lang, {"calc_type": "overtime"}, "overtime_form")
    assert form.validate_calc_wage("lots", dispatcher, t, {}) == {"calc_wage": None}
    hint = CATALOG["calc_hint_wage"][lang]
    assert dispatcher.messages[-1]["text"] == CATALOG["calc_bad"][lang].format(hint=hint)
    t = tracker("5", lang, {"calc_type": "overtime", "calc_day_type": "weekday"}, "overtime_form")
    assert form.validate_calc_hours("5", dispatcher, t, {}) == {"calc_hours": None}  # 勞動基準法第32條第2項
    assert dispatcher.messages[-1]["text"] == CATALOG["calc_weekday_max"][lang].format(max=4, hours="5")
    t = tracker("200 per hour", lang, {"calc_type": "severance"}, "severance_form")
    assert form.validate_calc_wage("200 per hour", dispatcher, t, {}) == {"calc_wage": None}
    assert CATALOG["calc_wage_monthly"][lang] in dispatcher.messages[-1]["text"]
    assert not any("\u4e00" <= ch <= "\u9fff" for m in dispatcher.messages for ch in m["text"])


@pytest.mark.parametrize("lang,skip", [("en", "skip"), ("id", "lewati"), ("vi", "bỏ qua"), ("th", "0")])
def test_the_maternity_wage_can_be_skipped(lang: str, skip: str) -> None:
    t = tracker(skip, lang, {"calc_type": "maternity"}, "maternity_form")
    assert ValidateMaternityForm().validate_calc_wage(skip, CollectingDispatcher(), t, {}) == {
        "calc_wage": {"amount": None, "period": "monthly"}}


# ------------------------------------------------------------------ results: the same numbers

MONTHLY_30000 = {"amount": "30000", "period": "monthly"}
CASES = {
    # 勞動基準法第24條第1項: 30000/30/8 = 125 an hour; 2 h x 4/3 + 1 h x 5/3 = 333.33 + 208.33 -> 542
    "overtime": ({"calc_wage": MONTHLY_30000, "calc_day_type": "weekday",
                  "calc_hours": {"hours": "3", "basis": "overtime"}},
                 lambda: calc.overtime_pay(calc.hourly_wage_from_monthly(30000), 11, "weekday").value,
                 "勞動基準法第24條"),
    # 勞動基準法第38條第1項: 4 years 8 months of service on ON -> 14 days
    "annual_leave": ({"calc_start": "2022-03-01"}, lambda: calc.annual_leave_days(date(2022, 3, 1), ON).value,
                     "勞動基準法第38條"),
    # 勞工退休金條例第12條第1項: half a month's wage per year of service
    "severance": ({"calc_wage": MONTHLY_30000, "calc_start": "2022-03-01", "calc_end": "2026-08-31"},
                  lambda: calc.severance_pay(30000, date(2022, 3, 1), date(2026, 8, 31), scheme="new").value,
                  "勞工退休金條例第12條"),
    # 勞動基準法第16條第1項: three years or more -> 30 days' notice
    "notice": ({"calc_start": "2022-03-01"}, lambda: calc.dismissal_notice_days(date(2022, 3, 1), ON).value,
               "勞動基準法第16條"),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", sorted(CASES))
async def test_the_result_states_the_same_amount_in_each_language(kind: str, lang: str) -> None:
    slots, expected, article = CASES[kind]
    value = expected()
    zh = calculators.run_calculation(kind, slots, ON)
    assert zh.value == value and article in zh.citations
    dispatcher = CollectingDispatcher()
    events = await ActionCalcResult().run(dispatcher, tracker("x", lang, {"calc_type": kind, **slots}), {})
    [message] = dispatcher.messages
    text = message["text"]
    unit_key = "calc_result_money" if zh.unit == "NTD" else "calc_result_days"
    assert CATALOG[unit_key][lang].format(value=f"{value:,}") in text
    assert article in text and CATALOG["calc_disclaimer"][lang] in text
    meta = message["custom"]["meta"]
    assert meta["result"] == value and article in meta["citations"] and meta["kind"] == "calc_result"
    assert meta["language"] == lang  # the channels label the card in the language (channels/labels.py)
    assert [b["title"] for b in message["buttons"]] == [CATALOG["human_button"][lang], CATALOG["calc_again"][lang]]
    assert all(e["value"] is None for e in events if e.get("event") == "slot")


@pytest.mark.parametrize("lang", LANGS)
async def test_the_overtime_result_explains_the_inputs_in_the_language(lang: str) -> None:
    slots = CASES["overtime"][0]
    dispatcher = CollectingDispatcher()
    await ActionCalcResult().run(dispatcher, tracker("x", lang, {"calc_type": "overtime", **slots}), {})
    text = dispatcher.messages[0]["text"]
    assert CATALOG["calc_note_monthly"][lang].format(wage="30,000", rate="125") in text  # 30000 / 30 / 8
    assert CATALOG["calc_note_weekday"][lang].format(said="3", total="11") in text
    assert CATALOG["calc_wage_said"][lang].format(label=CATALOG["calc_wage_monthly"][lang], amount="30,000") in text


@pytest.mark.parametrize("lang", LANGS)
async def test_minimum_wage_verdict_in_each_language(lang: str) -> None:
    # 最低工資法: 196 an hour from 2026-01-01; 195 is below it
    slots = {"calc_wage": {"amount": "195", "period": "hourly"}}
    assert calc.check_minimum_wage(195, "hourly", ON).value is False
    dispatcher = CollectingDispatcher()
    await ActionCalcResult().run(dispatcher, tracker("x", lang, {"calc_type": "min_wage", **slots}), {})
    assert CATALOG["calc_result_below"][lang] in dispatcher.messages[0]["text"]


async def test_chinese_results_keep_their_text() -> None:
    slots = CASES["overtime"][0]
    dispatcher = CollectingDispatcher()
    await ActionCalcResult().run(dispatcher, tracker("x", "zh", {"calc_type": "overtime", **slots}), {})
    text = dispatcher.messages[0]["text"]
    assert text == calculators.format_result(calculators.run_calculation("overtime", slots, ON), None,
                                             calculators.input_notes("overtime", slots))
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["找真人", "再算一次"]
