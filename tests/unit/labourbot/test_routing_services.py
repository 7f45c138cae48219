"""The bureau's services are started by their own words, never by a question that mentions them."""

from __future__ import annotations

import pytest

from labourbot.routing import KB_INTENT, route


@pytest.mark.parametrize("text", ["我想預約法律諮詢", "幫我約律師面談", "律師諮詢還有名額嗎", "可以報名下週的免費諮詢嗎"])
def test_a_booking_request_books_whatever_the_classifier_said(text):
    assert route(text, "nlu_fallback", 0.9).intent == "book_consultation"
    assert route(text, "book_consultation", 0.9).intent == "book_consultation"


@pytest.mark.parametrize("text,intent", [
    ("勞工局有免費法律諮詢嗎", "book_consultation"),
    ("公司不讓我請假怎麼辦", "cancel_booking"),
    ("職災可以領哪些給付", "request_followup"),
    ("我的傷還沒好 公司叫我回去上班", "stop_followup"),
])
def test_a_service_predicted_without_its_words_is_a_question(text, intent):
    assert route(text, intent, 0.95).intent == KB_INTENT


def test_a_person_request_still_wins_over_booking():
    assert route("我要找真人 不是預約律師諮詢", "book_consultation", 0.9).intent == "request_human"


@pytest.mark.parametrize("text,intent", [("取消預約", "cancel_booking"), ("我想改預約時間", "move_booking"),
                                         ("停止關心", "stop_followup"), ("申請職災關懷", "request_followup")])
def test_service_requests_with_their_words_keep_their_intent(text, intent):
    assert route(text, intent, 0.9).intent == intent
