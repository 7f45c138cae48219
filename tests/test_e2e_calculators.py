"""Calculator forms filled from free text in a real conversation (Rasa + action server + gateway)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from actions.calculators import today
from labourbot.calc import annual_leave_days, overtime_pay
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
    gateway.ask("資遣費可以拿多少", user=who)
    reply = gateway.ask("取消", user=who)
    assert "取消" in reply["text"]
    assert gateway.ask("你好", user=who)["intent"] == "greet"
