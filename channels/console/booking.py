"""Console pages for the bureau's services: legal consultation hours and bookings (/console/booking) and
occupational-injury follow-ups (/console/followups). Staff and above; every change checks the CSRF token
and goes to the audit log."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any, Callable, Optional

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from cases import booking as bk
from cases import followup as fu
from cases.masking import mask_personal_data
from cases.models import Case, StaffUser, utcnow
from cases.office_hours import TAIPEI, WEEKDAYS
from cases.service import audit
from channels.console.access import authorize
from channels.console.routes import Viewer, _address, _forbidden, _redirect, _store, render

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/console", include_in_schema=False)
UPCOMING_DAYS = 14
DONE = {"schedule": "已新增每週諮詢時段，並排出接下來幾週的場次。", "stop_schedule": "已停止這個每週時段（已排的場次保留）。",
        "cancel_session": "已取消這個場次，已預約的民眾會收到通知。", "attendance": "已記錄出席。",
        "followup": "已開始職災關懷，第 3、14、30 天會傳訊息給民眾。"}
ANSWER_LABELS = {a.code: a.label for step in fu.STEPS for a in step.answers}


def _post(request: Request, csrf: str, action: str, run: Callable[[Session, StaffUser], Any], back: str,
          case_id: Optional[int] = None) -> Response:
    viewer = authorize(request, "staff")
    if not isinstance(viewer, Viewer):
        return viewer
    if not request.app.state.console_signer.csrf_ok(csrf, viewer.session_id):
        return _forbidden(request, viewer, "表單已失效或來源不明（CSRF 檢查失敗），請重新整理頁面再試一次。")
    try:
        with _store(request).session() as session:
            run(session, viewer.user)
            audit(session, action, staff=viewer.user, address=_address(request), case_id=case_id)
    except (bk.BookingError, fu.FollowupError) as exc:
        with _store(request).session() as session:
            audit(session, action, outcome="failed", staff=viewer.user, address=_address(request), case_id=case_id)
        # the page again, with the library's fixed zh-TW text of what was wrong (never the request's text)
        if back.startswith("/console/followups"):
            return _followups_view(request, viewer, error=str(exc), status_code=400)
        return _booking_view(request, viewer, error=str(exc), status_code=400)
    request.app.state.cases.wake_worker()
    logger.info("console: staff %s did %s", viewer.user.id, action)
    return _redirect(f"{back}{'&' if '?' in back else '?'}done={action}")


def _local(value: datetime) -> str:
    return value.astimezone(TAIPEI).strftime("%m/%d %H:%M")


@router.get("/booking")
def booking_page(request: Request, day: str = "", done: str = "") -> Response:
    """Weekly consultation hours, the coming sessions with their seats, and one day's list."""
    viewer = authorize(request, "staff")
    if not isinstance(viewer, Viewer):
        return viewer
    return _booking_view(request, viewer, day=day, done=DONE.get(done, ""))


def _booking_view(request: Request, viewer: Viewer, day: str = "", done: str = "", error: str = "",
                  status_code: int = 200) -> Response:
    now = utcnow()
    try:
        chosen = date.fromisoformat(day) if day else now.astimezone(TAIPEI).date()
    except ValueError:
        chosen = now.astimezone(TAIPEI).date()
    with _store(request).session() as session:
        bk.generate_sessions(session, now=now)
        schedules = list(session.scalars(select(bk.ConsultationSchedule)
                                         .where(bk.ConsultationSchedule.active.is_(True))
                                         .order_by(bk.ConsultationSchedule.weekday,
                                                   bk.ConsultationSchedule.start_minute)))
        upcoming = list(session.scalars(
            select(bk.ConsultationSession)
            .where(bk.ConsultationSession.starts_at >= now,
                   bk.ConsultationSession.starts_at < now + timedelta(days=UPCOMING_DAYS))
            .order_by(bk.ConsultationSession.starts_at)))
        day_list = []
        for consultation in bk.sessions_on(session, chosen):
            rows = []
            for booking in bk.bookings_of(session, consultation.id):
                case = session.get(Case, booking.case_id)
                rows.append({"id": booking.id, "case_id": booking.case_id, "status": booking.status,
                             "channel": case.channel if case else "",
                             "contact": mask_personal_data(case.contact or "") if case else ""})
            day_list.append({"session": consultation, "label": bk.describe(consultation), "bookings": rows})
        sessions = [{"session": s, "label": bk.describe(s), "cancelled": s.cancelled_at is not None}
                    for s in upcoming]
        schedule_rows = [{"id": s.id, "weekday": WEEKDAYS[s.weekday],
                          "start": f"{s.start_minute // 60:02d}:{s.start_minute % 60:02d}",
                          "duration": s.duration_min, "place": s.place, "lawyer": s.lawyer,
                          "capacity": s.capacity} for s in schedules]
    return render(request, "booking.html", status_code, viewer=viewer, schedules=schedule_rows, sessions=sessions,
                  day=chosen.isoformat(), day_list=day_list, weekdays=WEEKDAYS, done=done, error=error,
                  status_labels={bk.BOOKED: "已預約", bk.ATTENDED: "已出席", bk.NO_SHOW: "未出席"})


@router.post("/booking/schedules")
def add_schedule(request: Request, weekday: int = Form(-1), start: str = Form(""), duration_min: int = Form(60),
                 place: str = Form(""), lawyer: str = Form(""), capacity: int = Form(0),
                 csrf: str = Form("")) -> Response:
    return _post(request, csrf, "schedule", lambda s, u: bk.add_schedule(
        s, weekday=weekday, start=start, duration_min=duration_min, place=place, lawyer=lawyer,
        capacity=capacity, staff_id=u.id), "/console/booking")


@router.post("/booking/schedules/{schedule_id}/stop")
def stop_schedule(request: Request, schedule_id: int, csrf: str = Form("")) -> Response:
    return _post(request, csrf, "stop_schedule", lambda s, u: bk.deactivate_schedule(s, schedule_id),
                 "/console/booking")


@router.post("/booking/sessions/{session_id}/cancel")
def cancel_session(request: Request, session_id: int, csrf: str = Form("")) -> Response:
    """Call a session off; everyone who had booked it is told on their channel (outbox)."""
    def run(session: Session, user: StaffUser) -> None:
        from cases.models import OutboxMessage

        consultation = session.get(bk.ConsultationSession, session_id)
        label = bk.describe(consultation) if consultation else ""
        for booking in bk.cancel_session(session, session_id):
            case = session.get(Case, booking.case_id)
            if case is not None and case.channel in bk.PUSH_CHANNELS:
                session.add(OutboxMessage(
                    kind="staff_reply", case_id=case.id, destination=case.channel, address=case.channel_user,
                    payload={"text": f"很抱歉，勞工局取消了您預約的法律諮詢：{label}。請重新預約其他時段。",
                             "buttons": [{"title": "重新預約", "payload": "/book_consultation"}]}))
    return _post(request, csrf, "cancel_session", run, "/console/booking")


@router.post("/booking/bookings/{booking_id}/attendance")
def attendance(request: Request, booking_id: int, attended: str = Form(""), day: str = Form(""),
               csrf: str = Form("")) -> Response:
    return _post(request, csrf, "attendance",
                 lambda s, u: bk.mark_attendance(s, booking_id, attended == "yes"),
                 f"/console/booking?day={day}" if day else "/console/booking")


@router.get("/followups")
def followups_page(request: Request, done: str = "") -> Response:
    """Open injury follow-ups: each check-in's due date and answer; those that need a visit first."""
    viewer = authorize(request, "staff")
    if not isinstance(viewer, Viewer):
        return viewer
    return _followups_view(request, viewer, done=DONE.get(done, ""))


def _followups_view(request: Request, viewer: Viewer, done: str = "", error: str = "",
                    status_code: int = 200) -> Response:
    with _store(request).session() as session:
        flagged = {c.id for c in fu.needing_visit(session)}
        open_cases = list(session.scalars(select(Case).where(Case.kind == "injury", Case.status != "closed")
                                          .order_by(Case.created_at.desc()).limit(200)))
        rows = []
        for case in sorted(open_cases, key=lambda c: (c.id not in flagged, -c.id)):
            rows.append({"case_id": case.id, "channel": case.channel, "visit": case.id in flagged,
                         "summary": mask_personal_data(case.summary or ""),
                         "checkins": [{"days": fu.STEPS[c.step].days, "due": _local(c.due_at),
                                       "answer": ANSWER_LABELS.get(c.answer or "", ""), "status": c.status}
                                      for c in fu.checkins_of(session, case.id)]})
    return render(request, "followups.html", status_code, viewer=viewer, rows=rows, done=done, error=error)


@router.post("/cases/{case_id}/followup")
def start_followup(request: Request, case_id: int, csrf: str = Form("")) -> Response:
    """Staff start an injury follow-up for the person of a case (LINE and Telegram only)."""
    def run(session: Session, user: StaffUser) -> None:
        case = session.get(Case, case_id)
        if case is None:
            raise fu.FollowupError("找不到這件案件。")
        fu.start(session, case.sender, summary=f"由案件 #{case_id} 開始的職災關懷")
    return _post(request, csrf, "followup", run, "/console/followups", case_id=case_id)
