"""Occupational-injury follow-up: the bureau checks in on an injured worker after 3, 14 and 30 days.

A follow-up is a case of kind INJURY with three check-ins. Each check-in is an outbox row written with
the case, due at 10:00 Taipei time on its day (cases/outbox.py sends it once, across restarts), with
answers the worker taps (payload `/injury_checkin{"checkin": <id>, "answer": "<code>"}`). An answer is
written on the case's thread for staff; some answers flag the case as needing a visit. The worker may
stop at any time: the check-ins not yet sent are skipped and the case is closed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Optional

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from cases.models import (
    CLOSED,
    INJURY,
    OPEN_STATUSES,
    PENDING,
    SKIPPED,
    WAITING,
    Base,
    Case,
    CaseMessage,
    OutboxMessage,
    UTCDateTime,
    utcnow,
)
from cases.office_hours import TAIPEI
from cases.service import split_sender

CHECKIN_KIND = "injury_checkin"
CHECKIN_AT = time(10, 0)
SCHEDULED, SENT_OUT, ANSWERED, STOPPED = "scheduled", "sent", "answered", "stopped"
STOP_PAYLOAD = "/stop_followup"
PUSH_CHANNELS = ("line", "telegram")


class FollowupError(Exception):
    """A follow-up that cannot be started or changed; the message is for the user (zh-TW)."""


@dataclass(frozen=True)
class Answer:
    code: str
    label: str
    needs_visit: bool


@dataclass(frozen=True)
class Step:
    days: int
    text: str
    answers: tuple[Answer, ...]


# What each check-in asks. 勞動基準法第59條: the employer compensates medical costs and, while the worker
# cannot work, the original wage; 勞工職業災害保險及保護法 pays injury, medical and disability benefits.
STEPS: tuple[Step, ...] = (
    Step(3, "您好，這裡是臺南市政府勞工局職災關懷。受傷後這幾天，身體恢復得還好嗎？", (
        Answer("better", "好多了", False),
        Answer("treating", "還在治療", False),
        Answer("need_help", "需要協助", True),
    )),
    Step(14, "勞工局職災關懷：您目前回到工作了嗎？醫療期間不能工作，雇主應按原領工資補償（勞動基準法第59條）。"
             "公司有補償您嗎？", (
        Answer("back_at_work", "已經復工", False),
        Answer("resting_paid", "還在休養，公司有補償", False),
        Answer("not_paid", "公司沒有補償", True),
    )),
    Step(30, "勞工局職災關懷：職災保險的傷病、醫療或失能給付申請了嗎？不知道怎麼申請、或公司不幫忙，"
             "我們可以協助您。", (
        Answer("claimed", "已經申請", False),
        Answer("want_info", "還沒申請，想了解", False),
        Answer("need_help", "需要協助", True),
    )),
)
STOP_LABEL = "停止關心"
THANKS = "謝謝您的回覆，已經轉告勞工局同仁。"
THANKS_VISIT = "謝謝您的回覆。勞工局同仁會盡快和您聯絡，了解需要什麼協助。"
STOPPED_TEXT = "好的，之後不會再傳關心訊息給您。需要協助時，隨時輸入「找真人」或撥打 1955。"
STARTED_TEXT = ("好的，勞工局會在第 3、14、30 天傳訊息關心您的狀況（恢復情形、復工、保險給付），"
                "您可以直接點選回覆；不想收到時，按「停止關心」即可。案件編號 #{case_id}。")


class InjuryCheckin(Base):
    __tablename__ = "injury_checkins"
    __table_args__ = (UniqueConstraint("case_id", "step", name="uq_injury_checkins_case_step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    step: Mapped[int] = mapped_column(Integer)  # index into STEPS
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outbox_id: Mapped[Optional[int]] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    answer: Mapped[Optional[str]] = mapped_column(String(32))
    answered_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    needs_visit: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    status: Mapped[str] = mapped_column(String(16), default=SCHEDULED)


def checkin_payload(checkin_id: int, answer: str) -> str:
    return "/injury_checkin" + json.dumps({"checkin": checkin_id, "answer": answer}, separators=(",", ":"))


def due_time(start: datetime, days: int) -> datetime:
    """10:00 Taipei time `days` days after `start`'s Taipei date."""
    day = start.astimezone(TAIPEI).date() + timedelta(days=days)
    return datetime.combine(day, CHECKIN_AT, TAIPEI)


def open_followup(session: Session, sender: str) -> Optional[Case]:
    return session.scalars(select(Case).where(Case.sender == sender, Case.kind == INJURY,
                                              Case.status.in_(OPEN_STATUSES))).first()


def start(session: Session, sender: str, now: Optional[datetime] = None, summary: str = "") -> tuple[Case, bool]:
    """Open an injury follow-up with its three check-ins, in the caller's transaction.
    Returns (case, True), or (the open follow-up, False) when the person already has one."""
    now = now or utcnow()
    existing = open_followup(session, sender)
    if existing is not None:
        return existing, False
    channel, user = split_sender(sender)
    if channel not in PUSH_CHANNELS:
        raise FollowupError("網頁聊天無法主動傳訊息給您；需要後續關心的話，請在 LINE 或 Telegram 使用小幫手，"
                            "或撥打 1955。")
    case = Case(kind=INJURY, status=WAITING, priority="normal", reason="request_human", topic="occupational_injury",
                channel=channel, channel_user=user, sender=sender, consent_at=now, created_at=now, updated_at=now,
                summary=(summary or "職災後續關懷")[:1000])
    try:
        with session.begin_nested():
            session.add(case)
            session.flush()
    except IntegrityError:  # opened by another process just now
        existing = open_followup(session, sender)
        if existing is None:
            raise
        return existing, False
    for index, step in enumerate(STEPS):
        checkin = InjuryCheckin(case_id=case.id, step=index, due_at=due_time(now, step.days), status=SCHEDULED)
        session.add(checkin)
        session.flush()
        buttons = [{"title": a.label, "payload": checkin_payload(checkin.id, a.code)} for a in step.answers]
        buttons.append({"title": STOP_LABEL, "payload": STOP_PAYLOAD})
        row = OutboxMessage(kind=CHECKIN_KIND, case_id=case.id, destination=channel, address=user,
                            payload={"text": step.text, "buttons": buttons}, created_at=now,
                            next_attempt_at=checkin.due_at)
        session.add(row)
        session.flush()
        checkin.outbox_id = row.id
    session.add(CaseMessage(case_id=case.id, part="thread", author="system", created_at=now,
                            text="已排定第 3、14、30 天的職災關懷訊息。"))
    return case, True


def record_answer(session: Session, sender: str, checkin_id: int, code: str,
                  now: Optional[datetime] = None) -> Answer:
    """Write the worker's answer on the case; FollowupError for someone else's or an unknown check-in."""
    now = now or utcnow()
    checkin = session.get(InjuryCheckin, checkin_id)
    case = session.get(Case, checkin.case_id) if checkin is not None else None
    if checkin is None or case is None or case.sender != sender:
        raise FollowupError("找不到這則關心訊息，可能已經結束了。")
    answer = next((a for a in STEPS[checkin.step].answers if a.code == code), None)
    if answer is None:
        raise FollowupError("看不懂這個回覆，請直接點選訊息下方的按鈕。")
    checkin.answer, checkin.answered_at, checkin.status = code, now, ANSWERED
    checkin.needs_visit = answer.needs_visit
    case.updated_at = now
    if answer.needs_visit:
        case.priority = "high"
    session.add(CaseMessage(case_id=case.id, part="thread", author="user", created_at=now,
                            text=f"第 {STEPS[checkin.step].days} 天關懷回覆：{answer.label}"))
    return answer


def stop(session: Session, sender: str, now: Optional[datetime] = None) -> Optional[Case]:
    """Stop the person's follow-up: unsent check-ins are skipped and the case closed. None if there is none."""
    now = now or utcnow()
    case = open_followup(session, sender)
    if case is None:
        return None
    for checkin in session.scalars(select(InjuryCheckin).where(InjuryCheckin.case_id == case.id,
                                                                InjuryCheckin.status == SCHEDULED)):
        checkin.status = STOPPED
        if checkin.outbox_id is not None:
            session.execute(update(OutboxMessage)
                            .where(OutboxMessage.id == checkin.outbox_id, OutboxMessage.status == PENDING,
                                   OutboxMessage.lease_until.is_(None))
                            .values(status=SKIPPED, last_error="follow-up stopped by the worker"))
    case.status, case.closed_at, case.updated_at = CLOSED, now, now
    session.add(CaseMessage(case_id=case.id, part="thread", author="system", created_at=now,
                            text="民眾停止了職災關懷訊息。"))
    return case


def checkins_of(session: Session, case_id: int) -> list[InjuryCheckin]:
    return list(session.scalars(select(InjuryCheckin).where(InjuryCheckin.case_id == case_id)
                                .order_by(InjuryCheckin.step)))


def needing_visit(session: Session) -> list[Case]:
    """Open follow-ups whose worker answered that they need help: staff should call or visit."""
    flagged = select(InjuryCheckin.case_id).where(InjuryCheckin.needs_visit.is_(True))
    return list(session.scalars(select(Case).where(Case.kind == INJURY, Case.status.in_(OPEN_STATUSES),
                                                   Case.id.in_(flagged)).order_by(Case.updated_at.desc())))
