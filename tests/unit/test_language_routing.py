"""labourbot/routing.py on messages in other languages: short dialogue acts keep their intent, longer
messages and tool requests (the tools speak Chinese) go to the knowledge base, which answers in the
conversation's language."""

from __future__ import annotations

import pytest

from labourbot.routing import KB_INTENT, route


@pytest.mark.parametrize("text,intent", [
    ("hello", "greet"), ("terima kasih banyak ya mbak", "thank"), ("cảm ơn bạn nhiều", "thank"),
    ("ขอบคุณมากครับ", "thank"), ("thank you very much", "thank"), ("sampai jumpa", "goodbye"),
])
def test_short_dialogue_acts_keep_their_intent(text: str, intent: str) -> None:
    assert route(text, intent, 0.9).intent == intent


@pytest.mark.parametrize("text,intent", [
    ("hello, my boss did not pay my salary for two months", "greet"),
    ("terima kasih, tapi majikan saya masih menahan paspor saya sampai sekarang", "thank"),
    ("สวัสดีครับ นายจ้างไม่จ่ายเงินเดือนสองเดือนแล้ว ทำอย่างไรดี", "greet"),
    ("is this job offer a scam, they want a deposit first", "check_job_scam"),
])
def test_longer_messages_and_tool_requests_go_to_the_knowledge_base(text: str, intent: str) -> None:
    assert route(text, intent, 0.9).intent == KB_INTENT


@pytest.mark.parametrize("text", ["calculate my overtime pay for last month please", "tolong hitung uang lembur saya",
                                  "tính giúp tôi tiền tăng ca", "ช่วยคำนวณค่าล่วงเวลาให้หน่อย"])
def test_calculator_requests_in_other_languages_go_to_the_calculators(text: str) -> None:
    assert route(text, "calculate", 0.9).intent == "calculate"  # the forms ask in the language
    assert route(text, "nlu_fallback", 0.3).intent == "calculate"


def test_chinese_routing_is_unchanged_for_tools_and_english_words_in_the_chinese_data() -> None:
    assert route("quiz", "start_quiz", 0.9).intent == "start_quiz"
    assert route("這個工作是詐騙嗎要先繳保證金", "check_job_scam", 0.9).intent == "check_job_scam"
    assert route("I want to talk to a person", "request_human", 0.9).intent == "request_human"
