"""Calculator forms filled from free text in a real conversation (Rasa + action server + gateway)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from actions.calculators import today
from labourbot.calc import annual_leave_days, hourly_wage_from_monthly, overtime_pay
from labourbot.parsing import shift_months

pytestmark = pytest.mark.e2e


def conversation():
    return f"calc-{uuid.uuid4().hex[:10]}"


def test_annual_leave_form_from_a_start_date(gateway):
    who = conversation()
    first = gateway.ask("幫我算特休", user=who)
    assert "到職" in first["text"]
    reply = gateway.ask("113年3月1日", user=who)
    expected = annual_leave_days(date(2024, 3, 1), today()).value  # 勞動基準法第38條第1項
    assert f"結果：{expected} 天" in reply["text"]
    assert "勞動基準法第38條" in reply["citations"]
    assert "找真人" in reply["buttons"]


def test_annual_leave_form_prefilled_from_the_first_message(gateway):
    reply = gateway.ask("我做了三年兩個月 特休有幾天", user=conversation())
    start = shift_months(today(), -38)
    expected = annual_leave_days(start, today()).value  # 3 years 2 months: 14 days (第38條第1項第4款)
    assert expected == 14
    assert f"結果：{expected} 天" in reply["text"]


def test_overtime_computed_from_one_message_without_asking_for_hours(gateway):
    reply = gateway.ask("我月薪3萬2，平日加班3小時，加班費多少？", user=conversation())
    # 勞動基準法第24條第1項第1、2款 on 32000/30/8 an hour, 3 hours beyond the 8 of 第30條第1項.
    expected = overtime_pay(hourly_wage_from_monthly(32000), 11, "weekday").value
    assert expected == 578
    assert "幾小時" not in reply["text"]
    assert "我從您的訊息讀到：月薪 32,000 元、平日加班 3 小時" in reply["text"]
    assert f"結果：{expected:,} 元" in reply["text"]
    assert "勞動基準法第24條" in reply["citations"]


def test_a_calculate_button_uses_the_numbers_of_the_message_before(gateway):
    who = conversation()
    gateway.ask("時薪200 國定假日上班5小時", user=who)
    reply = gateway.ask('/calculate{"calc_type": "overtime"}', user=who)
    expected = overtime_pay(200, 5, "holiday", wage_basis="hourly").value  # 勞動基準法第39條: 200 x 2 x 5
    assert expected == 2000
    assert f"結果：{expected:,} 元" in reply["text"]
    assert "依時薪制計算" in reply["text"]


def test_a_partial_message_is_acknowledged_and_only_the_rest_is_asked(gateway):
    who = conversation()
    first = gateway.ask("幫我算資遣費，我做了三年", user=who)
    assert "我從您的訊息讀到：年資 3年" in first["text"]
    assert "薪資" in first["text"] and "到職" not in first["text"]
    reply = gateway.ask("月薪3萬5", user=who)
    assert "結果：52,500 元" in reply["text"]  # 勞工退休金條例第12條第1項: 3 years x 1/2 x 35000


def test_overtime_form_reasks_a_bad_answer_then_computes(gateway):
    who = conversation()
    gateway.ask("幫我算加班費", user=who)
    bad = gateway.ask("很多錢", user=who)
    assert "看不懂" in bad["text"] and "薪資" in bad["text"]
    gateway.ask("時薪200", user=who)
    gateway.ask("休息日", user=who)
    reply = gateway.ask("3小時", user=who)
    expected = overtime_pay(200, 3, "rest-day").value  # 勞動基準法第24條第2項
    assert f"結果：{expected:,} 元" in reply["text"]


def test_a_calculation_can_be_cancelled(gateway):
    who = conversation()
    gateway.ask("幫我算資遣費", user=who)
    reply = gateway.ask("取消", user=who)
    assert "取消" in reply["text"]
    assert gateway.ask("你好", user=who)["intent"] == "greet"
