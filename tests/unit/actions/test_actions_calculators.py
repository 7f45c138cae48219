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


# Values read from the message ------------------------------------------------------------------

from fractions import Fraction  # noqa: E402
from typing import Any  # noqa: E402

from rasa_sdk import Tracker  # noqa: E402
from rasa_sdk.executor import CollectingDispatcher  # noqa: E402

from actions.calculators import (  # noqa: E402
    ActionCalculatorMenu,
    ValidateOvertimeForm,
    calculator_offer,
    hours_worked,
    input_notes,
    message_with_values,
    prefill_slots,
)
from labourbot.calc import hourly_wage_from_monthly, overtime_pay  # noqa: E402
from labourbot.parsing import extract_calc_values  # noqa: E402

ON = date(2026, 11, 26)
FORMS = {"forms": {
    "overtime_form": {"required_slots": ["calc_wage", "calc_day_type", "calc_hours"]},
    "severance_form": {"required_slots": ["calc_wage", "calc_start", "calc_end"]},
    "annual_leave_form": {"required_slots": ["calc_start"]},
    "notice_form": {"required_slots": ["calc_start"]},
    "min_wage_form": {"required_slots": ["calc_wage"]},
    "maternity_form": {"required_slots": ["calc_birth", "calc_leave_start", "calc_wage"]},
}}


def prefill(kind: str, text: str) -> tuple[dict[str, Any], list[str]]:
    return prefill_slots(kind, extract_calc_values(text, today=ON), ON)


def user(text: str, intent: str = "calculate", entities: list | None = None) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"text": text, "intent": {"name": intent}, "entities": entities or []}}


def tracker(text: str, *, events: list[dict[str, Any]] | None = None, entities: list | None = None,
            slots: dict[str, Any] | None = None, active_loop: dict[str, Any] | None = None) -> Tracker:
    latest = {"text": text, "intent": {"name": "calculate", "confidence": 1.0}, "entities": entities or []}
    return Tracker("test", slots or {}, latest, (events or []) + [user(text, entities=entities)], False, None,
                   active_loop or {}, "action_listen")


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_prefill_overtime_from_the_issue_example():
    slots, said = prefill("overtime", "我月薪3萬2，平日加班3小時，加班費多少？")
    assert slots == {"calc_wage": {"amount": "32000", "period": "monthly"}, "calc_day_type": "weekday",
                     "calc_hours": {"hours": "3", "basis": "overtime"}}
    assert "、".join(said) == "月薪 32,000 元、平日加班 3 小時"


def test_prefill_total_hours_and_an_amount_without_a_period():
    slots, said = prefill("overtime", "32k 那天總共做了11小時 平日")
    assert slots["calc_hours"] == {"hours": "11", "basis": "total"}
    assert slots["calc_wage"] == {"amount": "32000", "period": "monthly", "inferred": True}
    assert said == ["月薪 32,000 元（沒說月薪或時薪，依金額當作月薪）", "平日那天總共工作 11 小時"]


def test_prefill_severance_from_a_length_of_service_counts_back_from_today():
    slots, said = prefill("severance", "做了三年被資遣，月薪3萬5")
    # Three years of service ending today (the last working day, counted: 勞動基準法施行細則第5條).
    assert slots["calc_end"] == ON.isoformat()
    assert slots["calc_start"] == "2023-11-27"
    assert run_calculation("severance", slots, ON).value == 52500  # 勞工退休金條例第12條第1項: 3 x 1/2 x 35000
    assert said == ["月薪 35,000 元", "年資 3年（以今天為最後工作日往回推算）"]


def test_prefill_severance_dates_and_wage():
    slots, said = prefill("severance", "我2022/5/1進公司 2024/6/30被資遣 月薪4萬")
    assert (slots["calc_start"], slots["calc_end"]) == ("2022-05-01", "2024-06-30")
    assert said == ["月薪 40,000 元", "到職日 111年5月1日", "最後工作日 113年6月30日"]


def test_prefill_severance_ignores_an_hourly_wage():
    slots, _ = prefill("severance", "時薪190 做了兩年")
    assert "calc_wage" not in slots  # 資遣費 needs the average monthly wage (勞動基準法第2條第4款)


def test_prefill_annual_leave_and_notice():
    slots, said = prefill("annual_leave", "我做了三年兩個月 特休有幾天")
    assert run_calculation("annual_leave", slots, ON).value == 14  # 勞動基準法第38條第1項第4款: 3-5 years, 14 days
    assert said == ["年資 3年2個月"]
    slots, _ = prefill("annual_leave", "我113年3月1日到職")
    assert slots == {"calc_start": "2024-03-01"}
    slots, _ = prefill("notice", "預告期間 年資1年8個月")
    assert run_calculation("notice", slots, ON).value == 20  # 勞動基準法第16條第1項第2款: 1-3 years, 20 days


def test_prefill_min_wage_and_maternity():
    slots, _ = prefill("min_wage", "時薪 196元 有沒有低於最低工資")
    assert slots == {"calc_wage": {"amount": "196", "period": "hourly"}}
    slots, said = prefill("maternity", "預產期115年12月20日，產假從12/10開始，月薪4萬")
    assert (slots["calc_birth"], slots["calc_leave_start"]) == ("2026-12-20", "2026-12-10")
    assert said == ["月薪 40,000 元", "預產期 115年12月20日", "產假開始 115年12月10日"]


@pytest.mark.parametrize("text,kind", [
    ("做了三年被資遣，資遣費怎麼算", "severance"),
    ("我月薪3萬2，平日加班3小時，加班費多少？", "overtime"),
    ("國定假日上班8小時 時薪196元 多少錢", "overtime"),
    # 勞動基準法第30條第1項: a normal day is at most 8 hours; only hours past it (or on a rest day or
    # holiday) can be overtime, so fewer hours than agreed are no reason to offer the overtime calculator.
    ("那天總共做了11小時 時薪200元", "overtime"),
    ("老闆說生意不好，每天只排4小時，時薪196元照比例算", None),
    ("平日上班8小時 時薪196元", None),
    ("我113年3月1日到職 特休幾天", "annual_leave"),
    ("月薪28000有沒有低於最低工資", "min_wage"),
    ("預產期115年12月20日 產假怎麼請", "maternity"),
    ("加班費怎麼算", None),
    ("資遣費怎麼算", None),
    ("勞基法第24條在說什麼", None),
    ("2026年最低工資多少", None),
])
def test_calculator_offer(text, kind):
    assert calculator_offer(text, on=ON) == kind


def test_overtime_from_the_issue_example_is_computed_without_asking():
    slots, _ = prefill("overtime", "我月薪3萬2，平日加班3小時，加班費多少？")
    result = run_calculation("overtime", slots, ON)
    # 勞動基準法第24條第1項第1、2款: 2 h at 1+1/3 and 1 h at 1+2/3 of 32000/30/8 (第30條: 8 normal hours).
    assert result.value == overtime_pay(hourly_wage_from_monthly(32000), 11, "weekday").value == 578
    assert input_notes("overtime", slots) == [
        "月薪 32,000 元 ÷ 30 ÷ 8 ＝ 平日每小時工資 133.33 元。",
        "平日加班 3 小時：正常工時 8 小時加上加班 3 小時，當天共 11 小時。",
    ]


def test_total_hours_on_a_weekday_subtract_the_normal_day():
    # 勞動基準法第30條第1項 (8 normal hours) and 施行細則第20條之1: hours beyond 8 are overtime.
    assert hours_worked("weekday", {"hours": "11", "basis": "total"}) == 11
    assert hours_worked("weekday", {"hours": "3", "basis": "overtime"}) == 11
    assert hours_worked("rest-day", {"hours": "3", "basis": "overtime"}) == 3  # 第24條第2項: every hour counts
    notes = input_notes("overtime", {"calc_wage": {"amount": "200", "period": "hourly"}, "calc_day_type": "weekday",
                                     "calc_hours": {"hours": "11", "basis": "total"}})
    assert notes == ["那天總共工作 11 小時：扣掉每日正常工時 8 小時，加班 3 小時。"]


def test_hourly_wage_on_a_holiday_uses_the_hourly_rule():
    slots, _ = prefill("overtime", "我是兼職 時薪200 國定假日上班5小時 該拿多少")
    result = run_calculation("overtime", slots, ON)
    assert result.value == 2000  # 勞動基準法第39條 加倍發給, hourly: 200 x 2 x 5 hours actually worked
    assert result.notes[0].startswith("依時薪制計算")
    monthly = run_calculation("overtime", {**slots, "calc_wage": {"amount": "48000", "period": "monthly"}}, ON)
    assert monthly.value == 1600  # 第39條, monthly: one extra day's wage (8 x 48000/30/8)
    assert monthly.notes[0].startswith("依月薪制計算")


def test_daily_wage_takes_the_hourly_rule_over_an_8_hour_day():
    slots = {"calc_wage": {"amount": "1600", "period": "daily"}, "calc_day_type": "holiday",
             "calc_hours": {"hours": "8", "basis": "total"}}
    # 1600 / 8 (第30條第1項) = 200 an hour; 第39條 hourly rule: 200 x 2 x 8.
    assert run_calculation("overtime", slots, ON).value == 3200
    assert input_notes("overtime", slots)[0].startswith("日薪 1,600 元 ÷ 8 小時 ＝ 時薪 200 元")


def test_format_result_says_what_was_read():
    slots, said = prefill("overtime", "我月薪3萬2，平日加班3小時，加班費多少？")
    text = format_result(run_calculation("overtime", slots, ON), said, input_notes("overtime", slots))
    assert text.startswith("我從您的訊息讀到：月薪 32,000 元、平日加班 3 小時\n結果：578 元")


async def test_menu_fills_every_slot_from_the_message_and_lets_the_result_speak():
    dispatcher = CollectingDispatcher()
    events = await ActionCalculatorMenu().run(dispatcher, tracker("我月薪3萬2，平日加班3小時，加班費多少？"), FORMS)
    slots = slot_events(events)
    assert slots["calc_type"] == "overtime"
    assert slots["calc_hours"] == {"hours": "3", "basis": "overtime"}
    assert slots["calc_wage"]["amount"] == "32000" and slots["calc_day_type"] == "weekday"
    assert slots["calc_understood"] == ["月薪 32,000 元", "平日加班 3 小時"]
    assert [e["name"] for e in events if e.get("event") == "slot"].count("calc_hours") == 1
    assert events[-1] == {"event": "followup", "name": "overtime_form", "timestamp": None}
    assert dispatcher.messages == []  # nothing is missing: the result will say what was read


async def test_menu_says_what_it_read_when_the_form_still_has_questions():
    dispatcher = CollectingDispatcher()
    events = await ActionCalculatorMenu().run(dispatcher, tracker("做了三年被資遣，資遣費怎麼算"), FORMS)
    assert slot_events(events)["calc_type"] == "severance"
    assert dispatcher.messages[0]["text"] == "我從您的訊息讀到：年資 3年（以今天為最後工作日往回推算）。"
    assert slot_events(events)["calc_wage"] is None


async def test_a_button_press_uses_the_numbers_of_the_message_before():
    before = [user("我月薪3萬2，平日加班3小時，加班費多少？", "ask_overtime"),
              {"event": "action", "name": "action_answer"}, {"event": "bot", "text": "加班費的算法是……"}]
    payload = '/calculate{"calc_type": "overtime"}'
    t = tracker(payload, events=before, entities=[{"entity": "calc_type", "value": "overtime"}])
    assert message_with_values(t) == "我月薪3萬2，平日加班3小時，加班費多少？"
    events = await ActionCalculatorMenu().run(CollectingDispatcher(), t, FORMS)
    slots = slot_events(events)
    assert slots["calc_hours"] == {"hours": "3", "basis": "overtime"} and slots["calc_day_type"] == "weekday"


async def test_a_button_press_after_a_result_starts_clean():
    before = [user("我月薪3萬2，平日加班3小時"), {"event": "action", "name": "action_calc_result"},
              user("/calculate")]
    t = tracker('/calculate{"calc_type": "overtime"}', events=before,
                entities=[{"entity": "calc_type", "value": "overtime"}])
    assert message_with_values(t) == ""
    events = await ActionCalculatorMenu().run(CollectingDispatcher(), t, FORMS)
    assert all(slot_events(events)[s] is None for s in ("calc_wage", "calc_hours", "calc_day_type"))


async def test_an_answer_that_says_more_fills_the_other_slots():
    text = "月薪3萬2，平日加班3小時"
    events = [{"event": "slot", "name": "calc_wage", "value": text}]
    t = Tracker("test", {"calc_type": "overtime", "requested_slot": "calc_wage", "calc_wage": text},
                {"text": text, "intent": {"name": "inform"}, "entities": []},
                [user(text, "inform"), *events], False, None, {"name": "overtime_form"}, "action_listen")
    out = await ValidateOvertimeForm().run(CollectingDispatcher(), t, FORMS)
    slots = slot_events(out)
    assert slots["calc_wage"] == {"amount": "32000", "period": "monthly"}
    assert slots["calc_day_type"] == "weekday"
    assert slots["calc_hours"] == {"hours": "3", "basis": "overtime"}


async def test_too_many_weekday_overtime_hours_are_asked_again():
    t = Tracker("test", {"calc_type": "overtime", "requested_slot": "calc_hours", "calc_day_type": "weekday",
                         "calc_hours": "11"},
                {"text": "11", "intent": {"name": "inform"}, "entities": []},
                [user("11", "inform"), {"event": "slot", "name": "calc_hours", "value": "11"}], False, None,
                {"name": "overtime_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    out = await ValidateOvertimeForm().run(dispatcher, t, FORMS)
    assert slot_events(out)["calc_hours"] is None  # 第32條第2項: at most 4 extended hours on a weekday
    assert "總共11小時" in dispatcher.messages[0]["text"]


def test_hours_answers():
    from actions.calculators import parse_hours_answer

    assert parse_hours_answer("3") == {"hours": "3", "basis": "overtime"}
    assert parse_hours_answer("兩個半小時") == {"hours": "5/2", "basis": "overtime"}
    assert parse_hours_answer("總共做了11小時") == {"hours": "11", "basis": "total"}
    assert parse_hours_answer("很久") is None
    assert Fraction("5/2") == Fraction(5, 2)
