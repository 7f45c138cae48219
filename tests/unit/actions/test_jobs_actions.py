"""Job search and scam-check actions from saved tracker states (a temporary jobs database)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.jobs import ActionCheckJobScam, ActionSearchJobs
from jobs import SAMPLE_FILE, import_jobs
from jobs.store import _stores


@pytest.fixture()
def sample_db(tmp_path, monkeypatch):
    monkeypatch.setenv("LABOURBOT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("LABOURBOT_JOBS_PAGE_SIZE", "5")
    _stores.clear()
    import_jobs(SAMPLE_FILE, shift_dates=True, today=datetime.now(ZoneInfo("Asia/Taipei")).date())
    yield tmp_path
    _stores.clear()


def tracker(text: str, intent: str, entities: list[dict[str, Any]] | None = None, **slots: Any) -> Tracker:
    return Tracker("test", slots, {"text": text, "intent": {"name": intent, "confidence": 1.0},
                                   "entities": entities or []}, [], False, None, {}, "action_listen")


async def test_search_then_the_next_page(sample_db):
    dispatcher = CollectingDispatcher()
    events = await ActionSearchJobs().run(dispatcher, tracker(
        "幫我找永康區的兼職", "search_job", [{"entity": "district", "value": "永康區"},
                                      {"entity": "job_type", "value": "兼職"}]), {})
    message = dispatcher.messages[0]
    meta = message["custom"]["meta"]
    assert (meta["kind"], meta["page"], meta["pages"], meta["total"]) == ("job_list", 1, 2, 7)
    assert len(meta["jobs"]) == 5 and all(j["district"] == "臺南市永康區" and j["job_type"] == "兼職" for j in meta["jobs"])
    assert {"title", "company", "wage", "hours", "url"} <= set(meta["jobs"][0])
    assert message["text"].startswith("找到 7 筆「永康區・兼職」職缺，這是第 1–5 筆：")
    assert message["buttons"][0] == {"title": "看更多", "payload": '/more_jobs{"page": 2}'}
    criteria = next(e["value"] for e in events if e.get("name") == "job_criteria")
    assert criteria == {"keyword": "", "district": "永康區", "nature": "part_time", "min_wage": None,
                        "period": "monthly"}

    dispatcher = CollectingDispatcher()
    await ActionSearchJobs().run(dispatcher, tracker('/more_jobs{"page": 2}', "more_jobs",
                                                     [{"entity": "page", "value": 2}], job_criteria=criteria), {})
    meta = dispatcher.messages[0]["custom"]["meta"]
    assert (meta["page"], len(meta["jobs"])) == (2, 2)
    assert dispatcher.messages[0]["text"].startswith("找到 7 筆「永康區・兼職」職缺，這是第 6–7 筆：")
    assert all(b["title"] != "看更多" for b in dispatcher.messages[0]["buttons"])


async def test_a_keyword_with_no_match_falls_back_to_the_other_criteria(sample_db):
    dispatcher = CollectingDispatcher()
    events = await ActionSearchJobs().run(dispatcher, tracker("新市區的潛水教練職缺", "search_job",
                                                              [{"entity": "district", "value": "新市區"}]), {})
    assert dispatcher.messages[0]["text"].startswith("沒有找到和「潛水教練」有關的職缺")
    assert next(e["value"] for e in events if e.get("name") == "job_criteria")["keyword"] == ""


async def test_nothing_found(sample_db):
    dispatcher = CollectingDispatcher()
    await ActionSearchJobs().run(dispatcher, tracker("龍崎區的兼職", "search_job"), {})
    assert dispatcher.messages[0]["text"].startswith("目前沒有找到「龍崎區・兼職」的職缺")


async def test_scam_check_answers_with_risk_signals_advice_and_citations():
    dispatcher = CollectingDispatcher()
    events = await ActionCheckJobScam().run(dispatcher, tracker(
        "有工作要我提供存摺跟提款卡 時薪500 可以做嗎", "check_job_scam"), {})
    message = dispatcher.messages[0]
    meta = message["custom"]["meta"]
    assert meta["kind"] == "scam_check" and meta["risk"] == "high"
    assert message["text"].startswith("🔴 詐騙風險：高")
    assert "bank_account" in [s["kind"] for s in meta["signals"]]
    assert meta["citations"] == ["就業服務法第5條"] and "165" in message["text"] and "110" in message["text"]
    assert {"event": "slot", "timestamp": None, "name": "topic", "value": "job_scam"} in events


async def test_scam_check_without_an_ad_asks_for_it():
    dispatcher = CollectingDispatcher()
    await ActionCheckJobScam().run(dispatcher, tracker("這是詐騙嗎", "check_job_scam"), {})
    assert dispatcher.messages[0]["custom"]["meta"]["kind"] == "scam_check_prompt"


async def test_a_scam_check_over_its_budget_answers_at_once_and_never_holds_the_loop(monkeypatch):
    """The check runs in a thread: while it works the action server's loop keeps turning, and past its
    budget the person gets a clear answer instead of a wait."""
    import asyncio

    import actions.jobs

    monkeypatch.setattr(actions.jobs, "SCAM_CHECK_BUDGET_S", 0.0)
    ticks = 0

    async def other_users() -> None:
        nonlocal ticks
        for _ in range(3):
            ticks += 1
            await asyncio.sleep(0)

    dispatcher = CollectingDispatcher()
    ad = "在家打字日領3000 要先繳保證金 加LINE " * 50
    await asyncio.gather(ActionCheckJobScam().run(dispatcher, tracker(ad, "check_job_scam"), {}), other_users())
    [message] = dispatcher.messages
    assert message["custom"]["meta"]["kind"] == "scam_check_prompt" and "太長" in message["text"]
    assert ticks == 3


async def test_on_line_a_job_list_is_a_carousel(sample_db):
    from channels.line.render import render
    from channels.payloads import PayloadStore
    from channels.replies import build_reply

    dispatcher = CollectingDispatcher()
    await ActionSearchJobs().run(dispatcher, tracker("永康區的兼職", "search_job"), {})
    raw = [{"text": m["text"], "buttons": m["buttons"]} for m in dispatcher.messages] + \
          [{"custom": m["custom"]} for m in dispatcher.messages]
    out = render(build_reply(raw, "search_job", 1.0), PayloadStore(300))
    carousel = next(m for m in out if m["type"] == "flex")
    bubbles = carousel["contents"]["contents"]
    assert carousel["contents"]["type"] == "carousel" and len(bubbles) == 5
    assert bubbles[0]["body"]["contents"][0]["text"] == "超商店員（大夜班）"
    assert out[-1]["quickReply"]["items"][0]["action"]["label"] == "看更多"
