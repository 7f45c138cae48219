"""Handoff end to end on a real stack of its own (Rasa, action server, gateway; a private case database)
with the fake LINE and Telegram APIs, and a staff member in a real headless browser (Debian chromium).

* a LINE user asks for a person, consents, gets a case number; staff groups are notified;
* staff log in, see the case, reply; the reply is pushed to the user on LINE;
* the user's next messages go to the case thread, not the bot; after close the user rates and the
  bot answers again;
* kill -9 of the gateway while the staff notification is still failing: after the restart it is sent
  exactly once and the case is intact.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from fakes.fake_line import PUSH, REPLY, FakeLineApi
from fakes.fake_telegram import FakeTelegramApi, params
from fakes.payloads import line_body, line_event, line_user, sign
from fakes.plugin import channel_env
from fakes.secrets import LINE_SECRET, LINE_TOKEN, TELEGRAM_TOKEN
from sqlalchemy import select

from cases.config import CaseSettings
from cases.db import CaseStore
from cases.models import Case, OutboxMessage
from labourbot.config import PROJECT_ROOT, rasa_token
from cli.serve import Stack, StackConfig

pytestmark = [pytest.mark.e2e, pytest.mark.cases]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SECRET = "e2e-console-secret-0123456789abcdefghijkl"
LINE_GROUP = "C0e2e0staff0group0000000000000001"
TELEGRAM_GROUP = "-1009876543210"
SHARED_KB = PROJECT_ROOT / "var" / "test-stack"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


@dataclass
class HandoffStack:
    stack: Stack
    line: FakeLineApi
    telegram: FakeTelegramApi
    store: CaseStore
    env: dict[str, str]
    client: httpx.Client

    @property
    def url(self) -> str:
        return self.stack.config.gateway_url


def _prepare_knowledge_base(data: Path, env: dict[str, str]) -> None:
    """The statutes and the search index: copied from the shared test stack, or built."""
    if (SHARED_KB / "index").is_dir() and (SHARED_KB / "laws").is_dir():
        for name in ("index", "laws"):
            shutil.copytree(SHARED_KB / name, data / name)
        return
    cli = [sys.executable, "-m", "cli.main"]
    law = PROJECT_ROOT.parent / "shared" / "law" / "ChLaw-labour.json"
    for args in (["kb", "import-law", str(law)], ["kb", "build"]):
        subprocess.run([*cli, *args], check=True, capture_output=True, cwd=PROJECT_ROOT,
                       env={**os.environ, **env, "LABOURBOT_DATA_DIR": str(data)})


def labourbot(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True,
                          input=stdin, cwd=PROJECT_ROOT, env={**os.environ, **env}, timeout=120)


@pytest.fixture(scope="module")
def handoff(tmp_path_factory, staff_password_value) -> Iterator[HandoffStack]:
    from fakes.case_db import fresh_database

    data = tmp_path_factory.mktemp("handoff-stack")
    line = FakeLineApi(access_token=LINE_TOKEN).start()
    telegram = FakeTelegramApi(token=TELEGRAM_TOKEN).start()
    with fresh_database(data) as db_url:
        env = {
            **channel_env(line.url, telegram.url),
            "DATABASE_URL": db_url,
            "LABOURBOT_CONSOLE_SECRET": SECRET,
            "LABOURBOT_CONSOLE_COOKIE_SECURE": "false",
            "LINE_STAFF_GROUP_ID": LINE_GROUP,
            "TELEGRAM_STAFF_CHAT_ID": TELEGRAM_GROUP,
            "LABOURBOT_OUTBOX_POLL_S": "0.2",
            "LABOURBOT_OUTBOX_BACKOFF_S": "0.3",
            "LABOURBOT_OUTBOX_BACKOFF_MAX_S": "1.0",
            "LABOURBOT_OUTBOX_LEASE_S": "5",
        }
        _prepare_knowledge_base(data, env)
        for name, role in (("e2e-alice", "staff"), ("e2e-bob", "staff")):
            added = labourbot(env, "staff", "add-user", name, "--role", role, "--password-stdin",
                              stdin=staff_password_value + "\n")
            assert added.returncode == 0, added.stderr
        stack = Stack(StackConfig.ephemeral(data, extra_env=env))
        store = CaseStore(CaseSettings(_env_file=None, database_url=db_url))  # type: ignore[call-arg]
        try:
            with stack, httpx.Client(base_url=stack.config.gateway_url, timeout=60.0) as client:
                yield HandoffStack(stack, line, telegram, store, env, client)
        finally:
            store.dispose()
            line.stop()
            telegram.stop()


# ---- LINE user ---------------------------------------------------------------------------------------


def texts_in(node: Any) -> list[str]:
    """Every text of LINE message objects (text messages, flex contents, alt texts)."""
    found: list[str] = []
    if isinstance(node, dict):
        for key in ("text", "altText"):
            if isinstance(node.get(key), str):
                found.append(node[key])
        for key, value in node.items():
            if key not in ("text", "altText"):
                found += texts_in(value)
    elif isinstance(node, list):
        for value in node:
            found += texts_in(value)
    return found


def send_line(h: HandoffStack, user: str, text: str | None = None, postback: str | None = None) -> str:
    """Deliver one signed webhook event from `user`; returns its reply token."""
    token = uuid.uuid4().hex
    body = line_body(line_event(user, text, postback=postback, reply_token=token))
    response = h.client.post("/webhooks/line", content=body,
                             headers={"X-Line-Signature": sign(body, LINE_SECRET),
                                      "Content-Type": "application/json"})
    assert response.status_code == 200
    return token


def line_say(h: HandoffStack, user: str, text: str | None = None, postback: str | None = None) -> str:
    """What the user sees in answer (the reply made with the event's token)."""
    token = send_line(h, user, text, postback)
    [reply] = h.line.wait_for(lambda r: r.path == REPLY and r.json().get("replyToken") == token, timeout=90)
    assert reply.status == 200, reply.json()
    return "\n".join(texts_in(reply.json()["messages"]))


def pushed_to(h: HandoffStack, to: str, needle: str = "", status: int = 200) -> list[str]:
    return ["\n".join(texts_in(r.json()["messages"])) for r in h.line.requests
            if r.path == PUSH and r.status == status and r.json().get("to") == to
            and needle in "\n".join(texts_in(r.json()["messages"]))]


def telegram_group_sends(h: HandoffStack, needle: str, status: int = 200) -> list[dict[str, Any]]:
    return [params(r) for r in h.telegram.requests
            if r.path.endswith("/sendMessage") and r.status == status
            and str(params(r).get("chat_id")) == TELEGRAM_GROUP and needle in str(params(r).get("text"))]


def open_case_on_line(h: HandoffStack, user: str) -> int:
    """The whole consent conversation; returns the case number the user was told."""
    line_say(h, user, "老闆不給加班費，我每天加班兩小時")
    notice = line_say(h, user, "找真人")
    assert "個資" in notice and "180 天" in notice
    assert "需要同仁打電話" in line_say(h, user, "同意")
    done = line_say(h, user, "略過")
    assert "案件編號 #" in done
    return int(done.split("案件編號 #", 1)[1].split("。", 1)[0])


def rasa_user_texts(h: HandoffStack, sender: str) -> list[str]:
    token = rasa_token(h.stack.config.data_dir)  # Rasa's API answers only with the stack's token
    tracker = httpx.get(f"{h.stack.config.rasa_url}/conversations/{sender}/tracker", params={"token": token},
                        timeout=30).json()
    return [e.get("text") for e in tracker.get("events", []) if e.get("event") == "user"]


# ---- the staff member's browser ---------------------------------------------------------------------


def _browser(playwright):  # type: ignore[no-untyped-def]
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def _login(page, url: str, name: str) -> None:  # type: ignore[no-untyped-def]
    from fakes.case_db import STAFF_PASSWORD

    page.goto(f"{url}/console/cases")
    page.locator("input[name=name]").fill(name)
    page.locator("input[name=password]").fill(STAFF_PASSWORD)
    page.locator("button[type=submit]", has_text="登入").click()
    page.wait_for_url(f"{url}/console/cases")


def test_a_line_user_is_helped_by_staff_in_the_console_then_returns_to_the_bot(handoff):
    from playwright.sync_api import expect, sync_playwright

    h, user = handoff, line_user()
    case_id = open_case_on_line(h, user)
    h.line.wait_for(lambda r: r.path == PUSH and r.status == 200 and r.json()["to"] == LINE_GROUP
                    and f"#{case_id}" in json.dumps(r.json(), ensure_ascii=False), timeout=30)
    assert len(telegram_group_sends(h, f"#{case_id}")) <= 1
    reply_text = "您好，我是勞工局的陳先生。請問公司名稱和您到職的日期？"

    with sync_playwright() as p:
        browser = _browser(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-TW")
            _login(page, h.url, "e2e-alice")
            row = page.locator(f'[data-case="{case_id}"]')
            expect(row).to_be_visible()
            expect(row).to_contain_text("加班")
            row.locator("a").click()
            expect(page.locator("h1")).to_contain_text(f"案件 #{case_id}")
            expect(page.locator(".chat").first).to_contain_text("老闆不給加班費")
            page.locator("#reply").fill(reply_text)
            page.locator("button", has_text="送出回覆").click()
            expect(page.locator(".alert.ok")).to_have_text("已送出回覆。")
            expect(page.locator(".thread")).to_contain_text(reply_text)

            # the user gets it on LINE, and answers: the answer goes to the case, not to the bot
            h.line.wait_for(lambda r: r.path == PUSH and r.status == 200 and r.json()["to"] == user
                            and reply_text in json.dumps(r.json(), ensure_ascii=False), timeout=30)
            ack = line_say(h, user, "公司叫好好科技，我去年三月到職")
            assert f"#{case_id}" in ack and "轉給" in ack
            token = send_line(h, user, "電話是 0912-345-678")
            assert h.line.quiet_for(lambda r: r.path == REPLY and r.json().get("replyToken") == token, 2.0) == []
            said_to_bot = rasa_user_texts(h, f"line:{user}")
            assert "公司叫好好科技，我去年三月到職" not in said_to_bot and "電話是 0912-345-678" not in said_to_bot
            page.reload()
            expect(page.locator(".thread")).to_contain_text("公司叫好好科技")
            expect(page.locator(".thread")).to_contain_text("0912-345-678")

            # another staff member may not open it, on a phone or anywhere
            phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-TW",
                                        is_mobile=True, has_touch=True).new_page()
            _login(phone, h.url, "e2e-bob")
            expect(phone.locator(f'[data-case="{case_id}"]')).to_have_count(0)
            response = phone.goto(f"{h.url}/console/cases/{case_id}")
            assert response is not None and response.status == 403
            expect(phone.locator("h1")).to_have_text("沒有權限")

            # the case page on a phone: nothing wider than the screen
            mobile = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-TW",
                                         is_mobile=True, has_touch=True).new_page()
            _login(mobile, h.url, "e2e-alice")
            mobile.goto(f"{h.url}/console/cases/{case_id}")
            assert mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            ARTIFACTS.mkdir(exist_ok=True)
            mobile.screenshot(path=str(ARTIFACTS / "console-case-phone.png"), full_page=True)

            page.locator("button", has_text="結案").click()
            expect(page.locator(".alert.ok")).to_contain_text("已結案")
        finally:
            browser.close()

    # closed: the user is asked for a score, taps 5, and the bot answers again
    [survey] = h.line.wait_for(lambda r: r.path == PUSH and r.status == 200 and r.json()["to"] == user
                               and "quickReply" in r.body.decode(), timeout=30)
    items = survey.json()["messages"][0]["quickReply"]["items"]
    five = next(i["action"] for i in items if i["action"]["label"].startswith("5"))
    assert "謝謝您的評分" in line_say(h, user, postback=five["data"])
    with h.store.session() as s:
        case = s.get(Case, case_id)
        assert (case.status, case.rating) == ("closed", 5)
    answer = line_say(h, user, "休息日加班費怎麼算")
    assert "轉給" not in answer and "加班" in answer
    assert rasa_user_texts(h, f"line:{user}")[-1] == "休息日加班費怎麼算"


def test_danger_words_on_line_get_emergency_numbers_and_a_high_priority_alert(handoff):
    h, user = handoff, line_user()
    answer = line_say(h, user, "我真的不想活了")
    assert all(number in answer for number in ("110", "119", "113", "1925", "1955"))
    case_id = int(answer.split("案件編號 #", 1)[1].split("）", 1)[0])
    h.line.wait_for(lambda r: r.path == PUSH and r.status == 200 and r.json()["to"] == LINE_GROUP
                    and f"#{case_id}】【高優先】" in json.dumps(r.json(), ensure_ascii=False), timeout=30)
    assert "我真的不想活了" not in rasa_user_texts(h, f"line:{user}")


def test_labourbot_ask_json_reports_the_handoff_and_the_case_number(handoff):
    env = {**handoff.env, "LABOURBOT_GATEWAY_URL": handoff.url}
    who = f"cli-{uuid.uuid4().hex[:8]}"
    for text in ("我要找真人", "同意"):
        assert labourbot(env, "ask", "--json", "--user", who, text).returncode == 0
    result = labourbot(env, "ask", "--json", "--user", who, "0912345678 平日上午")
    reply = json.loads(result.stdout)
    assert reply["handoff"] is True and "案件編號 #" in reply["text"]
    case_id = int(reply["text"].split("案件編號 #", 1)[1].split("。", 1)[0])
    listed = [json.loads(line) for line in labourbot(env, "cases", "list", "--json").stdout.splitlines()]
    assert {"id": case_id, "channel": "rest", "status": "waiting"}.items() <= next(
        r for r in listed if r["id"] == case_id).items()


def test_after_kill_9_between_the_case_and_the_notification_staff_are_told_exactly_once(handoff):
    h, user = handoff, line_user()
    gateway = h.stack.service("gateway")

    def to_line_group(r) -> bool:  # type: ignore[no-untyped-def]
        return r.path == PUSH and r.json().get("to") == LINE_GROUP

    def to_telegram_group(r) -> bool:  # type: ignore[no-untyped-def]
        return r.path.endswith("/sendMessage") and str(params(r).get("chat_id")) == TELEGRAM_GROUP

    h.line.fail_next(500, count=100_000, when=to_line_group)
    h.telegram.fail_next(500, count=100_000, when=to_telegram_group)
    case_id = open_case_on_line(h, user)
    needle = f"#{case_id}】"
    deadline = time.monotonic() + 30
    while not (pushed_to(h, LINE_GROUP, needle, 500) and telegram_group_sends(h, needle, 500)):
        assert time.monotonic() < deadline, "the worker never tried to notify staff"
        time.sleep(0.1)

    os.killpg(gateway.process.pid, signal.SIGKILL)  # type: ignore[union-attr]
    gateway.process.wait(timeout=10)  # type: ignore[union-attr]
    assert gateway.process.returncode == -signal.SIGKILL  # type: ignore[union-attr]
    with h.store.session() as s:
        case = s.get(Case, case_id)
        before = (case.status, case.summary, [(m.author, m.text) for m in case.messages])
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id)).all()
        assert sorted((r.destination, r.status) for r in rows) == [
            ("line", "pending"), ("staff", "expanded"), ("telegram", "pending")]
    assert before[0] == "waiting" and ("user", "老闆不給加班費，我每天加班兩小時") in before[2]
    assert pushed_to(h, LINE_GROUP, needle) == [] and telegram_group_sends(h, needle) == []

    h.line.reset()  # LINE and Telegram work again
    h.telegram.reset()
    h.stack.start_service(gateway)
    h.stack.wait_ready(timeout_s=60, names=("gateway",))
    h.line.wait_for(lambda r: to_line_group(r) and r.status == 200
                    and needle in "\n".join(texts_in(r.json()["messages"])), timeout=30)
    deadline = time.monotonic() + 30
    while not telegram_group_sends(h, needle):
        assert time.monotonic() < deadline, "Telegram staff group not notified after the restart"
        time.sleep(0.1)
    time.sleep(3.0)  # long enough for any duplicate to show up
    assert len(pushed_to(h, LINE_GROUP, needle)) == 1
    assert len(telegram_group_sends(h, needle)) == 1
    with h.store.session() as s:
        case = s.get(Case, case_id)
        assert (case.status, case.summary, [(m.author, m.text) for m in case.messages]) == before
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id)).all()
        assert sorted((r.destination, r.status) for r in rows) == [
            ("line", "sent"), ("staff", "expanded"), ("telegram", "sent")]
    assert "高優先" not in pushed_to(h, LINE_GROUP, needle)[0]  # an ordinary request, not an emergency
