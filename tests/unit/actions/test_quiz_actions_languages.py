"""The quiz actions in the conversation's language (slot `language`): intro, questions with translated
options, feedback with the explanation in the language and the Chinese citation, re-asks, stop, result,
late button. Chinese output is what quiz/ itself writes, byte for byte."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

import quiz
from actions import i18n
from actions.quiz import (ActionAskQuizChoice, ActionQuizLate, ActionQuizResult, ActionStartQuiz,
                          ValidateQuizForm, ask_text, feedback_text, result_text)

OTHER = ("en", "id", "vi", "th")
ORDER = ["q01", "q07", "q05", "q13", "q10", "q04", "q08", "q14", "q02", "q11"]
DOMAIN = {"forms": {"quiz_form": {"required_slots": ["quiz_choice"]}},
          "slots": {s: {} for s in ("quiz_choice", "quiz_order", "quiz_index", "quiz_score", "language")}}
_CJK = re.compile(r"[\u3400-\u9fff]")


def tracker(text: str, lang: str | None, intent: str = "nlu_fallback",
            entities: list[dict[str, Any]] | None = None, **slots: Any) -> Tracker:
    values = {"quiz_order": ORDER, "quiz_index": 0, "quiz_score": 0, "quiz_choice": text, "language": lang,
              **slots}
    return Tracker(
        "line:Uquiz", values,
        {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []},
        [{"event": "user", "text": text}, {"event": "slot", "name": "quiz_choice", "value": text}],
        False, None, {"name": "quiz_form"}, "action_listen",
    )


def button_answer(number: str, qid: str, lang: str, **slots: Any) -> Tracker:
    return tracker(f'/quiz_answer{{"choice": "{number}", "question": "{qid}"}}', lang, "quiz_answer",
                   [{"entity": "choice", "value": number}, {"entity": "question", "value": qid}], **slots)


async def validate(t: Tracker) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await ValidateQuizForm().run(dispatcher, t, DOMAIN)
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, dispatcher.messages


def meta(message: dict[str, Any]) -> dict[str, Any]:
    return message["custom"]["meta"]


@pytest.mark.parametrize("lang", OTHER)
async def test_the_quiz_starts_in_the_language(lang: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionStartQuiz().run(dispatcher, tracker("", lang), DOMAIN)
    message = dispatcher.messages[0]
    assert message["text"] == i18n.text("quiz_intro", lang, total=quiz.ROUND_SIZE)
    assert str(quiz.ROUND_SIZE) in message["text"] and not _CJK.search(message["text"])
    assert meta(message)["language"] == lang and meta(message)["kind"] == "quiz_intro"
    assert events[-1] == FollowupAction("quiz_form")


async def test_a_short_telling_message_sets_the_language_when_none_is_set() -> None:
    dispatcher = CollectingDispatcher()
    t = tracker("mulai kuis", None, "start_quiz", [{"entity": "language_hint", "value": "id"}])
    events = await ActionStartQuiz().run(dispatcher, t, DOMAIN)
    assert SlotSet("language", "id") in events
    assert dispatcher.messages[0]["text"].startswith("Kuis hak pekerja")


@pytest.mark.parametrize("lang", OTHER)
async def test_the_question_and_its_buttons_are_in_the_language(lang: str) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskQuizChoice().run(dispatcher, tracker("", lang, quiz_index=1), DOMAIN)
    message, local = dispatcher.messages[0], quiz.localized("q07", lang)
    assert message["text"].splitlines()[0] == i18n.text("quiz_ask", lang, number=2, total=10,
                                                         question=local.question)
    assert message["text"].splitlines()[3] == f"C. {local.options[2]}"
    assert [b["title"] for b in message["buttons"]] == [f"{letter}. {option}" for letter, option in
                                                        zip(quiz.LETTERS, local.options)] + \
        [i18n.text("quiz_stop_button", lang)]
    # payloads are the Chinese conversation's: the answer travels as its number
    assert [b["payload"] for b in message["buttons"]] == [
        f'/quiz_answer{{"choice": "{n}", "question": "q07"}}' for n in "1234"] + ["/quiz_stop"]
    assert all(len(b["title"]) <= 20 for b in message["buttons"])
    assert not _CJK.search(message["text"]) and meta(message)["language"] == lang


@pytest.mark.parametrize("lang", OTHER)
async def test_a_right_button_answer_gets_feedback_in_the_language(lang: str) -> None:
    slots, messages = await validate(button_answer("2", "q01", lang))  # q01: B
    assert slots == {"quiz_index": 1, "quiz_score": 1, "quiz_choice": None}
    text, local = messages[0]["text"], quiz.localized("q01", lang)
    assert text.startswith(i18n.text("quiz_right", lang)) and local.explanation in text
    assert text.endswith(i18n.text("basis", lang) + "就業服務法第5條")  # the citation stays Chinese
    assert "165" in text and meta(messages[0])["citations"] == ["就業服務法第5條"]
    assert meta(messages[0])["language"] == lang and meta(messages[0])["correct"] is True


@pytest.mark.parametrize("lang", OTHER)
async def test_a_wrong_typed_answer_names_the_right_option_in_the_language(lang: str) -> None:
    slots, messages = await validate(tracker("a", lang))
    assert slots == {"quiz_index": 1, "quiz_score": 0, "quiz_choice": None}
    local = quiz.localized("q01", lang)
    assert messages[0]["text"].startswith(i18n.text("quiz_wrong", lang, letter="B", option=local.options[1]))
    assert meta(messages[0])["correct"] is False


@pytest.mark.parametrize("lang,text", [("en", "I think it's B."), ("id", "saya pilih 2"),
                                       ("vi", "tôi chọn B"), ("th", "ตอบ B ครับ")])
async def test_a_letter_in_a_sentence_is_an_answer(lang: str, text: str) -> None:
    slots, messages = await validate(tracker(text, lang))
    assert slots["quiz_score"] == 1 and meta(messages[0])["kind"] == "quiz_feedback"


@pytest.mark.parametrize("lang", OTHER)
async def test_the_option_typed_in_the_language_is_an_answer(lang: str) -> None:
    slots, _ = await validate(tracker(quiz.localized("q01", lang).options[1], lang))
    assert slots["quiz_score"] == 1


@pytest.mark.parametrize("lang", OTHER)
async def test_an_unreadable_answer_is_asked_again_in_the_language(lang: str) -> None:
    slots, messages = await validate(tracker("hmm ???", lang))
    assert slots == {"quiz_choice": None}
    assert messages[0]["text"] == i18n.text("quiz_reask", lang)
    assert messages[0]["buttons"] == [{"title": i18n.text("quiz_stop_button", lang), "payload": "/quiz_stop"}]


async def test_an_old_button_is_pointed_out_in_the_language() -> None:
    slots, messages = await validate(button_answer("1", "q09", "vi"))
    assert slots == {"quiz_choice": None} and messages[0]["text"] == i18n.text("quiz_stale_button", "vi")


@pytest.mark.parametrize("lang,text", [("en", "stop"), ("id", "berhenti"), ("vi", "dừng lại"),
                                       ("th", "หยุดก่อน")])
async def test_stop_words_of_the_language_end_the_round(lang: str, text: str) -> None:
    slots, messages = await validate(tracker(text, lang))
    assert slots == {"quiz_choice": "done"} and messages == []


@pytest.mark.parametrize("lang", OTHER)
async def test_the_result_is_in_the_language(lang: str) -> None:
    dispatcher = CollectingDispatcher()
    await ActionQuizResult().run(dispatcher, tracker("", lang, quiz_index=10, quiz_score=8), DOMAIN)
    message = dispatcher.messages[0]
    assert message["text"] == result_text(8, 10, 10, lang)
    assert "8" in message["text"] and "1955" in message["text"] and not _CJK.search(message["text"])
    assert message["buttons"] == [{"title": i18n.text("quiz_again_button", lang), "payload": "/start_quiz"}]
    assert meta(message)["language"] == lang


@pytest.mark.parametrize("lang", OTHER)
async def test_the_late_button_answer_is_in_the_language(lang: str) -> None:
    dispatcher = CollectingDispatcher()
    await ActionQuizLate().run(dispatcher, tracker("", lang), DOMAIN)
    assert dispatcher.messages[0]["text"] == i18n.text("quiz_late", lang)
    assert dispatcher.messages[0]["buttons"][0]["title"] == i18n.text("quiz_again_button", lang)


def test_chinese_texts_are_what_quiz_writes_byte_for_byte() -> None:
    for q in quiz.questions():
        assert ask_text(q, 3, 10, "zh") == quiz.ask_text(q, 3, 10)
        for letter in quiz.LETTERS:
            assert feedback_text(quiz.grade(q, letter), "zh") == quiz.grade(q, letter).feedback
    for total in (10, 7):
        for answered in range(total + 1):
            for score in range(answered + 1):
                assert result_text(score, answered, total, "zh") == quiz.result_text(score, answered, total)


@pytest.mark.parametrize("lang", OTHER)
def test_result_comments_follow_the_score(lang: str) -> None:
    assert i18n.text("quiz_comment_perfect", lang) in result_text(10, 10, 10, lang)
    assert i18n.text("quiz_comment_good", lang) in result_text(7, 10, 10, lang)
    assert i18n.text("quiz_comment_more", lang) in result_text(3, 10, 10, lang)
    stopped = result_text(2, 4, 10, lang)
    assert stopped.startswith(i18n.text("quiz_result_stopped", lang, answered=4, score=2))
