"""Hand the conversation to a person at the bureau."""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import say
from labourbot.bureau import BUREAU


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        say(
            dispatcher,
            "需要專人協助的話，可以這樣找到我們：\n"
            f"・{BUREAU.name}：{BUREAU.phone_hint}\n"
            f"・勞動部勞工諮詢專線 1955（24 小時、免付費、多語）\n"
            f"・臨櫃：{BUREAU.offices_text}",
            kind="handoff_info",
            topic=tracker.get_slot("topic") or "other",
        )
        return []
