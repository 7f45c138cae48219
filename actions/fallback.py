"""What to do when NLU is not confident: ask to rephrase once, then offer a person."""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import button, human_button, say


def consecutive_fallbacks(tracker: Tracker) -> int:
    """How many user messages in a row, ending with the latest, were not understood."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        if intent != "nlu_fallback":
            break
        count += 1
    return count


class ActionFallback(Action):
    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        if consecutive_fallbacks(tracker) >= 2:
            say(
                dispatcher,
                "抱歉，我還是沒有聽懂 🙏 要不要請勞工局的同仁協助您？也可以直接撥打 1955 勞工諮詢專線（24 小時、免付費）。",
                buttons=[human_button(), button("回主選單", "/greet")],
                kind="fallback_offer_human",
            )
        else:
            dispatcher.utter_message(response="utter_please_rephrase")
        return []
