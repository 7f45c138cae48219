"""The handoff actions on saved tracker states: the events and messages they return, the case written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.handoff import (
    ActionAskHandoffConsent,
    ActionAskHandoffContact,
    ActionHandoff,
    ActionOfferHandoff,
    ActionOpenCase,
    ValidateHandoffForm,
    consent_answer,
    contact_answer,
)
from cases.models import Case, OutboxMessage
from labourbot.config import PROJECT_ROOT

pytestmark = pytest.mark.cases

DOMAIN: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "bot" / "domain" / "handoff.yml").read_text("utf-8"))


@pytest.fixture(autouse=True)
def database(monkeypatch, case_db_url, case_store):
    """The action server finds the case store through DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    return case_store


def user(text: str, intent: str = "ask_overtime", ts: float = 1.0) -> dict[str, Any]:
    return {"event": "user", "text": text, "timestamp": ts,
            "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": []}}


def bot(text: str, ts: float = 2.0) -> dict[str, Any]:
    return {"event": "bot", "text": text, "timestamp": ts}


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value, "timestamp": 3.0}


def tracker(events: list[dict[str, Any]], slots: dict[str, Any] | None = None, sender: str = "line:Utest",
            loop: str | None = None) -> Tracker:
    latest = next((e["parse_data"] | {"text": e["text"]} for e in reversed(events) if e["event"] == "user"), {})
    return Tracker(sender, slots or {}, latest, events, False, None,
                   {"name": loop} if loop else {}, None)


async def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, DOMAIN)
    return events, dispatcher.messages


def meta(message: dict[str, Any]) -> dict[str, Any]:
    return message["custom"]["meta"]


@pytest.mark.parametrize(("text", "answer"), [("同意", True), ("好的", True), ("/affirm", True), ("ok", True),
                                              ("不同意", False), ("不要", False), ("取消", False), ("嗯？", None)])
def test_consent_answers(text, answer):
    assert consent_answer(text) is answer


@pytest.mark.parametrize(("text", "answer"), [("0912-345-678", "0912-345-678"), ("平日下午三點", "平日下午三點"),
                                              ("06-2991111 晚上", "06-2991111 晚上"), ("略過", "skip"),
                                              ("不用", "skip"), ("香蕉", None)])
def test_contact_answers(text, answer):
    assert contact_answer(text) == answer


async def test_asking_for_a_person_starts_the_consent_form():
    events, messages = await run(ActionHandoff(), tracker([user("老闆不給加班費"), bot("…"),
                                                           user("找真人", "request_human")],
                                                          slots={"topic": "overtime"}))
    assert messages == []  # the form's first question (the notice) is the whole answer
    assert {e["name"]: e["value"] for e in events if e["event"] == "slot"} == {
        "handoff_consent": None, "handoff_contact": None, "handoff_reason": "request_human",
        "handoff_topic": "overtime", "handoff_priority": "normal"}
    assert events[-1] == {"event": "followup", "name": "handoff_form", "timestamp": None}


async def test_two_misunderstandings_then_the_button_is_reason_fallback():
    events, _ = await run(ActionHandoff(), tracker([user("ㄅㄆㄇ", "nlu_fallback"), user("ㄍㄎㄏ", "nlu_fallback"),
                                                    user("/request_human", "request_human")]))
    assert {"event": "slot", "name": "handoff_reason", "value": "fallback", "timestamp": None} in events


async def test_a_situation_that_needs_a_person_sets_reason_and_topic():
    events, _ = await run(ActionHandoff(), tracker([user("上班被機器壓傷，現在住院中", "ask_occupational_injury"),
                                                    user("找真人", "request_human")]))
    values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert values["handoff_reason"] == "sensitive_topic" and values["handoff_topic"] == "occupational_injury"


async def test_the_offer_action_offers_a_person_only_when_needed():
    _, offered = await run(ActionOfferHandoff(), tracker([user("主管一直對我性騷擾怎麼辦")]))
    assert meta(offered[0])["kind"] == "handoff_offer" and offered[0]["buttons"][0]["payload"] == "/request_human"
    _, nothing = await run(ActionOfferHandoff(), tracker([user("性騷擾的定義是什麼")]))
    assert nothing == []


async def test_the_notice_and_the_contact_question():
    _, [notice] = await run(ActionAskHandoffConsent(), tracker([]))
    assert "180 天" in notice["text"] and "目的" in notice["text"] and "誰會看到" in notice["text"]
    assert [b["title"] for b in notice["buttons"]] == ["同意", "不同意"]
    _, [contact] = await run(ActionAskHandoffContact(), tracker([]))
    assert [b["payload"] for b in contact["buttons"]] == ["略過"] and "需要同仁打電話" in contact["text"]
    _, [again] = await run(ActionAskHandoffContact(), tracker([], {"requested_slot": "handoff_contact"}))
    assert again["text"].startswith("看不太懂") and [b["payload"] for b in again["buttons"]] == ["略過"]


async def validate(events: list[dict[str, Any]], slots: dict[str, Any]) -> tuple[list, list]:
    t = tracker(events, slots, loop="handoff_form")
    return await run(ValidateHandoffForm(), t)


async def test_the_form_accepts_consent_and_ends_at_a_refusal():
    base = [user("找真人", "request_human"), {"event": "action", "name": "action_handoff"}]
    events, _ = await validate(base + [user("同意", "affirm"), slot("handoff_consent", "同意")],
                               {"handoff_consent": "同意", "requested_slot": "handoff_consent"})
    assert {"event": "slot", "name": "handoff_consent", "value": True, "timestamp": None} in events
    events, _ = await validate(base + [user("不同意", "deny"), slot("handoff_consent", "不同意")],
                               {"handoff_consent": "不同意", "requested_slot": "handoff_consent"})
    assert {"event": "slot", "name": "handoff_consent", "value": False, "timestamp": None} in events
    assert {"event": "slot", "name": "requested_slot", "value": None, "timestamp": None} in events  # done
    events, _ = await validate(base + [user("什麼意思", "out_of_scope"), slot("handoff_consent", "什麼意思")],
                               {"handoff_consent": "什麼意思", "requested_slot": "handoff_consent"})
    assert {"event": "slot", "name": "handoff_consent", "value": None, "timestamp": None} in events
    _, [again] = await run(ActionAskHandoffConsent(), tracker([], {"requested_slot": "handoff_consent"}))
    assert again["text"].startswith("抱歉，我不確定您的意思") and "180 天" in again["text"]


async def test_the_form_takes_a_contact_or_skip_and_cancel_declines():
    base = [user("同意", "affirm")]
    events, _ = await validate(base + [user("0912345678 下午"), slot("handoff_contact", "0912345678 下午")],
                               {"handoff_consent": True, "handoff_contact": "0912345678 下午"})
    assert {"event": "slot", "name": "handoff_contact", "value": "0912345678 下午", "timestamp": None} in events
    events, _ = await validate(base + [user("取消", "deny"), slot("handoff_contact", "取消")],
                               {"handoff_consent": True, "handoff_contact": "取消"})
    assert {"event": "slot", "name": "handoff_consent", "value": False, "timestamp": None} in events


def transcript_events() -> list[dict[str, Any]]:
    return [user("公司說我 A123456789 的資料有問題", ts=10), bot("您可以向勞工局申訴…", ts=11),
            user("找真人", "request_human", ts=12), {"event": "action", "name": "action_handoff", "timestamp": 13},
            bot("個資告知…", ts=14), user("同意", "affirm", ts=15), user("略過", ts=16)]


async def test_the_case_is_written_with_its_transcript_and_the_user_told_its_number(database):
    slots = {"handoff_consent": True, "handoff_contact": "skip", "handoff_reason": "request_human",
             "handoff_topic": "wages", "handoff_priority": "normal"}
    events, [message] = await run(ActionOpenCase(), tracker(transcript_events(), slots, sender="line:Uopen"))
    assert meta(message)["handoff"] is True and meta(message)["kind"] == "handoff"
    case_id = meta(message)["case_id"]
    assert f"案件編號 #{case_id}" in message["text"]
    assert all(e["value"] is None for e in events if e["event"] == "slot") and len(events) == 5
    with database.session() as s:
        case = s.get(Case, case_id)
        assert (case.sender, case.channel, case.channel_user, case.topic) == ("line:Uopen", "line", "Uopen", "wages")
        assert case.contact is None and case.summary == "公司說我 A123456789 的資料有問題"
        assert [(m.author, m.text) for m in case.messages] == [
            ("user", "公司說我 A123456789 的資料有問題"), ("bot", "您可以向勞工局申訴…"), ("user", "找真人")]
        assert s.scalars(select(OutboxMessage.destination)).all() == ["staff"]
    # asking again while the case is open: its number, no second case
    _, [again] = await run(ActionHandoff(), tracker(transcript_events(), sender="line:Uopen"))
    assert meta(again)["case_id"] == case_id and "已經在處理中" in again["text"]


async def test_without_consent_nothing_is_kept(database):
    slots = {"handoff_consent": False, "handoff_contact": None}
    events, [message] = await run(ActionOpenCase(), tracker(transcript_events(), slots, sender="web:w-declined"))
    assert "不會建立案件" in message["text"] and meta(message).get("handoff") is None
    with database.session() as s:
        assert s.scalars(select(Case)).all() == []


async def test_a_broken_case_store_is_reported_to_the_user(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}")
    (tmp_path / "missing").write_text("a file where a folder should be")
    slots = {"handoff_consent": True, "handoff_contact": "skip"}
    _, [message] = await run(ActionOpenCase(), tracker(transcript_events(), slots, sender="web:w-broken1"))
    assert "暫時無法使用" in message["text"] and "1955" in message["text"]


def test_the_domain_declares_the_form_and_actions():
    assert DOMAIN["forms"]["handoff_form"]["required_slots"] == ["handoff_consent", "handoff_contact"]
    assert {"action_open_case", "validate_handoff_form", "action_ask_handoff_consent"} <= set(DOMAIN["actions"])
    rules = yaml.safe_load((Path(PROJECT_ROOT) / "bot" / "data" / "rules" / "handoff.yml").read_text("utf-8"))
    assert rules["rules"][0]["steps"][-1] == {"action": "action_open_case"}
