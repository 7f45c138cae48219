"""Greeting and out-of-scope replies with topic buttons; the language menu (docs/languages.md).

They are actions rather than domain responses because their button payloads carry JSON
(`/choose_topic{"topic": ...}`), which Rasa's response templating would try to fill as slots.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from rasa_sdk.events import SlotSet

from actions import i18n
from actions.replies import Button, button, human_button, say
from labourbot.buttons import REQUEST_HUMAN, choose_topic

GREETING = i18n.CATALOG["greeting"]["zh"]
OUT_OF_SCOPE = i18n.CATALOG["out_of_scope"]["zh"]

GREETING_TOPICS = (("加班費", "overtime"), ("工時與休假", "working_hours"), ("特休", "annual_leave"),
                   ("資遣與離職", "termination_severance"), ("職災", "occupational_injury"),
                   ("求職防騙", "job_scam"), ("性騷擾與歧視", "sexual_harassment"))
OUT_OF_SCOPE_TOPICS = (("加班費", "overtime"), ("資遣與離職", "termination_severance"), ("求職防騙", "job_scam"))


def language_button() -> Button:
    return button(i18n.LANGUAGE_BUTTON, i18n.CHOOSE_LANGUAGE_PAYLOAD)


def topic_buttons(topics: Sequence[tuple[str, str]], lang: str = "zh") -> list[Button]:
    """Chinese: the topic menus; other languages: questions the knowledge base answers in them."""
    if lang in i18n.STARTER_QUESTIONS:
        questions = [button(q, q) for q in i18n.STARTER_QUESTIONS[lang]]
        return questions + [button(i18n.text("human_button", lang), REQUEST_HUMAN), language_button()]
    return [button(title, choose_topic(topic))
            for title, topic in topics] + [human_button(), language_button()]


class ActionGreet(Action):
    def name(self) -> Text:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        lang = i18n.language_of(tracker)
        say(dispatcher, i18n.text("greeting", lang), buttons=topic_buttons(GREETING_TOPICS, lang), kind="menu",
            topic="other", language=lang)
        return i18n.language_events(tracker)


class ActionOutOfScope(Action):
    """Not a labour question, as the classifier sees it; the knowledge base gets a say first, since a
    question it answers with confidence is in scope whatever the classifier thought."""

    def name(self) -> Text:
        return "action_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        from actions.kb_client import knowledge_base
        from actions.knowledge import answer_question

        text = tracker.latest_message.get("text") or ""
        lang = i18n.language_of(tracker)
        kb = knowledge_base()
        if kb is not None and text.strip():
            if lang != "zh":  # the language's own entries decide (honest limits included)
                from actions.knowledge import answer_in_language

                return answer_in_language(dispatcher, text, lang) + i18n.language_events(tracker)
            hits = kb.search(text, k=3, kinds=("entry",))
            if hits and kb.is_confident(hits):
                return answer_question(dispatcher, text)
        say(dispatcher, i18n.text("out_of_scope", lang), buttons=topic_buttons(OUT_OF_SCOPE_TOPICS, lang),
            kind="menu", topic="other")
        return i18n.language_events(tracker)


class ActionLanguageMenu(Action):
    """The five languages as buttons (the 「Language / 語言」 button of every menu)."""

    def name(self) -> Text:
        return "action_language_menu"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        lang = i18n.language_of(tracker)
        buttons = [button(name, f'/set_language{{"language": "{code}"}}') for code, name in i18n.LANGUAGE_NAMES.items()]
        say(dispatcher, i18n.text("language_menu", lang), buttons=buttons, kind="language_menu")
        return []


class ActionSetLanguage(Action):
    """An explicit choice of language: it sticks until changed (or a long message in another language)."""

    def name(self) -> Text:
        return "action_set_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        typed = tracker.latest_message.get("text") or ""
        # a typed request names the language ("bisa pakai bahasa Inggris" is Indonesian asking for English)
        chosen = None if typed.startswith("/") else i18n.named_language(typed)
        if chosen == "zh" and i18n.language_of(tracker) != "zh" and not re.search(r"[\u4e00-\u9fff]", typed):
            chosen = None  # "I don't understand Chinese": the language it is written in, below
        if chosen is None:
            found = next(tracker.get_latest_entity_values("language"), None)
            chosen = found if found in i18n.LANGUAGE_NAMES else None
        if chosen is None:  # "change language" without naming one: the menu
            return await ActionLanguageMenu().run(dispatcher, tracker, domain)
        say(dispatcher, i18n.text("language_set", chosen), buttons=topic_buttons(GREETING_TOPICS, chosen),
            kind="language_set", language=chosen)
        return [SlotSet(i18n.SLOT, chosen)]
