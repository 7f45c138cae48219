"""The console's roles and its first-run mode, in process (the gateway app with its lifespan, a fresh case
database): plain http answers loopback clients only; staff, supervisors and administrators each see and
reach what their role allows; administrators manage accounts in the console."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from typing import AsyncIterator

import httpx
import pytest
from fastapi import Request
from fastapi.responses import PlainTextResponse
from sqlalchemy import select

from cases.config import CONSOLE_SECRET_FILE, generated_console_secret
from cases.models import AuditEvent, StaffUser
from cases.service import authenticate
from channels.app import create_app
from channels.console.access import authorize
from channels.console.routes import Viewer
from channels.settings import ChannelSettings
from cli.serve import free_port
from labourbot.config import Settings

pytestmark = pytest.mark.cases

SECRET = "console-roles-secret-0123456789abcdefghij"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
REMOTE = ("203.0.113.5", 40000)


@pytest.fixture()
def db_env(monkeypatch, case_db_url):
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    for name in ("LABOURBOT_CONSOLE_SECRET", "LABOURBOT_CONSOLE_COOKIE_SECURE", "LABOURBOT_TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)


@asynccontextmanager
async def gateway(tmp_path, peer=("127.0.0.1", 50000), base_url="http://127.0.0.1:8000"
                  ) -> AsyncIterator[tuple[object, httpx.AsyncClient]]:
    settings = Settings(_env_file=None, rasa_url=f"http://127.0.0.1:{free_port()}", data_dir=tmp_path)
    app = create_app(settings, ChannelSettings(_env_file=None))

    @app.get("/console/probe-supervisor")
    def probe(request: Request):  # type: ignore[no-untyped-def]
        viewer = authorize(request, "supervisor")
        return PlainTextResponse(f"ok {viewer.user.role}") if isinstance(viewer, Viewer) else viewer

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=peer)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield app, client


async def login(client: httpx.AsyncClient, name: str, password: str) -> httpx.Response:
    page = await client.get("/console/login")
    token = CSRF.search(page.text).group(1)
    return await client.post("/console/login", data={"name": name, "password": password, "csrf": token})


# ---- first run: generated secret, plain http, loopback only -------------------------------------------------


async def test_the_generated_secret_turns_the_console_on_for_loopback_with_plain_http_cookies(
        db_env, tmp_path, case_store, make_staff, staff_password):
    async with gateway(tmp_path) as (_app, client):
        assert (await client.get("/console/login")).status_code == 404  # no secret, no file: off
    generated_console_secret(tmp_path, create=True)
    make_staff("alice", "admin")
    async with gateway(tmp_path) as (_app, client):
        right = await login(client, "alice", staff_password)
        assert right.status_code == 303
        assert "lb_console=" in right.headers["set-cookie"] and "secure" not in right.headers["set-cookie"].lower()
        assert (await client.get("/console/cases")).status_code == 200


async def test_plain_http_from_another_machine_is_refused_with_a_clear_page(db_env, tmp_path, case_store):
    generated_console_secret(tmp_path, create=True)
    async with gateway(tmp_path, peer=REMOTE) as (_app, client):
        for path in ("/console/login", "/console/cases", "/console/static/console.css", "/console"):
            refused = await client.get(path)
            assert refused.status_code == 403, path
            assert "只接受在這台電腦上" in refused.text and "LABOURBOT_CONSOLE_SECRET" in refused.text
            assert "https" in refused.text and "lb_console" not in refused.headers.get("set-cookie", "")
        posted = await client.post("/console/login", data={"name": "x", "password": "y", "csrf": "z"})
        assert posted.status_code == 403
        assert (await client.get("/healthz")).status_code == 200  # only the console is guarded


async def test_a_trusted_proxy_never_opens_plain_http_to_the_network(db_env, monkeypatch, tmp_path, case_store):
    (tmp_path / CONSOLE_SECRET_FILE).write_text("s" * 40)
    monkeypatch.setenv("LABOURBOT_TRUSTED_PROXIES", "127.0.0.1")
    async with gateway(tmp_path) as (_app, client):
        assert (await client.get("/console/login")).status_code == 200
        for headers in ({"X-Forwarded-For": "198.51.100.7"}, {"X-Forwarded-For": "127.0.0.1, 198.51.100.7"},
                        {"X-Real-IP": "198.51.100.7"}, {"Forwarded": "for=198.51.100.7"}):
            assert (await client.get("/console/login", headers=headers)).status_code == 403, headers
        assert (await client.get("/console/login", headers={"X-Forwarded-For": "::1"})).status_code == 200


async def test_explicit_plain_http_cookies_are_loopback_only_too(db_env, monkeypatch, tmp_path, case_store):
    monkeypatch.setenv("LABOURBOT_CONSOLE_SECRET", SECRET)
    monkeypatch.setenv("LABOURBOT_CONSOLE_COOKIE_SECURE", "false")
    async with gateway(tmp_path, peer=REMOTE) as (_app, client):
        assert (await client.get("/console/login")).status_code == 403


async def test_with_a_real_secret_and_secure_cookies_remote_clients_are_served(
        db_env, monkeypatch, tmp_path, case_store, make_staff, staff_password):
    generated_console_secret(tmp_path, create=True)  # a left-over first-run file does not matter
    monkeypatch.setenv("LABOURBOT_CONSOLE_SECRET", SECRET)
    make_staff("alice")
    async with gateway(tmp_path, peer=REMOTE, base_url="https://bot.example.gov.tw") as (_app, client):
        right = await login(client, "alice", staff_password)
        assert right.status_code == 303 and "secure" in right.headers["set-cookie"].lower()
        assert (await client.get("/console/cases")).status_code == 200


# ---- roles -----------------------------------------------------------------------------------------------


@pytest.fixture()
async def console(db_env, monkeypatch, tmp_path, case_store, make_staff) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("LABOURBOT_CONSOLE_SECRET", SECRET)
    monkeypatch.setenv("LABOURBOT_CONSOLE_COOKIE_SECURE", "false")
    for name, role in (("wang", "staff"), ("lee", "supervisor"), ("chen", "admin")):
        make_staff(name, role)
    async with gateway(tmp_path) as (_app, client):
        yield client


async def test_each_role_reaches_what_it_may_and_the_header_names_the_role(console, staff_password):
    expected = {  # path: minimum role
        "/console/probe-supervisor": "supervisor", "/console/accounts": "admin", "/console/audit": "admin",
        "/console/cases": "staff",
    }
    rank = {"staff": 1, "supervisor": 2, "admin": 3}
    for name, role, label in (("wang", "staff", "承辦同仁"), ("lee", "supervisor", "督導"), ("chen", "admin", "管理者")):
        console.cookies.clear()
        assert (await login(console, name, staff_password)).status_code == 303
        cases = await console.get("/console/cases")
        assert f"（{label}）" in cases.text and f'data-role="{role}"' in cases.text
        assert ("/console/curation" in cases.text) is True
        assert ("/console/analytics" in cases.text) is (rank[role] >= 2)
        assert ("/console/accounts" in cases.text) is (rank[role] >= 3)
        for path, minimum in expected.items():
            answer = await console.get(path)
            allowed = rank[role] >= rank[minimum]
            assert answer.status_code == (200 if allowed else 403), (name, path)
            if not allowed:
                assert "權限" in answer.text
        if role != "staff":
            assert (await console.get("/console/probe-supervisor")).text == f"ok {role}"


async def test_an_admin_adds_an_account_with_a_role_and_its_password_is_shown_once(console, case_store,
                                                                                   staff_password):
    await login(console, "chen", staff_password)
    page = await console.get("/console/accounts")
    assert all(f'data-account="{n}"' in page.text for n in ("wang", "lee", "chen"))
    token = CSRF.search(page.text).group(1)
    added = await console.post("/console/accounts", data={"name": "lin", "role": "supervisor", "csrf": token})
    assert added.status_code == 200
    password = re.search(r"data-password>([^<]+)<", added.text).group(1)
    assert 'data-account="lin"' in added.text
    assert "data-password" not in (await console.get("/console/accounts")).text  # shown on that answer only
    with case_store.session() as s:
        user = authenticate(s, "lin", password)
        assert user is not None and user.role == "supervisor"
        row = s.scalars(select(AuditEvent).where(AuditEvent.action == "add_user")).one()
        chen = s.scalars(select(StaffUser).where(StaffUser.name == "chen")).one()
        assert row.account == "lin" and row.staff_id == chen.id
        assert password not in str(row.__dict__)

    duplicate = await console.post("/console/accounts", data={"name": "lin", "role": "staff", "csrf": token})
    assert duplicate.status_code == 400 and "已經存在" in duplicate.text
    bad_role = await console.post("/console/accounts", data={"name": "kao", "role": "root", "csrf": token})
    assert bad_role.status_code == 400
    forged = await console.post("/console/accounts", data={"name": "evil", "role": "admin", "csrf": "x"})
    assert forged.status_code == 403


async def test_an_admin_deactivates_and_resets_others_but_not_themselves(console, case_store, staff_password):
    await login(console, "chen", staff_password)
    token = CSRF.search((await console.get("/console/accounts")).text).group(1)
    with case_store.session() as s:
        ids = {u.name: u.id for u in s.scalars(select(StaffUser))}
    own = await console.post(f"/console/accounts/{ids['chen']}/deactivate", data={"csrf": token})
    assert own.status_code == 400
    reset = await console.post(f"/console/accounts/{ids['wang']}/reset-password", data={"csrf": token})
    new_password = re.search(r"data-password>([^<]+)<", reset.text).group(1)
    gone = await console.post(f"/console/accounts/{ids['lee']}/deactivate", data={"csrf": token})
    assert gone.status_code == 303
    with case_store.session() as s:
        assert authenticate(s, "wang", staff_password) is None
        assert authenticate(s, "wang", new_password) is not None
        assert authenticate(s, "lee", staff_password) is None  # deactivated
        actions = {(e.action, e.account, e.staff_id) for e in s.scalars(select(AuditEvent))}
    assert ("deactivate", "lee", ids["chen"]) in actions and ("reset_password", "wang", ids["chen"]) in actions


async def test_staff_cannot_manage_accounts(console, staff_password):
    await login(console, "wang", staff_password)
    token = CSRF.search((await console.get("/console/cases")).text).group(1)
    refused = await console.post("/console/accounts", data={"name": "mine", "role": "admin", "csrf": token})
    assert refused.status_code == 403
    refused = await console.post("/console/accounts/1/deactivate", data={"csrf": token})
    assert refused.status_code == 403
