"""Free legal consultation: weekly sessions defined by staff, booked by workers from the chat.

Staff define a weekly schedule (weekday, time, place, lawyer, number of slots); concrete sessions are
generated for the coming weeks. A booking is a case of kind BOOKING (so it is listed, retained and
purged like every case) and a row here.

Why double booking cannot happen: a seat is taken by one conditional UPDATE (`booked = booked + 1 WHERE
booked < capacity`), which the database serialises on the session's row (SQLite: one writer at a time;
PostgreSQL: the row lock, the WHERE re-checked after it), and a person holds at most one live booking
(a partial unique index). Moving a booking is a cancel and a booking in one transaction.

The reminder the day before is an outbox row written in the booking's transaction, due at 10:00 Taipei
time the day before (cases/outbox.py sends it once, across restarts); a cancel or move marks that row
skipped in its own transaction. Web chat and REST users are not reminded (the page is not open then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Optional

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from cases.models import (
    BOOKING,
    CLOSED,
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
from cases.office_hours import TAIPEI, WEEKDAYS
from cases.service import split_sender

BOOKED, CANCELLED, ATTENDED, NO_SHOW = "booked", "cancelled", "attended", "no_show"
BOOKING_STATUSES = (BOOKED, CANCELLED, ATTENDED, NO_SHOW)
REMINDER_KIND = "booking_reminder"
REMINDER_AT = time(10, 0)  # Taipei time, the day before the session
MIN_LEAD = timedelta(hours=2)  # a session starting sooner is not offered
WEEKS_AHEAD = 6
PUSH_CHANNELS = ("line", "telegram")


class BookingError(Exception):
    """A booking that cannot be made or changed; the message is for the user (zh-TW)."""


class ConsultationSchedule(Base):
    """A weekly consultation hour: every `weekday` (0 = Monday) at `start_minute` after midnight, Taipei."""

    __tablename__ = "consultation_schedules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer)
    start_minute: Mapped[int] = mapped_column(Integer)
    duration_min: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(200))
    lawyer: Mapped[str] = mapped_column(String(100))
    capacity: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[Optional[int]] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConsultationSession(Base):
    __tablename__ = "consultation_sessions"
    __table_args__ = (UniqueConstraint("schedule_id", "starts_at", name="uq_consultation_sessions_schedule_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    schedule_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("consultation_schedules.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_min: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(200))
    lawyer: Mapped[str] = mapped_column(String(100))
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cancelled_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)


class ConsultationBooking(Base):
    __tablename__ = "consultation_bookings"
    __table_args__ = (
        Index("uq_consultation_bookings_sender", "sender", unique=True,
              sqlite_where=text("status = 'booked'"), postgresql_where=text("status = 'booked'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("consultation_sessions.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    sender: Mapped[str] = mapped_column(String(160))
    status: Mapped[str] = mapped_column(String(16), default=BOOKED)
    reminder_id: Mapped[Optional[int]] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[ConsultationSession] = relationship(lazy="joined")


@dataclass(frozen=True)
class Booked:
    booking: ConsultationBooking
    consultation: ConsultationSession
    case_id: int
    reminder_at: Optional[datetime]  # None: no reminder (web chat, or the session is too close)


# ---- schedules and sessions (staff) -------------------------------------------------------------------

def parse_hhmm(value: str) -> int:
    """'14:00' -> 840 (minutes after midnight); BookingError for anything else."""
    hours, sep, minutes = (value or "").strip().partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise BookingError("時間請寫成 HH:MM，例如 14:00。")
    h, m = int(hours), int(minutes)
    if not (0 <= h < 24 and 0 <= m < 60):
        raise BookingError("時間請寫成 HH:MM，例如 14:00。")
    return h * 60 + m


def add_schedule(session: Session, *, weekday: int, start: str, duration_min: int, place: str, lawyer: str,
                 capacity: int, staff_id: Optional[int] = None, now: Optional[datetime] = None
                 ) -> ConsultationSchedule:
    """A weekly consultation hour, and its sessions for the coming weeks."""
    if not 0 <= weekday <= 6:
        raise BookingError("星期請選週一到週日。")
    if not 10 <= duration_min <= 480:
        raise BookingError("每場時間請填 10 到 480 分鐘。")
    if not 1 <= capacity <= 100:
        raise BookingError("名額請填 1 到 100。")
    place, lawyer = (place or "").strip(), (lawyer or "").strip()
    if not place or not lawyer:
        raise BookingError("請填寫地點和律師。")
    schedule = ConsultationSchedule(weekday=weekday, start_minute=parse_hhmm(start), duration_min=duration_min,
                                    place=place[:200], lawyer=lawyer[:100], capacity=capacity, active=True,
                                    created_by=staff_id, created_at=now or utcnow())
    session.add(schedule)
    session.flush()
    generate_sessions(session, now=now)
    return schedule


def deactivate_schedule(session: Session, schedule_id: int) -> None:
    """No new sessions from this schedule; sessions already generated stay (they may be booked)."""
    schedule = session.get(ConsultationSchedule, schedule_id)
    if schedule is None:
        raise BookingError("找不到這個時段。")
    schedule.active = False


def session_starts(schedule: ConsultationSchedule, today: date, weeks: int) -> list[datetime]:
    """The schedule's start times (aware, UTC) from `today` (Taipei) for `weeks` weeks."""
    first = today + timedelta(days=(schedule.weekday - today.weekday()) % 7)
    start = time(schedule.start_minute // 60, schedule.start_minute % 60)
    return [datetime.combine(first + timedelta(weeks=i), start, TAIPEI) for i in range(weeks)]


def generate_sessions(session: Session, weeks: int = WEEKS_AHEAD, now: Optional[datetime] = None) -> int:
    """Create the missing sessions of every active schedule for the coming weeks; returns how many.
    Safe to run from several processes: the (schedule, start) pair is unique."""
    now = now or utcnow()
    today = now.astimezone(TAIPEI).date()
    made = 0
    for schedule in session.scalars(select(ConsultationSchedule).where(ConsultationSchedule.active.is_(True))):
        existing = set(session.scalars(select(ConsultationSession.starts_at)
                                       .where(ConsultationSession.schedule_id == schedule.id)))
        for starts_at in session_starts(schedule, today, weeks):
            if starts_at <= now or starts_at in existing:
                continue
            try:
                with session.begin_nested():
                    session.add(ConsultationSession(
                        schedule_id=schedule.id, starts_at=starts_at, duration_min=schedule.duration_min,
                        place=schedule.place, lawyer=schedule.lawyer, capacity=schedule.capacity, booked=0))
                    session.flush()
                made += 1
            except IntegrityError:  # another process made it just now
                continue
    return made


def cancel_session(session: Session, session_id: int, now: Optional[datetime] = None) -> list[ConsultationBooking]:
    """Staff call off a session: its bookings are cancelled (reminders skipped) and returned, so that
    the caller can tell the people who had booked."""
    now = now or utcnow()
    consultation = session.get(ConsultationSession, session_id)
    if consultation is None:
        raise BookingError("找不到這個場次。")
    consultation.cancelled_at = now
    bookings = list(session.scalars(select(ConsultationBooking).where(
        ConsultationBooking.session_id == session_id, ConsultationBooking.status == BOOKED)))
    for booking in bookings:
        _release(session, booking, now, note="勞工局取消了這個場次。")
    return bookings


# ---- what workers see and do ---------------------------------------------------------------------------

def free_sessions(session: Session, now: Optional[datetime] = None, limit: int = 6,
                  after: Optional[datetime] = None) -> list[ConsultationSession]:
    """Sessions with a free seat, soonest first (starting at least MIN_LEAD from now)."""
    now = now or utcnow()
    earliest = max(now + MIN_LEAD, after) if after else now + MIN_LEAD
    return list(session.scalars(
        select(ConsultationSession)
        .where(ConsultationSession.starts_at >= earliest, ConsultationSession.cancelled_at.is_(None),
               ConsultationSession.booked < ConsultationSession.capacity)
        .order_by(ConsultationSession.starts_at, ConsultationSession.id).limit(limit)
    ))


def live_booking(session: Session, sender: str) -> Optional[ConsultationBooking]:
    return session.scalars(select(ConsultationBooking).where(
        ConsultationBooking.sender == sender, ConsultationBooking.status == BOOKED)).first()


def reminder_time(starts_at: datetime, now: datetime) -> Optional[datetime]:
    """10:00 Taipei time the day before the session; None when that moment has already passed."""
    day_before = starts_at.astimezone(TAIPEI).date() - timedelta(days=1)
    at = datetime.combine(day_before, REMINDER_AT, TAIPEI)
    return at if at > now else None


def describe(consultation: ConsultationSession) -> str:
    """'12/10（四）14:00–15:00 永華市政中心…（律師：王大明）'"""
    local = consultation.starts_at.astimezone(TAIPEI)
    end = local + timedelta(minutes=consultation.duration_min)
    return (f"{local.month}/{local.day}（{WEEKDAYS[local.weekday()]}）{local:%H:%M}–{end:%H:%M} "
            f"{consultation.place}（律師：{consultation.lawyer}）")


def slot_label(consultation: ConsultationSession) -> str:
    """A short button label: '12/10（四）14:00 剩2位'."""
    local = consultation.starts_at.astimezone(TAIPEI)
    return f"{local.month}/{local.day}（{WEEKDAYS[local.weekday()]}）{local:%H:%M} 剩{consultation.free}位"


REMINDER_TEXT = ("提醒您：明天 {when} 有您預約的免費勞工法律諮詢（預約編號 #{case_id}）。"
                 "請帶身分證件和相關資料（勞動契約、薪資單、出勤紀錄等）提早 10 分鐘到場。"
                 "不能來的話，請按「取消預約」讓名額給別人。")


def _take_seat(session: Session, session_id: int) -> bool:
    result = session.execute(
        update(ConsultationSession)
        .where(ConsultationSession.id == session_id, ConsultationSession.cancelled_at.is_(None),
               ConsultationSession.booked < ConsultationSession.capacity)
        .values(booked=ConsultationSession.booked + 1)
    )
    return result.rowcount == 1


def book(session: Session, sender: str, session_id: int, now: Optional[datetime] = None,
         summary: str = "") -> Booked:
    """Book a seat, in the caller's transaction. BookingError when the person already has a booking, the
    session is gone, too close, or full (the caller offers `free_sessions` then)."""
    now = now or utcnow()
    if live_booking(session, sender) is not None:
        raise BookingError("您已經有一個預約了；要換時間請選「更改預約」。")
    consultation = session.get(ConsultationSession, session_id)
    if consultation is None or consultation.cancelled_at is not None:
        raise BookingError("這個場次已經取消或不存在，請選其他時段。")
    if consultation.starts_at < now + MIN_LEAD:
        raise BookingError("這個場次快開始了，已經不能預約，請選其他時段。")
    if not _take_seat(session, session_id):
        raise BookingError("這個時段剛好額滿了，請選其他時段。")
    session.refresh(consultation)
    channel, user = split_sender(sender)
    case = Case(kind=BOOKING, status=WAITING, priority="normal", reason="request_human", topic="dispute_mediation",
                channel=channel, channel_user=user, sender=sender, consent_at=now, created_at=now, updated_at=now,
                summary=(summary or f"預約法律諮詢：{describe(consultation)}")[:1000])
    booking = ConsultationBooking(session_id=session_id, sender=sender, status=BOOKED, created_at=now,
                                  updated_at=now)
    try:
        with session.begin_nested():
            session.add(case)
            session.flush()
            booking.case_id = case.id
            session.add(booking)
            session.flush()
    except IntegrityError:  # the same person booking twice at the same moment
        raise BookingError("您已經有一個預約了；要換時間請選「更改預約」。") from None
    session.add(CaseMessage(case_id=case.id, part="thread", author="system",
                            text=f"已預約：{describe(consultation)}", created_at=now))
    at = reminder_time(consultation.starts_at, now) if channel in PUSH_CHANNELS else None
    if at is not None:
        local = consultation.starts_at.astimezone(TAIPEI)
        reminder = OutboxMessage(
            kind=REMINDER_KIND, case_id=case.id, destination=channel, address=user, created_at=now,
            next_attempt_at=at,
            payload={"text": REMINDER_TEXT.format(when=f"{local:%H:%M} {consultation.place}", case_id=case.id),
                     "buttons": [{"title": "取消預約", "payload": "/cancel_booking"},
                                 {"title": "更改預約", "payload": "/move_booking"}]})
        session.add(reminder)
        session.flush()
        booking.reminder_id = reminder.id
    return Booked(booking, consultation, case.id, at)


def _release(session: Session, booking: ConsultationBooking, now: datetime, note: str) -> None:
    """Cancel a live booking: give the seat back, skip the reminder if not yet sent, close the case."""
    booking.status, booking.updated_at = CANCELLED, now
    session.execute(update(ConsultationSession).where(ConsultationSession.id == booking.session_id,
                                                      ConsultationSession.booked > 0)
                    .values(booked=ConsultationSession.booked - 1))
    if booking.reminder_id is not None:
        session.execute(update(OutboxMessage)
                        .where(OutboxMessage.id == booking.reminder_id, OutboxMessage.status == PENDING,
                               OutboxMessage.lease_until.is_(None))
                        .values(status=SKIPPED, last_error="booking cancelled"))
    case = session.get(Case, booking.case_id)
    if case is not None and case.status != CLOSED:
        case.status, case.closed_at, case.updated_at = CLOSED, now, now
        session.add(CaseMessage(case_id=case.id, part="thread", author="system", text=note, created_at=now))


def cancel(session: Session, sender: str, now: Optional[datetime] = None) -> ConsultationBooking:
    now = now or utcnow()
    booking = live_booking(session, sender)
    if booking is None:
        raise BookingError("您目前沒有預約。")
    _release(session, booking, now, note="民眾取消了預約。")
    return booking


def move(session: Session, sender: str, session_id: int, now: Optional[datetime] = None) -> Booked:
    """Cancel the person's booking and book `session_id`, all or nothing (a full session keeps the old one)."""
    now = now or utcnow()
    old = live_booking(session, sender)
    if old is None:
        raise BookingError("您目前沒有預約。")
    if old.session_id == session_id:
        raise BookingError("這就是您目前預約的時段。")
    with session.begin_nested():
        _release(session, old, now, note="民眾更改了預約時段。")
        session.flush()
        return book(session, sender, session_id, now)


# ---- the day's list (staff) ------------------------------------------------------------------------------

def sessions_on(session: Session, day: date) -> list[ConsultationSession]:
    start = datetime.combine(day, time(0, 0), TAIPEI)
    return list(session.scalars(
        select(ConsultationSession)
        .where(ConsultationSession.starts_at >= start, ConsultationSession.starts_at < start + timedelta(days=1))
        .order_by(ConsultationSession.starts_at, ConsultationSession.id)))


def bookings_of(session: Session, session_id: int) -> list[ConsultationBooking]:
    return list(session.scalars(select(ConsultationBooking)
                                .where(ConsultationBooking.session_id == session_id,
                                       ConsultationBooking.status != CANCELLED)
                                .order_by(ConsultationBooking.id)))


def mark_attendance(session: Session, booking_id: int, attended: bool, now: Optional[datetime] = None) -> None:
    """Staff mark who came; the booking's case is closed."""
    now = now or utcnow()
    booking = session.get(ConsultationBooking, booking_id)
    if booking is None or booking.status == CANCELLED:
        raise BookingError("找不到這筆預約，或已經取消。")
    booking.status, booking.updated_at = (ATTENDED if attended else NO_SHOW), now
    case = session.get(Case, booking.case_id)
    if case is not None and case.status != CLOSED:
        case.status, case.closed_at, case.updated_at = CLOSED, now, now
        session.add(CaseMessage(case_id=case.id, part="thread", author="system",
                                text="已出席諮詢。" if attended else "未出席。", created_at=now))
