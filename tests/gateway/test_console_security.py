"""The staff console in process (the gateway app with its lifespan, a fresh case database, Rasa
unreachable): login, CSRF, expiring sessions, rights per case, masking and escaping."""

from __future__ import annotations

import logging
import re
import time
from datetime import timedelta
from typing import AsyncIterator

import httpx
import pytest
from fakes.gateway import in_process_gateway
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select, update

from cases.models import Case, CaseMessage, CaseNote, ConsoleSession, utcnow
from cases.service import CaseDraft, TranscriptLine, assign, open_case

pytestmark = pytest.mark.cases

SECRET = "console-test-secret-0123456789abcdefghij"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture()
def console_env(monkeypatch, case_db_url):
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    monkeypatch.setenv("LABOURBOT_CONSOLE_SECRET", SECRET)
    monkeypatch.setenv("LABOURBOT_CONSOLE_COOKIE_SECURE", "false")
    monkeypatch.setenv("LABOURBOT_CONSOLE_SESSION_TTL_S", "3600")


@pytest.fixture()
async def client(console_env, case_store, tmp_path) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process_gateway(tmp_path) as (_app, c):
        yield c


async def login(client: httpx.AsyncClient, name: str, password: str) -> httpx.Response:
    page = await client.get("/console/login")
    token = CSRF.search(page.text).group(1)
    return await client.post("/console/login", data={"name": name, "password": password, "csrf": token})


async def csrf_of(client: httpx.AsyncClient, path: str = "/console/cases") -> str:
    return CSRF.search((await client.get(path)).text).group(1)


def new_case(store, sender="line:Uaaa", summary="老闆不給加班費") -> int:
    with store.session() as s:
        return open_case(s, CaseDraft(sender=sender, topic="overtime", summary=summary,
                                      transcript=[TranscriptLine("user", summary)]))[0].id


async def test_wrong_password_is_refused_and_the_right_one_starts_a_session(client, make_staff, staff_password,
                                                                           caplog):
    make_staff("alice")
    with caplog.at_level(logging.INFO):
        wrong = await login(client, "alice", "not the password")
    assert wrong.status_code == 401 and "帳號或密碼錯誤" in wrong.text
    assert "lb_console" not in client.cookies
    assert (await client.get("/console/cases")).status_code == 303
    assert (await login(client, "nobody", staff_password)).status_code == 401
    right = await login(client, "alice", staff_password)
    assert right.status_code == 303 and right.headers["location"] == "/console/cases"
    cookie = right.headers["set-cookie"]
    assert "lb_console=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/console" in cookie
    page = await client.get("/console/cases")
    assert page.status_code == 200 and "alice" in page.text
    assert "not the password" not in caplog.text and staff_password not in caplog.text


async def test_login_without_or_with_a_foreign_csrf_token_is_refused(client, make_staff, staff_password):
    make_staff("alice")
    missing = await client.post("/console/login", data={"name": "alice", "password": staff_password})
    assert missing.status_code == 403
    await client.get("/console/login")  # this client's nonce cookie
    async with httpx.AsyncClient(transport=client._transport, base_url="http://gateway") as other:
        foreign = CSRF.search((await other.get("/console/login")).text).group(1)
    refused = await client.post("/console/login", data={"name": "alice", "password": staff_password,
                                                        "csrf": foreign})
    assert refused.status_code == 403 and "lb_console" not in client.cookies


async def test_forms_without_a_valid_csrf_token_change_nothing(client, case_store, make_staff, staff_password):
    make_staff("alice")
    case_id = new_case(case_store)
    await login(client, "alice", staff_password)
    good = await csrf_of(client)
    forged = URLSafeTimedSerializer(SECRET, salt="console-csrf").dumps("some-other-session")
    for path, data in ((f"/console/cases/{case_id}/reply", {"text": "hi"}),
                       (f"/console/cases/{case_id}/assign", {}),
                       (f"/console/cases/{case_id}/note", {"text": "note"}),
                       (f"/console/cases/{case_id}/close", {})):
        for token in (None, "", "garbage", forged, good[:-2] + "xx"):
            body = dict(data) if token is None else {**data, "csrf": token}
            response = await client.post(path, data=body)
            assert response.status_code == 403, (path, token)
    with case_store.session() as s:
        case = s.get(Case, case_id)
        assert case.status == "waiting" and case.assigned_to is None
        assert [m.part for m in case.messages] == ["transcript"] and case.notes == []
    ok = await client.post(f"/console/cases/{case_id}/note", data={"text": "已致電", "csrf": good})
    assert ok.status_code == 303
    with case_store.session() as s:
        assert [n.text for n in s.scalars(select(CaseNote))] == ["已致電"]


async def test_expired_sessions_are_refused(client, case_store, make_staff, staff_password):
    make_staff("alice")
    case_id = new_case(case_store)
    await login(client, "alice", staff_password)
    token = await csrf_of(client)
    # 1. the server-side row has expired (or was removed): back to the login page, nothing done
    with case_store.session() as s:
        s.execute(update(ConsoleSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    page = await client.get(f"/console/cases/{case_id}")
    assert page.status_code == 303 and page.headers["location"].startswith("/console/login?next=")
    reply = await client.post(f"/console/cases/{case_id}/reply", data={"text": "hi", "csrf": token})
    assert reply.status_code == 303 and "/console/login" in reply.headers["location"]
    with case_store.session() as s:
        assert [m.part for m in s.get(Case, case_id).messages] == ["transcript"]
    # 2. a cookie signed longer ago than the session lifetime, even with a live row
    client.cookies.clear()
    await login(client, "alice", staff_password)
    with case_store.session() as s:
        session_id = s.scalars(select(ConsoleSession.id).order_by(ConsoleSession.created_at.desc())).first()

    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 3600 - 60

    stale = URLSafeTimedSerializer(SECRET, salt="console-session", signer=LongAgo).dumps(session_id)
    client.cookies.set("lb_console", stale, path="/console")
    assert (await client.get("/console/cases")).status_code == 303
    # 3. a tampered cookie
    client.cookies.set("lb_console", stale[:-3] + "abc", path="/console")
    assert (await client.get("/console/cases")).status_code == 303


async def test_logout_ends_the_session_on_the_server(client, case_store, make_staff, staff_password):
    make_staff("alice")
    await login(client, "alice", staff_password)
    cookie = client.cookies.get("lb_console")
    token = await csrf_of(client)
    assert (await client.post("/console/logout", data={"csrf": "bad"})).status_code == 403
    assert (await client.post("/console/logout", data={"csrf": token})).status_code == 303
    with case_store.session() as s:
        assert s.scalars(select(ConsoleSession)).all() == []
    client.cookies.set("lb_console", cookie, path="/console")  # replaying the old cookie does not help
    assert (await client.get("/console/cases")).status_code == 303


async def test_staff_may_open_only_unassigned_cases_and_their_own(client, case_store, make_staff,
                                                                  staff_password):
    alice, _bob, _boss = make_staff("alice"), make_staff("bob"), make_staff("boss", "admin")
    mine, free = new_case(case_store, "line:Ualice"), new_case(case_store, "web:w-freecase")
    with case_store.session() as s:
        assign(s, mine, alice)
    await login(client, "bob", staff_password)
    token = await csrf_of(client)
    assert (await client.get(f"/console/cases/{free}")).status_code == 200
    refused = await client.get(f"/console/cases/{mine}")
    assert refused.status_code == 403 and "老闆不給加班費" not in refused.text
    for action, data in (("reply", {"text": "搶案"}), ("assign", {}), ("note", {"text": "x"}), ("close", {})):
        response = await client.post(f"/console/cases/{mine}/{action}", data={**data, "csrf": token})
        assert response.status_code == 403, action
    listing = (await client.get("/console/cases")).text
    assert f'data-case="{free}"' in listing and f'data-case="{mine}"' not in listing
    assert (await client.get("/console/cases/99999")).status_code == 404
    with case_store.session() as s:
        case = s.get(Case, mine)
        assert case.assigned_to == alice.id and case.status == "assigned" and case.notes == []
        assert not [m for m in case.messages if m.author == "staff"]
    client.cookies.clear()
    await login(client, "boss", staff_password)
    assert (await client.get(f"/console/cases/{mine}")).status_code == 200
    client.cookies.clear()
    await login(client, "alice", staff_password)
    assert (await client.get(f"/console/cases/{mine}")).status_code == 200


async def test_the_list_masks_personal_data_and_every_page_escapes_html(client, case_store, make_staff,
                                                                        staff_password):
    make_staff("alice")
    text = "我是 A123456789，電話 0912-345-678，帳號 012345678901 <script>alert(1)</script>"
    case_id = new_case(case_store, "line:Umask", summary=text)
    await login(client, "alice", staff_password)
    listing = await client.get("/console/cases")
    assert "A1******89" in listing.text and "0912-***-678" in listing.text and "********8901" in listing.text
    assert "A123456789" not in listing.text and "0912-345-678" not in listing.text
    assert "<script>" not in listing.text and "&lt;script&gt;" in listing.text
    page = await client.get(f"/console/cases/{case_id}")
    assert "A123456789" in page.text  # the case page shows what staff need to help
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text
    for response in (listing, page):
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY" and response.headers["cache-control"] == "no-store"


async def test_filters_and_the_login_redirect_stay_on_the_console(client, case_store, make_staff, staff_password):
    make_staff("alice")
    line_case, web_case = new_case(case_store, "line:Ufilter"), new_case(case_store, "web:w-filter01")
    page = await client.get("/console/login?next=https://evil.example/")
    token = CSRF.search(page.text).group(1)
    response = await client.post("/console/login", data={"name": "alice", "password": staff_password,
                                                         "csrf": token, "next": "https://evil.example/"})
    assert response.headers["location"] == "/console/cases"
    only_web = (await client.get("/console/cases?channel=web&status=open&topic=overtime&age=")).text
    assert f'data-case="{web_case}"' in only_web and f'data-case="{line_case}"' not in only_web
    none_old = (await client.get("/console/cases?age=3d")).text
    assert "沒有符合條件的案件" in none_old


async def test_the_console_is_off_without_a_secret(monkeypatch, case_db_url, tmp_path, caplog):
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    monkeypatch.delenv("LABOURBOT_CONSOLE_SECRET", raising=False)
    with caplog.at_level(logging.WARNING):
        async with in_process_gateway(tmp_path) as (_app, c):
            assert (await c.get("/console/login")).status_code == 404
    assert any("staff console off: LABOURBOT_CONSOLE_SECRET is not set" in r.getMessage() for r in caplog.records)


async def test_cookies_are_secure_by_default(monkeypatch, case_db_url, case_store, tmp_path, make_staff,
                                             staff_password):
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    monkeypatch.setenv("LABOURBOT_CONSOLE_SECRET", SECRET)
    monkeypatch.delenv("LABOURBOT_CONSOLE_COOKIE_SECURE", raising=False)
    make_staff("alice")
    async with in_process_gateway(tmp_path) as (_app, c):
        page = await c.get("/console/login")
        assert "Secure" in page.headers["set-cookie"]
        token = CSRF.search(page.text).group(1)
        login_cookie = page.cookies.get("lb_console_login")
        response = await c.post("/console/login", data={"name": "alice", "password": staff_password,
                                                        "csrf": token}, cookies={"lb_console_login": login_cookie})
        assert response.status_code == 303 and "Secure" in response.headers["set-cookie"]


async def test_messages_stay_with_case_messages(client, case_store):
    """The thread tables exist and are empty for a new case (a smoke test of the schema in this app)."""
    case_id = new_case(case_store, "rest:schema")
    with case_store.session() as s:
        assert s.scalars(select(CaseMessage).where(CaseMessage.case_id == case_id)).one().part == "transcript"
