"""The staff console: /console (login, case list, case page, reply, assign, notes, close).

Server-rendered Jinja2 pages (autoescaped, no scripts), zh-TW, for laptops and phones. Every POST
checks the CSRF token of the session; a staff member may open and act on unassigned cases and their
own, admins on all (others get 403). Personal data in the list view is masked.

Delivery is visible: each staff reply on the case page shows whether it reached the user, the list
flags cases with undelivered replies, and a red banner counts urgent staff alerts no staff group got,
until somebody opens the case.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from cases import texts
from cases.masking import mask_personal_data
from cases.models import CHANNELS, Case, StaffUser, utcnow
from cases.office_hours import TAIPEI
from cases.service import (
    CaseError,
    CaseFilter,
    Delivery,
    Forbidden,
    acknowledge_failed_alerts,
    add_note,
    assign,
    authenticate,
    can_open,
    close_case,
    console_session_user,
    create_console_session,
    end_console_session,
    get_case,
    list_cases,
    staff_reply,
    thread_deliveries,
    undelivered_case_ids,
    unseen_failed_alerts,
)
from channels.console.auth import COOKIE_PATH, LOGIN_COOKIE, Signer
from labourbot.topics import TOPIC_LABELS, TOPICS

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
AGES = {"1h": timedelta(hours=1), "4h": timedelta(hours=4), "1d": timedelta(days=1),
        "3d": timedelta(days=3), "7d": timedelta(days=7)}
AGE_LABELS = {"": "不限", "1h": "超過 1 小時", "4h": "超過 4 小時", "1d": "超過 1 天", "3d": "超過 3 天",
              "7d": "超過 7 天"}
STATUS_CHOICES = {"open": "未結案", "waiting": "等待中", "assigned": "處理中", "closed": "已結案",
                  "all": "全部"}
DONE = {"reply": "已送出回覆。", "assign": "已指派給您。", "note": "已新增內部備註。",
        "close": "已結案，並請民眾評分。"}
AUTHOR_LABELS = {"user": "民眾", "bot": "小幫手", "staff": "同仁", "system": "系統"}

router = APIRouter(prefix="/console", include_in_schema=False)
_env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)


def _local(value: Optional[datetime]) -> str:
    return value.astimezone(TAIPEI).strftime("%Y-%m-%d %H:%M") if value else ""


def _waited(value: datetime, now: datetime) -> str:
    minutes = int((now - value).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} 分鐘"
    if minutes < 48 * 60:
        return f"{minutes // 60} 小時"
    return f"{minutes // 1440} 天"


_env.filters["local"] = _local


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = _env.get_template(name).render(request=request, texts=texts, **context)
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)


@dataclass
class Viewer:
    user: StaffUser
    session_id: str
    csrf: str


def _signer(request: Request) -> Signer:
    return request.app.state.console_signer


def _store(request: Request) -> Any:
    return request.app.state.cases.store


def _viewer(request: Request) -> Optional[Viewer]:
    signer = _signer(request)
    session_id = signer.session_id(request)
    if session_id is None:
        return None
    with _store(request).session() as session:
        user = console_session_user(session, session_id)
    if user is None:
        return None
    return Viewer(user, session_id, signer.csrf_token(session_id))


def _to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response = _redirect(f"/console/login?next={quote(target)}")
    _signer(request).clear_session(response)
    return response


def _forbidden(request: Request, viewer: Viewer, message: str) -> HTMLResponse:
    return render(request, "error.html", 403, viewer=viewer, title="沒有權限", message=message)


def _safe_next(value: str) -> str:
    parts = urlsplit(value or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/console/") or "\\" in value:
        return "/console/cases"
    return value


# ---- login / logout ---------------------------------------------------------------------------------


@router.get("")
@router.get("/")
def console_root() -> RedirectResponse:
    """The case list."""
    return _redirect("/console/cases")


@router.get("/login")
def login_page(request: Request, next: str = "/console/cases") -> Response:
    """The login form (its CSRF token is bound to a short-lived cookie)."""
    return _login_form(request, _safe_next(next), None, 200)


def _login_form(request: Request, next_url: str, error: Optional[str], status_code: int) -> Response:
    return _signer(request).login_form(
        lambda token: render(request, "login.html", status_code, next=next_url, error=error, csrf=token)
    )


@router.post("/login")
def login(request: Request, name: str = Form(""), password: str = Form(""), csrf: str = Form(""),
          next: str = Form("/console/cases")) -> Response:
    """Check the login CSRF token, then the password (argon2); start a session."""
    signer = _signer(request)
    if not signer.login_csrf_ok(request, csrf):
        return render(request, "error.html", 403, viewer=None, title="表單已失效",
                      message="表單已失效或來源不明，請重新整理登入頁再試一次。")
    with _store(request).session() as session:
        user = authenticate(session, name.strip(), password)
        row = create_console_session(session, user, timedelta(seconds=signer.session_ttl_s)) if user else None
    if user is None or row is None:
        logger.warning("console: failed login")
        return _login_form(request, _safe_next(next), "帳號或密碼錯誤。", 401)
    logger.info("console: staff %s logged in", user.id)
    response = _redirect(_safe_next(next))
    signer.set_session(response, row.id)
    response.delete_cookie(LOGIN_COOKIE, path=COOKIE_PATH)
    return response


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")) -> Response:
    """End the session (the row is deleted, the cookie cleared)."""
    viewer = _viewer(request)
    if viewer is None:
        return _to_login(request)
    if not _signer(request).csrf_ok(csrf, viewer.session_id):
        return _forbidden(request, viewer, "表單已失效，請重新整理頁面再試一次。")
    with _store(request).session() as session:
        end_console_session(session, viewer.session_id)
    response = _redirect("/console/login")
    _signer(request).clear_session(response)
    return response


# ---- case list and case page -------------------------------------------------------------------------


@router.get("/cases")
def case_list(request: Request, status: str = "open", topic: str = "", channel: str = "",
              age: str = "", undelivered: str = "") -> Response:
    """Open cases, high priority and longest waiting first; filters by status, topic, channel, age and
    undelivered staff replies; the banner of urgent alerts no staff group got."""
    viewer = _viewer(request)
    if viewer is None:
        return _to_login(request)
    status = status if status in STATUS_CHOICES else "open"
    flt = CaseFilter(
        status=None if status == "all" else status,
        topic=topic if topic in TOPICS else None,
        channel=channel if channel in CHANNELS else None,
        waiting_over=AGES.get(age),
        viewer=viewer.user,
        undelivered=undelivered == "1",
    )
    now = utcnow()
    with _store(request).session() as session:
        cases = list_cases(session, flt, now)
        flagged = undelivered_case_ids(session, [case.id for case in cases], now)
        rows = [_row(case, now, case.id in flagged) for case in cases]
        alerts = unseen_failed_alerts(session, viewer.user)
    return render(request, "cases.html", viewer=viewer, rows=rows, alerts=alerts,
                  alerts_banner=texts.ALERTS_FAILED_BANNER.format(count=sum(alerts.values())),
                  filters={"status": status, "topic": flt.topic or "", "channel": flt.channel or "",
                           "age": age if age in AGES else "", "undelivered": flt.undelivered},
                  status_choices=STATUS_CHOICES, topic_labels=TOPIC_LABELS, channels=texts.CHANNEL_LABELS,
                  age_labels=AGE_LABELS)


def _row(case: Case, now: datetime, undelivered: bool) -> dict[str, Any]:
    """What the list shows of a case: personal data masked."""
    return {
        "id": case.id,
        "high": case.priority == "high",
        "undelivered": undelivered,
        "status": case.status,
        "status_label": texts.STATUS_LABELS.get(case.status, case.status),
        "topic": texts.topic_label(case.topic),
        "channel": texts.CHANNEL_LABELS.get(case.channel, case.channel),
        "reason": texts.REASON_LABELS.get(case.reason, case.reason),
        "created": _local(case.created_at),
        "waited": _waited(case.created_at, now),
        "assignee": case.assignee.name if case.assignee else "",
        "summary": mask_personal_data(case.summary or ""),
        "contact": mask_personal_data(case.contact or ""),
    }


def _load(request: Request, viewer: Viewer, case_id: int
          ) -> tuple[Optional[Case], dict[int, Delivery], Optional[Response]]:
    """The case with its thread and the delivery of its staff replies, or the refusal to show. Opening
    the case is what takes its failed urgent alerts off the list's banner (a line in the thread)."""
    with _store(request).session() as session:
        try:
            case = get_case(session, case_id)
        except CaseError:
            return None, {}, render(request, "error.html", 404, viewer=viewer, title="找不到案件",
                                    message=f"找不到案件 #{case_id}。")
        if not can_open(viewer.user, case):
            logger.warning("console: staff %s refused case #%s", viewer.user.id, case_id)
            return None, {}, _forbidden(request, viewer, f"案件 #{case_id} 已由其他同仁負責，您沒有權限開啟。")
        if acknowledge_failed_alerts(session, case, viewer.user):
            logger.info("console: staff %s saw the failed urgent alerts of case #%s", viewer.user.id, case_id)
            session.flush()
        session.refresh(case, attribute_names=["messages", "notes"])  # loaded while the session is open
        return case, thread_deliveries(session, case.id), None


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int, done: str = "", error: str = "") -> Response:
    """One case: details, transcript, thread, notes, and the reply / assign / note / close forms."""
    viewer = _viewer(request)
    if viewer is None:
        return _to_login(request)
    case, deliveries, refused = _load(request, viewer, case_id)
    if refused is not None:
        return refused
    assert case is not None
    now = utcnow()
    return render(
        request, "case.html", viewer=viewer, case=case, now=now, waited=_waited(case.created_at, now),
        transcript=[m for m in case.messages if m.part == "transcript"],
        thread=[m for m in case.messages if m.part == "thread"], deliveries=deliveries,
        authors=AUTHOR_LABELS, done=DONE.get(done), error=error[:200] or None,
        topic=texts.topic_label(case.topic), channel=texts.CHANNEL_LABELS.get(case.channel, case.channel),
        reason=texts.REASON_LABELS.get(case.reason, case.reason),
        status_label=texts.STATUS_LABELS.get(case.status, case.status),
        mine=case.assigned_to == viewer.user.id,
    )


def _act(request: Request, case_id: int, csrf: str, action: str, run: Any) -> Response:
    """Shared by the POST forms of a case: session, CSRF, rights, then the action; redirect back."""
    viewer = _viewer(request)
    if viewer is None:
        return _to_login(request)
    if not _signer(request).csrf_ok(csrf, viewer.session_id):
        logger.warning("console: staff %s sent a form without a valid CSRF token", viewer.user.id)
        return _forbidden(request, viewer, "表單已失效或來源不明（CSRF 檢查失敗），請重新整理頁面再試一次。")
    try:
        with _store(request).session() as session:
            run(session, viewer.user)
    except Forbidden:
        logger.warning("console: staff %s refused %s on case #%s", viewer.user.id, action, case_id)
        return _forbidden(request, viewer, f"案件 #{case_id} 已由其他同仁負責，您沒有權限處理。")
    except CaseError as exc:
        if "找不到" in str(exc):
            return render(request, "error.html", 404, viewer=viewer, title="找不到案件", message=str(exc))
        return _redirect(f"/console/cases/{case_id}?error={quote(str(exc))}")
    logger.info("console: staff %s did %s on case #%s", viewer.user.id, action, case_id)
    request.app.state.cases.wake_worker()
    return _redirect(f"/console/cases/{case_id}?done={action}")


@router.post("/cases/{case_id}/reply")
def reply(request: Request, case_id: int, text: str = Form(""), csrf: str = Form("")) -> Response:
    """Send a reply to the user on their channel (the case is taken if nobody has it)."""
    return _act(request, case_id, csrf, "reply", lambda s, u: staff_reply(s, case_id, u, text))


@router.post("/cases/{case_id}/assign")
def assign_to_me(request: Request, case_id: int, csrf: str = Form("")) -> Response:
    """Take the case: the user's messages now come to its thread instead of the bot."""
    return _act(request, case_id, csrf, "assign", lambda s, u: assign(s, case_id, u))


@router.post("/cases/{case_id}/note")
def note(request: Request, case_id: int, text: str = Form(""), csrf: str = Form("")) -> Response:
    """An internal note (never sent to the user)."""
    return _act(request, case_id, csrf, "note", lambda s, u: add_note(s, case_id, u, text))


@router.post("/cases/{case_id}/close")
def close(request: Request, case_id: int, csrf: str = Form("")) -> Response:
    """Close the case: the user is back with the bot, which asks for a 1-5 score."""
    return _act(request, case_id, csrf, "close", lambda s, u: close_case(s, case_id, u))

