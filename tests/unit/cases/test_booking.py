"""Consultation booking (cases/booking.py): sessions from weekly schedules, booking, cancel and move,
the reminder row in the outbox, and no double booking when people race for the last seat."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from cases import booking as bk
from cases.models import BOOKING, CLOSED, PENDING, SKIPPED, Case, OutboxMessage
from cases.office_hours import TAIPEI
from cases.outbox import OutboxWorker

pytestmark = pytest.mark.cases

# A Monday morning in Taipei; the schedule below is every Thursday 14:00.
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=TAIPEI)
THURSDAY = 3


def _schedule(store, capacity: int = 2, now: datetime = MONDAY) -> list[int]:
    with store.session() as session:
        bk.add_schedule(session, weekday=THURSDAY, start="14:00", duration_min=60, place="永華市政中心 3 樓",
                        lawyer="王律師", capacity=capacity, now=now)
    with store.read() as session:
        return [s.id for s in session.scalars(select(bk.ConsultationSession).order_by(bk.ConsultationSession.starts_at))]


def test_hhmm_is_parsed_or_refused_in_chinese():
    assert bk.parse_hhmm("14:00") == 840
    assert bk.parse_hhmm("09:30") == 570
    for bad in ("25:00", "14", "2pm", "14:5", ""):
        with pytest.raises(bk.BookingError, match="HH:MM"):
            bk.parse_hhmm(bad)


def test_sessions_are_generated_weekly_in_taipei_time_and_only_once(case_store):
    ids = _schedule(case_store)
    assert len(ids) == bk.WEEKS_AHEAD
    with case_store.session() as session:
        starts = [s.starts_at.astimezone(TAIPEI) for s in session.scalars(select(bk.ConsultationSession)
                                                                          .order_by(bk.ConsultationSession.starts_at))]
        assert starts[0] == datetime(2026, 12, 10, 14, 0, tzinfo=TAIPEI)  # the coming Thursday
        assert all(b - a == timedelta(weeks=1) for a, b in zip(starts, starts[1:]))
        assert bk.generate_sessions(session, now=MONDAY) == 0  # nothing new: idempotent


def test_reminder_is_due_at_ten_the_day_before_or_not_at_all():
    starts = datetime(2026, 12, 10, 14, 0, tzinfo=TAIPEI)
    assert bk.reminder_time(starts, MONDAY) == datetime(2026, 12, 9, 10, 0, tzinfo=TAIPEI)
    too_late = datetime(2026, 12, 9, 11, 0, tzinfo=TAIPEI)
    assert bk.reminder_time(starts, too_late) is None


def test_booking_takes_a_seat_opens_a_booking_case_and_schedules_one_reminder(case_store):
    first = _schedule(case_store)[0]
    with case_store.session() as session:
        made = bk.book(session, "line:Uworker1", first, now=MONDAY)
        assert made.consultation.booked == 1 and made.consultation.free == 1
        assert made.reminder_at == datetime(2026, 12, 9, 10, 0, tzinfo=TAIPEI)
        case_id = made.case_id
    with case_store.read() as session:
        case = session.get(Case, case_id)
        assert case.kind == BOOKING and case.is_open and case.channel == "line"
        reminders = list(session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id)))
        assert [(r.kind, r.destination, r.address, r.status) for r in reminders] == [
            (bk.REMINDER_KIND, "line", "Uworker1", PENDING)]
        assert reminders[0].next_attempt_at == datetime(2026, 12, 9, 10, 0, tzinfo=TAIPEI)
        assert "永華市政中心" in reminders[0].payload["text"]
        assert [b["payload"] for b in reminders[0].payload["buttons"]] == ["/cancel_booking", "/move_booking"]


def test_web_chat_bookings_get_no_reminder(case_store):
    first = _schedule(case_store)[0]
    with case_store.session() as session:
        made = bk.book(session, "web:abc", first, now=MONDAY)
        assert made.reminder_at is None and made.booking.reminder_id is None


def test_one_live_booking_per_person(case_store):
    first, second = _schedule(case_store)[:2]
    with case_store.session() as session:
        bk.book(session, "line:Uworker1", first, now=MONDAY)
    with case_store.session() as session, pytest.raises(bk.BookingError, match="已經有一個預約"):
        bk.book(session, "line:Uworker1", second, now=MONDAY)


def test_a_full_session_is_refused_and_the_next_one_offered(case_store):
    first, second = _schedule(case_store, capacity=1)[:2]
    with case_store.session() as session:
        bk.book(session, "line:Ua", first, now=MONDAY)
    with case_store.session() as session, pytest.raises(bk.BookingError, match="額滿"):
        bk.book(session, "line:Ub", first, now=MONDAY)
    with case_store.read() as session:
        assert [s.id for s in bk.free_sessions(session, now=MONDAY, limit=1)] == [second]


def test_cancel_gives_the_seat_back_skips_the_reminder_and_closes_the_case(case_store):
    first = _schedule(case_store, capacity=1)[0]
    with case_store.session() as session:
        made = bk.book(session, "telegram:42", first, now=MONDAY)
        reminder_id, case_id = made.booking.reminder_id, made.case_id
    with case_store.session() as session:
        bk.cancel(session, "telegram:42", now=MONDAY)
    with case_store.read() as session:
        assert session.get(bk.ConsultationSession, first).booked == 0
        assert session.get(OutboxMessage, reminder_id).status == SKIPPED
        assert session.get(Case, case_id).status == CLOSED
    with case_store.session() as session:  # the seat is free again
        bk.book(session, "line:Uother", first, now=MONDAY)


def test_move_is_all_or_nothing(case_store):
    first, second, third = _schedule(case_store, capacity=1)[:3]
    with case_store.session() as session:
        bk.book(session, "line:Ua", first, now=MONDAY)
        bk.book(session, "line:Ub", second, now=MONDAY)
    with case_store.session() as session, pytest.raises(bk.BookingError, match="額滿"):
        bk.move(session, "line:Ua", second, now=MONDAY)  # full: Ua keeps the first session
    with case_store.read() as session:
        assert bk.live_booking(session, "line:Ua").session_id == first
        assert session.get(bk.ConsultationSession, first).booked == 1
    with case_store.session() as session:
        moved = bk.move(session, "line:Ua", third, now=MONDAY)
        assert moved.consultation.id == third
    with case_store.read() as session:
        assert session.get(bk.ConsultationSession, first).booked == 0
        assert session.get(bk.ConsultationSession, third).booked == 1
        assert bk.live_booking(session, "line:Ua").session_id == third


def test_people_racing_for_the_last_seat_get_it_once(case_store):
    """Eight people press the last seat at the same moment: one booking, seven refusals, booked == capacity."""
    last = _schedule(case_store, capacity=1)[0]
    start = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def press(n: int) -> None:
        start.wait()
        try:
            with case_store.session() as session:
                bk.book(session, f"line:Urace{n}", last, now=MONDAY)
            result = "booked"
        except bk.BookingError as exc:
            result = str(exc)
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=press, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("booked") == 1, outcomes
    assert all("額滿" in o for o in outcomes if o != "booked")
    with case_store.read() as session:
        assert session.get(bk.ConsultationSession, last).booked == 1
        live = list(session.scalars(select(bk.ConsultationBooking).where(bk.ConsultationBooking.session_id == last,
                                                                         bk.ConsultationBooking.status == bk.BOOKED)))
        assert len(live) == 1


def test_a_session_starting_soon_cannot_be_booked(case_store):
    first = _schedule(case_store)[0]
    almost = datetime(2026, 12, 10, 13, 0, tzinfo=TAIPEI)
    with case_store.session() as session, pytest.raises(bk.BookingError, match="快開始"):
        bk.book(session, "line:Ulate", first, now=almost)


def test_staff_cancelling_a_session_cancels_its_bookings(case_store):
    first = _schedule(case_store)[0]
    with case_store.session() as session:
        bk.book(session, "line:Ua", first, now=MONDAY)
        bk.book(session, "line:Ub", first, now=MONDAY)
    with case_store.session() as session:
        cancelled = bk.cancel_session(session, first, now=MONDAY)
        assert sorted(b.sender for b in cancelled) == ["line:Ua", "line:Ub"]
    with case_store.read() as session:
        assert bk.free_sessions(session, now=MONDAY)[0].id != first
        assert bk.live_booking(session, "line:Ua") is None


def test_attendance_is_marked_and_the_case_closed(case_store):
    first = _schedule(case_store)[0]
    with case_store.session() as session:
        made = bk.book(session, "line:Ua", first, now=MONDAY)
        booking_id, case_id = made.booking.id, made.case_id
    with case_store.session() as session:
        assert [b.id for b in bk.bookings_of(session, first)] == [booking_id]
        assert [s.id for s in bk.sessions_on(session, date(2026, 12, 10))] == [first]
        bk.mark_attendance(session, booking_id, attended=True, now=MONDAY)
    with case_store.read() as session:
        assert session.get(bk.ConsultationBooking, booking_id).status == bk.ATTENDED
        assert session.get(Case, case_id).status == CLOSED


def test_a_reminder_due_later_does_not_hold_back_a_staff_reply(case_store, case_settings):
    """The outbox sends one user's rows in order, but a reminder for next week is not 'older and pending'
    in that sense: a staff reply written after it goes out now; the reminder waits for its time."""
    first = _schedule(case_store)[0]
    with case_store.session() as session:
        bk.book(session, "line:Ua", first, now=MONDAY)
        session.add(OutboxMessage(kind="staff_reply", destination="line", address="Ua",
                                  payload={"text": "您好"}, created_at=MONDAY, next_attempt_at=MONDAY))

    class LineOnly:
        def can_send(self, destination: str) -> bool:
            return destination == "line"

        async def send(self, message) -> None:  # pragma: no cover - claim() is all this test runs
            raise AssertionError

    worker = OutboxWorker(case_store, case_settings, LineOnly())
    assert [c.kind for c in worker.claim(now=MONDAY + timedelta(minutes=1))] == ["staff_reply"]
    reminder_due = datetime(2026, 12, 9, 10, 0, tzinfo=TAIPEI)
    assert [c.kind for c in worker.claim(now=reminder_due)] == [bk.REMINDER_KIND]
