"""Nobody can guess their way into the staff console (in process: the gateway app with its lifespan, a
fresh case database): throttling and lockout per account and per address kept in the database, no
argon2 work for a locked login, bounded password checks (429), one-time login forms, the client
address behind a trusted proxy, and error codes instead of echoed query text."""

from __future__ import annotations

import re
import time
from typing import AsyncIterator

import argon2
import httpx
import pytest
from fakes.gateway import in_process_gateway as gateway
from fastapi import FastAPI
from sqlalchemy import select, update

from cases.models import AuditEvent, ConsoleSession, LoginThrottle
from cases.service import CaseDraft, TranscriptLine, open_case

pytestmark = pytest.mark.cases

SECRET = "console-test-secret-0123456789abcdefghij"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
GENERIC = "帳號或密碼錯誤"


@pytest.fixture()
def console_env(monkeypatch, case_db_url):
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    monkeypatch.setenv("LABOURBOT_CONSOLE_SECRET", SECRET)
    monkeypatch.setenv("LABOURBOT_CONSOLE_COOKIE_SECURE", "false")
    monkeypatch.delenv("LABOURBOT_TRUSTED_PROXIES", raising=False)


@pytest.fixture()
async def app_client(console_env, case_store, tmp_path) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    async with gateway(tmp_path) as pair:
        yield pair


@pytest.fixture()
def argon2_checks(monkeypatch) -> list[str]:
    """Counts argon2 verifications (the library's, not our code): a locked login must cost none."""
    calls: list[str] = []
    real = argon2.PasswordHasher.verify

    def counting(self, hash, password):  # noqa: A002 - argon2's own parameter name
        calls.append("verify")
        return real(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting)
    return calls


async def login(client: httpx.AsyncClient, name: str, password: str,
                headers: dict | None = None) -> httpx.Response:
    token = CSRF.search((await client.get("/console/login")).text).group(1)
    return await client.post("/console/login", data={"name": name, "password": password, "csrf": token},
                             headers=headers or {})


def skip_backoff(store, lockout_at: int = 5) -> None:
    """As if the short waits between failures had passed (the lockout is what the tests look at)."""
    with store.session() as s:
        s.execute(update(LoginThrottle).where(LoginThrottle.failures < lockout_at).values(locked_until=None))


def audit_rows(store) -> list[AuditEvent]:
    with store.session() as s:
        return list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))


async def test_five_failures_lock_the_account_for_every_process_without_argon2_work(
        app_client, case_store, make_staff, staff_password, argon2_checks, tmp_path):
    _app, client = app_client
    make_staff("alice")
    for _ in range(5):
        wrong = await login(client, "alice", "not the password")
        assert wrong.status_code == 401 and GENERIC in wrong.text
        skip_backoff(case_store)
    checks = len(argon2_checks)
    locked = await login(client, "alice", staff_password)
    assert locked.status_code == 401 and GENERIC in locked.text and "lb_console=" not in locked.headers.get(
        "set-cookie", "").replace("lb_console_login", "")
    assert len(argon2_checks) == checks  # refused before the password check
    # an unknown name locks the same way and answers the same text: nothing tells which names exist
    for _ in range(5):
        await login(client, "nobody", "guess")
        skip_backoff(case_store)
    assert (await login(client, "nobody", "guess")).text.count(GENERIC) == locked.text.count(GENERIC)
    # another gateway process (or a restart) sees the same lock
    async with gateway(tmp_path) as (_other, restarted):
        assert (await login(restarted, "alice", staff_password)).status_code == 401
    with case_store.session() as s:
        assert s.scalars(select(ConsoleSession)).all() == []
    outcomes = [(row.account, row.outcome) for row in audit_rows(case_store) if row.account == "alice"]
    assert outcomes == [("alice", "failed")] * 5 + [("alice", "locked")] * 2


async def test_failures_back_off_and_a_success_clears_the_account(app_client, case_store, make_staff,
                                                                  staff_password):
    _app, client = app_client
    make_staff("alice")
    for _ in range(3):
        await login(client, "alice", "not the password")
    assert (await login(client, "alice", staff_password)).status_code == 401  # within the 1-second wait
    time.sleep(1.1)
    assert (await login(client, "alice", staff_password)).status_code == 303
    with case_store.session() as s:
        assert s.get(LoginThrottle, "account:alice") is None


async def test_twenty_failures_from_one_address_lock_that_address(app_client, case_store, make_staff,
                                                                  staff_password):
    _app, client = app_client
    make_staff("alice")
    for attempt in range(20):
        assert (await login(client, f"guess{attempt}", "not the password")).status_code == 401
        skip_backoff(case_store, lockout_at=20)
    assert (await login(client, "alice", staff_password)).status_code == 401
    with case_store.session() as s:
        assert s.get(LoginThrottle, "address:127.0.0.1").failures == 20


async def test_the_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy(
        console_env, monkeypatch, case_store, make_staff, staff_password, tmp_path):
    make_staff("alice")
    # Behind a proxy the console has a real secret and Secure cookies (a plain-http console serves loopback only)
    monkeypatch.delenv("LABOURBOT_CONSOLE_COOKIE_SECURE")
    spoofed = {"X-Forwarded-For": "198.51.100.7"}
    async with gateway(tmp_path, "https://gateway") as (_app, client):
        await login(client, "alice", "not the password", spoofed)
    assert audit_rows(case_store)[-1].address == "127.0.0.1"  # not a proxy: the header is ignored
    monkeypatch.setenv("LABOURBOT_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    async with gateway(tmp_path, "https://gateway") as (_app, client):
        forwarded = {"X-Forwarded-For": "6.6.6.6, 203.0.113.9, 10.1.2.3"}
        await login(client, "alice", "not the password", forwarded)
    assert audit_rows(case_store)[-1].address == "203.0.113.9"  # the client's own 6.6.6.6 is not trusted
    with case_store.session() as s:
        assert s.get(LoginThrottle, "address:203.0.113.9").failures == 1


async def test_password_checks_are_bounded_and_the_rest_refused_at_once(app_client, make_staff,
                                                                        staff_password, argon2_checks):
    app, client = app_client
    make_staff("alice")
    slots = app.state.console_argon2
    taken = [slots.acquire(blocking=False) for _ in range(2)]  # two checks already running
    assert all(taken)
    try:
        started = time.monotonic()
        busy = await login(client, "alice", staff_password)
        assert busy.status_code == 429 and busy.headers["retry-after"] == "5" and "較多" in busy.text
        assert time.monotonic() - started < 2 and argon2_checks == []
        assert "lb_console=" not in busy.headers.get("set-cookie", "").replace("lb_console_login", "")
    finally:
        for _ in taken:
            slots.release()
    assert (await login(client, "alice", staff_password)).status_code == 303


async def test_a_login_form_can_be_sent_only_once(app_client, make_staff, staff_password):
    _app, client = app_client
    make_staff("alice")
    page = await client.get("/console/login")
    token = CSRF.search(page.text).group(1)
    login_cookie = client.cookies.get("lb_console_login")
    first = await client.post("/console/login",
                              data={"name": "alice", "password": "wrong one", "csrf": token})
    assert first.status_code == 401
    client.cookies.set("lb_console_login", login_cookie, path="/console")  # the very same form again
    again = await client.post("/console/login",
                              data={"name": "alice", "password": staff_password, "csrf": token})
    assert again.status_code == 403 and "表單已失效" in again.text
    assert client.cookies.get("lb_console") is None


async def test_the_case_page_shows_error_codes_never_the_query_text(app_client, case_store, make_staff,
                                                                    staff_password):
    _app, client = app_client
    make_staff("alice")
    with case_store.session() as s:
        case_id = open_case(s, CaseDraft(sender="line:Uerr", topic="overtime", summary="加班費",
                                         transcript=[TranscriptLine("user", "加班費")]))[0].id
    await login(client, "alice", staff_password)
    forged = await client.get(f"/console/cases/{case_id}", params={"error": "帳號已停用，請撥 0900-000-000 重新驗證"})
    assert forged.status_code == 200
    assert "0900-000-000" not in forged.text and "無法完成這個動作" in forged.text
    taken = await client.get(f"/console/cases/{case_id}?error=taken")
    assert "剛由其他同仁接手" in taken.text
    token = CSRF.search(taken.text).group(1)
    empty = await client.post(f"/console/cases/{case_id}/note", data={"text": "   ", "csrf": token})
    assert empty.status_code == 303 and empty.headers["location"].endswith("?error=empty")
    assert "內容不能是空白的" in (await client.get(empty.headers["location"])).text
