"""Book a free legal consultation from the chat (library: cases/booking.py; docs/services.md).

/book_consultation (or 「我想預約法律諮詢」) lists free sessions as buttons; a session's button asks to
confirm with the personal-data notice; 確認預約 books it (or moves the person's booking). A session that
filled up in between is refused with the next free ones. /cancel_booking and /move_booking come from the
confirmation and the reminder.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import _store
from actions.replies import Button, button, human_button, say
from cases import booking as bk
from cases.texts import RETENTION_DAYS

logger = logging.getLogger(__name__)

OFFER = "勞工局每週有免費的勞工法律諮詢（律師面談）。請選一個時段："
OFFER_MOVE = "要改到哪個時段？目前的預約是：{current}"
NONE_FREE = ("目前沒有可以預約的場次（可能都額滿了）。您可以撥打 1955 勞工諮詢專線（24 小時、免付費），"
             "或請勞工局同仁協助安排。")
HAS_BOOKING = "您已經預約了：{current}（預約編號 #{case_id}）。要更改或取消嗎？"
CONFIRM = ("要預約這個時段嗎？\n{label}\n"
           f"個資告知：預約只記錄您的聊天帳號，用來提醒和安排諮詢，只有勞工局承辦同仁看得到，保存 {RETENTION_DAYS} 天後刪除。")
BOOKED = ("預約成功！預約編號 #{case_id}\n{label}\n請攜帶身分證件、勞動契約、薪資單、出勤紀錄等相關資料，提早 10 分鐘到場。"
          "{reminder}")
REMINDER_NOTE = "\n諮詢前一天上午 10 點會再提醒您。"
NO_REMINDER_NOTE = "\n請記下時間地點（這個管道無法事先提醒您）。"
CANCELLED = "已取消您的預約，名額已釋出。需要時可以再預約。"
FAILED = "抱歉，預約系統暫時無法使用，請稍後再試，或撥打 1955 勞工諮詢專線。"


def _payload(intent: str, **values: Any) -> str:
    return f"/{intent}" + (json.dumps(values, separators=(",", ":")) if values else "")


def _entity(tracker: Tracker, name: str) -> Optional[int]:
    value = next(tracker.get_latest_entity_values(name), None)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _slot_buttons(sessions: list[Any]) -> List[Button]:
    return [button(bk.slot_label(s), _payload("book_slot", session_id=s.id)) for s in sessions]


def _offer(sender: str) -> tuple[str, List[Button], str]:
    """(text, buttons, kind) for the list of free sessions, or the person's booking when they have one."""
    with _store().read() as session:
        current = bk.live_booking(session, sender)
        if current is not None:
            return (HAS_BOOKING.format(current=bk.describe(current.consultation), case_id=current.case_id),
                    [button("更改預約", "/move_booking"), button("取消預約", "/cancel_booking")], "booking_current")
        free = bk.free_sessions(session)
        if not free:
            return NONE_FREE, [human_button()], "booking_none"
        return OFFER, _slot_buttons(free), "booking_offer"


class ActionOfferBooking(Action):
    def name(self) -> Text:
        return "action_offer_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List:
        try:
            text, buttons, kind = await asyncio.to_thread(_offer, tracker.sender_id)
        except Exception as exc:
            logger.error("booking: offer failed (%s)", type(exc).__name__, exc_info=exc)
            text, buttons, kind = FAILED, [human_button()], "booking_failed"
        say(dispatcher, text, buttons=buttons, kind=kind, topic="dispute_mediation")
        return []


def _move_offer(sender: str) -> tuple[str, List[Button], str]:
    with _store().read() as session:
        current = bk.live_booking(session, sender)
        free = [s for s in bk.free_sessions(session, limit=7) if current is None or s.id != current.session_id][:6]
        if current is None:
            return _offer(sender)
        if not free:
            return NONE_FREE, [human_button()], "booking_none"
        return OFFER_MOVE.format(current=bk.describe(current.consultation)), _slot_buttons(free), "booking_offer"


class ActionMoveBooking(Action):
    def name(self) -> Text:
        return "action_move_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List:
        try:
            text, buttons, kind = await asyncio.to_thread(_move_offer, tracker.sender_id)
        except Exception as exc:
            logger.error("booking: move offer failed (%s)", type(exc).__name__, exc_info=exc)
            text, buttons, kind = FAILED, [human_button()], "booking_failed"
        say(dispatcher, text, buttons=buttons, kind=kind, topic="dispute_mediation")
        return []


def _describe_session(session_id: int) -> Optional[str]:
    with _store().read() as session:
        consultation = session.get(bk.ConsultationSession, session_id)
        return bk.describe(consultation) if consultation and consultation.cancelled_at is None else None


class ActionChooseBookingSlot(Action):
    """A session's button: confirm first (the notice is the consent)."""

    def name(self) -> Text:
        return "action_choose_booking_slot"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List:
        session_id = _entity(tracker, "session_id")
        label = await asyncio.to_thread(_describe_session, session_id) if session_id is not None else None
        if label is None:
            return await ActionOfferBooking().run(dispatcher, tracker, domain)
        say(dispatcher, CONFIRM.format(label=label), kind="booking_confirm", topic="dispute_mediation",
            buttons=[button("確認預約", _payload("confirm_booking", session_id=session_id)),
                     button("選其他時段", "/book_consultation")])
        return []


def _book(sender: str, session_id: int) -> tuple[str, List[Button], str]:
    """Book (or move to) the session; a refusal rolls the whole transaction back and offers the next ones."""
    try:
        with _store().session() as session:
            if bk.live_booking(session, sender) is not None:
                made = bk.move(session, sender, session_id)
            else:
                made = bk.book(session, sender, session_id)
            note = REMINDER_NOTE if made.reminder_at is not None else NO_REMINDER_NOTE
            return (BOOKED.format(case_id=made.case_id, label=bk.describe(made.consultation), reminder=note),
                    [button("取消預約", "/cancel_booking"), button("更改預約", "/move_booking")], "booking_done")
    except bk.BookingError as exc:
        with _store().read() as session:
            free = _slot_buttons([s for s in bk.free_sessions(session, limit=7) if s.id != session_id][:6])
        return str(exc), free or [human_button()], "booking_refused"


class ActionConfirmBooking(Action):
    def name(self) -> Text:
        return "action_confirm_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List:
        session_id = _entity(tracker, "session_id")
        if session_id is None:
            return await ActionOfferBooking().run(dispatcher, tracker, domain)
        try:
            text, buttons, kind = await asyncio.to_thread(_book, tracker.sender_id, session_id)
        except Exception as exc:
            logger.error("booking: booking failed (%s)", type(exc).__name__, exc_info=exc)
            text, buttons, kind = FAILED, [human_button()], "booking_failed"
        say(dispatcher, text, buttons=buttons, kind=kind, topic="dispute_mediation")
        return []


def _cancel(sender: str) -> str:
    with _store().session() as session:
        try:
            bk.cancel(session, sender)
        except bk.BookingError as exc:
            return str(exc)
        return CANCELLED


class ActionCancelBooking(Action):
    def name(self) -> Text:
        return "action_cancel_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List:
        try:
            text = await asyncio.to_thread(_cancel, tracker.sender_id)
        except Exception as exc:
            logger.error("booking: cancel failed (%s)", type(exc).__name__, exc_info=exc)
            text = FAILED
        say(dispatcher, text, kind="booking_cancelled", topic="dispute_mediation",
            buttons=[button("重新預約", "/book_consultation")])
        return []
