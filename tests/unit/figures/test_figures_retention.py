"""The retention sweep deletes unanswered questions with the case data and message events after two years."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from cases.models import utcnow
from cases.retention import EVENTS_KEEP_DAYS, purge_cases_job
from figures.models import MessageEvent, UnansweredQuestion

pytestmark = pytest.mark.cases


def test_questions_go_with_the_case_data_and_events_after_two_years(case_store):
    now = utcnow()
    with case_store.session() as session:
        for days in (10, 200, 700, 740):
            at = now - timedelta(days=days)
            session.add(MessageEvent(at=at, channel="line", conversation=f"c{days}", kind="kb_answer", topic="other",
                                     intent=""))
            session.add(UnansweredQuestion(at=at, channel="line", conversation=f"c{days}", reason="not_sure",
                                           text=f"q{days}", offered=[]))
    counts = purge_cases_job(case_store, retention_days=180)(now)
    assert counts["unanswered_questions"] == 3 and counts["message_events"] == 1
    assert EVENTS_KEEP_DAYS == 730
    with case_store.read() as session:
        assert sorted(session.scalars(select(UnansweredQuestion.text))) == ["q10"]
        assert sorted(session.scalars(select(MessageEvent.conversation))) == ["c10", "c200", "c700"]
