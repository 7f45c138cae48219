"""What the console shows of delivery, in process (the gateway app with its lifespan, a fresh case
database, Rasa unreachable): the state of each staff reply, the badge and filter of cases with
undelivered replies, and the red banner of urgent staff alerts that no staff group received."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import AsyncIterator

import httpx
import pytest
from fakes.gateway import in_process_gateway
from sqlalchemy import select

from cases.models import Case, CaseMessage, OutboxMessage, utcnow
from cases.service import CaseDraft, assign, open_case, staff_reply

pytestmark = pytest.mark.cases

SECRET = "console-test-secret-0123456789abcdefghij"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
BANNER = re.compile(r'<section class="alert urgent" role="alert">.*?</section>', re.S)


@pytest.fixture()
async def client(monkeypatch, case_db_url, case_store, tmp_path) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    monkeypatch.setenv("LABOURBOT_CONSOLE_SECRET", SECRET)
    monkeypatch.setenv("LABOURBOT_CONSOLE_COOKIE_SECURE", "false")
    async with in_process_gateway(tmp_path) as (_app, c):
        yield c


async def login(client: httpx.AsyncClient, name: str, password: str) -> None:
    client.cookies.clear()
    token = CSRF.search((await client.get("/console/login")).text).group(1)
    response = await client.post("/console/login", data={"name": name, "password": password, "csrf": token})
    assert response.status_code == 303


def new_case(store, sender: str, **kw) -> int:
    with store.session() as s:
        return open_case(s, CaseDraft(sender=sender, topic="overtime", summary="老闆不給加班費", **kw))[0].id


def set_outbox(store, message_id: int, **values) -> None:
    with store.session() as s:
        row = s.get(OutboxMessage, s.get(CaseMessage, message_id).outbox_id)
        for name, value in values.items():
            setattr(row, name, value)


def delivery_labels(page: str) -> list[str]:
    return re.findall(r'<div class="delivery (\w+)">([^<]*)</div>', page)


async def test_each_staff_reply_shows_whether_it_reached_the_user(client, case_store, make_staff,
                                                                  staff_password):
    alice = make_staff("alice")
    line_case, web_case = new_case(case_store, "line:Udeliver"), new_case(case_store, "web:w-deliver1")
    with case_store.session() as s:
        sent, retrying, refused = (staff_reply(s, line_case, alice, f"回覆 {n}").id for n in range(3))
        staff_reply(s, web_case, alice, "網頁回覆")
    set_outbox(case_store, sent, status="sent")
    set_outbox(case_store, retrying, attempts=3, last_error="LINE 500 ")
    set_outbox(case_store, refused, status="failed", last_error="LINE 400 <script>alert(1)</script>")
    await login(client, "alice", staff_password)
    page = (await client.get(f"/console/cases/{line_case}")).text
    assert delivery_labels(page) == [("sent", "已送達"), ("pending", "傳送中（已試 3 次：LINE 500）"),
                                     ("failed", "未送達：LINE 400 &lt;script&gt;alert(1)&lt;/script&gt;")]
    assert "<script>" not in page
    web_page = (await client.get(f"/console/cases/{web_case}")).text
    assert delivery_labels(web_page) == [("unread", "等待對方開啟")]
    [item] = (await client.get("/chat/api/pending", params={"user": "w-deliver1"})).json()["messages"]
    await client.get("/chat/api/pending", params={"user": "w-deliver1", "after": item["id"]})
    assert delivery_labels((await client.get(f"/console/cases/{web_case}")).text) == [("read", "已讀取")]


async def test_the_list_flags_and_filters_cases_with_undelivered_replies(client, case_store, make_staff,
                                                                         staff_password):
    alice = make_staff("alice")
    failed_case, fine_case = new_case(case_store, "line:Ufailed"), new_case(case_store, "line:Ufine")
    old_web = new_case(case_store, "web:w-oldweb01")
    with case_store.session() as s:
        refused = staff_reply(s, failed_case, alice, "沒送到").id
        staff_reply(s, fine_case, alice, "送到了")
        staff_reply(s, old_web, alice, "沒人開啟", utcnow() - timedelta(days=8))
    set_outbox(case_store, refused, status="failed", last_error="LINE 400 blocked")
    await login(client, "alice", staff_password)
    listing = (await client.get("/console/cases")).text
    flagged = re.findall(r'data-case="(\d+)">(?:(?!</li>).)*有未送達的回覆', listing, re.S)
    assert sorted(map(int, flagged)) == sorted([failed_case, old_web])
    only = (await client.get("/console/cases", params={"undelivered": "1"})).text
    assert set(map(int, re.findall(r'data-case="(\d+)"', only))) == {failed_case, old_web}
    assert 'name="undelivered" value="1" checked' in only


async def test_a_red_banner_counts_failed_urgent_alerts_until_the_case_is_opened(client, case_store, make_staff,
                                                                                 staff_password):
    alice, _bob = make_staff("alice"), make_staff("bob")
    urgent = new_case(case_store, "line:Uurgent1", reason="danger", priority="high")
    other = new_case(case_store, "telegram:31337", reason="danger", priority="high")
    with case_store.session() as s:
        for case_id, destination in ((urgent, "line"), (urgent, "telegram"), (other, "line")):
            s.add(OutboxMessage(kind="staff_alert", case_id=case_id, destination=destination, address="g",
                                payload={"case_id": case_id}, status="failed",
                                last_error=f"{destination} 400 <b>not in group</b>"))
        assign(s, other, alice)
    await login(client, "bob", staff_password)  # bob may not open alice's case: only urgent counts for him
    banner = BANNER.search((await client.get("/console/cases")).text).group(0)
    assert "2 則緊急通知未送達" in banner and f'href="/console/cases/{urgent}"' in banner
    assert f"/console/cases/{other}" not in banner
    await login(client, "alice", staff_password)
    banner = BANNER.search((await client.get("/console/cases")).text).group(0)
    assert "3 則緊急通知未送達" in banner
    page = (await client.get(f"/console/cases/{urgent}")).text
    assert "緊急通知未送達 LINE 群組（line 400 &lt;b&gt;not in group&lt;/b&gt;），已由同仁查看" in page
    assert "<b>not in group" not in page
    banner = BANNER.search((await client.get("/console/cases")).text).group(0)
    assert "1 則緊急通知未送達" in banner and f"/console/cases/{urgent}" not in banner
    await client.get(f"/console/cases/{other}")
    assert BANNER.search((await client.get("/console/cases")).text) is None
    await client.get(f"/console/cases/{other}")  # opened again: no second line in the thread
    with case_store.session() as s:
        seen = s.scalars(select(CaseMessage).where(CaseMessage.author == "system",
                                                   CaseMessage.outbox_id.is_not(None))).all()
        assert sorted(m.case_id for m in seen) == sorted([urgent, urgent, other])
        assert s.get(Case, urgent).assigned_to is None  # opening a case does not take it
