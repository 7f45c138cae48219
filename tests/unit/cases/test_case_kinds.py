"""The case kinds beside the question handoff: staff alerts say what kind of case came in, and a person's
data export carries what each kind keeps (mediation application, bookings, injury check-ins)."""

from __future__ import annotations

from datetime import datetime

import pytest
from test_mediation import application

from cases import booking as bk
from cases import followup as fu
from cases.mediation import submit
from cases.models import Case
from cases.office_hours import TAIPEI
from cases.outbox import staff_alert_text
from cases.privacy import export_person

pytestmark = pytest.mark.cases

MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=TAIPEI)


def test_a_mediation_alert_names_the_application_not_a_request_for_a_person(case_store):
    with case_store.session() as session:
        case, created = submit(session, "line:Ukinds", application())
        assert created
        text = staff_alert_text(case, "")
    assert "調解申請" in text and "民眾要求真人" not in text


def test_a_question_alert_still_gives_the_reason(case_store):
    case = Case(id=7, kind="question", reason="request_human", topic="wages", channel="line", priority="normal")
    assert "民眾要求真人" in staff_alert_text(case, "")


def test_the_export_of_a_person_holds_every_kind_of_case(case_store):
    sender = "line:Ueverything"
    with case_store.session() as session:
        submit(session, sender, application())
        bk.add_schedule(session, weekday=3, start="14:00", duration_min=60, place="永華", lawyer="陳律師",
                        capacity=2, now=MONDAY)
    with case_store.session() as session:
        first = bk.free_sessions(session, now=MONDAY)[0].id
        bk.book(session, sender, first, now=MONDAY)
        fu.start(session, sender, now=MONDAY)
    export = export_person(case_store, sender, None)
    by_kind = {c["kind"]: c for c in export["cases"]}
    assert set(by_kind) == {"mediation", "booking", "injury"}
    assert by_kind["mediation"]["mediation_application"]["data"]["employer"]["name"] == "好運餐飲有限公司"
    assert [b["session_id"] for b in by_kind["booking"]["bookings"]] == [first]
    assert [c["step"] for c in by_kind["injury"]["injury_checkins"]] == [0, 1, 2]
