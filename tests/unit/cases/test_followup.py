"""Occupational-injury follow-up (cases/followup.py): three check-ins scheduled in the outbox, answers on
the case, the visit flag, and a stop that cancels what was not sent yet."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from cases import followup as fu
from cases.models import CLOSED, INJURY, PENDING, SENT, SKIPPED, Case, CaseMessage, OutboxMessage
from cases.office_hours import TAIPEI
from cases.outbox import OutboxWorker

pytestmark = pytest.mark.cases

START = datetime(2026, 12, 7, 16, 30, tzinfo=TAIPEI)


def _start(store, sender: str = "line:Uinjured") -> int:
    with store.session() as session:
        case, opened = fu.start(session, sender, now=START, summary="搬貨時扭傷腰")
        assert opened
        return case.id


def test_three_checkins_are_scheduled_at_ten_on_days_3_14_30(case_store):
    case_id = _start(case_store)
    with case_store.read() as session:
        case = session.get(Case, case_id)
        assert case.kind == INJURY and case.is_open
        checkins = fu.checkins_of(session, case_id)
        assert [c.due_at.astimezone(TAIPEI) for c in checkins] == [
            datetime(2026, 12, 10, 10, 0, tzinfo=TAIPEI),
            datetime(2026, 12, 21, 10, 0, tzinfo=TAIPEI),
            datetime(2027, 1, 6, 10, 0, tzinfo=TAIPEI),
        ]
        rows = [session.get(OutboxMessage, c.outbox_id) for c in checkins]
        assert all(r.kind == fu.CHECKIN_KIND and r.status == PENDING and r.address == "Uinjured" for r in rows)
        assert [r.next_attempt_at for r in rows] == [c.due_at for c in checkins]
        # every check-in has its answers and a way to stop
        for row, step in zip(rows, fu.STEPS):
            payloads = [b["payload"] for b in row.payload["buttons"]]
            assert payloads[-1] == fu.STOP_PAYLOAD
            assert len(payloads) == len(step.answers) + 1


def test_day_14_checkin_states_the_wage_compensation_rule_of_article_59():
    """勞動基準法第59條第2款: 醫療中不能工作時，雇主應按其原領工資數額予以補償."""
    text = fu.STEPS[1].text
    assert "原領工資" in text and "勞動基準法第59條" in text
    assert [s.days for s in fu.STEPS] == [3, 14, 30]


def test_a_second_start_returns_the_open_followup(case_store):
    case_id = _start(case_store)
    with case_store.session() as session:
        again, opened = fu.start(session, "line:Uinjured", now=START)
        assert not opened and again.id == case_id


def test_web_chat_cannot_be_followed_up(case_store):
    with case_store.session() as session, pytest.raises(fu.FollowupError, match="LINE"):
        fu.start(session, "web:xyz", now=START)


def test_an_answer_goes_on_the_case_and_need_help_flags_a_visit(case_store):
    case_id = _start(case_store)
    with case_store.read() as session:
        first, second, _ = (c.id for c in fu.checkins_of(session, case_id))
    with case_store.session() as session:
        assert not fu.record_answer(session, "line:Uinjured", first, "better", now=START).needs_visit
        assert fu.record_answer(session, "line:Uinjured", second, "not_paid", now=START).needs_visit
    with case_store.read() as session:
        thread = [m.text for m in session.scalars(select(CaseMessage).where(CaseMessage.case_id == case_id,
                                                                           CaseMessage.author == "user"))]
        assert thread == ["第 3 天關懷回覆：好多了", "第 14 天關懷回覆：公司沒有補償"]
        assert [c.id for c in fu.needing_visit(session)] == [case_id]
        assert session.get(Case, case_id).priority == "high"


def test_someone_else_cannot_answer_a_checkin(case_store):
    case_id = _start(case_store)
    with case_store.read() as session:
        first = fu.checkins_of(session, case_id)[0].id
    with case_store.session() as session, pytest.raises(fu.FollowupError):
        fu.record_answer(session, "line:Ustranger", first, "better", now=START)
    with case_store.session() as session, pytest.raises(fu.FollowupError, match="按鈕"):
        fu.record_answer(session, "line:Uinjured", first, "no-such-answer", now=START)


def test_stop_skips_unsent_checkins_and_closes_the_case(case_store):
    case_id = _start(case_store)
    with case_store.session() as session:  # the first check-in already went out
        first = fu.checkins_of(session, case_id)[0]
        session.get(OutboxMessage, first.outbox_id).status = SENT
    with case_store.session() as session:
        assert fu.stop(session, "line:Uinjured", now=START).id == case_id
    with case_store.read() as session:
        statuses = [session.get(OutboxMessage, c.outbox_id).status for c in fu.checkins_of(session, case_id)]
        assert statuses == [SENT, SKIPPED, SKIPPED]
        assert session.get(Case, case_id).status == CLOSED
    with case_store.session() as session:
        assert fu.stop(session, "line:Uinjured", now=START) is None  # nothing left to stop


def test_checkins_go_out_only_when_due(case_store, case_settings):
    _start(case_store)

    class LineOnly:
        def can_send(self, destination: str) -> bool:
            return destination == "line"

        async def send(self, message) -> None:  # pragma: no cover - claim() is all this test runs
            raise AssertionError

    worker = OutboxWorker(case_store, case_settings, LineOnly())
    assert worker.claim(now=datetime(2026, 12, 10, 9, 59, tzinfo=TAIPEI)) == []
    due = worker.claim(now=datetime(2026, 12, 10, 10, 0, tzinfo=TAIPEI))
    assert [c.kind for c in due] == [fu.CHECKIN_KIND]
    assert "恢復" in due[0].message.text
