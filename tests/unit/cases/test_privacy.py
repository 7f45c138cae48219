"""A person's data on request: `labourbot privacy export --user` hands over everything held about one
conversation (cases with transcript, thread, notes and notifications, pending messages, inbox rows,
Rasa's events) and `labourbot privacy delete --user` deletes it, asking first unless `--yes`; nothing
of anyone else is shown or touched."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Iterator

import pytest
from sqlalchemy import Engine, func, insert, select
from typer.testing import CliRunner

from cases.db import CaseStore, make_engine
from cases.models import CaseNote, InboxEvent, OutboxMessage, PendingMessage, utcnow
from cases.retention import EVENTS
from cases.service import CaseDraft, TranscriptLine, close_case, open_case
from cli.privacy import privacy_app

pytestmark = pytest.mark.cases

PERSON, OTHER, WEB = "telegram:5001", "line:Uother", "web:w-person-0001"
runner = CliRunner()


@pytest.fixture()
def tracker(case_db_url: str) -> Iterator[Engine]:
    engine = make_engine(case_db_url)
    EVENTS.create(engine)
    yield engine
    engine.dispose()


@pytest.fixture()
def held(case_store: CaseStore, tracker: Engine, make_staff, monkeypatch, case_db_url) -> CaseStore:
    """Two cases of PERSON (one closed), one of OTHER and of WEB, with everything around them."""
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    monkeypatch.setenv("LABOURBOT_TRACKER_DATABASE_URL", case_db_url)
    monkeypatch.setenv("LABOURBOT_FIGURES_KEY", "privacy-test-figures-key")  # not the data folder's key file
    staff = make_staff("wang")
    now = utcnow()
    with case_store.session() as s:
        first, _ = open_case(s, CaseDraft(sender=PERSON, summary="身分證 A123456789", transcript=[
            TranscriptLine("user", "老闆欠薪", now), TranscriptLine("bot", "了解", now)]), now - timedelta(days=9))
        s.add(CaseNote(case_id=first.id, staff_id=staff.id, text="已回電"))
        s.flush()
        close_case(s, first.id, staff, now - timedelta(days=8))
        open_case(s, CaseDraft(sender=PERSON, summary="再問一次", contact="0912-345-678"))
        open_case(s, CaseDraft(sender=OTHER, summary="別人的案件"))
        open_case(s, CaseDraft(sender=WEB, summary="網頁"))
        s.add_all([
            OutboxMessage(kind="staff_reply", destination="telegram", address="5001", payload={"text": "您好"}),
            OutboxMessage(kind="staff_reply", destination="line", address="Uother", payload={"text": "別人"}),
            PendingMessage(sender=WEB, kind="staff_reply", payload={"text": "網頁回覆"}),
            InboxEvent(channel="telegram", event_key="1", sender="chat:5001", body="{}", status="done"),
            InboxEvent(channel="line", event_key="2", sender="Uother", body="{}", status="done"),
        ])
    with tracker.begin() as connection:
        connection.execute(insert(EVENTS), [
            {"sender_id": sender, "type_name": "user", "timestamp": 1.0, "data": json.dumps({"text": text})}
            for sender, text in ((PERSON, "我的電話 0912-345-678"), (PERSON, "謝謝"), (OTHER, "別人的話"))])
    return case_store


def export(user: str) -> dict:
    result = runner.invoke(privacy_app, ["export", "--user", user])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_export_holds_everything_about_the_person_and_nothing_else(held):
    data = export(PERSON)
    assert data["sender"] == PERSON
    assert [c["summary"] for c in data["cases"]] == ["身分證 A123456789", "再問一次"]
    first = data["cases"][0]
    assert [m["text"] for m in first["messages"] if m["part"] == "transcript"] == ["老闆欠薪", "了解"]
    assert [n["text"] for n in first["notes"]] == ["已回電"]
    assert {o["kind"] for o in first["outbox"]} >= {"staff_alert", "survey"}
    assert [o["payload"] for o in data["outbox"]] == [{"text": "您好"}]
    assert [(e["channel"], e["sender"]) for e in data["inbox_events"]] == [("telegram", "chat:5001")]
    assert [e["text"] for e in data["tracker_events"]] == ["我的電話 0912-345-678", "謝謝"]
    assert "別人" not in json.dumps(data, ensure_ascii=False)
    web = export(WEB)
    assert [p["payload"] for p in web["pending_messages"]] == [{"text": "網頁回覆"}]


def test_delete_asks_first_then_deletes_only_the_person(held):
    before = export(PERSON)
    refused = runner.invoke(privacy_app, ["delete", "--user", PERSON], input="n\n")
    assert refused.exit_code == 1 and "未刪除" in refused.output
    again = export(PERSON)
    assert {**again, "exported_at": None} == {**before, "exported_at": None}, "nothing deleted"

    done = runner.invoke(privacy_app, ["delete", "--user", PERSON], input="y\n")
    assert done.exit_code == 0, done.output
    assert "已刪除 2 件案件" in done.output and "2 筆 Rasa 對話事件" in done.output
    after = export(PERSON)
    assert (after["cases"], after["outbox"], after["inbox_events"], after["tracker_events"]) == ([], [], [], [])
    other = export(OTHER)
    assert len(other["cases"]) == 1 and len(other["inbox_events"]) == 1 and len(other["tracker_events"]) == 1
    with held.read() as s:
        assert s.scalar(select(func.count()).select_from(CaseNote)) == 0


def test_delete_with_yes_does_not_ask_and_an_unknown_person_has_nothing(held):
    done = runner.invoke(privacy_app, ["delete", "--user", WEB, "--yes"])
    assert done.exit_code == 0 and "已刪除 1 件案件" in done.output and "1 則待取訊息" in done.output
    assert export(WEB)["pending_messages"] == []
    nobody = runner.invoke(privacy_app, ["delete", "--user", "rest:nobody"])
    assert nobody.exit_code == 0 and "沒有這個對話的資料" in nobody.output


def test_the_persons_figures_rows_are_exported_and_deleted_by_their_keyed_hash(held, monkeypatch):
    from figures.models import MessageEvent, UnansweredQuestion
    from figures.record import conversation_hash

    key = b"privacy-test-figures-key"  # the fixture's LABOURBOT_FIGURES_KEY
    with held.session() as s:
        for sender, text in ((PERSON, "老闆說要扣我 *** 的薪水"), (OTHER, "別人的問題")):
            h = conversation_hash(key, sender)
            s.add(MessageEvent(channel="telegram", conversation=h, kind="did_you_mean"))
            s.add(UnansweredQuestion(channel="telegram", conversation=h, reason="not_sure", text=text, offered=[]))
    data = export(PERSON)
    assert [q["text"] for q in data["figures"]["unanswered_questions"]] == ["老闆說要扣我 *** 的薪水"]
    assert data["figures"]["message_events"] == 1
    done = runner.invoke(privacy_app, ["delete", "--user", PERSON, "--yes"])
    assert done.exit_code == 0 and "1 則待改進問題" in done.output and "1 筆統計紀錄" in done.output
    assert export(PERSON)["figures"] == {"unanswered_questions": [], "message_events": 0}
    assert [q["text"] for q in export(OTHER)["figures"]["unanswered_questions"]] == ["別人的問題"]
