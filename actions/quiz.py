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
quiz_order (question ids), quiz_index (questions answered) and quiz_score.
"""

from __future__ import annotations

import json
import random
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

import quiz
from actions.replies import button, say
from labourbot.buttons import START_QUIZ, choose_topic

DONE = "done"
STOP_BUTTON = button("結束測驗", "/quiz_stop")


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
        say(dispatcher, f"校園勞動權益小測驗開始！一共 {quiz.ROUND_SIZE} 題，點選答案或直接輸入 A、B、C、D。"
            "每題答完都會說明法律依據，想停下來隨時按「結束測驗」。", topic="part_time_students", kind="quiz_intro")
        return start_events() + [FollowupAction("quiz_form")]


class ActionAskQuizChoice(Action):
    """Ask the current question of the round with one button per option."""

    def name(self) -> Text:
        return "action_ask_quiz_choice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        order, index, _ = _round(tracker)
        if index >= len(order):
            return []
        q = quiz.question(order[index])
        buttons = [button(f"{letter}. {option}", answer_payload(letter, q.id))
                   for letter, option in zip(quiz.LETTERS, q.options)] + [STOP_BUTTON]
        say(dispatcher, quiz.ask_text(q, index + 1, len(order)), buttons=buttons, topic="part_time_students",
            kind="quiz_question", question_id=q.id, number=index + 1, total=len(order))
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
        q = quiz.question(order[index])
        entities = {e.get("entity"): e.get("value") for e in tracker.latest_message.get("entities") or []}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = str(value or "")
        if intent == "quiz_answer" and entities.get("question") and entities["question"] != q.id:
            say(dispatcher, "那是前面題目的按鈕喔，請回答目前這一題：", kind="quiz_reask")
            return {"quiz_choice": None}
        choice = quiz.parse_choice(str(entities.get("choice") or "")) if intent == "quiz_answer" else None
        choice = choice or quiz.parse_choice(text, q) or ""
        if not choice:
            if intent == "quiz_stop" or quiz.wants_to_stop(text):
                return {"quiz_choice": DONE}
            if intent == "start_quiz":
                say(dispatcher, "好，重新開始一輪！", kind="quiz_intro")
                return {"quiz_order": quiz.new_round(), "quiz_index": 0, "quiz_score": 0, "quiz_choice": None}
            say(dispatcher, "請回答 A、B、C 或 D（也可以輸入 1–4）；想離開請按「結束測驗」。",
                buttons=[STOP_BUTTON], kind="quiz_reask")
            return {"quiz_choice": None}
        result = quiz.grade(q, choice)
        score += int(result.correct)
        index += 1
        say(dispatcher, result.feedback, citations=list(q.citations), topic="part_time_students",
            kind="quiz_feedback", question_id=q.id, correct=result.correct)
        return {"quiz_index": index, "quiz_score": score,
                "quiz_choice": DONE if index >= len(order) else None}


class ActionQuizResult(Action):
    """Say the score of the round that just ended (finished or stopped)."""

    def name(self) -> Text:
        return "action_quiz_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        order, answered, score = _round(tracker)
        say(dispatcher, quiz.result_text(score, answered, len(order) or quiz.ROUND_SIZE),
            buttons=[button("再玩一次", START_QUIZ), button("求職防騙須知", choose_topic("job_scam"))],
            topic="part_time_students", kind="quiz_result", score=score, answered=answered,
            total=len(order) or quiz.ROUND_SIZE)
        return [SlotSet("quiz_choice", None), SlotSet("quiz_order", None), SlotSet("quiz_index", None),
                SlotSet("quiz_score", None)]


class ActionQuizLate(Action):
    """A quiz button pressed when no round is running (an old message)."""

    def name(self) -> Text:
        return "action_quiz_late"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        say(dispatcher, "這一輪測驗已經結束了。要再挑戰一次嗎？", buttons=[button("再玩一次", "/start_quiz")],
            topic="part_time_students", kind="quiz_late")
        return []
