"""A calculator form completed in English, Indonesian, Vietnamese and Thai through the real stack (Rasa,
action server, gateway) and the fake LINE and Telegram APIs: each question asked in the person's
language, the answers read in that language, the result's amount as the law gives it (docs/languages.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml
from fakes.fake_telegram import params, visible_text
from fakes.line_chat import line_send, shown
from fakes.payloads import line_user, telegram_chat, telegram_text
from fakes.secrets import TELEGRAM_SECRET

from actions.calculators import today
from actions.i18n import CATALOG
from labourbot import calc
from labourbot.config import PROJECT_ROOT

pytestmark = pytest.mark.e2e

_RESPONSES = yaml.safe_load((PROJECT_ROOT / "bot" / "domain" / "calculators.yml").read_text("utf-8"))["responses"]


def question(name: str, lang: str) -> str:
    """The start of the form question `name` in `lang` (the domain's variant)."""
    [variant] = [v for v in _RESPONSES[name] if v.get("condition", [{}])[0].get("value") == lang]
    return str(variant["text"])[:25]


# ---------------------------------------------------------------------------------------------- LINE

def actions_in(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node["action"]] if isinstance(node.get("action"), dict) else []
        return own + [a for v in node.values() for a in actions_in(v)]
    if isinstance(node, list):
        return [a for v in node for a in actions_in(v)]
    return []


# ---------------------------------------------------------------------------------------------- Telegram

class TelegramChat:
    """One Telegram chat: send a text, get the bot's messages once one shows `needle`."""

    def __init__(self, gateway: Any, api: Any) -> None:
        self.gateway, self.api, self.chat, self.seen = gateway, api, telegram_chat(), 0

    def _match(self, r: Any) -> bool:
        return r.path.endswith("/sendMessage") and r.status == 200 and int(params(r).get("chat_id", 0)) == self.chat

    def say(self, text: str, needle: str) -> str:
        response = self.gateway.client.post("/webhooks/telegram", json=telegram_text(self.chat, text),
                                            headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
        assert response.status_code == 200, response.text
        count = 1
        while True:
            self.api.wait_for(self._match, count=self.seen + count, timeout=90)
            sent = [visible_text(str(params(r).get("text", ""))) for r in self.api.matching(self._match)][self.seen:]
            if any(needle in t for t in sent):
                self.seen += len(sent)
                return "\n".join(sent)
            count += 1


# ---------------------------------------------------------------------------------------------- tests

def test_english_overtime_on_line(channel_gateway, line_api):
    user = line_user()
    asked = line_send(channel_gateway, line_api, user, "calculate my overtime pay please")
    assert question("utter_ask_calc_wage", "en") in shown(asked)
    asked = line_send(channel_gateway, line_api, user, "30000 a month")
    assert question("utter_ask_calc_day_type", "en") in shown(asked)
    [weekday] = [a for a in actions_in(asked) if a.get("label") == "Weekday"]  # the button, as LINE taps it
    asked = (line_send(channel_gateway, line_api, user, text=weekday["text"]) if weekday["type"] == "message"
             else line_send(channel_gateway, line_api, user, postback=weekday["data"]))
    assert question("utter_ask_calc_hours", "en") in shown(asked)
    result = shown(line_send(channel_gateway, line_api, user, "3 hours"))
    # 勞動基準法第24條第1項: 30000/30/8 = 125 an hour; 3 hours beyond the normal 8 (第30條第1項)
    expected = calc.overtime_pay(calc.hourly_wage_from_monthly(30000), 11, "weekday").value
    assert expected == 542
    assert CATALOG["calc_result_money"]["en"].format(value=f"{expected:,}") in result
    assert "勞動基準法第24條" in result and CATALOG["calc_disclaimer"]["en"][:30] in result


def test_indonesian_overtime_on_telegram(channel_gateway, telegram_api):
    chat = TelegramChat(channel_gateway, telegram_api)
    chat.say("tolong hitung uang lembur saya", question("utter_ask_calc_wage", "id"))
    chat.say("30 ribu per bulan", question("utter_ask_calc_day_type", "id"))
    chat.say("hari istirahat", question("utter_ask_calc_hours", "id"))
    result = chat.say("3 jam", "Hasil:")
    # 勞動基準法第24條第2項: a rest day's first 2 hours at 1 1/3, the next at 1 2/3 of 125 an hour
    expected = calc.overtime_pay(calc.hourly_wage_from_monthly(30000), 3, "rest-day").value
    assert CATALOG["calc_result_money"]["id"].format(value=f"{expected:,}") in result
    assert "勞動基準法第24條" in result


def test_vietnamese_annual_leave_on_line(channel_gateway, line_api):
    user = line_user()
    asked = line_send(channel_gateway, line_api, user, "tính giúp tôi số ngày phép năm")
    assert question("utter_ask_calc_start", "vi") in shown(asked)
    result = shown(line_send(channel_gateway, line_api, user, "ngày 1 tháng 3 năm 2022"))
    expected = calc.annual_leave_days(date(2022, 3, 1), today()).value  # 勞動基準法第38條第1項
    assert CATALOG["calc_result_days"]["vi"].format(value=expected) in result
    assert "勞動基準法第38條" in result


def test_thai_severance_on_telegram(channel_gateway, telegram_api):
    chat = TelegramChat(channel_gateway, telegram_api)
    chat.say("ช่วยคำนวณค่าชดเชยเลิกจ้างให้หน่อย", question("utter_ask_calc_wage", "th"))
    chat.say("เงินเดือน 3 หมื่น", question("utter_ask_calc_start", "th"))
    chat.say("1 มีนาคม 2565", question("utter_ask_calc_end", "th"))
    result = chat.say("31 ตุลาคม 2569", "ผลลัพธ์")
    # 勞工退休金條例第12條第1項: half a month's wage per year of service, 2022-03-01 to 2026-10-31
    expected = calc.severance_pay(30000, date(2022, 3, 1), date(2026, 10, 31), scheme="new").value
    assert CATALOG["calc_result_money"]["th"].format(value=f"{expected:,}") in result
    assert "勞工退休金條例第12條" in result
