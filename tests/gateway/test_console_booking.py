"""The console's service pages (in process: the gateway app with its lifespan, a fresh case database):
staff define weekly consultation hours, see the day's bookings and mark attendance, call a session off
(the people who booked are told), and follow injury cases; every change needs the CSRF token."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import AsyncIterator

import httpx
import pytest
from fakes.gateway import in_process_gateway
from sqlalchemy import select

from cases import booking as bk
from cases import followup as fu
from cases.models import AuditEvent, OutboxMessage, utcnow
from cases.office_hours import TAIPEI

pytestmark = pytest.mark.cases

SECRET = "console-test-secret-0123456789abcdefghij"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture()
async def client(monkeypatch, case_db_url, case_store, tmp_path) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    monkeypatch.setenv("LABOURBOT_CONSOLE_SECRET", SECRET)
    monkeypatch.setenv("LABOURBOT_CONSOLE_COOKIE_SECURE", "false")
    async with in_process_gateway(tmp_path) as (_app, c):
        yield c


async def login(client: httpx.AsyncClient, name: str, password: str) -> str:
    client.cookies.clear()
    token = CSRF.search((await client.get("/console/login")).text).group(1)
    response = await client.post("/console/login", data={"name": name, "password": password, "csrf": token})
    assert response.status_code == 303
    return CSRF.search((await client.get("/console/booking")).text).group(1)


def _weekday_tomorrow_plus(days: int) -> int:
    return (datetime.now(TAIPEI).date() + timedelta(days=days)).weekday()


async def test_staff_define_hours_and_workers_bookings_show_on_the_days_list(client, case_store, make_staff,
                                                                             staff_password):
    make_staff("alice")
    csrf = await login(client, "alice", staff_password)
    weekday = _weekday_tomorrow_plus(3)
    form = {"weekday": str(weekday), "start": "14:00", "duration_min": "60", "place": "永華市政中心 3 樓 諮詢室",
            "lawyer": "陳律師", "capacity": "2"}
    assert (await client.post("/console/booking/schedules", data=form)).status_code == 403  # no CSRF token
    added = await client.post("/console/booking/schedules", data={**form, "csrf": csrf})
    assert added.status_code == 303
    with case_store.read() as session:
        first = bk.free_sessions(session)[0]
        day = first.starts_at.astimezone(TAIPEI).date()
        first_id = first.id
    with case_store.session() as session:
        booking_id = bk.book(session, "line:Uworker", first_id).booking.id
    page = await client.get(f"/console/booking?day={day.isoformat()}")
    assert page.status_code == 200
    assert "陳律師" in page.text and f'data-booking="{booking_id}"' in page.text and "已預約 1／2" in page.text
    marked = await client.post(f"/console/booking/bookings/{booking_id}/attendance",
                               data={"attended": "yes", "day": day.isoformat(), "csrf": csrf})
    assert marked.status_code == 303
    with case_store.read() as session:
        assert session.get(bk.ConsultationBooking, booking_id).status == bk.ATTENDED
        actions = [a.action for a in session.scalars(select(AuditEvent).where(AuditEvent.account == "alice"))]
        assert actions.count("schedule") == 1 and actions.count("attendance") == 1


async def test_a_bad_schedule_is_refused_with_its_reason(client, make_staff, staff_password):
    make_staff("alice")
    csrf = await login(client, "alice", staff_password)
    page = await client.post("/console/booking/schedules", data={
        "weekday": "2", "start": "2pm", "duration_min": "60", "place": "永華", "lawyer": "陳律師", "capacity": "2",
        "csrf": csrf})
    assert page.status_code == 400 and "HH:MM" in page.text


async def test_calling_a_session_off_tells_everyone_who_booked(client, case_store, make_staff, staff_password):
    make_staff("alice")
    csrf = await login(client, "alice", staff_password)
    with case_store.session() as session:
        bk.add_schedule(session, weekday=_weekday_tomorrow_plus(4), start="10:00", duration_min=60,
                        place="民治市政中心", lawyer="林律師", capacity=3)
    with case_store.session() as session:
        first = bk.free_sessions(session)[0].id
        bk.book(session, "line:Ua", first)
        bk.book(session, "telegram:77", first)
    assert (await client.post(f"/console/booking/sessions/{first}/cancel", data={"csrf": csrf})).status_code == 303
    with case_store.read() as session:
        notices = [(m.destination, m.address) for m in session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "staff_reply"))]
        assert sorted(notices) == [("line", "Ua"), ("telegram", "77")]
        assert bk.live_booking(session, "line:Ua") is None


async def test_followups_page_puts_cases_needing_a_visit_first(client, case_store, make_staff, staff_password):
    make_staff("alice")
    await login(client, "alice", staff_password)
    now = utcnow()
    with case_store.session() as session:
        calm, _ = fu.start(session, "line:Ucalm", now=now)
        worried, _ = fu.start(session, "line:Uworried", now=now)
        calm_id, worried_id = calm.id, worried.id
    with case_store.session() as session:
        checkin = fu.checkins_of(session, worried_id)[0].id
        fu.record_answer(session, "line:Uworried", checkin, "need_help", now=now)
    page = await client.get("/console/followups")
    assert page.status_code == 200
    order = [int(i) for i in re.findall(r'data-followup="(\d+)"', page.text)]
    assert order == [worried_id, calm_id]
    assert "需要聯絡／訪視" in page.text and "需要協助" in page.text


async def test_pages_need_a_login(client):
    for path in ("/console/booking", "/console/followups"):
        response = await client.get(path)
        assert response.status_code == 303 and "/console/login" in response.headers["location"]
