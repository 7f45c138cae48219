"""The console journey of issue 16 in one real headless browser (Debian chromium), the way a new bureau
meets it: a fresh data folder, `labourbot serve` with no console secret and no account, the first
administrator made with the command `serve` printed, a login over plain http on 127.0.0.1; a scripted day
of conversations (REST API and web chat) whose figures the analytics page shows exactly as
`labourbot stats --json` does (screenshots at phone and desktop width in test-artifacts/); then the
curation queue: one question the bot was not sure about is attached, rewritten, to an existing entry,
another (tapped 沒幫助) becomes a new entry drafted with a real citation and a verbatim quote, the
administrator approves it, and the next `labourbot ask` with that question answers with it, no restart.

The helpers are the other console tests' own (first run: `Serve`, the printed command; analytics: the
knowledge base warm-up, `labourbot`, the event wait)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from sqlalchemy import select

from cases.config import CaseSettings
from cases.db import CaseStore
from cli.serve import free_port
from curation.models import KBDraft
from curation.service import yaml_entries
from figures.compute import TAIPEI
from figures.models import UnansweredQuestion
from knowledge_base.config import KBSettings
from knowledge_base.laws import LawStore
from labourbot.config import PROJECT_ROOT, DataSettings
from test_analytics_e2e import cell, kinds, labourbot, prepare_knowledge_base, wait_for_events
from test_console_first_run_e2e import (CHROMIUM, CHROMIUM_ARGS, START_TIMEOUT_S, Serve, _run_printed,
                                        first_run_env)

# First run means the embedded defaults: the SQLite case store in the data folder, whatever DATABASE_URL
# says (so these are not among the `cases` tests .ci/run repeats on PostgreSQL).
pytestmark = pytest.mark.e2e

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
KB_QUESTION = "加班費怎麼算"
# Questions the bot answers with "not sure, did you mean ..." (no entry fits them well).
UNSURE = ["公司叫我簽一張紙", "公司叫我簽一張紙", "公司叫我簽一張紙", "主管叫我做很多事", "主管叫我做很多事"]
ATTACHED = "公司拿一張文件要我簽名，可以先不簽嗎"  # the first one, rewritten by staff
# Answered with an entry about something else; the person taps 沒幫助 and staff write the missing entry.
CARD_QUESTION = "離職後公司要保存我的員工名卡多久"
CITATION = "勞動基準法第7條"
NEW_TITLE = "公司要保存勞工名卡多久（後台新增）"
NEW_ANSWER = ("雇主要替每位勞工準備勞工名卡，登記姓名、到職日期、工資、勞保投保日期、獎懲和傷病等必要事項。"
              "這份名卡在勞工離職以後也不能馬上銷毀，要保管到離職後五年。離職後需要證明自己的年資、工資或投保情形時，"
              "可以請原雇主依名卡提供資料；雇主不願提供或說已經丟掉，可以向勞工局反映，請勞動檢查協助。")


@pytest.fixture(scope="module")
def first_run_stack(tmp_path_factory) -> Iterator[tuple[Serve, dict[str, str], Path, str]]:
    """`labourbot serve` the first-run way: fresh data folder, no console secret, no DATABASE_URL (the
    SQLite case store in the data folder), console entries re-read on every question."""
    data = tmp_path_factory.mktemp("console-journey") / "var"
    data.mkdir()
    port = free_port()
    env = first_run_env(data, port, LABOURBOT_KB_REFRESH_S="0", LABOURBOT_ADDRESS_BURST="1000")
    prepare_knowledge_base(data, env)
    serve = Serve(env)
    url = f"http://127.0.0.1:{port}"
    try:
        yield serve, {**env, "LABOURBOT_GATEWAY_URL": url}, data, url
    finally:
        serve.stop()


def scripted_day(url: str) -> dict[str, Any]:
    """Sixteen people. On the REST API: five ask KB_QUESTION and tap 有幫助, five ask UNSURE, one asks
    CARD_QUESTION and taps 沒幫助; on the web chat five ask KB_QUESTION. Returns what was sent."""
    sent: dict[str, Any] = {"rest": 0, "web": 0, "kb_answers": 0, "unsure": 0, "helpful": [],
                            "not_helpful": [], "rest_people": 11, "web_people": 5}
    with httpx.Client(base_url=url, timeout=120.0) as client:
        def say(path: str, channel: str, user: str, text: str) -> dict[str, Any]:
            sent[channel] += 1
            answer = client.post(path, json={"user": user, "text": text})
            assert answer.status_code == 200, answer.text
            return answer.json()

        def tap(reply: dict[str, Any], user: str, title: str) -> str:
            payload = next(b["payload"] for b in reply["button_payloads"] if b["title"] == title)
            say("/api/messages", "rest", user, payload)
            return json.loads(payload[len("/feedback"):])["entry_id"]

        for i in range(5):
            reply = say("/api/messages", "rest", f"journey-kb-{i}", KB_QUESTION)
            assert "kb_answer" in kinds(reply), reply
            sent["kb_answers"] += 1
            sent["helpful"].append(tap(reply, f"journey-kb-{i}", "有幫助"))
        for i, text in enumerate(UNSURE):
            reply = say("/api/messages", "rest", f"journey-unsure-{i}", text)
            assert "not_sure" in kinds(reply) and "kb_answer" not in kinds(reply), reply
            sent["unsure"] += 1
        reply = say("/api/messages", "rest", "journey-card", CARD_QUESTION)
        assert "kb_answer" in kinds(reply), reply
        assert NEW_TITLE not in json.dumps(reply, ensure_ascii=False)
        sent["kb_answers"] += 1
        sent["not_helpful"].append(tap(reply, "journey-card", "沒幫助"))
        for i in range(5):
            reply = say("/chat/api/messages", "web", f"journey-web-{i}", KB_QUESTION)
            assert "kb_answer" in [m["kind"] for m in reply["messages"]], reply
            sent["kb_answers"] += 1
    return sent


def group(page: Any, text: str) -> Any:
    """The queue's group whose representative question is `text`."""
    return page.locator("li[data-group]", has=page.locator("p.rep", has_text=text))


def ask(env: dict[str, str], text: str) -> dict[str, Any]:
    done = labourbot(env, "ask", "--json", text)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_first_admin_sees_the_day_and_turns_what_the_bot_missed_into_answers(first_run_stack):
    from playwright.sync_api import expect, sync_playwright

    serve, env, data, url = first_run_stack
    kb = KBSettings.under(DataSettings(_env_file=None, data_dir=data))  # type: ignore[call-arg]
    entries = yaml_entries(kb.entries_dir)
    assert f"{url}/console" in serve.wait_for("案件後台", START_TIMEOUT_S)
    made = _run_printed(serve.wait_for("create-admin", 10).strip(), env)
    assert made.returncode == 0, made.stderr
    password = next(line.split("：", 1)[1].strip() for line in made.stdout.splitlines() if "初始密碼" in line)

    # ---- a scripted day, and the same day in `labourbot stats --json` ----
    sent = scripted_day(url)
    total = sent["rest"] + sent["web"]
    store = CaseStore(CaseSettings(_env_file=None, data_dir=data, database_url=""))  # type: ignore[call-arg]
    try:
        wait_for_events(store, total)
        with store.read() as s:  # every unsure question and the 沒幫助 tap are queued
            queued = {(q.reason, q.text) for q in s.scalars(select(UnansweredQuestion))}
        assert queued == {*(("not_sure", t) for t in UNSURE), ("not_helpful", CARD_QUESTION)}, queued
    finally:
        store.dispose()
    [good] = set(sent["helpful"])
    [missed] = sent["not_helpful"]
    today = datetime.now(TAIPEI).date().isoformat()
    stats = labourbot(env, "stats", "--json", "--since", today, "--until", today)
    assert stats.returncode == 0, stats.stderr
    figures = json.loads(stats.stdout)
    assert figures["messages"] == total == 22
    assert figures["conversations"] == sent["rest_people"] + sent["web_people"] == 16
    assert figures["by_channel"]["rest"] == {"messages": sent["rest"], "conversations": sent["rest_people"]}
    assert figures["by_channel"]["web"] == {"messages": sent["web"], "conversations": sent["web_people"]}
    assert figures["answers"]["kb_answer"] == sent["kb_answers"] == 11
    assert figures["answers"]["did_you_mean"] == sent["unsure"] == 5
    assert {"entry_id": good, "helpful": 5, "not_helpful": 0, "helpful_share": 1.0} in figures["feedback"]
    feedback = {row["entry_id"]: row for row in figures["feedback"]}
    assert feedback[missed]["not_helpful"] == "<5"  # one tap: a count under five is never shown

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 900}, locale="zh-TW")
            page = context.new_page()
            page.goto(f"{url}/console")
            expect(page.locator("h1")).to_have_text("同仁登入")
            page.fill("input[name=name]", "admin")
            page.fill("input[name=password]", password)
            page.locator("button[type=submit]", has_text="登入").click()
            page.wait_for_url(f"{url}/console/cases")
            expect(page.locator(".who .role")).to_have_text("（管理者）")

            # ---- the figures, at phone and desktop width ----
            for width in (390, 1280):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{url}/console/analytics?days=7")
                page.wait_for_load_state("networkidle")
                tiles = [t.strip() for t in page.locator(".tile .num").all_inner_texts()]
                assert tiles[:2] == [str(figures["messages"]), str(figures["conversations"])] == ["22", "16"]
                for channel, counts in figures["by_channel"].items():
                    row = f'tr[data-channel="{channel}"]'
                    assert cell(page, f"{row} td:nth-child(2)") == str(counts["messages"])
                    assert cell(page, f"{row} td:nth-child(3)") == str(counts["conversations"])
                assert cell(page, 'tr[data-outcome="kb_answer"] td:nth-child(2)') == str(sent["kb_answers"])
                assert cell(page, 'tr[data-outcome="did_you_mean"] td:nth-child(2)') == str(sent["unsure"])
                assert cell(page, f'tr[data-entry="{good}"] td:nth-child(2)') == "5"
                assert cell(page, f'tr[data-entry="{missed}"] td:nth-child(3)') == "<5"
                loaded = page.evaluate("[...document.querySelectorAll('img.plot')].map(i => i.naturalWidth)")
                assert loaded and all(w > 0 for w in loaded), loaded
                body = page.content()
                assert KB_QUESTION not in body and CARD_QUESTION not in body and UNSURE[0] not in body
                shot = ARTIFACTS / f"console-journey-analytics-{width}.png"
                page.screenshot(path=str(shot), full_page=True)

            # ---- the curation queue: attach one unsure question, rewritten, to an existing entry ----
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(f"{url}/console/curation")
            expect(page.locator("h1")).to_have_text("機器人答不出來的問題")
            page.screenshot(path=str(ARTIFACTS / "console-journey-curation-1280.png"), full_page=True)
            unsure = group(page, UNSURE[0])
            expect(unsure).to_have_count(1)
            expect(unsure.locator(".line1 strong")).to_have_text("3 則")
            assert unsure.locator("input[name=entry_id]").input_value() == "", "staff choose the entry"
            target = unsure.locator("p.meta code").first.inner_text()  # the entry the bot offered first
            assert target in entries
            unsure.locator("input[name=entry_id]").fill(target)
            target_answer = entries[target].answer[:30]
            assert target_answer not in ask(env, ATTACHED)["text"], "not this entry's question yet"
            unsure.locator("textarea[name=text]").fill(ATTACHED)
            unsure.locator("button", has_text="加成例句").click()
            expect(page.locator("p.alert.ok")).to_contain_text("已把例句加到條目")
            expect(group(page, UNSURE[0])).to_have_count(0)

            # ---- draft a new entry from the 沒幫助 question, through the form ----
            card = group(page, CARD_QUESTION)
            expect(card).to_contain_text("按了沒幫助")
            card.locator("a", has_text="撰寫新條目").click()
            expect(page.locator("h1")).to_have_text("撰寫新條目")
            questions = page.locator("textarea[name=questions]")
            assert questions.input_value().strip() == CARD_QUESTION  # pre-filled from the queue
            article = {a.citation: a.text for law in LawStore(data / "laws").load_all()
                       for a in law.articles}[CITATION]
            quote = "前項勞工名卡，應保管至勞工離職後五年"  # 勞動基準法第7條第2項, as the statute says it
            assert quote in article
            page.fill("input[name=title]", NEW_TITLE)
            page.select_option("select[name=topic]", "working_hours")
            questions.fill("\n".join([CARD_QUESTION, "勞工名卡離職後要保留幾年", "公司可以在我離職後馬上銷毀員工名卡嗎"]))
            page.fill("textarea[name=answer]", NEW_ANSWER)
            page.fill("textarea[name=citations]", CITATION)
            page.fill("textarea[name=evidence]", f"{CITATION}｜{quote}")
            page.locator("button", has_text="送出草稿").click()
            expect(page.locator("p.alert.ok")).to_contain_text("草稿已送出")
            expect(group(page, CARD_QUESTION)).to_have_count(0)

            # ---- the administrator reviews and approves it ----
            page.locator("li[data-draft] a", has_text=NEW_TITLE).click()
            expect(page.locator("h1")).to_contain_text(NEW_TITLE)
            expect(page.locator(".alert.error")).to_have_count(0)  # every check passes
            page.screenshot(path=str(ARTIFACTS / "console-journey-draft-1280.png"), full_page=True)
            page.locator("button", has_text="核准").click()
            expect(page.locator("p.alert.ok")).to_contain_text("已核准")
            expect(page.locator("li[data-draft]")).to_have_count(0)
            context.close()
        finally:
            browser.close()

    store = CaseStore(CaseSettings(_env_file=None, data_dir=data, database_url=""))  # type: ignore[call-arg]
    try:
        with store.read() as s:
            [status] = s.scalars(select(KBDraft.status)).all()
        assert status == "approved"
    finally:
        store.dispose()

    # ---- the next questions are answered with the new entry and the attached one, no restart ----
    after = ask(env, CARD_QUESTION)
    assert NEW_ANSWER[:30] in after["text"], after["text"]
    assert CITATION in after["citations"], after
    assert target_answer in ask(env, ATTACHED)["text"]
