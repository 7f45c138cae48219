"""The router (labourbot/routing.py) and the question finder (labourbot/questions.py): pure functions,
so each rule is checked on its own words. Messages here are written for these tests."""

from __future__ import annotations

import pytest

from labourbot.questions import focus_query, parse
from labourbot.routing import KB_INTENT, asks_for_person, asks_to_calculate, route


@pytest.mark.parametrize("text", [
    "我想找真人談，我被主管性騷擾",
    "可以幫我轉接勞工局的人嗎？公司欠我三個月薪水",
    "請專人跟我聯絡，我被資遣了",
    "轉人工",
    "我要找承辦人，老闆不給加班費",
])
def test_explicit_person_request_wins_over_the_predicted_topic(text: str) -> None:
    assert asks_for_person(text)
    assert route(text, "ask_sexual_harassment", 0.97).intent == "request_human"


@pytest.mark.parametrize("text", ["你是真人還是機器人", "請問你是真人嗎", "公司找人代班沒付錢", "老闆說要找人頂替我"])
def test_not_a_person_request(text: str) -> None:
    assert not asks_for_person(text)


@pytest.mark.parametrize("text", [
    "我月薪3萬2，平日加班3小時，加班費多少？",
    "幫我算特休，我是111年3月1日到職的",
    "試算資遣費",
    "可以幫我算一下產假嗎",
    "時薪196，國定假日上班8小時，加班費多少",
])
def test_explicit_calculation(text: str) -> None:
    assert asks_to_calculate(text)
    assert route(text, "ask_overtime", 0.9).intent == "calculate"


@pytest.mark.parametrize("text", [
    "我做了三年被資遣，資遣費怎麼算",
    "特休沒休完可以換錢嗎",
    "公司說加班費只給一半，這樣合法嗎？",
    "請問加班費怎麼算",
])
def test_a_question_about_an_amount_is_not_a_calculation(text: str) -> None:
    assert not asks_to_calculate(text)
    assert route(text, "calculate", 0.95).intent == KB_INTENT


def test_dialogue_acts_stay_for_short_messages_and_yield_to_questions() -> None:
    assert route("你好", "greet", 0.99).intent == "greet"
    assert route("謝謝！", "thank", 0.99).intent == "thank"
    assert route("好", "affirm", 0.8).intent == "affirm"
    long_thanks = "謝謝你的回答，那我再問一下，公司規定生病一定要看醫生拿證明才能請病假嗎"
    assert route(long_thanks, "thank", 0.7).intent == KB_INTENT
    assert route("你好，請問試用期最長可以多久？公司說不用保勞保", "greet", 0.6).intent == KB_INTENT


def test_tools_need_confidence_and_topic_intents_pass_through() -> None:
    assert route("網路上看到打字員日領4000免經驗要先加賴", "check_job_scam", 0.9).intent == "check_job_scam"
    assert route("育嬰假可以先搶先贏嗎", "check_job_scam", 0.45).intent == KB_INTENT
    assert route("老闆都不給加班費", "ask_overtime", 0.9).intent == "ask_overtime"
    assert route("隨便打的字", KB_INTENT, 0.2).intent == KB_INTENT
    assert route("找真人", "request_human", 0.99).reason == ""


def test_story_and_question_are_told_apart() -> None:
    p = parse("我在一間飲料店做了快兩年，上個月店長說生意不好叫我不用來了，也沒說有沒有錢可以拿。請問這樣我可以拿資遣費嗎？")
    assert p.questions == ("這樣我可以拿資遣費嗎？",)
    assert "飲料店" in p.story
    assert not p.is_multi


def test_numbered_questions_are_found_and_meta_sentences_dropped() -> None:
    p = parse("請問兩個問題：1. 特休沒休完年底可以換錢嗎？2. 離職的時候沒休的特休怎麼算？")
    assert p.numbered
    assert p.questions == ("特休沒休完年底可以換錢嗎？", "離職的時候沒休的特休怎麼算？")
    p = parse("想請教\n(1)公司可以不發年終嗎\n(2)年終可以因為請病假被扣嗎")
    assert p.questions == ("公司可以不發年終嗎", "年終可以因為請病假被扣嗎")


def test_a_message_without_question_words_is_one_question() -> None:
    assert parse("老闆都不給加班費").questions == ("老闆都不給加班費",)
    assert parse("").questions == ()
    assert focus_query("老闆都不給加班費") == "老闆都不給加班費"


def test_weak_question_words_inside_a_story_do_not_count_when_a_real_question_follows() -> None:
    p = parse("公司也沒說有沒有補償。我可以申請調解嗎？")
    assert p.questions == ("我可以申請調解嗎？",)


def test_short_question_borrows_the_sentence_before_it() -> None:
    q = focus_query("老闆要我簽自願離職書。合法嗎？")
    assert "自願離職" in q and "合法" in q


def test_punctuation_after_a_pay_word_is_not_an_amount() -> None:
    """The NLU normaliser turns 「，」 into 「,」; 「平均日薪,」 names no figure."""
    text = "公司資遣我,發給預告工資,請問預告工資應該怎麼計算?請問計算是以這個月薪水的平均日薪,還是六個月的平均日薪呢?"
    assert not asks_to_calculate(text)
    assert route(text, "calculate", 0.82).intent == KB_INTENT


@pytest.mark.parametrize("text", ["到職日2022年3月1日 今年有幾天特休", "預告期幾天 我做了一年半", "月薪28590 勞退6%是多少錢",
                                  "我月薪3萬，加班費怎麼算"])
def test_a_figure_asked_with_own_values_is_a_calculation(text: str) -> None:
    assert asks_to_calculate(text)


def test_asking_whether_one_talks_to_a_person_is_not_a_request() -> None:
    assert not asks_for_person("我現在是在跟真人講話嗎")


def test_paternity_leave_with_a_due_date_is_a_question_not_the_maternity_calculator() -> None:
    """陪產假 (7 days, 性別平等工作法第15條) has no calculator; 產假 with the person's dates has one."""
    from labourbot.routing import asks_to_calculate

    assert not asks_to_calculate("太太3月5日要生了，先生的陪產假有幾天？")
    assert asks_to_calculate("我3月5日要生了，產假有幾天？")
