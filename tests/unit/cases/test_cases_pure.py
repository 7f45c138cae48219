"""Pure helpers of the case package: masking, the logging filter, office hours, keyword rules,
transcripts, backoff."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.detect import detect_danger, sensitive_topic
from cases.masking import PersonalDataFilter, mask_personal_data
from cases.office_hours import TAIPEI, expected_reply, is_open, next_opening
from cases.outbox import backoff
from cases.transcript import readable, summary_of, transcript_from_events

pytestmark = pytest.mark.cases


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("身分證 A123456789", "身分證 A1******89"),
        ("我的電話 0912-345-678", "我的電話 0912-***-678"),
        ("0912345678", "0912***678"),
        ("+886912345678", "+886912***678"),
        ("公司電話 06-2991111", "公司電話 06-29***11"),
        ("(02)2345-6789", "(02)23**-**89"),
        ("帳號 012345678901", "帳號 ********8901"),
        ("帳號 0123-456-789012", "帳號 ****-***-**9012"),
        ("全形 Ａ１２３４５６７８９ ０９１２３４５６７８", "全形 Ａ１******８９ ０９１２***６７８"),
        ("信箱 abc.def@example.com", "信箱 a******@example.com"),
    ],
)
def test_personal_data_is_masked_in_place(text, masked):
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(
    "text",
    ["案件 #12，月薪 35000 元，2024/03/01 到職，20240301", "加班 3.5 小時，時薪 196", "勞動基準法第24條", ""],
)
def test_ordinary_numbers_are_left_alone(text):
    assert mask_personal_data(text) == text


national_ids = st.from_regex(r"[A-Z][12][0-9]{8}", fullmatch=True)
mobiles = st.from_regex(r"09[0-9]{2}-?[0-9]{3}-?[0-9]{3}", fullmatch=True)
accounts = st.from_regex(r"[1-9][0-9]{9,15}", fullmatch=True)
filler = st.text(alphabet="請問老闆不給加班費怎麼辦，。 ", max_size=12)


@settings(max_examples=200, deadline=None)
@given(before=filler, secret=st.one_of(national_ids, mobiles, accounts), after=filler)
def test_masking_hides_the_number_keeps_the_length_and_is_idempotent(before, secret, after):
    text = f"{before}{secret}{after}"
    masked = mask_personal_data(text)
    assert secret not in masked
    assert len(masked) == len(text)
    assert mask_personal_data(masked) == masked
    assert masked.startswith(before) and masked.endswith(after)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=60))
def test_text_without_digits_or_at_signs_is_unchanged(text):
    if "@" not in text:
        assert mask_personal_data(text) == text


def test_the_log_filter_masks_the_formatted_message(caplog):
    logger = logging.getLogger("test.cases.masking")
    logger.addFilter(PersonalDataFilter())
    with caplog.at_level(logging.INFO, logger="test.cases.masking"):
        logger.info("user %s called from %s", "A123456789", "0912-345-678")
    assert caplog.records[-1].getMessage() == "user A1******89 called from 0912-***-678"
    assert "A123456789" not in caplog.text


def taipei(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TAIPEI)


@pytest.mark.parametrize(
    ("when", "open_"),
    [("2026-11-27T08:00", True), ("2026-11-27T11:59", True), ("2026-11-27T12:00", False),
     ("2026-11-27T13:29", False), ("2026-11-27T13:30", True), ("2026-11-27T17:30", False),
     ("2026-11-28T10:00", False), ("2026-11-29T10:00", False)],
)
def test_office_hours(when, open_):
    assert is_open(taipei(when)) is open_


def test_the_next_opening_skips_lunch_nights_and_weekends():
    assert next_opening(taipei("2026-11-27T12:10")) == taipei("2026-11-27T13:30")
    assert next_opening(taipei("2026-11-27T18:00")) == taipei("2026-11-30T08:00")  # Friday evening
    assert next_opening(taipei("2026-11-26T07:00")) == taipei("2026-11-26T08:00")
    utc = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)  # 10:00 in Taipei
    assert next_opening(utc) == utc.astimezone(TAIPEI)


def test_expected_reply_says_when_staff_will_answer():
    assert "2 小時內" in expected_reply(taipei("2026-11-27T10:00"))
    friday_night = expected_reply(taipei("2026-11-27T20:00"))
    assert "週一（11/30） 08:00" in friday_night and "1955" in friday_night
    assert "今天 13:30" in expected_reply(taipei("2026-11-27T12:30"))
    assert "明天（週五） 08:00" in expected_reply(taipei("2026-11-26T19:00"))
    with pytest.raises(ValueError):
        expected_reply(datetime(2026, 11, 27, 10, 0))


@pytest.mark.parametrize("text", ["我不想活了", "我想自杀", "老闆威脅我", "我被打了", "主管打我", "活不下去了",
                                  "我想去跳樓", "同事恐嚇我"])
def test_danger_words(text):
    assert detect_danger(text)


@pytest.mark.parametrize("text", ["忘記被打卡怎麼辦", "面試被打槍了", "勞保死亡給付", "加班費怎麼算", "", "老闆打我電話",
                                  "請完產假回來考績被打丙等", "被打考績", "意見被打回票", "發言一直被打斷"])
def test_not_danger(text):
    assert not detect_danger(text)


@pytest.mark.parametrize(
    ("text", "topic"),
    [("主管一直對我性騷擾怎麼辦", "sexual_harassment"), ("上班受傷住院了怎麼辦", "occupational_injury"),
     ("我要申請勞資爭議調解", "dispute_mediation"), ("老闆跑了薪水沒發", "wages"),
     ("公司倒閉，積欠三個月工資", "wages")],
)
def test_situations_that_need_a_person(text, topic):
    found = sensitive_topic(text)
    assert found is not None and found.topic == topic


@pytest.mark.parametrize("text", ["性騷擾的定義是什麼", "職災可以請幾天假", "薪水沒發怎麼辦", "調解委員是誰",
                                  "勞資爭議調解的流程"])
def test_ordinary_questions_on_those_topics_are_not_flagged(text):
    assert sensitive_topic(text) is None


def test_transcript_is_the_session_up_to_the_handoff_request():
    events = [
        {"event": "user", "text": "舊的對話", "timestamp": 1},
        {"event": "session_started", "timestamp": 2},
        {"event": "user", "text": "老闆不給加班費", "timestamp": 3},
        {"event": "bot", "text": "依勞動基準法第24條…", "timestamp": 4},
        {"event": "user", "text": "/request_human", "timestamp": 5},
        {"event": "action", "name": "action_handoff", "timestamp": 6},
        {"event": "bot", "text": "個資告知…", "timestamp": 7},
        {"event": "user", "text": "同意", "timestamp": 8},
    ]
    lines = transcript_from_events(events)
    assert [(line.author, line.text) for line in lines] == [
        ("user", "老闆不給加班費"), ("bot", "依勞動基準法第24條…"), ("user", "［按鈕：找真人］")]
    assert lines[0].at == datetime.fromtimestamp(3, tz=timezone.utc)
    assert summary_of(lines) == "老闆不給加班費"
    assert summary_of([]).startswith("（民眾直接要求")
    assert readable('/choose_topic{"topic": "overtime"}') == "［按鈕：選擇主題］"


def test_backoff_doubles_up_to_the_cap():
    assert [backoff(n, 2.0, 30.0) for n in range(1, 7)] == [2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert backoff(1, 2.0, 30.0) == timedelta(seconds=2).total_seconds()
