"""Greeting and out-of-scope replies with topic buttons.

They are actions rather than domain responses because their button payloads carry JSON
(`/choose_topic{"topic": ...}`), which Rasa's response templating would try to fill as slots.
"""

from __future__ import annotations

from typing import Any, Dict, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import Button, button, human_button, say
from labourbot.buttons import choose_topic

GREETING = ("您好！我是臺南市政府勞工局的勞動法令小幫手 🙂 可以直接打出您的問題，例如「老闆不給加班費怎麼辦」，"
            "或點選下面的主題：")
OUT_OF_SCOPE = "抱歉，這個問題不在我能回答的範圍。我可以回答勞動法令、求職防騙、找工作等問題，例如："

GREETING_TOPICS = (("加班費", "overtime"), ("工時與休假", "working_hours"), ("特休", "annual_leave"),
                   ("資遣與離職", "termination_severance"), ("職災", "occupational_injury"),
                   ("求職防騙", "job_scam"), ("性騷擾與歧視", "sexual_harassment"))
OUT_OF_SCOPE_TOPICS = (("加班費", "overtime"), ("資遣與離職", "termination_severance"), ("求職防騙", "job_scam"))


def topic_buttons(topics: Sequence[tuple[str, str]]) -> list[Button]:
    return [button(title, choose_topic(topic))
            for title, topic in topics] + [human_button()]


class ActionGreet(Action):
    def name(self) -> Text:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        say(dispatcher, GREETING, buttons=topic_buttons(GREETING_TOPICS), kind="menu", topic="other")
        return []


class ActionOutOfScope(Action):
    """Not a labour question, as the classifier sees it; the knowledge base gets a say first, since a
    question it answers with confidence is in scope whatever the classifier thought."""

    def name(self) -> Text:
        return "action_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        from actions.kb_client import knowledge_base
        from actions.knowledge import answer_question

        text = tracker.latest_message.get("text") or ""
        kb = knowledge_base()
        if kb is not None and text.strip():
            hits = kb.search(text, k=3, kinds=("entry",))
            if hits and kb.is_confident(hits):
                return answer_question(dispatcher, text)
        say(dispatcher, OUT_OF_SCOPE, buttons=topic_buttons(OUT_OF_SCOPE_TOPICS), kind="menu", topic="other")
        return []
