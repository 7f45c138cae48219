"""Quiz actions from saved tracker states: the exact slot events and the messages they send."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

import quiz
from actions.quiz import ActionAskQuizChoice, ActionQuizResult, ActionStartQuiz, ValidateQuizForm

ORDER = ["q01", "q07", "q05", "q13", "q10", "q04", "q08", "q14", "q02", "q11"]
DOMAIN = {"forms": {"quiz_form": {"required_slots": ["quiz_choice"]}},
          "slots": {s: {} for s in ("quiz_choice", "quiz_order", "quiz_index", "quiz_score")}}


def tracker(text: str, intent: str = "nlu_fallback", entities: list[dict[str, Any]] | None = None,
            **slots: Any) -> Tracker:
    values = {"quiz_order": ORDER, "quiz_index": 0, "quiz_score": 0, "quiz_choice": text, **slots}
    return Tracker(
        "test", values,
        {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []},
        [{"event": "user", "text": text}, {"event": "slot", "name": "quiz_choice", "value": text}],
        False, None, {"name": "quiz_form"}, "action_listen",
    )


async def validate(t: Tracker) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await ValidateQuizForm().run(dispatcher, t, DOMAIN)
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, dispatcher.messages


async def test_start_resets_the_round_and_hands_over_to_the_form():
    dispatcher = CollectingDispatcher()
    events = await ActionStartQuiz().run(dispatcher, tracker(""), DOMAIN)
    names = [(e.get("name"), e.get("value")) for e in events if e["event"] == "slot"]
    assert [n for n, _ in names] == ["quiz_order", "quiz_index", "quiz_score", "quiz_choice"]
    assert len(names[0][1]) == quiz.ROUND_SIZE and names[1:] == [("quiz_index", 0), ("quiz_score", 0),
                                                                   ("quiz_choice", None)]
    assert events[-1] == FollowupAction("quiz_form")
    assert dispatcher.messages[0]["custom"]["meta"]["kind"] == "quiz_intro"


async def test_the_question_is_asked_with_answer_buttons():
    dispatcher = CollectingDispatcher()
    await ActionAskQuizChoice().run(dispatcher, tracker("", quiz_index=1), DOMAIN)
    message = dispatcher.messages[0]
    assert message["text"].startswith("第 2／10 題：從 2026 年")
    assert [b["payload"] for b in message["buttons"]][:2] == [
        '/quiz_answer{"choice": "1", "question": "q07"}', '/quiz_answer{"choice": "2", "question": "q07"}']
    assert message["buttons"][-1] == {"title": "結束測驗", "payload": "/quiz_stop"}


async def test_a_right_button_answer_scores_and_moves_on():
    t = tracker('/quiz_answer{"choice": "2", "question": "q01"}', "quiz_answer",
                [{"entity": "choice", "value": "2"}, {"entity": "question", "value": "q01"}])
    slots, messages = await validate(t)
    assert slots == {"quiz_choice": None, "quiz_index": 1, "quiz_score": 1}
    meta = messages[0]["custom"]["meta"]
    assert meta["kind"] == "quiz_feedback" and meta["citations"] == ["就業服務法第5條"] and meta["correct"]


async def test_a_typed_wrong_answer_is_explained():
    slots, messages = await validate(tracker("a", quiz_index=1, quiz_score=1))  # q07: answer C
    assert slots == {"quiz_choice": None, "quiz_index": 2, "quiz_score": 1}
    assert "正確答案是 C. 196 元" in messages[0]["text"]


async def test_the_last_answer_ends_the_form():
    slots, _ = await validate(tracker("4", quiz_index=9, quiz_score=6))  # q11: answer D
    assert slots == {"quiz_choice": "done", "quiz_index": 10, "quiz_score": 7}


async def test_an_old_button_or_an_unreadable_answer_asks_again():
    old = tracker('/quiz_answer{"choice": "2", "question": "q01"}', "quiz_answer",
                  [{"entity": "choice", "value": "2"}, {"entity": "question", "value": "q01"}], quiz_index=2)
    slots, messages = await validate(old)
    assert slots == {"quiz_choice": None} and "前面題目" in messages[0]["text"]
    slots, messages = await validate(tracker("我不知道耶", quiz_index=2))
    assert slots == {"quiz_choice": None} and "A、B、C 或 D" in messages[0]["text"]


async def test_stopping_ends_the_form_and_the_result_counts_what_was_answered():
    slots, _ = await validate(tracker("結束測驗", quiz_index=3, quiz_score=2))
    assert slots == {"quiz_choice": "done"}
    dispatcher = CollectingDispatcher()
    events = await ActionQuizResult().run(dispatcher, tracker("", quiz_index=3, quiz_score=2), DOMAIN)
    assert dispatcher.messages[0]["text"].startswith("測驗已結束。你回答了 3 題，答對 2 題。")
    assert dispatcher.messages[0]["custom"]["meta"]["score"] == 2
    assert events == [SlotSet("quiz_choice", None), SlotSet("quiz_order", None), SlotSet("quiz_index", None),
                      SlotSet("quiz_score", None)]


async def test_asking_for_a_new_quiz_mid_round_restarts_it():
    slots, _ = await validate(tracker("開始測驗", "start_quiz", quiz_index=4, quiz_score=3))
    assert slots["quiz_index"] == 0 and slots["quiz_score"] == 0 and slots["quiz_choice"] is None
    assert len(slots["quiz_order"]) == quiz.ROUND_SIZE


async def test_on_line_the_answers_are_quick_replies():
    from channels.line.render import render
    from channels.payloads import PayloadStore
    from channels.replies import build_reply

    dispatcher = CollectingDispatcher()
    await ActionAskQuizChoice().run(dispatcher, tracker("", quiz_index=0), DOMAIN)
    raw = [{"text": m["text"], "buttons": m["buttons"]} for m in dispatcher.messages] + \
          [{"custom": m["custom"]} for m in dispatcher.messages]
    [line_message] = render(build_reply(raw, "start_quiz", 1.0), PayloadStore(300))
    items = line_message["quickReply"]["items"]
    assert [i["action"]["label"][:2] for i in items] == ["A.", "B.", "C.", "D.", "結束"]
    assert items[1]["action"]["data"] == '/quiz_answer{"choice": "2", "question": "q01"}'
