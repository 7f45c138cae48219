"""The service figures end to end: a real stack of its own (Rasa, action server, gateway; a fresh data
folder and case database), a scripted day of conversations through the REST API and the web chat, then a
supervisor in a real headless browser (Debian chromium) on /console/analytics: the numbers are what the
script sent, the plots load under the console's CSP, `labourbot stats --json` says the same, and
screenshots at phone (390 px) and desktop (1280 px) width go to test-artifacts/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from sqlalchemy import func, select

from cases.config import CaseSettings
from cases.db import CaseStore
from cli.serve import Stack, StackConfig
from figures.compute import TAIPEI
from figures.models import MessageEvent
from labourbot.config import PROJECT_ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.cases]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SECRET = "e2e-analytics-secret-0123456789abcdefghij"
SHARED_KB = PROJECT_ROOT / "var" / "test-stack"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
KB_QUESTION = "加班費怎麼算"


def labourbot(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, input=stdin,
                          cwd=PROJECT_ROOT, env={**os.environ, **env}, timeout=120)


def prepare_knowledge_base(data: Path, env: dict[str, str]) -> None:
    """The statutes and the search index: copied from the shared test stack, or built."""
    if (SHARED_KB / "index").is_dir() and (SHARED_KB / "laws").is_dir():
        for name in ("index", "laws"):
            shutil.copytree(SHARED_KB / name, data / name)
        # A copied index older than the entries is rebuilt on first use: here, not inside the first
        # answer (it takes longer than the gateway waits for Rasa).
        warm = labourbot({**env, "LABOURBOT_DATA_DIR": str(data)}, "kb", "search", "加班費", "-k", "1")
        assert warm.returncode == 0, warm.stderr
        return
    law = PROJECT_ROOT.parent / "shared" / "law" / "ChLaw-labour.json"
    for args in (["kb", "import-law", str(law)], ["kb", "build"]):
        assert labourbot({**env, "LABOURBOT_DATA_DIR": str(data)}, *args).returncode == 0


@pytest.fixture(scope="module")
def running(tmp_path_factory, staff_password_value) -> Iterator[tuple[Stack, dict[str, str], CaseStore]]:
    from fakes.case_db import fresh_database

    data = tmp_path_factory.mktemp("analytics-stack")
    with fresh_database(data) as db_url:
        env = {"DATABASE_URL": db_url, "LABOURBOT_CONSOLE_SECRET": SECRET, "LABOURBOT_CONSOLE_COOKIE_SECURE": "false",
               "LABOURBOT_DATA_DIR": str(data), "LABOURBOT_ADDRESS_BURST": "1000"}
        prepare_knowledge_base(data, env)
        added = labourbot(env, "staff", "add-user", "e2e-supervisor", "--role", "supervisor", "--password-stdin",
                          stdin=staff_password_value + "\n")
        assert added.returncode == 0, added.stderr
        store = CaseStore(CaseSettings(_env_file=None, database_url=db_url))  # type: ignore[call-arg]
        try:
            with Stack(StackConfig.ephemeral(data, extra_env=env)) as stack:
                yield stack, env, store
        finally:
            store.dispose()


def kinds(reply: dict[str, Any]) -> list[str]:
    return [m["kind"] for m in reply["messages"]]


def scripted_day(url: str) -> dict[str, Any]:
    """Sixteen people: six ask a KB question on the API and tap 有幫助, five take the quiz on the web chat
    (start, one answer), five greet on the API. Returns what was sent and what came back."""
    sent: dict[str, Any] = {"rest": 0, "web": 0, "kb_answers": 0, "entries": [], "people": 0}
    with httpx.Client(base_url=url, timeout=120.0) as client:
        def rest(user: str, text: str) -> dict[str, Any]:
            sent["rest"] += 1
            answer = client.post("/api/messages", json={"user": user, "text": text})
            assert answer.status_code == 200, answer.text
            return answer.json()

        def web(user: str, text: str) -> dict[str, Any]:
            sent["web"] += 1
            answer = client.post("/chat/api/messages", json={"user": user, "text": text})
            assert answer.status_code == 200, answer.text
            return answer.json()

        for i in range(6):
            reply = rest(f"e2e-kb-{i}", KB_QUESTION)
            assert "kb_answer" in kinds(reply), reply
            sent["kb_answers"] += 1
            helpful = next(b["payload"] for b in reply["button_payloads"] if b["title"] == "有幫助")
            sent["entries"].append(json.loads(helpful[len("/feedback"):])["entry_id"])
            rest(f"e2e-kb-{i}", helpful)
        for i in range(5):
            start = web(f"e2e-quiz-{i}", "開始測驗")
            question = next(m for m in start["messages"] if m["kind"] == "quiz_question")
            graded = web(f"e2e-quiz-{i}", question["buttons"][0]["payload"])
            assert "quiz_feedback" in [m["kind"] for m in graded["messages"]], graded
        for i in range(5):
            rest(f"e2e-hello-{i}", "你好")
    sent["people"] = 16
    return sent


def wait_for_events(store: CaseStore, expected: int) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with store.read() as session:
            if session.scalar(select(func.count()).select_from(MessageEvent)) >= expected:
                return
        time.sleep(0.2)
    pytest.fail("the gateway did not record every message")


def cell(page: Any, selector: str) -> str:
    return page.locator(selector).first.inner_text().strip()


def test_a_scripted_day_shows_on_the_analytics_page_and_in_stats(running, staff_password_value):
    from playwright.sync_api import sync_playwright

    stack, env, store = running
    url = stack.config.gateway_url
    sent = scripted_day(url)
    total = sent["rest"] + sent["web"]
    wait_for_events(store, total)
    entry = sent["entries"][0]
    assert set(sent["entries"]) == {entry}, "the same question finds the same entry"
    today = datetime.now(TAIPEI).date().isoformat()

    stats = labourbot(env, "stats", "--json", "--since", today, "--until", today)
    assert stats.returncode == 0, stats.stderr
    figures = json.loads(stats.stdout)
    assert figures["messages"] == total == 27 and figures["conversations"] == sent["people"]
    assert figures["by_channel"]["rest"]["messages"] == sent["rest"] == 17
    assert figures["by_channel"]["web"] == {"messages": sent["web"], "conversations": 5}
    assert figures["answers"]["kb_answer"] == sent["kb_answers"]
    assert figures["services"]["quiz"] == {"messages": 10, "conversations": 5}
    assert figures["quiz"]["takers"] == 5
    assert {"entry_id": entry, "helpful": 6, "not_helpful": 0, "helpful_share": 1.0} in figures["feedback"]

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for width in (390, 1280):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(f"{url}/console/login?next=/console/analytics%3Fdays%3D7")
                page.fill("input[name=name]", "e2e-supervisor")
                page.fill("input[name=password]", staff_password_value)
                page.click("button[type=submit]")
                page.wait_for_url("**/console/analytics?days=7")
                page.wait_for_load_state("networkidle")
                tiles = [t.strip() for t in page.locator(".tile .num").all_inner_texts()]
                assert tiles[:2] == [str(figures["messages"]), str(figures["conversations"])]
                assert cell(page, 'tr[data-channel="rest"] td:nth-child(2)') == str(sent["rest"])
                assert cell(page, 'tr[data-channel="web"] td:nth-child(2)') == str(sent["web"])
                assert cell(page, 'tr[data-outcome="kb_answer"] td:nth-child(2)') == str(sent["kb_answers"])
                assert cell(page, 'tr[data-service="quiz"] td:nth-child(3)') == "5"
                assert cell(page, 'dl[data-table="quiz"] dd') == "5"
                assert cell(page, f'tr[data-entry="{entry}"] td:nth-child(2)') == "6"
                # Every plot is an image that loaded (served from 'self', no inline style blocked).
                # No cases and no quiz question answered five times: those two plots are left out, said in words.
                loaded = page.evaluate("[...document.querySelectorAll('img.plot')].map(i => i.naturalWidth)")
                assert len(loaded) == 3 and all(w > 0 for w in loaded), loaded
                assert page.locator(".no-plot").count() == 2
                body = page.content()
                assert KB_QUESTION not in body and "你好" not in body
                page.screenshot(path=str(ARTIFACTS / f"analytics-{width}.png"), full_page=True)
                page.close()
        finally:
            browser.close()
