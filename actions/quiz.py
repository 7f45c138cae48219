"""The campus quiz in conversation: a Rasa form with one slot (quiz_choice) asked ROUND_SIZE times.

```mermaid
flowchart TD
  S[start_quiz] --> A[action_start_quiz: new round, score 0] --> F{{quiz_form}}
  F -->|action_ask_quiz_choice| Q[question n with A-D buttons]
  Q -->|button or typed A/B/1/乙| V[validate_quiz_form: explanation + citation]
  V -->|more questions: quiz_choice = None| F
  V -->|last answer or 結束測驗: quiz_choice = done| R[action_quiz_result: score]
  Q -->|找真人| H[action_handoff]
```

The quiz logic (questions, reading answers, grading) is in quiz/; the round lives in slots
quiz_order (question ids), quiz_index (questions answered) and quiz_score. Texts, questions and buttons
follow the conversation's language (slot `language`, actions/i18n.py; the questions' translations in
quiz/questions_i18n.yml); answers (A-D, 1-4, button payloads) are the same in every language.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

import quiz
from actions import i18n
from actions.replies import button, say
from labourbot.buttons import START_QUIZ, choose_topic

DONE = "done"
ZH = "zh"
STOP_PAYLOAD = "/quiz_stop"
STOP_BUTTON = button("結束測驗", STOP_PAYLOAD)
# Typed ways to stop in the other languages (quiz.wants_to_stop knows Chinese and English).
_STOP_OTHER = re.compile(r"\b(berhenti|selesai|keluar|dừng|thôi|kết thúc|thoát)\b|หยุด|เลิกเล่น|พอแล้ว", re.I)
# One answer letter or number standing alone in a sentence in another language ("saya pilih B", "tôi chọn 3").
_LONE_CHOICE = re.compile(r"(?<![\w$])([A-D]|[1-4])(?![\w$]|[.,]\d)")


def _meta(lang: str) -> Dict[str, str]:
    """The reply's language for the channels' own labels; none for Chinese, as before."""
    return {} if lang == ZH else {"language": lang}


def _stop_button(lang: str) -> Dict[str, Any]:
    return button(i18n.text("quiz_stop_button", lang), STOP_PAYLOAD)


def ask_text(q: quiz.Question, number: int, total: int, lang: str) -> str:
    """The question with its options (quiz.ask_text in Chinese, byte for byte)."""
    lines = [i18n.text("quiz_ask", lang, number=number, total=total, question=q.question)]
    lines += [f"{letter}. {option}" for letter, option in zip(quiz.LETTERS, q.options)]
    return "\n".join(lines)


def feedback_text(result: quiz.Grade, lang: str) -> str:
    """Right or wrong, the explanation and the (Chinese) citations (quiz.Grade.feedback in Chinese)."""
    q = result.question
    head = i18n.text("quiz_right", lang) if result.correct else \
        i18n.text("quiz_wrong", lang, letter=q.answer, option=q.option_text(q.answer))
    return f"{head}\n{q.explanation}\n{i18n.text('basis', lang)}{'、'.join(q.citations)}"


def result_text(score: int, answered: int, total: int, lang: str) -> str:
    """The score and a comment (quiz.result_text in Chinese)."""
    if answered < total:
        head = i18n.text("quiz_result_stopped", lang, answered=answered, score=score)
    else:
        head = i18n.text("quiz_result_finished", lang, score=score, total=total)
    ratio = score / total if total else 0
    if answered == total and score == total:
        comment = i18n.text("quiz_comment_perfect", lang)
    elif ratio >= 0.7:
        comment = i18n.text("quiz_comment_good", lang)
    else:
        comment = i18n.text("quiz_comment_more", lang)
    return f"{head}{comment}{i18n.text('quiz_result_tail', lang)}"


def read_choice(text: str, q: quiz.Question, lang: str) -> Optional[str]:
    """The letter a typed answer means: quiz.parse_choice in every language, and in another language also
    a lone letter or number in a sentence ("saya pilih B")."""
    found = quiz.parse_choice(text, q)
    if found or lang == ZH:
        return found
    lone = {m.upper() for m in _LONE_CHOICE.findall(text or "")}
    if len(lone) == 1:
        return quiz.parse_choice(lone.pop())
    return None


def wants_to_stop(text: str, lang: str) -> bool:
    return quiz.wants_to_stop(text) or (lang != ZH and bool(_STOP_OTHER.search(text or "")))


def _int(value: Any) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def _round(tracker: Tracker) -> tuple[List[str], int, int]:
    return quiz.order_of(tracker.get_slot("quiz_order")), _int(tracker.get_slot("quiz_index")), \
        _int(tracker.get_slot("quiz_score"))


def start_events(rng: Optional[random.Random] = None) -> List[Dict[Text, Any]]:
    return [SlotSet("quiz_order", quiz.new_round(rng)), SlotSet("quiz_index", 0), SlotSet("quiz_score", 0),
            SlotSet("quiz_choice", None)]


def answer_payload(letter: str, question_id: str) -> str:
    """The option travels as its number 1-4: a payload with the word "A" in it would look English to the
    gateway's language check."""
    return "/quiz_answer" + json.dumps({"choice": str(quiz.LETTERS.index(letter) + 1), "question": question_id})


class ActionStartQuiz(Action):
    """Start a new round and hand over to the quiz form."""

    def name(self) -> Text:
        return "action_start_quiz"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        lang = i18n.language_of(tracker)
        say(dispatcher, i18n.text("quiz_intro", lang, total=quiz.ROUND_SIZE), topic="part_time_students",
            kind="quiz_intro", **_meta(lang))
        return i18n.language_events(tracker) + start_events() + [FollowupAction("quiz_form")]


class ActionAskQuizChoice(Action):
    """Ask the current question of the round with one button per option."""

    def name(self) -> Text:
        return "action_ask_quiz_choice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        order, index, _ = _round(tracker)
        if index >= len(order):
            return []
        lang = i18n.language_of(tracker)
        q = quiz.localized(order[index], lang)
        buttons = [button(f"{letter}. {option}", answer_payload(letter, q.id))
                   for letter, option in zip(quiz.LETTERS, q.options)] + [_stop_button(lang)]
        say(dispatcher, ask_text(q, index + 1, len(order), lang), buttons=buttons, topic="part_time_students",
            kind="quiz_question", question_id=q.id, number=index + 1, total=len(order), **_meta(lang))
        return []


class ValidateQuizForm(FormValidationAction):
    """Grade an answer, explain it with its citation, and move on (or end the round)."""

    def name(self) -> Text:
        return "validate_quiz_form"

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[Dict[Text, Any]]:
        """Only a value the user gave this turn is an answer (not the reset by action_start_quiz)."""
        candidates = tracker.slots_to_validate
        tracker.slots_to_validate = lambda: {k: v for k, v in candidates().items()  # type: ignore[method-assign]
                                             if k == "quiz_choice" and v is not None}
        return await super().get_validation_events(dispatcher, tracker, domain)

    def validate_quiz_choice(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        order, index, score = _round(tracker)
        if not order or index >= len(order):
            return {"quiz_choice": DONE}
        lang = i18n.language_of(tracker)
        q = quiz.localized(order[index], lang)
        entities = {e.get("entity"): e.get("value") for e in tracker.latest_message.get("entities") or []}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = str(value or "")
        if intent == "quiz_answer" and entities.get("question") and entities["question"] != q.id:
            say(dispatcher, i18n.text("quiz_stale_button", lang), kind="quiz_reask", **_meta(lang))
            return {"quiz_choice": None}
        choice = quiz.parse_choice(str(entities.get("choice") or "")) if intent == "quiz_answer" else None
        choice = choice or read_choice(text, q, lang) or ""
        if not choice:
            if intent == "quiz_stop" or wants_to_stop(text, lang):
                return {"quiz_choice": DONE}
            if intent == "start_quiz":
                say(dispatcher, i18n.text("quiz_restart", lang), kind="quiz_intro", **_meta(lang))
                return {"quiz_order": quiz.new_round(), "quiz_index": 0, "quiz_score": 0, "quiz_choice": None}
            say(dispatcher, i18n.text("quiz_reask", lang), buttons=[_stop_button(lang)], kind="quiz_reask",
                **_meta(lang))
            return {"quiz_choice": None}
        result = quiz.grade(q, choice)
        score += int(result.correct)
        index += 1
        say(dispatcher, feedback_text(result, lang), citations=list(q.citations), topic="part_time_students",
            kind="quiz_feedback", question_id=q.id, correct=result.correct, **_meta(lang))
        return {"quiz_index": index, "quiz_score": score,
                "quiz_choice": DONE if index >= len(order) else None}


class ActionQuizResult(Action):
    """Say the score of the round that just ended (finished or stopped)."""

    def name(self) -> Text:
        return "action_quiz_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        order, answered, score = _round(tracker)
        lang = i18n.language_of(tracker)
        buttons = [button(i18n.text("quiz_again_button", lang), START_QUIZ)]
        if lang == ZH:  # the topic menus speak Chinese only (docs/languages.md)
            buttons.append(button("求職防騙須知", choose_topic("job_scam")))
        say(dispatcher, result_text(score, answered, len(order) or quiz.ROUND_SIZE, lang), buttons=buttons,
            topic="part_time_students", kind="quiz_result", score=score, answered=answered,
            total=len(order) or quiz.ROUND_SIZE, **_meta(lang))
        return [SlotSet("quiz_choice", None), SlotSet("quiz_order", None), SlotSet("quiz_index", None),
                SlotSet("quiz_score", None)]


class ActionQuizLate(Action):
    """A quiz button pressed when no round is running (an old message)."""

    def name(self) -> Text:
        return "action_quiz_late"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        lang = i18n.language_of(tracker)
        say(dispatcher, i18n.text("quiz_late", lang), buttons=[button(i18n.text("quiz_again_button", lang),
                                                                       START_QUIZ)],
            topic="part_time_students", kind="quiz_late", **_meta(lang))
        return []
