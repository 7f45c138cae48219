"""Answers from the knowledge base: best entry with its citations, article text, topic menus."""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import offer_if_sensitive
from actions.kb_client import knowledge_base
from actions.replies import button, human_button, say
from labourbot.topics import TOPIC_LABELS, topic_for_intent

logger = logging.getLogger(__name__)

_MAX_ARTICLE_CHARS = 900


def _article_buttons(citations: List[str]) -> List[Dict[str, str]]:
    return [
        button(f"看法條原文：{c}" if len(citations) > 1 else "看法條原文", _payload("show_article", citation=c))
        for c in citations[:2]
    ]


def _payload(intent: str, **entities: str) -> str:
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}"


def answer_with_entry(dispatcher: CollectingDispatcher, entry: Any) -> List[Dict[Text, Any]]:
    """Say an entry's answer with its citations and the standard follow-up buttons."""
    buttons = _article_buttons(entry.citations) + [
        human_button(),
        button("有幫助", _payload("feedback", helpful="yes", entry_id=entry.id)),
    ]
    cites = "、".join(entry.citations)
    text = f"{entry.answer}\n\n依據：{cites}" if cites else entry.answer
    say(
        dispatcher,
        text,
        buttons=buttons,
        topic=entry.topic,
        citations=entry.citations,
        kind="kb_answer",
        title=entry.title,
        entry_id=entry.id,
    )
    return [SlotSet("topic", entry.topic), SlotSet("last_citations", list(entry.citations))]


def not_sure(dispatcher: CollectingDispatcher, topic: str, suggestions: List[Any]) -> List[Dict[Text, Any]]:
    """Say we are not sure, offer close entries as buttons and a person."""
    buttons = [button(hit.title, _payload("kb_entry", entry_id=hit.id)) for hit in suggestions[:3]]
    label = TOPIC_LABELS.get(topic, "")
    lead = f"這個問題我不太確定怎麼回答才正確。" + (f"和「{label}」有關的常見問題有：" if buttons else "")
    say(
        dispatcher,
        lead + ("" if buttons else "您可以換個說法，或請勞工局同仁協助。"),
        buttons=buttons + [human_button()],
        topic=topic,
        kind="not_sure",
    )
    return [SlotSet("topic", topic)]


class ActionAnswerQuestion(Action):
    """Answer a topic question with the best knowledge-base entry."""

    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        text = tracker.latest_message.get("text") or ""
        topic = topic_for_intent(tracker.latest_message.get("intent", {}).get("name"))
        kb = knowledge_base()
        if kb is None:
            say(
                dispatcher,
                f"我了解您在問「{TOPIC_LABELS.get(topic, '勞動法令')}」的問題。知識庫目前無法使用，"
                "請撥打 1955 勞工諮詢專線，或輸入「找真人」。",
                buttons=[human_button()],
                topic=topic,
                kind="holding",
            )
            return [SlotSet("topic", topic)]
        hits = kb.search(text, k=5, kinds=("entry",))
        if hits and kb.is_confident(hits):
            events = answer_with_entry(dispatcher, kb.entry(hits[0].id))
        else:
            events = not_sure(dispatcher, topic, [h for h in hits if h.topic == topic] or hits)
        offer_if_sensitive(dispatcher, text)  # harassment now, injury in hospital, employer gone...
        return events


class ActionAnswerEntry(Action):
    """Answer with the entry a button named."""

    def name(self) -> Text:
        return "action_answer_entry"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        entry_id = next(tracker.get_latest_entity_values("entry_id"), None)
        kb = knowledge_base()
        entry = kb.entry(entry_id) if kb and entry_id else None
        if entry is None:
            say(dispatcher, "抱歉，找不到這則說明。請直接輸入您的問題。", buttons=[human_button()])
            return []
        return answer_with_entry(dispatcher, entry)


class ActionTopicMenu(Action):
    """List common questions of a topic as buttons."""

    def name(self) -> Text:
        return "action_topic_menu"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        topic = next(tracker.get_latest_entity_values("topic"), None) or "other"
        kb = knowledge_base()
        entries = [e for e in kb.entries if e.topic == topic][:5] if kb else []
        label = TOPIC_LABELS.get(topic, "勞動法令")
        buttons = [button(e.title, _payload("kb_entry", entry_id=e.id)) for e in entries]
        say(
            dispatcher,
            f"關於「{label}」，大家常問的是下面這些；也可以直接打出您的狀況。",
            buttons=buttons + [human_button()],
            topic=topic,
            kind="menu",
        )
        return [SlotSet("topic", topic)]


class ActionShowArticle(Action):
    """Show the official text of an article (named in the message or by a button)."""

    def name(self) -> Text:
        return "action_show_article"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        kb = knowledge_base()
        wanted = next(tracker.get_latest_entity_values("citation"), None) or (
            tracker.latest_message.get("text") or ""
        )
        article = kb.article(wanted) if kb else None
        if article is None:
            say(
                dispatcher,
                "抱歉，我找不到這一條法條。請寫出法規名稱和條號，例如「勞動基準法第24條」或「勞基法第38條」。",
                buttons=[human_button()],
                kind="not_sure",
            )
            return []
        body = article.text if len(article.text) <= _MAX_ARTICLE_CHARS else article.text[:_MAX_ARTICLE_CHARS] + "…（全文請見全國法規資料庫）"
        amended = f"（{article.amended} 修正）" if article.amended else ""
        say(
            dispatcher,
            f"{article.citation}{amended}\n{body}",
            buttons=[human_button()],
            citations=[article.citation],
            kind="article",
            title=article.citation,
        )
        return [SlotSet("last_citations", [article.citation])]


class ActionFeedback(Action):
    """Thank the user for feedback on an answer."""

    def name(self) -> Text:
        return "action_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        helpful = next(tracker.get_latest_entity_values("helpful"), "yes")
        if helpful == "yes":
            say(dispatcher, "謝謝您的回饋！還有其他問題嗎？")
        else:
            say(dispatcher, "謝謝您的回饋，我們會改進。需要的話可以請勞工局同仁協助：", buttons=[human_button()])
        return []
