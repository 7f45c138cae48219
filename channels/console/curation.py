"""/console/curation: what the bot could not answer, grouped, and what staff make of it.

Staff (and up) see the queue grouped by similarity (curation/queue.py) with counts, the entries the
bot offered, reasons and dates, texts masked again; they attach a rewritten question to an entry,
draft a new entry, or dismiss. Administrators approve or reject drafts; an approved entry is
searchable by the bot within seconds (actions/kb_client.py). Every POST checks the session's CSRF
token and every action, done or refused, goes to the audit log (never a text).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Callable, Optional

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from cases.masking import mask_personal_data
from cases.service import audit
from channels.console.access import authorize, has_role
from channels.console.routes import Viewer, _address, _forbidden, _redirect, _signer, _store, render
from curation import checks, queue, service
from curation.models import APPROVED, DRAFT, KBDraft
from knowledge_base.config import KBSettings
from knowledge_base.entries import TOPICS
from labourbot.topics import TOPIC_LABELS

logger = logging.getLogger(__name__)

curation_router = APIRouter(prefix="/console/curation", include_in_schema=False)

REASON_LABELS = {"not_sure": "沒有把握", "not_answered": "無法回答", "not_helpful": "按了沒幫助", "handoff": "轉真人"}
AUDIENCE_LABELS = {"worker": "勞工", "student": "學生", "employer": "雇主", "migrant": "移工"}
STATUS_LABELS = {DRAFT: "待審核", APPROVED: "已核准", "rejected": "已退回"}
DONE = {"attach": "已把例句加到條目，機器人幾秒內就會用上。", "draft": "草稿已送出，等管理者審核。",
        "dismiss": "已從待處理清單移除。", "approve": "已核准，機器人幾秒內就會用這則條目回答。",
        "reject": "已退回草稿。"}
CSRF_FAILED = "表單已失效或來源不明（CSRF 檢查失敗），請重新整理頁面再試一次。"
MAX_IDS = 500


@lru_cache(maxsize=4)
def _kb_settings(data_dir: str) -> KBSettings:
    from pathlib import Path

    from labourbot.config import DataSettings

    return KBSettings.under(DataSettings(_env_file=None, data_dir=Path(data_dir)))  # type: ignore[call-arg]


def kb_settings(request: Request) -> KBSettings:
    """The knowledge base's section for this gateway (same data folder as its case store)."""
    return _kb_settings(str(request.app.state.cases.settings.data_dir))


def similarity(request: Request) -> queue.Similarity:
    """How the page groups questions: app.state.curation_similarity when set (tests), else the
    knowledge base's encoder (loaded once per process; words when it cannot be loaded)."""
    chosen = getattr(request.app.state, "curation_similarity", None)
    return chosen or queue.encoder_similarity(kb_settings(request).encoder_spec)


def _ids(value: str) -> list[int]:
    out = [int(x) for x in (value or "").replace(" ", "").split(",") if x.isdigit() and len(x) < 10]
    return list(dict.fromkeys(out))[:MAX_IDS]


def _csrf_ok(request: Request, viewer: Viewer, csrf: str) -> bool:
    if _signer(request).csrf_ok(csrf, viewer.session_id):
        return True
    logger.warning("console: staff %s sent a curation form without a valid CSRF token", viewer.user.id)
    return False


def _laws(request: Request) -> dict[str, str]:
    return checks.article_texts(kb_settings(request).laws_dir)


# ---- the queue ------------------------------------------------------------------------------------------


@curation_router.get("")
def curation_page(request: Request, q: str = "", done: str = "") -> Response:
    """The queue grouped by similarity, an entry search, drafts waiting and recently approved."""
    viewer = authorize(request, "staff")
    if not isinstance(viewer, Viewer):
        return viewer
    settings = kb_settings(request)
    grouping = similarity(request)
    with _store(request).read() as session:  # rendered inside: a read session's rows expire at its end
        groups = queue.group_questions(queue.queued(session), grouping)
        known = service.catalogue(session, settings.entries_dir)
        found = known.search(q[:200]) if q.strip() else []
        return render(request, "curation.html", viewer=viewer, groups=groups, known=known, found=found,
                      q=q[:200], pending=service.drafts(session, DRAFT),
                      approved=service.drafts(session, APPROVED, limit=10), reasons=REASON_LABELS,
                      is_admin=has_role(viewer, "admin"), done=DONE.get(done), topics=TOPIC_LABELS)


def _action(request: Request, csrf: str, minimum: str, action: str, run: Callable[[Any, Viewer], Any],
            on_error: Optional[Callable[[Viewer, list[str]], Response]] = None) -> Response:
    """Shared by the POST forms: role, CSRF, then the action and its audit line in one transaction. A
    refusal is audited too; its problems come back on `on_error`'s page (the draft form) or an error page."""
    viewer = authorize(request, minimum)
    if not isinstance(viewer, Viewer):
        if viewer.status_code == 403:  # signed in, role too low
            with _store(request).session() as session:
                audit(session, f"curation_{action}", outcome="refused", staff=_signed_in(request),
                      address=_address(request))
        return viewer
    if not _csrf_ok(request, viewer, csrf):
        return _forbidden(request, viewer, CSRF_FAILED)
    address = _address(request)
    try:
        with _store(request).session() as session:
            run(session, viewer)
            audit(session, f"curation_{action}", staff=viewer.user, address=address)
    except service.CurationError as exc:
        with _store(request).session() as session:
            audit(session, f"curation_{action}", outcome="failed", staff=viewer.user, address=address)
        if on_error is not None:
            return on_error(viewer, exc.problems)
        return render(request, "error.html", 422, viewer=viewer, title="無法完成", message=" ".join(exc.problems),
                      back="/console/curation", back_label="回到待處理問題")
    logger.info("console: staff %s did curation %s", viewer.user.id, action)
    return _redirect(f"/console/curation?done={action}")


def _signed_in(request: Request) -> Any:
    from channels.console.routes import _viewer

    found = _viewer(request)
    return found.user if found else None


@curation_router.post("/attach")
def attach(request: Request, ids: str = Form(""), entry_id: str = Form(""), text: str = Form(""),
           csrf: str = Form("")) -> Response:
    """Attach a rewritten question (no personal data) to an existing entry, as one more way to ask it."""
    settings = kb_settings(request)

    def run(session: Any, viewer: Viewer) -> Any:
        known = service.catalogue(session, settings.entries_dir)
        return service.attach(session, viewer.user, _ids(ids), entry_id.strip(), text[:400], known)

    return _action(request, csrf, "staff", "attach", run)


@curation_router.post("/dismiss")
def dismiss(request: Request, ids: str = Form(""), csrf: str = Form("")) -> Response:
    """Take questions off the queue."""
    return _action(request, csrf, "staff", "dismiss", lambda s, v: service.dismiss(s, v.user, _ids(ids)))


# ---- drafts ----------------------------------------------------------------------------------------------


def _draft_form(request: Request, viewer: Viewer, values: dict[str, Any], problems: list[str],
                status_code: int = 200) -> Response:
    return render(request, "curation_draft.html", status_code, viewer=viewer, values=values, problems=problems,
                  topics=[(t, TOPIC_LABELS.get(t, t)) for t in TOPICS], audiences=AUDIENCE_LABELS)


@curation_router.get("/draft")
def draft_page(request: Request, ids: str = "") -> Response:
    """The form of a new entry, its example questions pre-filled with the queued ones (masked)."""
    viewer = authorize(request, "staff")
    if not isinstance(viewer, Viewer):
        return viewer
    wanted = _ids(ids)
    with _store(request).read() as session:
        rows = [(r.id, r.text) for r in queue.queued(session, ids=wanted)] if wanted else []
    texts = list(dict.fromkeys(mask_personal_data(text) for _, text in rows))
    values = {"ids": ",".join(str(qid) for qid, _ in rows), "title": "", "topic": "", "answer": "",
              "questions": "\n".join(texts), "citations": "", "evidence": "", "audience": ["worker"], "entry_id": ""}
    return _draft_form(request, viewer, values, [])


@curation_router.post("/draft")
def draft(request: Request, ids: str = Form(""), title: str = Form(""), topic: str = Form(""),
          answer: str = Form(""), questions: str = Form(""), citations: str = Form(""), evidence: str = Form(""),
          audience: list[str] = Form([]), entry_id: str = Form(""), csrf: str = Form("")) -> Response:
    """Check and save a draft; the form comes back with every problem in zh-TW when it fails."""
    values = {"ids": ids[:4000], "title": title[:200], "topic": topic[:32], "answer": answer[:4000],
              "questions": questions[:4000], "citations": citations[:2000], "evidence": evidence[:4000],
              "audience": audience[:8], "entry_id": entry_id[:80]}
    settings = kb_settings(request)

    def run(session: Any, viewer: Viewer) -> Any:
        laws = _laws(request)
        loose = [*checks.split_items(values["citations"]),
                 *(checks.evidence_citation(line) for line in checks.lines(values["evidence"]))]
        law_names = sorted({c.split("第", 1)[0] for c in laws})
        data, problems = checks.parse_form(values["title"], values["topic"], values["answer"], values["questions"],
                                           values["citations"], values["evidence"], values["audience"],
                                           values["entry_id"], checks.canonical_citations(loose, law_names))
        if problems:
            raise service.CurationError(problems)
        yaml_ids = list(service.yaml_entries(settings.entries_dir))
        return service.create_draft(session, viewer.user, data, _ids(values["ids"]), laws, yaml_ids)

    return _action(request, csrf, "staff", "draft", run,
                   on_error=lambda viewer, problems: _draft_form(request, viewer, values, problems, 422))


@curation_router.get("/drafts/{draft_id}")
def draft_view(request: Request, draft_id: int, error: str = "") -> Response:
    """One draft as it would be answered, with its checks; approve / reject for administrators."""
    viewer = authorize(request, "staff")
    if not isinstance(viewer, Viewer):
        return viewer
    yaml_ids = list(service.yaml_entries(kb_settings(request).entries_dir))
    with _store(request).read() as session:
        row = session.get(KBDraft, draft_id)
        if row is None:
            return render(request, "error.html", 404, viewer=viewer, title="找不到草稿",
                          message=f"找不到草稿 #{draft_id}。")
        problems = (checks.check_draft(service.draft_input(row), _laws(request), yaml_ids, row.entry_id)
                    if row.status == DRAFT else [])
        return render(request, "curation_view.html", viewer=viewer, d=row, problems=problems,
                      status_label=STATUS_LABELS.get(row.status, row.status), is_admin=has_role(viewer, "admin"),
                      audiences=AUDIENCE_LABELS, topic=TOPIC_LABELS.get(row.topic, row.topic))


@curation_router.post("/drafts/{draft_id}/approve")
def approve(request: Request, draft_id: int, csrf: str = Form("")) -> Response:
    """Administrators only: checked again, then searchable by the bot."""
    settings = kb_settings(request)

    def run(session: Any, viewer: Viewer) -> Any:
        yaml_ids = list(service.yaml_entries(settings.entries_dir))
        return service.approve(session, viewer.user, draft_id, _laws(request), yaml_ids)

    return _action(request, csrf, "admin", "approve", run)


@curation_router.post("/drafts/{draft_id}/reject")
def reject(request: Request, draft_id: int, csrf: str = Form("")) -> Response:
    """Administrators only: the draft is set aside (its id may be used again)."""
    return _action(request, csrf, "admin", "reject", lambda s, v: service.reject(s, v.user, draft_id))
