"""Occupational-injury follow-up from the chat (library: cases/followup.py; docs/services.md).

/start_followup (offered with the injury answers, or 「請勞工局後續關心我」) opens the follow-up after the
personal-data notice; the check-ins' buttons send /injury_checkin{"checkin": N, "answer": "..."};
/stop_followup or 「不要再傳關心訊息」 stops it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import _store
from actions.replies import button, human_button, say
from cases import followup as fu
from cases.texts import RETENTION_DAYS

logger = logging.getLogger(__name__)

OFFER = ("勞工局可以在第 3、14、30 天傳訊息關心您的狀況（恢復情形、復工、補償和保險給付），需要時由同仁聯絡您。\n"
         f"個資告知：只記錄您的聊天帳號和您點選的回覆，只有勞工局承辦同仁看得到，保存 {RETENTION_DAYS} 天後刪除；"
         "隨時可以停止。要開始嗎？")
FAILED = "抱歉，系統暫時無法使用，請稍後再試，或撥打 1955 勞工諮詢專線。"
ALREADY = "您的職災關懷已經在進行中（案件編號 #{case_id}），不用再申請。"
NOT_RUNNING = "您目前沒有進行中的職災關懷。"


class ActionOfferFollowup(Action):
    def name(self) -> Text:
        return "action_offer_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List:
        say(dispatcher, OFFER, kind="followup_offer", topic="occupational_injury",
            buttons=[button("開始關心", "/start_followup{\"confirmed\":\"yes\"}"), button("不用了", "/deny")])
        return []


def _start(sender: str) -> str:
    with _store().session() as session:
        try:
            case, created = fu.start(session, sender, summary="民眾在聊天中申請職災後續關懷")
        except fu.FollowupError as exc:
            return str(exc)
        return fu.STARTED_TEXT.format(case_id=case.id) if created else ALREADY.format(case_id=case.id)


class ActionStartFollowup(Action):
    """Started only from the offer's button (which carries confirmed=yes): the notice was shown."""

    def name(self) -> Text:
        return "action_start_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List:
        if next(tracker.get_latest_entity_values("confirmed"), None) != "yes":
            return await ActionOfferFollowup().run(dispatcher, tracker, domain)
        try:
            text = await asyncio.to_thread(_start, tracker.sender_id)
        except Exception as exc:
            logger.error("follow-up: start failed (%s)", type(exc).__name__, exc_info=exc)
            text = FAILED
        say(dispatcher, text, kind="followup_started", topic="occupational_injury",
            buttons=[button(fu.STOP_LABEL, fu.STOP_PAYLOAD)])
        return []


def _answer(sender: str, checkin: Optional[int], code: str) -> tuple[str, bool]:
    if checkin is None:
        return "看不懂這個回覆，請直接點選訊息下方的按鈕。", False
    with _store().session() as session:
        try:
            answer = fu.record_answer(session, sender, checkin, code)
        except fu.FollowupError as exc:
            return str(exc), False
        return (fu.THANKS_VISIT if answer.needs_visit else fu.THANKS), answer.needs_visit


class ActionInjuryCheckin(Action):
    def name(self) -> Text:
        return "action_injury_checkin"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List:
        raw = next(tracker.get_latest_entity_values("checkin"), None)
        code = str(next(tracker.get_latest_entity_values("answer"), "") or "")
        try:
            checkin = int(raw) if raw is not None else None
        except (TypeError, ValueError):
            checkin = None
        try:
            text, visit = await asyncio.to_thread(_answer, tracker.sender_id, checkin, code)
        except Exception as exc:
            logger.error("follow-up: answer failed (%s)", type(exc).__name__, exc_info=exc)
            text, visit = FAILED, False
        say(dispatcher, text, kind="followup_answer", topic="occupational_injury",
            buttons=[human_button()] if visit else [])
        return []


def _stop(sender: str) -> str:
    with _store().session() as session:
        return fu.STOPPED_TEXT if fu.stop(session, sender) is not None else NOT_RUNNING


class ActionStopFollowup(Action):
    def name(self) -> Text:
        return "action_stop_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List:
        try:
            text = await asyncio.to_thread(_stop, tracker.sender_id)
        except Exception as exc:
            logger.error("follow-up: stop failed (%s)", type(exc).__name__, exc_info=exc)
            text = FAILED
        say(dispatcher, text, kind="followup_stopped", topic="occupational_injury")
        return []
