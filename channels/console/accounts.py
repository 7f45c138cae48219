"""/console/accounts: administrators list the console's accounts and manage them.

Add an account with a role (its initial password is generated and shown once, on the answer to the
form, never in a URL or a log), reset a password the same way, log an account out everywhere, deactivate
one. The same as `labourbot staff ...` (cases/service.py does the work); every change goes to the audit
log with the account it changed and the administrator who did it.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Optional

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from cases.models import ROLES, StaffUser
from cases.service import (
    CaseError,
    add_staff_user,
    audit,
    deactivate_staff_user,
    end_staff_sessions,
    one_time_password,
    reset_staff_password,
    staff_accounts,
)
from channels.console.access import ROLE_LABELS, authorize
from channels.console.routes import Viewer, _address, _forbidden, _redirect, _signer, _store, render

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/console/accounts", include_in_schema=False)
DONE = {"sessions": "已讓這個帳號在所有裝置登出。", "deactivate": "已停用這個帳號，它的登入都已結束。"}


def _page(request: Request, viewer: Viewer, status_code: int = 200, **context: Any) -> Response:
    with _store(request).session() as session:
        accounts = [{"id": u.id, "name": u.name, "role": u.role, "active": u.active, "created": u.created_at,
                     "me": u.id == viewer.user.id} for u in staff_accounts(session)]
    context.setdefault("form", {"name": "", "role": "staff"})
    context.setdefault("created", None)
    context.setdefault("reset", None)
    return render(request, "accounts.html", status_code, viewer=viewer, accounts=accounts, roles=ROLES,
                  role_labels=ROLE_LABELS, **context)


def _admin_form(request: Request, csrf: str) -> Viewer | Response:
    """An administrator's form with a valid CSRF token, or the response to send instead."""
    viewer = authorize(request, "admin")
    if not isinstance(viewer, Viewer):
        return viewer
    if not _signer(request).csrf_ok(csrf, viewer.session_id):
        return _forbidden(request, viewer, "表單已失效或來源不明（CSRF 檢查失敗），請重新整理頁面再試一次。")
    return viewer


@router.get("")
def accounts_page(request: Request, done: str = "") -> Response:
    """The accounts, active first; the form to add one."""
    viewer = authorize(request, "admin")
    if not isinstance(viewer, Viewer):
        return viewer
    return _page(request, viewer, done=DONE.get(done))


@router.post("")
def add_account(request: Request, name: str = Form(""), role: str = Form("staff"), csrf: str = Form("")) -> Response:
    """A new account with a generated initial password, shown on this answer only."""
    viewer = _admin_form(request, csrf)
    if not isinstance(viewer, Viewer):
        return viewer
    name = name.strip()[:64]
    password = one_time_password()
    try:
        with _store(request).session() as session:
            add_staff_user(session, name, role, password)
            audit(session, "add_user", staff=viewer.user, account=name, address=_address(request))
    except CaseError as exc:
        return _page(request, viewer, 400, error=str(exc), form={"name": name, "role": role})
    logger.info("console: staff %s added an account (%s)", viewer.user.id, role)
    return _page(request, viewer, created={"name": name, "role": role, "password": password})


def _change(request: Request, user_id: int, csrf: str, action: str,
            change: Callable[[Session, str, StaffUser, str], Optional[str]]) -> Response:
    """One change of an existing account by an administrator (not of their own account); the service
    function writes the audit line (the account, and the administrator who changed it)."""
    viewer = _admin_form(request, csrf)
    if not isinstance(viewer, Viewer):
        return viewer
    if user_id == viewer.user.id:
        return _page(request, viewer, 400, error="不能在這裡變更自己的帳號；請由另一位管理者處理。")
    with _store(request).session() as session:
        user = session.get(StaffUser, user_id)
        if user is None:
            return _page(request, viewer, 404, error="找不到這個帳號。")
        name = user.name
        try:
            shown = change(session, name, viewer.user, _address(request))
        except CaseError as exc:
            return _page(request, viewer, 400, error=str(exc))
    logger.info("console: staff %s did %s on account %s", viewer.user.id, action, user_id)
    if shown is not None:
        return _page(request, viewer, reset={"name": name, "password": shown})
    return _redirect(f"/console/accounts?done={'sessions' if action == 'end_sessions' else action}")


@router.post("/{user_id}/reset-password")
def reset_password(request: Request, user_id: int, csrf: str = Form("")) -> Response:
    """A new generated password, shown once; the account's sessions end."""
    def change(session: Session, name: str, by: StaffUser, address: str) -> str:
        password = one_time_password()
        reset_staff_password(session, name, password, by, address)
        return password
    return _change(request, user_id, csrf, "reset_password", change)


@router.post("/{user_id}/end-sessions")
def end_sessions(request: Request, user_id: int, csrf: str = Form("")) -> Response:
    """Log the account out everywhere."""
    def change(session: Session, name: str, by: StaffUser, address: str) -> None:
        end_staff_sessions(session, name, by, address)
    return _change(request, user_id, csrf, "end_sessions", change)


@router.post("/{user_id}/deactivate")
def deactivate(request: Request, user_id: int, csrf: str = Form("")) -> Response:
    """The account cannot log in any more; its sessions end."""
    def change(session: Session, name: str, by: StaffUser, address: str) -> None:
        deactivate_staff_user(session, name, by, address)
    return _change(request, user_id, csrf, "deactivate", change)
