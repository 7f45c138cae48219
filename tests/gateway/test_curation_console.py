"""/console/curation in process (the gateway app with its lifespan, a fresh case database, an invented
statute and three entries): staff attach, draft and dismiss; only administrators approve; every POST
needs the CSRF token; the page shows masked texts only; every action is audited."""

from __future__ import annotations

import re
from typing import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from cases.models import AuditEvent
from channels.app import create_app
from channels.settings import ChannelSettings
from cli.serve import free_port
from curation.models import KBDraft, KBExampleQuestion
from curation.queue import TOKENS
from curation.testing import good_draft, write_kb_folder
from figures.models import UnansweredQuestion
from labourbot.config import Settings

pytestmark = pytest.mark.cases

SECRET = "console-test-secret-0123456789abcdefghij"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PHONE = "0912345678"


@pytest.fixture()
async def client(monkeypatch, case_db_url, case_store, tmp_path) -> AsyncIterator[httpx.AsyncClient]:
    data, entries = write_kb_folder(tmp_path)
    monkeypatch.setenv("LABOURBOT_ENTRIES_DIR", str(entries))
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    monkeypatch.setenv("LABOURBOT_CONSOLE_SECRET", SECRET)
    monkeypatch.setenv("LABOURBOT_CONSOLE_COOKIE_SECURE", "false")
    settings = Settings(_env_file=None, rasa_url=f"http://127.0.0.1:{free_port()}", data_dir=data)
    app = create_app(settings, ChannelSettings(_env_file=None))
    app.state.curation_similarity = TOKENS  # no encoder model in these tests
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
            yield c


async def login(client: httpx.AsyncClient, name: str, password: str) -> None:
    client.cookies.clear()
    token = CSRF.search((await client.get("/console/login")).text).group(1)
    response = await client.post("/console/login", data={"name": name, "password": password, "csrf": token})
    assert response.status_code == 303, response.text


async def csrf(client: httpx.AsyncClient) -> str:
    return CSRF.search((await client.get("/console/curation")).text).group(1)


def queue(store, *texts: str) -> list[int]:
    with store.session() as s:
        rows = [UnansweredQuestion(channel="line", conversation="c" * 32, reason="not_sure", text=t,
                                   offered=["overtime-pay-rate"], language="zh", status="new") for t in texts]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def audit_rows(store) -> list[tuple[str, str, str]]:
    with store.read() as s:
        return [(r.account, r.action, r.outcome) for r in s.scalars(select(AuditEvent).order_by(AuditEvent.id))
                if r.action.startswith("curation_")]


def draft_form(token: str, ids: str = "", **changes) -> dict:
    d = good_draft(**changes)
    return {"csrf": token, "ids": ids, "title": d.title, "topic": d.topic, "answer": d.answer,
            "questions": "\n".join(d.questions), "citations": "\n".join(d.citations),
            "evidence": "\n".join(f"{c}｜{q}" for c, q in d.evidence), "audience": d.audience}


async def test_the_queue_is_grouped_and_masked(client, case_store, make_staff, staff_password) -> None:
    make_staff("amy")
    queue(case_store, f"老闆不給加班費怎麼辦，我電話{PHONE}", "老闆不給加班費該怎麼辦", "颱風天停班會扣薪嗎")
    await login(client, "amy", staff_password)
    page = await client.get("/console/curation")
    assert page.status_code == 200
    assert PHONE not in page.text and "0912***678" in page.text
    groups = re.findall(r'data-group="([\d,]+)"', page.text)
    assert sorted(groups) == ["1,2", "3"]
    assert "加班費怎麼算（<code>overtime-pay-rate</code>）" in page.text  # the entry the bot offered, by title
    found = await client.get("/console/curation", params={"q": "加班費"})
    assert 'data-entry="overtime-pay-rate"' in found.text


async def test_staff_attach_draft_and_dismiss_but_cannot_approve(client, case_store, make_staff,
                                                                  staff_password) -> None:
    make_staff("amy"), make_staff("boss", "admin")
    overtime, typhoon, hello = queue(case_store, f"加班費不給，電話{PHONE}", "颱風天停班扣薪", "你好")
    await login(client, "amy", staff_password)
    token = await csrf(client)
    leaky = await client.post("/console/curation/attach", data={
        "csrf": token, "ids": str(overtime), "entry_id": "overtime-pay-rate", "text": "加班費不給，電話0912***678"})
    assert leaky.status_code == 422 and "個人資料" in leaky.text
    done = await client.post("/console/curation/attach", data={
        "csrf": token, "ids": str(overtime), "entry_id": "overtime-pay-rate", "text": "老闆不給加班費怎麼辦"})
    assert done.status_code == 303
    form = await client.get("/console/curation/draft", params={"ids": str(typhoon)})
    assert "颱風天停班扣薪" in form.text
    bad = await client.post("/console/curation/draft",
                            data=draft_form(token, str(typhoon), citations=["勞動基準法第999條"], evidence=[]))
    assert bad.status_code == 422
    assert "引用的「勞動基準法第999條」不在已匯入的法規裡" in bad.text and good_draft().title in bad.text
    ok = await client.post("/console/curation/draft", data=draft_form(token, str(typhoon)))
    assert ok.status_code == 303
    assert (await client.post("/console/curation/dismiss", data={"csrf": token, "ids": str(hello)})).status_code == 303
    with case_store.read() as s:
        draft = s.scalars(select(KBDraft)).one()
        assert (draft.entry_id, draft.status) == ("wages-console-1", "draft")
        draft_id = draft.id
        assert [(q.entry_id, q.text) for q in s.scalars(select(KBExampleQuestion))] == [
            ("overtime-pay-rate", "老闆不給加班費怎麼辦")]
        assert [s.get(UnansweredQuestion, i).status for i in (overtime, typhoon, hello)] == [
            "attached", "drafted", "dismissed"]
    refused = await client.post(f"/console/curation/drafts/{draft_id}/approve", data={"csrf": token})
    assert refused.status_code == 403
    view = await client.get(f"/console/curation/drafts/{draft_id}")
    assert view.status_code == 200 and "/approve" not in view.text and "等待管理者審核" in view.text

    await login(client, "boss", staff_password)
    token = await csrf(client)
    view = await client.get(f"/console/curation/drafts/{draft_id}")
    assert f"/console/curation/drafts/{draft_id}/approve" in view.text
    assert (await client.post(f"/console/curation/drafts/{draft_id}/approve", data={"csrf": token})).status_code == 303
    with case_store.read() as s:
        assert s.get(KBDraft, draft_id).status == "approved"
    assert "最近核准的條目" in (page := (await client.get("/console/curation")).text) and "wages-console-1" in page
    assert audit_rows(case_store) == [
        ("amy", "curation_attach", "failed"), ("amy", "curation_attach", "ok"), ("amy", "curation_draft", "failed"),
        ("amy", "curation_draft", "ok"), ("amy", "curation_dismiss", "ok"), ("amy", "curation_approve", "refused"),
        ("boss", "curation_approve", "ok")]


async def test_posts_without_the_csrf_token_are_refused(client, case_store, make_staff, staff_password) -> None:
    make_staff("amy")
    (qid,) = queue(case_store, "老闆不給加班費怎麼辦")
    await login(client, "amy", staff_password)
    for path, data in (("/console/curation/attach", {"ids": str(qid), "entry_id": "overtime-pay-rate", "text": "加班費"}),
                       ("/console/curation/dismiss", {"ids": str(qid)}),
                       ("/console/curation/draft", draft_form("", str(qid))),
                       ("/console/curation/drafts/1/approve", {})):
        response = await client.post(path, data={**data, "csrf": "forged"})
        assert response.status_code == 403, path
    with case_store.read() as s:
        assert s.get(UnansweredQuestion, qid).status == "new"
        assert s.scalars(select(KBDraft)).all() == [] and s.scalars(select(KBExampleQuestion)).all() == []


async def test_nobody_signed_in_is_sent_to_the_login(client) -> None:
    for response in (await client.get("/console/curation"), await client.post("/console/curation/dismiss",
                                                                             data={"ids": "1", "csrf": "x"})):
        assert response.status_code == 303 and response.headers["location"].startswith("/console/login")
