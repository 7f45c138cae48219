"""Answers from the knowledge base: best entry with its citations, article text, topic menus."""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import i18n
from actions.handoff import offer_if_sensitive
from actions.kb_client import knowledge_base
from actions.replies import button, human_button, say
from labourbot.textnorm import clip
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


def entry_text(entry: Any, question: str | None = None) -> str:
    """An entry as the answer to a question: the question it answers first, so an entry found for a
    differently worded question never opens with a bare 「可以。」 that seems to answer something else."""
    cites = "、".join(entry.citations)
    head = f"您問：「{clip(question, 60, one_line=True)}」\n" if question else ""
    body = f"{head}關於「{entry.title}」：\n{entry.answer}"
    # One line break only: Rasa splits a message without buttons at blank lines, and the citations
    # must stay in the message that carries them.
    return f"{body}\n依據：{cites}" if cites else body


def _asked(question: str, whole: str) -> str:
    """What to quote back as the question a part answers: the part itself, or for the part that stands
    for the whole message, its first question sentence (not the story around it)."""
    if question is not whole:
        return question
    from labourbot.questions import parse

    found = parse(whole).questions
    return found[0] if found else whole


# The next step a worker can take from the chat after reading about it (docs/services.md, docs/mediation.md).
SERVICE_BY_TOPIC = {"occupational_injury": ("職災後續關懷", "/request_followup"),
                    "dispute_mediation": ("線上申請調解", "/apply_mediation")}
SERVICE_BY_ENTRY = {"other-legal-consultation": ("預約法律諮詢", "/book_consultation")}


def service_buttons(entry: Any) -> List[Dict[str, str]]:
    found = SERVICE_BY_ENTRY.get(entry.id) or SERVICE_BY_TOPIC.get(entry.topic)
    return [button(*found)] if found else []


def answer_with_entry(dispatcher: CollectingDispatcher, entry: Any, question: str | None = None,
                      article_buttons: bool = True, feedback: bool = True) -> List[Dict[Text, Any]]:
    """Say an entry's answer with its citations and the standard follow-up buttons."""
    buttons = (_article_buttons(entry.citations) if article_buttons else []) + service_buttons(entry) + [
        human_button()] + (
        [button("有幫助", _payload("feedback", helpful="yes", entry_id=entry.id)),
         button("沒幫助", _payload("feedback", helpful="no", entry_id=entry.id))] if feedback else [])
    say(
        dispatcher,
        entry_text(entry, question),
        buttons=buttons,
        topic=entry.topic,
        citations=entry.citations,
        kind="kb_answer",
        title=entry.title,
        entry_id=entry.id,
    )
    return [SlotSet("topic", entry.topic), SlotSet("last_citations", list(entry.citations))]


def _entry_buttons(hits: List[Any]) -> List[Dict[str, str]]:
    return [button(hit.title, _payload("kb_entry", entry_id=hit.id)) for hit in hits]


def _question_buttons(questions: List[str]) -> List[Dict[str, str]]:
    """Questions not answered in this reply: tapping one sends it as the next message."""
    return [button(clip(q, 40, one_line=True), clip(q, 120, one_line=True)) for q in questions]


def say_statute(dispatcher: CollectingDispatcher, hit: Any, first: bool) -> None:
    """One statute article as the answer when no entry fits: official text, law, article, amendment date."""
    kb = knowledge_base()
    article = kb.article(hit.id) if kb else None
    amended = f"（{article.amended} 修正）" if article is not None and article.amended else ""
    body = hit.text if len(hit.text) <= _MAX_ARTICLE_CHARS else hit.text[:_MAX_ARTICLE_CHARS] + "…（全文請見全國法規資料庫）"
    lead = STATUTE_LEAD if first else "另一條可能相關的法條："
    say(dispatcher, f"{lead}\n{hit.id}{amended}\n{body}", citations=[hit.id], kind="statute_answer",
        title=hit.id, topic=hit.topic)


STATUTE_LEAD = ("我沒有找到正好回答這個問題的說明，先給您最相關的法條原文（一般資訊，不是個案的法律意見；"
                "您的情況怎麼適用，建議請勞工局同仁協助）：")
NOT_SURE = ("這個問題我沒有把握直接回答。您是想問下面哪一個嗎？也可以換個說法，寫出發生了什麼、想知道什麼"
            "（例如「做了三年被資遣，資遣費怎麼算」），或請勞工局同仁協助。")
RELATED = "相關的問題："


def not_sure(dispatcher: CollectingDispatcher, topic: str, suggestions: List[Any]) -> List[Dict[Text, Any]]:
    """Say we are not sure, offer close entries as buttons, a person, and a hint to rephrase."""
    say(dispatcher, NOT_SURE, buttons=_entry_buttons(suggestions[:3]) + [human_button()], topic=topic,
        kind="not_sure")
    return [SlotSet("topic", topic)]


def answer_question(dispatcher: CollectingDispatcher, text: str, topic_hint: str = "other") -> List[Dict[Text, Any]]:
    """Answer a free-text message from the knowledge base (knowledge_base/answer.py makes the plan):
    each question it asks (up to three), or the closest statute articles and entries when none fits.
    Every reply has an answer or options; a person is always one tap away."""
    from knowledge_base.answer import plan

    kb = knowledge_base()
    if kb is None:
        say(
            dispatcher,
            f"我了解您在問「{TOPIC_LABELS.get(topic_hint, '勞動法令')}」的問題。知識庫目前無法使用，"
            "請撥打 1955 勞工諮詢專線，或輸入「找真人」。",
            buttons=[human_button()],
            topic=topic_hint,
            kind="holding",
        )
        return [SlotSet("topic", topic_hint)]
    p = plan(kb, text, topic_hint=topic_hint)
    answered = [part for part in p.parts if part.answer]
    citations: List[str] = []
    for i, part in enumerate(answered):
        entry = kb.entry(part.answer.id)
        if entry is None:
            continue
        question = _asked(part.question, text) if len(answered) > 1 else None
        answer_with_entry(dispatcher, entry, question, article_buttons=len(answered) == 1, feedback=i == 0)
        citations += list(entry.citations)
    for i, hit in enumerate(p.statutes if not answered else []):
        say_statute(dispatcher, hit, first=i == 0)
        citations.append(hit.id)
    unanswered = [part.question for part in p.parts if not part.answer and part.question != text]
    follow_ups = _question_buttons(unanswered + p.more_questions)
    if answered:
        related = p.alternatives[:3]
        if related or follow_ups:
            say(dispatcher, RELATED if related else "您的其他問題：", buttons=_entry_buttons(related) + follow_ups,
                topic=p.topic, kind="related")
    else:
        say(dispatcher, NOT_SURE, buttons=_entry_buttons(p.alternatives[:3]) + follow_ups + [human_button()],
            topic=p.topic, kind="not_sure")
    _offer_calculator(dispatcher, text)
    offer_if_sensitive(dispatcher, text)  # harassment now, injury in hospital, employer gone...
    return [SlotSet("topic", p.topic), SlotSet("last_citations", list(dict.fromkeys(citations)))]


def _offer_calculator(dispatcher: CollectingDispatcher, text: str) -> None:
    """A legal question with the person's own numbers: after the answer, offer to compute with them."""
    from actions.calculators import CALCULATORS, calculator_offer

    kind = calculator_offer(text)
    if kind in CALCULATORS:
        label = CALCULATORS[kind][1]
        say(dispatcher, f"要用您訊息裡的數字幫您試算「{label}」嗎？", kind="calc_offer",
            buttons=[button(f"試算{label}", _payload("calculate", calc_type=kind))])


class ActionAnswerQuestion(Action):
    """Answer a question (a topic intent, or anything the router sends to the knowledge base)."""

    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        text = tracker.latest_message.get("text") or ""
        lang = i18n.language_of(tracker)
        if lang != "zh":  # docs/languages.md
            return answer_in_language(dispatcher, text, lang) + i18n.language_events(tracker)
        topic = topic_for_intent(tracker.latest_message.get("intent", {}).get("name"))
        return answer_question(dispatcher, text, topic)


class ActionAnswerEntry(Action):
    """Answer with the entry a button named."""

    def name(self) -> Text:
        return "action_answer_entry"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        entry_id = next(tracker.get_latest_entity_values("entry_id"), None)
        kb = knowledge_base()
        lang = i18n.language_of(tracker)
        entry = any_entry(kb, entry_id, lang) if kb and entry_id else None
        if entry is None:
            say(dispatcher, i18n.text("entry_missing", lang), buttons=[localized_human_button(lang)])
            return []
        if getattr(entry, "language", "zh") != "zh":
            return answer_translated(dispatcher, entry, entry.language)
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
        lang = i18n.language_of(tracker)
        english = english_statute([article.citation]) if lang != "zh" else None
        if english is not None:  # the official English translation, for a conversation in another language
            say(dispatcher, f"{i18n.text('official_english', lang, citation=article.citation)}\n{english[1]}",
                citations=[article.citation], kind="statute_english", language=lang)
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


# ---------------------------------------------------------------- other languages (docs/languages.md)

_MAX_ENGLISH_CHARS = 1500


def localized_human_button(lang: str) -> Dict[str, str]:
    button_ = human_button()
    return button(i18n.text("human_button", lang), button_["payload"])


def any_entry(kb: Any, entry_id: str, lang: str = "zh") -> Any:
    """A Chinese or translated entry by id; a Chinese id in a conversation held in `lang` gives the
    translation when there is one."""
    translated = getattr(kb, "translated_entry", None)
    entry = kb.entry(entry_id) or (translated(entry_id) if translated else None)
    if entry is not None and getattr(entry, "language", "zh") == "zh" and lang != "zh":
        translation = getattr(kb, "translation", None)
        entry = (translation(entry.id, lang) if translation else None) or entry
    return entry


def translated_text(entry: Any, lang: str, question: str | None = None) -> str:
    """A translated entry as an answer: title, answer, the Chinese citations (the law is Chinese)."""
    head = i18n.text("you_asked", lang, question=clip(question, 60, one_line=True)) + "\n" if question else ""
    body = f"{head}{i18n.text('about', lang, title=entry.title)}\n{entry.answer}"
    if not entry.citations:
        return body
    return f"{body}\n{i18n.text('basis', lang)}{'、'.join(entry.citations)} {i18n.text('statute_note', lang)}".rstrip()


def english_statute(citations: List[str]) -> tuple[str, str] | None:
    """(citation, official English text) of the first citation that has one, or None."""
    from knowledge_base.laws_en import english_articles

    try:
        english = english_articles()
    except Exception:  # never lose the answer over the English texts
        logger.exception("English law texts could not be read")
        return None
    for citation in citations:
        if citation in english:
            body = english[citation]
            return citation, body if len(body) <= _MAX_ENGLISH_CHARS else body[:_MAX_ENGLISH_CHARS] + "…"
    return None


def answer_translated(dispatcher: CollectingDispatcher, entry: Any, lang: str,
                      question: str | None = None) -> List[Dict[Text, Any]]:
    """Say a translated entry with its citations, the official English text of its first cited article
    where there is one, and buttons in the person's language."""
    root = getattr(entry, "translates", "") or entry.id
    buttons = [button(i18n.text("law_button", lang), _payload("show_article", citation=c)) for c in entry.citations[:1]]
    buttons += [localized_human_button(lang),
                button(i18n.text("helpful", lang), _payload("feedback", helpful="yes", entry_id=root))]
    say(dispatcher, translated_text(entry, lang, question), buttons=buttons, topic=entry.topic,
        citations=entry.citations, kind="kb_answer", title=entry.title, entry_id=entry.id, language=lang)
    english = english_statute(list(entry.citations))
    if english is not None:
        citation, body = english
        say(dispatcher, f"{i18n.text('official_english', lang, citation=citation)}\n{body}", citations=[citation],
            kind="statute_english", language=lang)
    return [SlotSet("topic", entry.topic), SlotSet("last_citations", list(entry.citations))]


def _search(kb: Any, text: str, lang: str) -> List[Any]:
    try:
        return kb.search(text, k=4, kinds=("entry",), language=lang)
    except TypeError:  # a knowledge base without translated entries
        return kb.search(text, k=4, kinds=("entry",))


def answer_in_language(dispatcher: CollectingDispatcher, text: str, lang: str) -> List[Dict[Text, Any]]:
    """Answer a message of a conversation held in `lang` (en, id, vi, th) from the translated entries.
    When none answers it with confidence, say so in that language, list the closest entries (translated
    titles; Chinese ones when nothing in the language is close) and offer 1955 and a person."""
    kb = knowledge_base()
    if kb is None:
        say(dispatcher, i18n.text("kb_unavailable", lang), buttons=[localized_human_button(lang)], kind="holding")
        return []
    hits = _search(kb, text, lang)
    own = [h for h in hits if getattr(h, "language", "zh") == lang]
    if hits and getattr(hits[0], "language", "zh") == lang and kb.is_confident(hits):
        entry = any_entry(kb, hits[0].id, lang)
        if entry is not None:
            events = answer_translated(dispatcher, entry, lang)
            related = own[1:3]
            if related:
                say(dispatcher, i18n.text("related", lang), kind="related", topic=entry.topic,
                    buttons=[button(clip(h.title, 40, one_line=True), _payload("kb_entry", entry_id=h.id))
                             for h in related])
            offer_if_sensitive(dispatcher, text, lang)
            return events
    closest = own[:3] or hits[:3]
    note = "" if own or not closest else "\n" + i18n.text("chinese_only", lang)
    topic = closest[0].topic if closest else "other"
    say(dispatcher, i18n.text("no_answer", lang) + note, kind="not_sure", topic=topic, language=lang,
        buttons=[button(clip(h.title, 40, one_line=True), _payload("kb_entry", entry_id=h.id)) for h in closest]
        + [localized_human_button(lang)])
    offer_if_sensitive(dispatcher, text, lang)
    return [SlotSet("topic", topic)]
