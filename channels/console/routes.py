"""The staff console: /console (login, case list, case page, reply, assign, notes, close).

Server-rendered Jinja2 pages (autoescaped, no scripts), zh-TW, for laptops and phones. Every POST
checks the CSRF token of the session; a staff member may open and act on unassigned cases and their
own, admins on all (others get 403); pages that need a higher role ask channels/console/access.py.
Personal data in the list view is masked.

Logins are throttled per account name and per address (cases.service: backoff, then a 15-minute
lockout, in the database), a login form works once, and at most ARGON2_SLOTS password checks run at
a time (others get 429 at once). Every login and every read, take, reply, note and close of a case
goes to the audit log, which admins read at /console/audit.

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
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from cases import texts
from cases.masking import mask_personal_data
from cases.mediation import console_panel as mediation_panel  # mediation (H4, docs/mediation.md)
from cases.models import CHANNELS, KINDS, MEDIATION, Case, StaffUser, utcnow
from cases.office_hours import TAIPEI
from cases.service import (
    AUDIT_PAGE,
    AlreadyTaken,
    CaseError,
    CaseFilter,
    Delivery,
    Forbidden,
    LoginCandidate,
    LoginKeys,
    acknowledge_failed_alerts,
    add_note,
    assign,
    audit,
    audit_entries,
    can_open,
    clear_login_failures,
    close_case,
    console_session_user,
    create_console_session,
    end_console_session,
    get_case,
    list_cases,
    login_candidate,
    login_locked,
    login_user,
    password_matches,
    record_login_failure,
    staff_reply,
    thread_deliveries,
    undelivered_case_ids,
    unseen_failed_alerts,
    use_login_nonce,
)
from channels.console.auth import COOKIE_PATH, LOGIN_COOKIE, LOGIN_NONCE_KEEP, Signer
from channels.limits import request_client
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
        "close": "已結案，並請民眾評分。",
        # mediation applications (channels/console/mediation.py)
        "mediation": "已更正調解申請，案件對話記下了改了哪些欄位。", "mediation_same": "調解申請沒有變更。"}
# Case kinds (cases.models.KINDS): the list's filter and the badge on the list and the case page.
KIND_LABELS = texts.KIND_LABELS
AUTHOR_LABELS = {"user": "民眾", "bot": "小幫手", "staff": "同仁", "system": "系統"}
# ?error=<code> on the case page: fixed texts only, the query's own text is never shown.
ERRORS = {"taken": "這件案件剛由其他同仁接手，請重新整理頁面確認負責人。", "closed": "這件案件已經結案，無法再處理。",
          "empty": "內容不能是空白的，請輸入後再送出。",
          "mediation": "調解申請沒有更正：必填欄位不能空白，電話格式要正確，金額要是整數。"}
GENERIC_ERROR = "無法完成這個動作，請重新整理頁面再試一次。"
LOGIN_FAILED = "帳號或密碼錯誤，或嘗試次數過多而暫時無法登入；請確認後稍候再試。"
LOGIN_BUSY = "目前登入的人較多，請稍候幾秒再試一次。"
FORM_EXPIRED = "表單已失效或已經送出過，請重新整理登入頁再試一次。"
ARGON2_SLOTS = 2  # password checks at a time (64 MiB of memory and a core each); the rest get 429
AUDIT_ACTIONS = {"login": "登入", "logout": "登出", "read": "開啟", "take": "接手", "reply": "回覆", "note": "備註",
                 "close": "結案", "add_user": "新增帳號", "deactivate": "停用帳號", "reset_password": "重設密碼",
                 "end_sessions": "登出所有裝置", "mediation_edit": "更正調解申請", "mediation_pdf": "下載調解申請書",
                 "curation_attach": "加例句", "curation_draft": "送出草稿", "curation_dismiss": "略過問題",
                 "curation_approve": "核准條目", "curation_reject": "退回草稿", "schedule": "新增諮詢時段",
                 "stop_schedule": "停止諮詢時段", "cancel_session": "取消諮詢場次", "attendance": "記錄出席",
                 "followup": "開始職災關懷"}
AUDIT_OUTCOMES = {"ok": "成功", "failed": "失敗", "locked": "暫停登入中", "refused": "無權限"}

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


def _address(request: Request) -> str:
    return request_client(request)


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
    """A one-time form; a locked account name or address is refused before any password check (same
    answer as a wrong password); then argon2, at most ARGON2_SLOTS at a time; then the session."""
    name, address, next_url = name.strip()[:200], _address(request), _safe_next(next)
    nonce = _signer(request).login_nonce(request, csrf)
    if nonce is None:
        return _expired_login_form(request)
    keys = LoginKeys.of(name, address)
    with _store(request).session() as session:
        if not use_login_nonce(session, nonce, LOGIN_NONCE_KEEP):
            return _expired_login_form(request)
        if login_locked(session, keys):
            audit(session, "login", outcome="locked", account=name, address=address)
            logger.warning("console: login refused (locked) for %r from %s", name[:64], address)
            return _login_form(request, next_url, LOGIN_FAILED, 401)
        candidate = login_candidate(session, name)
    slots = request.app.state.console_argon2
    if not slots.acquire(blocking=False):
        logger.warning("console: login from %s refused, %d password checks running", address, ARGON2_SLOTS)
        response = _login_form(request, next_url, LOGIN_BUSY, 429)
        response.headers["Retry-After"] = "5"
        return response
    try:
        matches = password_matches(candidate, password)
    finally:
        slots.release()
    return _finish_login(request, name, address, next_url, candidate if matches else None, password)


def _finish_login(request: Request, name: str, address: str, next_url: str,
                  matched: Optional[LoginCandidate], password: str) -> Response:
    """Count a failure, or start the session (the account may have been deactivated meanwhile)."""
    signer, keys = _signer(request), LoginKeys.of(name, address)
    with _store(request).session() as session:
        user = login_user(session, matched, password) if matched else None
        if user is None:
            record_login_failure(session, keys)
            audit(session, "login", outcome="failed", account=name, address=address)
        else:
            clear_login_failures(session, keys)
            row = create_console_session(session, user, timedelta(seconds=signer.session_ttl_s))
            audit(session, "login", staff=user, address=address)
    if user is None:
        logger.warning("console: failed login for %r from %s", name[:64], address)
        return _login_form(request, next_url, LOGIN_FAILED, 401)
    logger.info("console: staff %s logged in from %s", user.id, address)
    response = _redirect(next_url)
    signer.set_session(response, row.id)
    response.delete_cookie(LOGIN_COOKIE, path=COOKIE_PATH)
    return response


def _expired_login_form(request: Request) -> Response:
    return render(request, "error.html", 403, viewer=None, title="表單已失效", message=FORM_EXPIRED,
                  back="/console/login", back_label="回到登入頁")


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
        audit(session, "logout", staff=viewer.user, address=_address(request))
    response = _redirect("/console/login")
    _signer(request).clear_session(response)
    return response


# ---- case list and case page -------------------------------------------------------------------------


@router.get("/cases")
def case_list(request: Request, status: str = "open", topic: str = "", channel: str = "",
              age: str = "", undelivered: str = "", kind: str = "") -> Response:
    """Open cases, high priority and longest waiting first; filters by status, topic, channel, age and
    undelivered staff replies; the banner of urgent alerts no staff group got."""
    viewer = _viewer(request)
    if viewer is None:
        return _to_login(request)
    status = status if status in STATUS_CHOICES else "open"
    flt = CaseFilter(
        status=None if status == "all" else status,
        kind=kind if kind in KINDS else None,  # case kinds (H4)
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
                  filters={"status": status, "kind": flt.kind or "", "topic": flt.topic or "",
                           "channel": flt.channel or "",
                           "age": age if age in AGES else "", "undelivered": flt.undelivered},
                  status_choices=STATUS_CHOICES, topic_labels=TOPIC_LABELS, channels=texts.CHANNEL_LABELS,
                  age_labels=AGE_LABELS, kind_labels=KIND_LABELS)


def _row(case: Case, now: datetime, undelivered: bool) -> dict[str, Any]:
    """What the list shows of a case: personal data masked."""
    return {
        "id": case.id,
        "high": case.priority == "high",
        "undelivered": undelivered,
        "status": case.status,
        "kind": case.kind,
        "kind_label": KIND_LABELS.get(case.kind, case.kind),
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
    """The case with its thread and the delivery of its staff replies, or the refusal to show (both go
    to the audit log). Opening the case is what takes its failed urgent alerts off the list's banner
    (a line in the thread)."""
    with _store(request).session() as session:
        try:
            case = get_case(session, case_id)
        except CaseError:
            return None, {}, _not_found(request, viewer, case_id)
        if not can_open(viewer.user, case):
            logger.warning("console: staff %s refused case #%s", viewer.user.id, case_id)
            audit(session, "read", outcome="refused", staff=viewer.user, address=_address(request),
                  case_id=case_id)
            return None, {}, _forbidden(request, viewer, f"案件 #{case_id} 已由其他同仁負責，您沒有權限開啟。")
        audit(session, "read", staff=viewer.user, address=_address(request), case_id=case_id)
        if acknowledge_failed_alerts(session, case, viewer.user):
            logger.info("console: staff %s saw the failed urgent alerts of case #%s", viewer.user.id, case_id)
        session.flush()
        session.refresh(case, attribute_names=["messages", "notes"])  # loaded while the session is open
        return case, thread_deliveries(session, case.id), None


def _not_found(request: Request, viewer: Viewer, case_id: int) -> HTMLResponse:
    return render(request, "error.html", 404, viewer=viewer, title="找不到案件", message=f"找不到案件 #{case_id}。")


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int, done: str = "", error: str = "") -> Response:
    """One case: details, transcript, thread, notes, and the reply / assign / note / close forms. An
    `error` code shows its fixed text (an unknown one a generic text), never the query itself."""
    viewer = _viewer(request)
    if viewer is None:
        return _to_login(request)
    case, deliveries, refused = _load(request, viewer, case_id)
    if refused is not None:
        return refused
    assert case is not None
    now = utcnow()
    mediation = None  # the application's panel (H4, docs/mediation.md)
    if case.kind == MEDIATION:
        with _store(request).read() as session:
            mediation = mediation_panel(session, case.id)
    return render(
        request, "case.html", mediation=mediation, kind_label=KIND_LABELS.get(case.kind, case.kind),
        viewer=viewer, case=case, now=now, waited=_waited(case.created_at, now),
        transcript=[m for m in case.messages if m.part == "transcript"],
        thread=[m for m in case.messages if m.part == "thread"], deliveries=deliveries,
        authors=AUTHOR_LABELS, done=DONE.get(done), error=ERRORS.get(error, GENERIC_ERROR) if error else None,
        topic=texts.topic_label(case.topic), channel=texts.CHANNEL_LABELS.get(case.channel, case.channel),
        reason=texts.REASON_LABELS.get(case.reason, case.reason),
        status_label=texts.STATUS_LABELS.get(case.status, case.status),
        mine=case.assigned_to == viewer.user.id,
    )


AUDITED = {"reply": "reply", "assign": "take", "note": "note", "close": "close"}


def _act(request: Request, case_id: int, csrf: str, action: str, run: Any,
         text: Optional[str] = None) -> Response:
    """Shared by the POST forms of a case: session, CSRF, rights, then the action and its audit line;
    redirect back (with an error code when the action could not be done)."""
    viewer = _viewer(request)
    if viewer is None:
        return _to_login(request)
    if not _signer(request).csrf_ok(csrf, viewer.session_id):
        logger.warning("console: staff %s sent a form without a valid CSRF token", viewer.user.id)
        return _forbidden(request, viewer, "表單已失效或來源不明（CSRF 檢查失敗），請重新整理頁面再試一次。")
    address = _address(request)
    try:
        with _store(request).session() as session:
            run(session, viewer.user)
            audit(session, AUDITED[action], staff=viewer.user, address=address, case_id=case_id)
    except CaseError as exc:
        return _refused_act(request, viewer, case_id, action, exc, text)
    logger.info("console: staff %s did %s on case #%s", viewer.user.id, action, case_id)
    request.app.state.cases.wake_worker()
    return _redirect(f"/console/cases/{case_id}?done={action}")


def _refused_act(request: Request, viewer: Viewer, case_id: int, action: str, exc: CaseError,
                 text: Optional[str]) -> Response:
    """The action was not done: audit it, then 403 (no rights), 404 (no case) or the case page with the
    code of what went wrong."""
    with _store(request).session() as session:
        case = session.get(Case, case_id)
        outcome = "refused" if isinstance(exc, Forbidden) else "failed"
        audit(session, AUDITED[action], outcome=outcome, staff=viewer.user, address=_address(request),
              case_id=case_id)
    if isinstance(exc, Forbidden):
        logger.warning("console: staff %s refused %s on case #%s", viewer.user.id, action, case_id)
        return _forbidden(request, viewer, f"案件 #{case_id} 已由其他同仁負責，您沒有權限處理。")
    if case is None:
        return _not_found(request, viewer, case_id)
    if isinstance(exc, AlreadyTaken):
        code = "taken"
    elif text is not None and not text.strip():
        code = "empty"
    else:
        code = "closed" if not case.is_open else "failed"
    return _redirect(f"/console/cases/{case_id}?error={code}")


@router.post("/cases/{case_id}/reply")
def reply(request: Request, case_id: int, text: str = Form(""), csrf: str = Form("")) -> Response:
    """Send a reply to the user on their channel (the case is taken if nobody has it)."""
    return _act(request, case_id, csrf, "reply", lambda s, u: staff_reply(s, case_id, u, text), text)


@router.post("/cases/{case_id}/assign")
def assign_to_me(request: Request, case_id: int, csrf: str = Form("")) -> Response:
    """Take the case: the user's messages now come to its thread instead of the bot."""
    return _act(request, case_id, csrf, "assign", lambda s, u: assign(s, case_id, u))


@router.post("/cases/{case_id}/note")
def note(request: Request, case_id: int, text: str = Form(""), csrf: str = Form("")) -> Response:
    """An internal note (never sent to the user)."""
    return _act(request, case_id, csrf, "note", lambda s, u: add_note(s, case_id, u, text), text)


@router.post("/cases/{case_id}/close")
def close(request: Request, case_id: int, csrf: str = Form("")) -> Response:
    """Close the case: the user is back with the bot, which asks for a 1-5 score."""
    return _act(request, case_id, csrf, "close", lambda s, u: close_case(s, case_id, u))



# ---- audit log (admins) ----------------------------------------------------------------------------------


@router.get("/audit")
def audit_page(request: Request, case: str = "", account: str = "", before: str = "") -> Response:
    """The audit log for admins: newest first, AUDIT_PAGE entries a page, by case number or account."""
    viewer = _viewer(request)
    if viewer is None:
        return _to_login(request)
    if viewer.user.role != "admin":  # the top rank of channels/console/access.py (which imports this module)
        return _forbidden(request, viewer, "只有管理者可以查看稽核紀錄。")
    case_id, older_than = _number(case), _number(before)
    account = account.strip()[:64]
    with _store(request).session() as session:
        entries = audit_entries(session, case_id, account or None, older_than)
    more = len(entries) == AUDIT_PAGE
    query = {"case": case_id or "", "account": account, "before": entries[-1].id if more else ""}
    older = f"/console/audit?{urlencode(query)}" if more else None
    return render(request, "audit.html", viewer=viewer, entries=entries, actions=AUDIT_ACTIONS,
                  outcomes=AUDIT_OUTCOMES, filters={"case": case_id or "", "account": account}, older=older,
                  paged=older_than is not None)


def _number(value: str) -> Optional[int]:
    value = value.strip()
    return int(value) if value.isdigit() and len(value) < 10 else None
