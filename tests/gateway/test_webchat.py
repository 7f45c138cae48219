"""The web chat: its JSON API, and the page in a real headless browser (Debian's chromium via playwright)."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from labourbot.config import PROJECT_ROOT

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
SCREENSHOT = PROJECT_ROOT / "test-artifacts" / "webchat.png"
CITATION = re.compile(r"勞動基準法第\d+條")


@pytest.fixture()
def web(stack):
    with httpx.Client(base_url=stack.config.gateway_url, timeout=60.0) as client:
        yield client


def anon() -> str:
    return "w-" + uuid.uuid4().hex


def test_the_api_answers_with_messages_buttons_and_citations(web):
    reply = web.post("/chat/api/messages", json={"user": anon(), "text": "休息日加班費怎麼算"})
    assert reply.status_code == 200
    messages = reply.json()["messages"]
    answer = next(m for m in messages if m["citations"])
    assert answer["kind"] == "kb_answer" and all(
        CITATION.fullmatch(c) or "第" in c for c in answer["citations"]
    )
    assert "依據：" not in answer["text"], "the citations are listed apart, not repeated in the text"
    assert any(b["payload"] == "/request_human" for b in answer["buttons"])


@pytest.mark.parametrize(
    "body",
    [
        {"user": "../../etc", "text": "你好"},
        {"user": "short", "text": "你好"},
        {"user": "w-" + "x" * 80, "text": "你好"},
        {"user": "w-0123456789", "text": "字" * 5001},
        {"text": "你好"},
    ],
)
def test_the_api_refuses_bad_ids_and_oversized_texts(web, body):
    assert web.post("/chat/api/messages", json=body).status_code == 422


def test_the_page_is_served_with_a_strict_content_security_policy(web):
    page = web.get("/chat")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert 'lang="zh-Hant-TW"' in page.text
    assert re.search(r"<script[^>]*>\s*[^<\s]", page.text) is None, "no inline script"
    assert web.get("/chat/static/chat.js").status_code == 200
    assert web.get("/chat/static/chat.css").status_code == 200


def _browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def test_a_phone_user_taps_a_topic_asks_a_question_and_sees_the_cited_answer(stack):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = _browser(p)
        try:
            context = browser.new_context(
                viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-TW"
            )
            page = context.new_page()
            page.goto(f"{stack.config.gateway_url}/chat")
            chip = page.locator(".chip", has_text="加班費")
            expect(chip).to_be_visible(timeout=60_000)
            user_id = page.evaluate("localStorage.getItem('labourbot.webchat.id')")
            assert re.fullmatch(r"[A-Za-z0-9_-]{8,64}", user_id)

            chip.tap()
            expect(page.locator(".msg.user", has_text="加班費")).to_be_visible()
            expect(page.locator(".chip", has_text="找真人")).to_be_visible(timeout=60_000)

            page.locator("#input").fill("休息日加班費怎麼算")
            page.locator("#input").press("Enter")
            card = page.locator(".card").last
            expect(card).to_be_visible(timeout=60_000)
            expect(card.locator(".citation").first).to_have_text(CITATION, timeout=10_000)
            expect(card.locator(".card-title")).not_to_be_empty()
            expect(page.locator(".chip", has_text="找真人")).to_be_visible()

            card.locator(".citation").last.scroll_into_view_if_needed()
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
            assert SCREENSHOT.stat().st_size > 10_000

            page.reload()
            assert page.evaluate("localStorage.getItem('labourbot.webchat.id')") == user_id, (
                "same anonymous id"
            )
        finally:
            browser.close()


def test_markup_typed_by_a_user_is_shown_as_text_never_run(stack):
    from playwright.sync_api import expect, sync_playwright

    attack = '<img src=x onerror="window.__pwned=1"><b>粗體</b>'
    with sync_playwright() as p:
        browser = _browser(p)
        try:
            page = browser.new_page(viewport=PHONE)
            page.goto(f"{stack.config.gateway_url}/chat")
            expect(page.locator(".chip").first).to_be_visible(timeout=60_000)
            page.locator("#input").fill(attack)
            page.locator("#send").click()
            expect(page.locator(".msg.user").last).to_have_text(attack)
            expect(page.locator(".msg.bot:not(.typing)").last).to_be_visible(timeout=60_000)
            assert page.locator(".log img, .log b").count() == 0
            assert page.evaluate("window.__pwned") is None
        finally:
            browser.close()
