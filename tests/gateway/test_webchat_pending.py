"""Staff replies on the web chat page, in a real headless browser (Debian's chromium via playwright)
against the gateway served by uvicorn in this process (a fresh case database, Rasa unreachable: the
page's polling of /chat/api/pending is what is tested, not the bot)."""

from __future__ import annotations

import threading
import time
from typing import Iterator

import pytest
import uvicorn
from sqlalchemy import select

from cases.models import PendingMessage
from cases.service import CaseDraft, open_case, staff_reply
from channels.app import create_app
from channels.settings import ChannelSettings
from cli.serve import free_port
from labourbot.config import Settings

pytestmark = pytest.mark.cases

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
POLL_S = 5  # the page's polling interval (chat.js POLL_MS)


@pytest.fixture()
def gateway_url(monkeypatch, case_db_url, case_store, tmp_path) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    settings = Settings(_env_file=None, rasa_url=f"http://127.0.0.1:{free_port()}", data_dir=tmp_path)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, ChannelSettings(_env_file=None)),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the gateway did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)


def test_a_staff_reply_whose_poll_response_is_lost_is_shown_once_on_the_next_poll(gateway_url, case_store,
                                                                                   make_staff):
    from playwright.sync_api import Route, expect, sync_playwright

    alice = make_staff("alice")
    polls: list[str] = []
    dropped: list[str] = []

    def lose_the_first_reply(route: Route) -> None:
        """Pass polls through, but drop the first response that carries a message: the gateway
        answered, the phone never saw it."""
        polls.append(route.request.url)
        response = route.fetch()
        if not dropped and '"id"' in response.text():
            dropped.append(response.text())
            route.abort("connectionreset")
            return
        route.fulfill(response=response)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-TW")
            page.route("**/chat/api/pending?**", lose_the_first_reply)
            page.goto(f"{gateway_url}/chat")
            expect(page.locator(".msg").first).to_be_visible(timeout=15_000)  # the greeting (bot down)
            user = page.evaluate("localStorage.getItem('labourbot.webchat.id')")
            with case_store.session() as s:
                case_id = open_case(s, CaseDraft(sender=f"web:{user}"))[0].id
                staff_reply(s, case_id, alice, "您好，我是勞工局的王小姐")
            first = page.locator(".msg.bot", has_text="【勞工局同仁】您好，我是勞工局的王小姐")
            expect(first).to_have_count(1, timeout=4 * POLL_S * 1000)
            assert dropped, "the first response carrying the reply was dropped"
            with case_store.session() as s:
                staff_reply(s, case_id, alice, "請問公司名稱？")
            second = page.locator(".msg.bot", has_text="【勞工局同仁】請問公司名稱？")
            expect(second).to_have_count(1, timeout=3 * POLL_S * 1000)
            seen = len(polls)
            page.wait_for_timeout(2.5 * POLL_S * 1000)  # two more polls
            assert len(polls) >= seen + 2
            expect(first).to_have_count(1)
            expect(second).to_have_count(1)
        finally:
            browser.close()
    with case_store.session() as s:
        rows = s.scalars(select(PendingMessage).order_by(PendingMessage.id)).all()
    assert all(row.fetched_at is not None for row in rows), "both acknowledged by the page's cursor"
    assert any(f"after={rows[-1].id}" in url for url in polls)
