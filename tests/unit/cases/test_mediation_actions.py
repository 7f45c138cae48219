"""The mediation form's actions on saved tracker states: answers read, cancel and edit, the case filed."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.mediation import (
    SLOTS,
    ActionAskMedClaims,
    ActionAskMedConfirm,
    ActionStartMediation,
    ActionSubmitMediation,
    ValidateMediationForm,
    calculated_amounts,
    claims_answer,
    disputes_answer,
    method_answer,
)
from actions.settings import action_settings
from cases.mediation import pdf_token
from cases.mediation_models import MediationApplication
from cases.models import MEDIATION, Case
from labourbot.config import PROJECT_ROOT

pytestmark = pytest.mark.cases
DOMAIN: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "bot" / "domain" / "mediation.yml").read_text("utf-8"))
SECRET = "m" * 40


@pytest.fixture(autouse=True)
def database(monkeypatch, case_db_url, case_store) -> Iterator[Any]:
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    monkeypatch.setenv("LABOURBOT_CONSOLE_SECRET", SECRET)
    monkeypatch.setenv("LABOURBOT_PUBLIC_URL", "https://bot.example.tw/")
    action_settings.cache_clear()
    yield case_store
    action_settings.cache_clear()


def user(text: str, intent: str = "nlu_fallback") -> dict[str, Any]:
    return {"event": "user", "text": text, "timestamp": 1.0,
            "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": []}}


def calc_said(calc_type: str, result: int) -> dict[str, Any]:
    return {"event": "bot", "text": "結果：…", "timestamp": 2.0,
            "data": {"custom": {"meta": {"kind": "calc_result", "calc_type": calc_type, "result": result}}}}


def answer(name: str, text: str) -> list[dict[str, Any]]:
    """A user's message that the from_text mapping put in slot `name` (what the form validates)."""
    return [user(text), {"event": "slot", "name": name, "value": text, "timestamp": 3.0}]


def tracker(events: list[dict[str, Any]], slots: dict[str, Any], sender: str = "line:Umed") -> Tracker:
    latest = next((e["parse_data"] | {"text": e["text"]} for e in reversed(events) if e["event"] == "user"), {})
    return Tracker(sender, slots, latest, events, False, None, {"name": "mediation_form"}, None)


async def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, DOMAIN)
    return events, dispatcher.messages


def slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


FILLED = {"med_consent": True, "med_name": "王小明", "med_phone": "0912-345-678", "med_address": "臺南市東區大學路1號",
          "med_employer": "好運餐飲", "med_employer_address": "臺南市中西區民生路二段100號", "med_employer_rep": "skip",
          "med_disputes": ["wage_arrears", "severance"], "med_other": None, "med_facts": "十月起沒發薪水，十一月底被資遣。",
          "med_claims": [{"item": "severance", "amount": 48750, "source": "calculator"}], "med_method": "mediator",
          "med_confirm": "yes"}


@pytest.mark.parametrize(("text", "codes"), [
    ("1 3", ["wage_arrears", "severance"]), ("欠薪、資遣費", ["wage_arrears", "severance"]),
    ("特休未休工資", ["annual_leave"]), ("我被開除了", ["dismissal"]), ("職災補償", ["injury"]), ("好", None)])
def test_disputes_answers(text, codes):
    assert disputes_answer(text) == codes


def test_claims_answers():
    calc = {"severance": 48750}
    assert claims_answer("資遣費 48750，欠薪6萬4", ["severance", "wage_arrears"], {}) == [
        {"item": "severance", "amount": 48750, "source": "user"},
        {"item": "wage_arrears", "amount": 64000, "source": "user"}]
    assert claims_answer("64000", ["wage_arrears"], {}) == [{"item": "wage_arrears", "amount": 64000, "source": "user"}]
    assert claims_answer("64000", ["wage_arrears", "severance"], {}) is None  # which one? asked again
    assert claims_answer("用試算的資遣費", ["severance"], calc) == [
        {"item": "severance", "amount": 48750, "source": "calculator"}]
    assert claims_answer("略過", ["severance"], calc) == []
    assert claims_answer("不確定耶要問一下", ["severance"], calc) is None


def test_method_answers():
    assert method_answer("指派調解人") == "mediator"
    assert method_answer("組成勞資爭議調解委員會") == "committee"
    assert method_answer("隨便") is None


def test_the_latest_calculated_amounts_are_found():
    events = [calc_said("severance", 40000), calc_said("overtime", 1200), calc_said("severance", 48750),
              calc_said("annual_leave", 7)]
    assert calculated_amounts(events) == {"severance": 48750, "overtime": 1200}


async def test_start_clears_the_form_and_remembers_the_calculation():
    events, [intro] = await run(ActionStartMediation(), tracker([calc_said("severance", 48750), user("我要申請調解")], {}))
    values = slot_values(events)
    assert all(values[s] is None for s in SLOTS) and values["med_calc"] == {"severance": 48750}
    assert events[-1] == {"event": "followup", "name": "mediation_form", "timestamp": None}
    assert "勞資爭議處理法第9條" in intro["text"] and "工作地點" in intro["text"]


async def test_the_calculated_amount_is_offered_when_its_dispute_was_chosen():
    slots = {"med_calc": {"severance": 48750}, "med_disputes": ["severance"]}
    _, [ask] = await run(ActionAskMedClaims(), tracker([], slots))
    assert "資遣費 48,750 元" in ask["text"]
    assert {"title": "用試算的資遣費 48,750 元", "payload": "用試算的資遣費"} in ask["buttons"]
    _, [ask] = await run(ActionAskMedClaims(), tracker([], {**slots, "med_disputes": ["overtime"]}))
    assert "試算" not in ask["text"]


async def test_validation_reads_reasks_and_cancels():
    form = ValidateMediationForm()
    events, said = await run(form, tracker(answer("med_phone", "0912345678"),
                                           {**FILLED, "med_phone": "0912345678", "requested_slot": "med_phone"}))
    assert slot_values(events)["med_phone"] == "0912345678"
    events, said = await run(form, tracker(answer("med_phone", "我不知道"),
                                           {**FILLED, "med_phone": "我不知道", "requested_slot": "med_phone"}))
    assert slot_values(events)["med_phone"] is None and "電話格式" in said[0]["text"]
    # facts that mention 取消 are facts; 「取消」 alone cancels
    facts = "公司取消我的加班費，還叫我走人"
    events, _ = await run(form, tracker(answer("med_facts", facts), {**FILLED, "med_facts": facts}))
    assert slot_values(events)["med_facts"] == facts
    events, _ = await run(form, tracker(answer("med_facts", "取消"), {**FILLED, "med_facts": "取消"}))
    assert slot_values(events)["med_cancelled"] is True
    assert slot_values(events)["requested_slot"] is None  # the form ends


async def test_other_needs_its_description_and_edit_asks_again():
    form = ValidateMediationForm()
    slots = {**FILLED, "med_disputes": "7", "med_other": None, "med_confirm": None}
    events, _ = await run(form, tracker(answer("med_disputes", "7"), slots))
    assert slot_values(events)["med_disputes"] == ["other"]
    domain_slots = list(SLOTS)
    with_other = await form.required_slots(domain_slots, CollectingDispatcher(),
                                           tracker([], {**FILLED, "med_disputes": ["other"]}), DOMAIN)
    without = await form.required_slots(domain_slots, CollectingDispatcher(), tracker([], FILLED), DOMAIN)
    assert "med_other" in with_other and "med_other" not in without
    events, _ = await run(form, tracker(answer("med_confirm", "修改雇主"), {**FILLED, "med_confirm": "修改雇主"}))
    values = slot_values(events)
    assert values["med_employer"] is None and values["med_confirm"] is None
    assert values["requested_slot"] == "med_employer"


async def test_the_summary_shows_the_answers_and_the_documents():
    _, [summary] = await run(ActionAskMedConfirm(), tracker([], FILLED))
    for part in ("王小明", "0912-345-678", "好運餐飲", "積欠工資、資遣費", "資遣費 48,750 元", "指派調解人", "薪資單"):
        assert part in summary["text"]
    assert [b["payload"] for b in summary["buttons"]][0] == "確認送出"


async def test_submit_files_a_mediation_case_and_links_the_pdf(database):
    events, [message] = await run(ActionSubmitMediation(), tracker([], FILLED, sender="line:Ufile"))
    meta = message["custom"]["meta"]
    case_id = meta["case_id"]
    assert meta["kind"] == "mediation_filed" and f"案件編號 #{case_id}" in message["text"]
    assert "臺南市政府勞工局" not in message["text"] or "永華市政中心" in message["text"]
    link = f"https://bot.example.tw/mediation/{case_id}.pdf?t={pdf_token(SECRET, case_id, 'line:Ufile')}"
    assert meta["pdf"] == link and link in message["text"]
    assert all(value is None for value in slot_values(events).values())
    with database.session() as s:
        case = s.get(Case, case_id)
        assert case.kind == MEDIATION and case.contact == "0912-345-678"
        data = s.get(MediationApplication, case_id).data
        assert data["employer"]["representative"] == "" and data["claims"][0]["source"] == "calculator"
        assert data["consent_at"]


async def test_cancelled_or_refused_keeps_nothing(database):
    for slots in ({**FILLED, "med_consent": False}, {**FILLED, "med_cancelled": True}):
        _, [message] = await run(ActionSubmitMediation(), tracker([], slots, sender="line:Unone"))
        assert "不會保存" in message["text"]
    with database.session() as s:
        assert s.query(Case).count() == 0


def test_the_domain_declares_the_form_slots_and_actions():
    assert DOMAIN["forms"]["mediation_form"]["required_slots"] == list(SLOTS)
    assert {"action_start_mediation", "action_submit_mediation", "validate_mediation_form"} <= set(DOMAIN["actions"])
    rules = yaml.safe_load((PROJECT_ROOT / "bot" / "data" / "rules" / "mediation.yml").read_text("utf-8"))
    assert rules["rules"][1]["steps"][-1] == {"action": "action_submit_mediation"}
    nlu = yaml.safe_load((PROJECT_ROOT / "bot" / "data" / "nlu" / "mediation.yml").read_text("utf-8"))
    examples = [line for line in nlu["nlu"][0]["examples"].splitlines() if line.strip()]
    assert nlu["nlu"][0]["intent"] == "apply_mediation" and len(examples) >= 15


def test_a_question_about_mediation_is_not_a_request_to_start():
    from actions.mediation import asks_about_mediation

    for question in ("可以線上申請勞資調解嗎", "跟老闆吵資遣費 要怎麼申請調解", "申請調解要帶什麼？"):
        assert asks_about_mediation(question)
    for request in ("我要申請調解", "幫我申請勞資爭議調解", "/apply_mediation"):
        assert not asks_about_mediation(request)


async def test_a_question_is_answered_and_the_form_offered(monkeypatch):
    import actions.knowledge

    monkeypatch.setattr(actions.knowledge, "knowledge_base", lambda: None)  # the answer's content is not tested here
    events, said = await run(ActionStartMediation(), tracker([user("可以線上申請勞資調解嗎", "apply_mediation")], {}))
    assert not any(e.get("event") == "followup" for e in events)
    assert said[-1]["buttons"] == [{"title": "線上申請調解", "payload": "/apply_mediation"}]


async def test_the_notice_says_what_is_kept_and_for_how_long(monkeypatch):
    from actions.mediation import ActionAskMedConsent

    monkeypatch.setenv("LABOURBOT_RETENTION_DAYS", "90")
    action_settings.cache_clear()
    _, [notice] = await run(ActionAskMedConsent(), tracker([], {}))
    assert "保存 90 天後刪除" in notice["text"] and "電話" in notice["text"]
    assert [b["payload"] for b in notice["buttons"]] == ["同意", "不同意"]
