"""Every access to a case is audited and accounts can end (in process: the gateway app with its
lifespan, a fresh case database): the audit log and its admin page, deactivated accounts."""

from __future__ import annotations

import re
from typing import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from cases.models import AuditEvent
from cases.service import CaseDraft, TranscriptLine, audit, deactivate_staff_user, open_case
from channels.app import create_app
from channels.settings import ChannelSettings
from cli.serve import free_port
from labourbot.config import Settings

pytestmark = pytest.mark.cases

SECRET = "console-test-secret-0123456789abcdefghij"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ROW = re.compile(r'data-audit="(\d+)"')
REPLY = "請攜帶薪資單到勞工局"
NOTE = "已致電雇主"


@pytest.fixture()
async def client(monkeypatch, case_db_url, case_store, tmp_path) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    monkeypatch.setenv("LABOURBOT_CONSOLE_SECRET", SECRET)
    monkeypatch.setenv("LABOURBOT_CONSOLE_COOKIE_SECURE", "false")
    settings = Settings(_env_file=None, rasa_url=f"http://127.0.0.1:{free_port()}", data_dir=tmp_path)
    app = create_app(settings, ChannelSettings(_env_file=None))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as c:
            yield c


async def login(client: httpx.AsyncClient, name: str, password: str) -> httpx.Response:
    client.cookies.clear()
    token = CSRF.search((await client.get("/console/login")).text).group(1)
    return await client.post("/console/login", data={"name": name, "password": password, "csrf": token})


def new_case(store, sender: str = "web:w-audit01") -> int:
    with store.session() as s:
        return open_case(s, CaseDraft(sender=sender, topic="wages", summary="欠薪",
                                      transcript=[TranscriptLine("user", "欠薪")]))[0].id


async def test_logins_and_every_access_to_a_case_are_audited_without_texts(client, case_store, make_staff,
                                                                           staff_password):
    make_staff("alice"), make_staff("boss", "admin")
    case_id = new_case(case_store)
    assert (await login(client, "alcie", "typo password")).status_code == 401
    await login(client, "alice", staff_password)
    token = CSRF.search((await client.get(f"/console/cases/{case_id}")).text).group(1)
    for action, data in (("assign", {}), ("reply", {"text": REPLY}), ("note", {"text": NOTE}), ("close", {})):
        assert (await client.post(f"/console/cases/{case_id}/{action}", data={**data, "csrf": token})
                ).status_code == 303
    with case_store.session() as s:
        rows = [(r.account, r.action, r.outcome, r.case_id, r.address)
                for r in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert rows == [
        ("alcie", "login", "failed", None, "127.0.0.1"),
        ("alice", "login", "ok", None, "127.0.0.1"),
        ("alice", "read", "ok", case_id, "127.0.0.1"),
        ("alice", "take", "ok", case_id, "127.0.0.1"),
        ("alice", "reply", "ok", case_id, "127.0.0.1"),
        ("alice", "note", "ok", case_id, "127.0.0.1"),
        ("alice", "close", "ok", case_id, "127.0.0.1"),
    ]
    assert (await client.get("/console/audit")).status_code == 403  # staff may not read it
    await login(client, "boss", staff_password)
    page = await client.get("/console/audit")
    assert page.status_code == 200 and REPLY not in page.text and NOTE not in page.text
    ids = [int(i) for i in ROW.findall(page.text)]
    assert ids == sorted(ids, reverse=True) and len(ids) == 8  # newest first, boss's own login on top
    by_case = await client.get(f"/console/audit?case={case_id}")
    assert len(ROW.findall(by_case.text)) == 5 and "alcie" not in by_case.text
    by_account = await client.get("/console/audit?account=alcie")
    assert len(ROW.findall(by_account.text)) == 1 and "失敗" in by_account.text


async def test_the_audit_page_is_paginated(client, case_store, make_staff, staff_password):
    boss = make_staff("boss", "admin")
    with case_store.session() as s:
        for case_id in range(1, 71):
            audit(s, "read", staff=boss, address="10.0.0.1", case_id=case_id)
    await login(client, "boss", staff_password)
    first = await client.get("/console/audit?account=boss")
    ids = [int(i) for i in ROW.findall(first.text)]
    assert len(ids) == 50
    older = re.search(r'href="(/console/audit\?[^"]*before=\d+[^"]*)"', first.text).group(1)
    older = older.replace("&amp;", "&")
    second = await client.get(older)
    rest = [int(i) for i in ROW.findall(second.text)]
    assert len(rest) == 21 and max(rest) < min(ids)  # 70 reads and the login


async def test_a_deactivated_account_is_logged_out_at_once_and_cannot_log_in(client, case_store, make_staff,
                                                                             staff_password):
    make_staff("alice")
    await login(client, "alice", staff_password)
    assert (await client.get("/console/cases")).status_code == 200
    with case_store.session() as s:
        assert deactivate_staff_user(s, "alice") == 1
    assert (await client.get("/console/cases")).status_code == 303
    assert (await login(client, "alice", staff_password)).status_code == 401
