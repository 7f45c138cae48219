"""Every example of issue 12's "Why", through the gateway with the real Rasa server and action server:
each real-style question gets an answer or options, explicit requests win, numbers go where they belong."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.e2e

BARE_APOLOGY = "抱歉，我不太確定您的意思"


def user() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


def kinds(reply: dict) -> list[str]:
    return [m["kind"] for m in reply["messages"]]


def options(reply: dict) -> list[str]:
    return [b for b in reply["buttons"] if b not in ("找真人", "回主選單")]


@pytest.mark.parametrize("text", [
    "勞工之試用有無期間之限制?",
    "是否可以有試用期？",
    "育嬰假可以先搶先贏嗎",
    "我在飲料店打工兩年多，老闆上週說店要收了叫我不用來，薪水也還沒結清，我可以要求什麼？",
    "請問兩個問題：1. 特休沒休完年底可以換錢嗎？2. 離職的時候沒休的特休怎麼算？",
    "嗯嗯那個我想問一下喔就是公司那個",
])
def test_a_question_never_ends_in_a_dead_end(gateway, text: str) -> None:
    reply = gateway.ask(text, user=user())
    assert BARE_APOLOGY not in reply["text"]
    assert reply["citations"] or options(reply), reply
    assert "找真人" in reply["buttons"]
    assert "詐騙風險" not in reply["text"]


def test_probation_question_is_answered_with_an_entry_and_its_articles(gateway) -> None:
    reply = gateway.ask("勞工之試用有無期間之限制?", user=user())
    assert "kb_answer" in kinds(reply) or "statute_answer" in kinds(reply)
    assert reply["citations"]


def test_an_entry_found_for_other_words_shows_the_question_it_answers(gateway) -> None:
    reply = gateway.ask("我在學校安排的實習單位被主管毛手毛腳，這樣也算職場性騷擾嗎", user=user())
    answers = [m for m in reply["messages"] if m["kind"] == "kb_answer"]
    assert answers
    assert all(m["text"].startswith(("關於「", "您問：")) for m in answers)


def test_numbered_questions_are_answered_each(gateway) -> None:
    reply = gateway.ask("請問兩個問題：1. 特休沒休完年底可以換錢嗎？2. 公司可以不發年終獎金嗎？", user=user())
    answers = [m for m in reply["messages"] if m["kind"] == "kb_answer"]
    assert len(answers) == 2, kinds(reply)
    assert "特休" in answers[0]["text"] and "年終" in answers[1]["text"]


def test_asking_for_a_person_with_a_problem_starts_consent_with_the_topic(gateway) -> None:
    reply = gateway.ask("我想找真人談，我被主管性騷擾", user=user())
    assert reply["intent"] == "request_human"
    assert "handoff_notice" in kinds(reply)
    assert reply["topic"] == "sexual_harassment"


def test_asking_for_a_person_about_unpaid_wages_fills_the_topic_from_the_message(gateway) -> None:
    reply = gateway.ask("可以幫我轉接勞工局的人嗎？公司已經欠我三個月薪水了", user=user())
    assert reply["intent"] == "request_human"
    assert "handoff_notice" in kinds(reply)


def test_overtime_with_the_numbers_computes_without_asking_them_again(gateway) -> None:
    reply = gateway.ask("我月薪3萬2，平日加班3小時，加班費多少？", user=user())
    assert reply["intent"] == "calculate"
    assert "幾個小時" not in reply["text"] and "多少小時" not in reply["text"]
    assert "元" in reply["text"]


def test_a_legal_question_with_a_number_is_answered_first_then_offered_the_calculator(gateway) -> None:
    reply = gateway.ask("做了三年被資遣，資遣費怎麼算", user=user())
    assert "我可以幫您算這些" not in reply["text"]
    assert reply["citations"]
    assert any("試算" in b for b in reply["buttons"])


@pytest.mark.parametrize("text", ["是否可以有試用期？", "育嬰假可以先搶先贏嗎"])
def test_a_legal_question_gets_no_scam_verdict(gateway, text: str) -> None:
    assert "詐騙風險" not in gateway.ask(text, user=user())["text"]


@pytest.mark.parametrize("text", [
    "應徵業務助理，面試後說要先辦分期貸款買一台吸塵器當教材，賣掉才有抽成，這是正常的工作嗎",
    "學生打工首選！輕鬆高薪免經驗，只要提供身分證正反面和存摺封面就能馬上上工，私訊小編",
    "網路上有人找我去做客服，對方提供1個月至少30萬台幣的薪資，只要先把帳戶借他們用",
])
def test_real_scam_patterns_are_not_rated_low(gateway, text: str) -> None:
    reply = gateway.ask(text, user=user())
    assert "詐騙風險" in reply["text"], reply["text"]
    assert "詐騙風險：低" not in reply["text"]
