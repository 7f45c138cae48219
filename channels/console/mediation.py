"""Mediation applications in the console (docs/mediation.md): staff correct the application
(POST /console/cases/{id}/mediation, CSRF, audit-logged) and download it as a PDF
(GET /console/cases/{id}/mediation.pdf); the worker downloads theirs with the signed link the chat gave
(GET /mediation/{id}.pdf?t=..., cases.mediation.pdf_token). The panel itself is in case.html."""

from __future__ import annotations

import logging
from typing import Optional

from fastapi import APIRouter, Request
from fastapi.responses import Response

from cases.mediation import DISPUTES, EDITABLE, METHODS, Application, application_of, correct, pdf_token_ok
from cases.mediation_pdf import FontMissing, render as render_pdf
from cases.models import Case
from cases.service import CaseError, Forbidden, audit, can_open
from channels.console.access import authorize
from channels.console.routes import (
    SECURITY_HEADERS,
    Viewer,
    _address,
    _forbidden,
    _not_found,
    _redirect,
    _store,
)

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
PDF_UNAVAILABLE = "申請書 PDF 暫時無法產生（伺服器缺少中文字型），請聯絡系統管理者。"


def _pdf_response(case: Case, data: dict, download: bool) -> Response:
    pdf = render_pdf(Application.from_data(data), case.id, case.created_at)
    name = f"mediation-{case.id}.pdf"
    disposition = "attachment" if download else "inline"
    headers = {**SECURITY_HEADERS, "Content-Disposition": f'{disposition}; filename="{name}"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.get("/console/cases/{case_id}/mediation.pdf")
def staff_pdf(request: Request, case_id: int) -> Response:
    """The filled application as a PDF (staff who may open the case)."""
    viewer = authorize(request, "staff")
    if not isinstance(viewer, Viewer):
        return viewer
    with _store(request).session() as session:
        case = session.get(Case, case_id)
        row = application_of(session, case_id) if case is not None else None
        if case is None or row is None:
            return _not_found(request, viewer, case_id)
        if not can_open(viewer.user, case):
            audit(session, "mediation_pdf", outcome="refused", staff=viewer.user, address=_address(request),
                  case_id=case_id)
            return _forbidden(request, viewer, f"案件 #{case_id} 已由其他同仁負責，您沒有權限開啟。")
        audit(session, "mediation_pdf", staff=viewer.user, address=_address(request), case_id=case_id)
        session.expunge(case)
        data = dict(row.data)
    try:
        return _pdf_response(case, data, download=True)
    except FontMissing as exc:
        logger.error("mediation: PDF of case #%s not rendered: %s", case_id, exc)
        return Response(PDF_UNAVAILABLE, status_code=503, media_type="text/plain; charset=utf-8")


@router.get("/mediation/{case_id}.pdf")
def worker_pdf(request: Request, case_id: int, t: str = "") -> Response:
    """The worker's own application, with the token of the link the chat gave them (404 otherwise:
    a wrong token tells nothing about which case numbers exist)."""
    signer = request.app.state.console_signer
    with _store(request).read() as session:
        case = session.get(Case, case_id)
        row = application_of(session, case_id) if case is not None else None
        if case is None or row is None or not pdf_token_ok(signer.secret, case, t[:64]):
            return Response("找不到這份申請書。", status_code=404, media_type="text/plain; charset=utf-8",
                            headers=SECURITY_HEADERS)
        session.expunge(case)
        data = dict(row.data)
    try:
        return _pdf_response(case, data, download=False)
    except FontMissing as exc:
        logger.error("mediation: PDF of case #%s not rendered: %s", case_id, exc)
        return Response(PDF_UNAVAILABLE, status_code=503, media_type="text/plain; charset=utf-8")


@router.post("/console/cases/{case_id}/mediation")
async def correct_application(request: Request, case_id: int) -> Response:
    """Staff correct the application's fields; the thread and the audit log say what changed."""
    viewer = authorize(request, "staff")
    if not isinstance(viewer, Viewer):
        return viewer
    form = await request.form()
    if not request.app.state.console_signer.csrf_ok(str(form.get("csrf", "")), viewer.session_id):
        logger.warning("console: staff %s sent a form without a valid CSRF token", viewer.user.id)
        return _forbidden(request, viewer, "表單已失效或來源不明（CSRF 檢查失敗），請重新整理頁面再試一次。")
    changes = {name: str(form.get(name, "")) for name in EDITABLE if name in form}
    disputes = [str(v) for v in form.getlist("disputes") if str(v) in DISPUTES]
    claims = {code: str(form.get(f"claim_{code}", "")) for code in DISPUTES}
    method: Optional[str] = str(form.get("method", "")) or None
    if method is not None and method not in METHODS:
        method = None
    address = _address(request)
    try:
        with _store(request).session() as session:
            changed = correct(session, case_id, viewer.user, changes, disputes=disputes, claims=claims,
                              method=method)
            audit(session, "mediation_edit", staff=viewer.user, address=address, case_id=case_id)
    except CaseError as exc:
        with _store(request).session() as session:
            outcome = "refused" if isinstance(exc, Forbidden) else "failed"
            audit(session, "mediation_edit", outcome=outcome, staff=viewer.user, address=address,
                  case_id=case_id)
        if isinstance(exc, Forbidden):
            return _forbidden(request, viewer, f"案件 #{case_id} 已由其他同仁負責，您沒有權限處理。")
        logger.info("console: staff %s correction of case #%s refused", viewer.user.id, case_id)
        return _redirect(f"/console/cases/{case_id}?error=mediation")
    logger.info("console: staff %s corrected the mediation application of case #%s (%d fields)",
                viewer.user.id, case_id, len(changed))
    return _redirect(f"/console/cases/{case_id}?done={'mediation' if changed else 'mediation_same'}")
