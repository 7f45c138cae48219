"""Hand the conversation to a person at the bureau (docs/handoff.md).

action_handoff starts it (the user asked for a person, pressed 找真人 after two misunderstandings, or a
situation that needs a person was offered one); handoff_form asks for consent to the personal-data
notice and an optional contact; action_open_case then writes the case (topic, summary, transcript from
the tracker, channel address = the sender id "<channel>:<user id>") in one transaction and tells the user
its number and when to expect an answer. Danger words never reach here: the gateway handles them first.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import i18n
from actions.replies import button, human_button, say
from actions.settings import action_settings
from cases import texts
from cases.detect import Sensitive, sensitive_topic
from cases.office_hours import expected_reply
from cases.transcript import summary_of, transcript_from_events
from labourbot.textnorm import normalize
from labourbot.topics import TOPICS

logger = logging.getLogger(__name__)

FORM = "handoff_form"
SLOTS = ("handoff_consent", "handoff_contact", "handoff_reason", "handoff_topic", "handoff_priority")
SKIPPED = "skip"
RECENT_USER_MESSAGES = 5

_NO = re.compile(r"不同意|不要|不用|不願意|拒絕|不想|取消|算了|^不$|^否$|^no$|^/deny")
_YES = re.compile(r"同意|^好|可以|願意|^ok|^是|^對|^yes|沒問題|接受|^/affirm")
_SKIP = re.compile(r"略過|跳過|不用|不需要|不必|沒有|免了|^skip$|^不$")
_CANCEL = re.compile(r"取消|算了|不要轉")
_PHONE = re.compile(r"(?:\+?886|0)\d(?:[-\s]?\d){6,9}")
_TIME = re.compile(r"\d{1,2}\s*[:點時]|上午|下午|早上|中午|晚上|傍晚|白天|平日|假日|週|星期|禮拜|今天|明天|後天|"
                   r"隨時|都可以|am|pm", re.I)


def consent_answer(text: str, intent: Optional[str] = None) -> Optional[bool]:
    """True for 同意, False for 不同意 (checked first: it contains 同意), None when unclear."""
    clean = normalize(text or "").replace(" ", "")
    if _NO.search(clean):
        return False
    if _YES.search(clean):
        return True
    return {"affirm": True, "deny": False}.get(intent or "")


def contact_answer(text: str) -> Optional[str]:
    """The contact to keep ('skip' for 略過), or None when it reads as neither a phone nor a time."""
    raw = (text or "").strip()
    clean = normalize(raw).replace(" ", "")
    if not clean:
        return None
    if _PHONE.search(clean) or _TIME.search(clean):
        return raw[:200]
    if _SKIP.search(clean):
        return SKIPPED
    return None


def _user_events(tracker: Tracker) -> List[Dict[str, Any]]:
    return [e for e in tracker.events if e.get("event") == "user"]


def fallbacks_before_request(tracker: Tracker) -> int:
    """Misunderstood messages in a row just before the latest one (the request for a person)."""
    count = 0
    for event in reversed(_user_events(tracker)[:-1]):
        if (event.get("parse_data") or {}).get("intent", {}).get("name") != "nlu_fallback":
            break
        count += 1
    return count


def sensitive_in_recent(tracker: Tracker) -> Optional[Sensitive]:
    for event in reversed(_user_events(tracker)[-RECENT_USER_MESSAGES:]):
        found = sensitive_topic(event.get("text") or "")
        if found:
            return found
    return None


def _store() -> Any:
    from cases.db import shared_store
    from cases.masking import install_log_filter

    install_log_filter()
    return shared_store(action_settings().cases)


def _open_case_of(sender: str) -> Optional[int]:
    """A read: it does not wait for SQLite's write lock (a locked database does not hold up the form)."""
    from cases.service import open_case_for

    with _store().read() as session:
        case = open_case_for(session, sender)
        return case.id if case else None


def topic_of_text(text: str) -> Optional[str]:
    """The topic of the entry the knowledge base would answer `text` with, when it is confident."""
    from actions.kb_client import knowledge_base

    kb = knowledge_base()
    if kb is None or len(text.strip()) < 6:
        return None
    hits = kb.search(text, k=3, kinds=("entry",))
    return hits[0].topic if hits and kb.is_confident(hits) else None


def offer_if_sensitive(dispatcher: CollectingDispatcher, text: str, lang: str = "zh") -> bool:
    """Offer a person when the text describes a situation that needs one; True when offered.
    For answer actions: call it after answering (see docs/handoff.md)."""
    found = sensitive_topic(text)
    if found is None:
        return False
    human = human_button()
    say(dispatcher, i18n.text("sensitive_offer", lang, why=found.why),
        buttons=[button(i18n.text("human_button", lang), human["payload"])],
        topic=found.topic, kind="handoff_offer", reason="sensitive_topic")
    return True


class ActionOfferHandoff(Action):
    """Offer a person if the latest message needs one (keyword rules of cases.detect)."""

    def name(self) -> Text:
        return "action_offer_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        offer_if_sensitive(dispatcher, tracker.latest_message.get("text") or "", i18n.language_of(tracker))
        return []


class ActionHandoff(Action):
    """Start a handoff: unless a case is open already, the consent and contact form."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        try:
            open_id = await asyncio.to_thread(_open_case_of, tracker.sender_id)
        except Exception as exc:  # the form still runs; opening the case reports a failure
            logger.error("handoff: case store unavailable (%s)", type(exc).__name__)
            open_id = None
        if open_id is not None:
            say(dispatcher, i18n.text("already_open", i18n.language_of(tracker), case_id=open_id), kind="handoff",
                handoff=True, case_id=open_id)
            return []
        sensitive = sensitive_in_recent(tracker)
        if sensitive:
            reason, topic = "sensitive_topic", sensitive.topic
        else:
            reason = "fallback" if fallbacks_before_request(tracker) >= 2 else "request_human"
            topic = tracker.get_slot("topic") if tracker.get_slot("topic") in TOPICS else "other"
            if topic == "other":  # 「我想找真人談，公司欠我三個月薪水」: the problem names the topic
                topic = topic_of_text(tracker.latest_message.get("text") or "") or topic
        return [
            SlotSet("handoff_consent", None),
            SlotSet("handoff_contact", None),
            SlotSet("handoff_reason", reason),
            SlotSet("handoff_topic", topic),
            SlotSet("handoff_priority", "normal"),
            FollowupAction(FORM),
        ]


class ActionAskHandoffConsent(Action):
    """The personal-data notice (purpose, who sees it, 180 days) with 同意 / 不同意."""

    def name(self) -> Text:
        return "action_ask_handoff_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        again = tracker.get_slot("requested_slot") == "handoff_consent"  # the answer was not understood
        lang = i18n.language_of(tracker)  # the buttons send the Chinese words in every language
        say(dispatcher, (i18n.text("ask_consent_again", lang) + "\n\n" if again else "") + i18n.text("handoff_notice", lang),
            buttons=[button(i18n.text("consent_yes", lang), texts.CONSENT_YES),
                     button(i18n.text("consent_no", lang), texts.CONSENT_NO)],
            kind="handoff_notice", topic=tracker.get_slot("handoff_topic") or None)
        return []


class ActionAskHandoffContact(Action):
    def name(self) -> Text:
        return "action_ask_handoff_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        again = tracker.get_slot("requested_slot") == "handoff_contact"  # the answer was not understood
        lang = i18n.language_of(tracker)
        say(dispatcher, i18n.text("ask_contact_again" if again else "ask_contact", lang),
            buttons=[button(i18n.text("skip", lang), texts.SKIP)], kind="handoff_contact")
        return []


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_handoff_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        """After 不同意 there is nothing more to ask."""
        if tracker.get_slot("handoff_consent") is False:
            return ["handoff_consent"]
        return domain_slots

    def validate_handoff_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        if value is None or isinstance(value, bool):  # None: cleared by action_handoff, not an answer
            return {"handoff_consent": value}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return {"handoff_consent": consent_answer(str(value), intent)}  # None: asked again

    def validate_handoff_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        if value is None:  # cleared by action_handoff, not an answer
            return {"handoff_contact": None}
        text = str(value)
        if _CANCEL.search(normalize(text)):
            return {"handoff_contact": SKIPPED, "handoff_consent": False}
        return {"handoff_contact": contact_answer(text)}  # None: asked again


def _write_case(draft: Any) -> tuple[int, bool]:
    from cases.service import open_case

    with _store().session() as session:
        case, created = open_case(session, draft)
        return case.id, created


class ActionOpenCase(Action):
    """After the form: write the case (one transaction) and tell the user its number, or say that
    nothing is kept when they did not consent."""

    def name(self) -> Text:
        return "action_open_case"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        from cases.service import CaseDraft

        reset = [SlotSet(slot, None) for slot in SLOTS]
        lang = i18n.language_of(tracker)
        if tracker.get_slot("handoff_consent") is not True:
            say(dispatcher, i18n.text("declined", lang), kind="handoff_declined")
            return reset
        lines = transcript_from_events(tracker.events)
        contact = tracker.get_slot("handoff_contact")
        priority = tracker.get_slot("handoff_priority") or "normal"
        draft = CaseDraft(
            sender=tracker.sender_id,
            topic=tracker.get_slot("handoff_topic") if tracker.get_slot("handoff_topic") in TOPICS else "other",
            reason=tracker.get_slot("handoff_reason") or "request_human",
            priority=priority,
            summary=summary_of(lines),
            contact=None if contact in (None, SKIPPED) else str(contact),
            transcript=lines,
            language=lang,
        )
        try:
            case_id, created = await asyncio.to_thread(_write_case, draft)
        except Exception as exc:
            logger.error("handoff: case could not be written (%s)", type(exc).__name__, exc_info=exc)
            say(dispatcher, i18n.text("case_unavailable", lang), buttons=[human_button()], kind="handoff_failed")
            return reset
        if created:
            expected = (expected_reply(datetime.now(timezone.utc), priority) if lang == "zh"
                        else i18n.text("expected_reply", lang))
            text = i18n.text("opened", lang, case_id=case_id, expected=expected)
        else:
            text = i18n.text("already_open", lang, case_id=case_id)
            if draft.contact:
                text += i18n.text("contact_added", lang, case_id=case_id)
        logger.info("handoff: case #%s %s", case_id, "opened" if created else "already open")
        say(dispatcher, text, kind="handoff", topic=draft.topic, handoff=True, case_id=case_id)
        return reset
