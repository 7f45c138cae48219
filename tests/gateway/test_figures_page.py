"""/console/analytics in process (the gateway app, a fresh case database, Rasa unreachable): who may see
it, that it shows no message text, that its CSV is the computed figures, and its SVG plots."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import AsyncIterator

import httpx
import pytest
from fakes.gateway import in_process_gateway

from channels.replies import BotReply, Button, OutMessage
from figures.compute import TAIPEI, compute, to_csv

pytestmark = pytest.mark.cases

SECRET = "console-test-secret-0123456789abcdefghij"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
QUESTIONS = [f"我在台南的餐廳打工第{i}個月老闆扣薪0912345678" for i in range(6)]


@pytest.fixture()
async def gateway(monkeypatch, case_db_url, case_store, tmp_path) -> AsyncIterator[tuple]:
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    monkeypatch.setenv("LABOURBOT_CONSOLE_SECRET", SECRET)
    monkeypatch.setenv("LABOURBOT_CONSOLE_COOKIE_SECURE", "false")
    async with in_process_gateway(tmp_path) as (app, client):
        yield app, client


async def login(client: httpx.AsyncClient, name: str, password: str) -> None:
    page = await client.get("/console/login")
    token = CSRF.search(page.text).group(1)
    answer = await client.post("/console/login", data={"name": name, "password": password, "csrf": token})
    assert answer.status_code == 303, answer.text


def say(app, sender: str, text: str, kind: str, **meta) -> None:
    buttons = [Button("加班費", '/kb_entry{"entry_id": "overtime-pay"}')] if kind == "not_sure" else []
    reply = BotReply(messages=[OutMessage(text="答", kind=kind, meta={"kind": kind, **meta}, buttons=buttons)],
                     topic="wages")
    app.state.conversations.figures.observe(sender.split(":")[0], sender, text, reply)


def seed(app) -> None:
    for i, question in enumerate(QUESTIONS):
        say(app, f"line:U{i}", question, "kb_answer", entry_id="wage-deduction")
        say(app, f"web:w{i}", question, "not_sure")
    assert app.state.conversations.figures.writer.flush()


async def test_supervisors_see_the_figures_staff_get_403_nobody_gets_the_login(gateway, make_staff, staff_password):
    app, client = gateway
    seed(app)
    assert (await client.get("/console/analytics")).status_code == 303
    make_staff("sam", "staff")
    make_staff("sue", "supervisor")
    await login(client, "sam", staff_password)
    assert (await client.get("/console/analytics")).status_code == 403
    assert (await client.get("/console/analytics.csv")).status_code == 403
    assert (await client.get("/console/analytics/plot/messages.svg")).status_code == 403
    client.cookies.clear()
    await login(client, "sue", staff_password)
    page = await client.get("/console/analytics?days=7")
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert '<span class="label">訊息</span><span class="num">12</span>' in page.text
    assert re.search(r'data-channel="line"><td>LINE</td><td><span class="num">6</span>', page.text)
    for question in QUESTIONS:
        assert question not in page.text and "0912" not in page.text
    assert "style=" not in page.text and "<script" not in page.text


async def test_the_csv_is_the_computed_figures_and_plots_are_svg(gateway, make_staff, staff_password, case_store):
    app, client = gateway
    seed(app)
    make_staff("ada", "admin")
    await login(client, "ada", staff_password)
    today = datetime.now(TAIPEI).date()
    since = today - timedelta(days=6)
    answer = await client.get(f"/console/analytics.csv?since={since}&until={today}")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    with case_store.read() as session:
        assert answer.text == to_csv(compute(session, since, today).public())
    assert "messages,,12" in answer.text.splitlines() and "0912" not in answer.text
    for name in ("messages", "topics", "outcomes", "cases", "quiz"):
        plot = await client.get(f"/console/analytics/plot/{name}.svg?since={since}&until={today}")
        assert plot.status_code == 200 and plot.headers["content-type"].startswith("image/svg+xml")
        assert plot.text.lstrip().startswith("<?xml") and "<svg" in plot.text and "<script" not in plot.text
    phone = await client.get(f"/console/analytics/plot/messages.svg?since={since}&until={today}&w=s")
    wide = await client.get(f"/console/analytics/plot/messages.svg?since={since}&until={today}")
    assert 'width="302.4pt"' in phone.text and 'width="576pt"' in wide.text  # 4.2 and 8 inches
    assert (await client.get("/console/analytics/plot/nothing.svg")).status_code == 404


async def test_a_bad_custom_range_falls_back_with_a_message(gateway, make_staff, staff_password):
    _, client = gateway
    make_staff("sue", "supervisor")
    await login(client, "sue", staff_password)
    page = await client.get("/console/analytics?since=2026-13-01&until=x")
    assert page.status_code == 200 and "YYYY-MM-DD" in page.text and "最近 30 天" in page.text
