"""figures/compute.py on a scripted set of events and cases whose figures are known (SQLite, and
PostgreSQL under .ci/run): Taipei days and weeks, shares, first staff reply, quiz, "<5"."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from cases.models import Case, CaseMessage
from figures.compute import bounds, compute, parse_range, percentile, rows, share, shown, to_csv
from figures.models import MessageEvent

pytestmark = pytest.mark.cases

UTC = timezone.utc
# 2026-12-01 is a Tuesday; 16:30 UTC on 11-30 is 00:30 on 12-01 in Taipei.
T0 = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
SINCE, UNTIL = date(2026, 12, 1), date(2026, 12, 7)


def event(at, who, kind, channel="line", topic="other", **kw):
    return MessageEvent(at=at, channel=channel, conversation=who, kind=kind, topic=topic, intent="", **kw)


def scripted(session):
    """12 people on 12-01 (8 LINE, 4 web), 6 on 12-02; known kinds; 3 events outside the range."""
    rows = []
    for i in range(8):  # LINE: a KB answer each; 0-5 also tap 有幫助 on overtime-pay
        rows.append(event(T0 + timedelta(minutes=i), f"p{i}", "kb_answer", topic="overtime", entry_id="overtime-pay"))
        if i < 6:
            rows.append(event(T0 + timedelta(minutes=30 + i), f"p{i}", "feedback", entry_id="overtime-pay",
                              detail={"helpful": True}))
    rows.append(event(T0 + timedelta(hours=1), "p0", "feedback", entry_id="overtime-pay", detail={"helpful": False}))
    for i in range(4):  # web: not sure, then a handoff for two of them
        rows.append(event(T0 + timedelta(hours=2, minutes=i), f"w{i}", "did_you_mean", channel="web", topic="wages"))
    for i in range(2):
        rows.append(event(T0 + timedelta(hours=3, minutes=i), f"w{i}", "handoff", channel="web", topic="wages"))
    day2 = T0 + timedelta(days=1)
    for i in range(6):  # quiz on 12-02: six takers, q01 answered by all, right by five; four finish
        who = f"s{i}"
        rows.append(event(day2, who, "quiz", channel="web", detail={"start": True}))
        rows.append(event(day2 + timedelta(minutes=1), who, "quiz", channel="web",
                          detail={"question": "q01", "correct": i != 0}))
        if i < 4:
            rows.append(event(day2 + timedelta(minutes=2), who, "quiz", channel="web",
                              detail={"question": "q02", "correct": True, "finished": True, "score": 1 + i,
                                      "answered": 2}))
    rows.append(event(T0 - timedelta(minutes=31), "early", "kb_answer"))  # 11-30 23:59 Taipei: outside
    rows.append(event(T0 + timedelta(days=7, minutes=-30), "late", "kb_answer"))  # 12-08 00:00 Taipei: outside
    rows.append(event(T0 + timedelta(days=7) - timedelta(minutes=31), "last", "not_answered", channel="telegram"))
    session.add_all(rows)
    # Cases: five normal ones on 12-01 answered after 10, 20, 30, 40, 100 minutes; one high on 12-08 (outside);
    # two of the five closed on 12-03.
    for i, minutes in enumerate((10, 20, 30, 40, 100)):
        created = T0 + timedelta(hours=4, minutes=i)
        case = Case(channel="web", channel_user=f"u{i}", sender=f"web:u{i}", created_at=created, priority="normal",
                    status="closed" if i < 2 else "assigned",
                    closed_at=created + timedelta(days=2) if i < 2 else None)
        session.add(case)
        session.flush()
        session.add_all([
            CaseMessage(case_id=case.id, part="transcript", author="bot", text="t", created_at=created),
            CaseMessage(case_id=case.id, part="thread", author="user", text="u", created_at=created + timedelta(minutes=1)),
            CaseMessage(case_id=case.id, part="thread", author="staff", text="s",
                        created_at=created + timedelta(minutes=minutes)),
            CaseMessage(case_id=case.id, part="thread", author="staff", text="s2",
                        created_at=created + timedelta(minutes=minutes + 5)),
        ])
    session.add(Case(channel="line", channel_user="x", sender="line:x", priority="high", created_at=T0 + timedelta(days=7)))


@pytest.fixture()
def figures(case_store):
    with case_store.session() as session:
        scripted(session)
    with case_store.read() as session:
        return compute(session, SINCE, UNTIL)


def test_counts_per_day_week_channel_and_topic(figures):
    # 8 kb + 7 feedback + 4 dym + 2 handoff (12-01) + 6 + 6 + 4 quiz (12-02) + 1 telegram (12-07)
    assert figures.messages == 21 + 16 + 1
    assert figures.conversations == 8 + 4 + 6 + 1
    assert figures.per_day["2026-12-01"] == {"messages": 21, "conversations": 12}
    assert figures.per_day["2026-12-02"] == {"messages": 16, "conversations": 6}
    assert figures.per_day["2026-12-07"] == {"messages": 1, "conversations": 1}
    assert figures.per_day_channel["2026-12-01"] == {"line": 15, "web": 6}
    # 12-01..12-06 are in the week of Monday 11-30; 12-07 is a Monday.
    assert figures.per_week == {"2026-11-30": {"messages": 37, "conversations": 18},
                                "2026-12-07": {"messages": 1, "conversations": 1}}
    assert figures.by_channel["telegram"] == {"messages": 1, "conversations": 1}
    assert figures.by_topic["wages"] == {"messages": 6, "conversations": 4}


def test_answers_services_handoff_and_feedback(figures):
    public = figures.public()
    answers = public["answers"]
    assert answers["questions"] == 13 and answers["kb_answer"] == 8 and answers["did_you_mean"] == "<5"
    assert answers["not_answered"] == "<5"
    assert answers["kb_answer_share"] == round(8 / 13, 3) and answers["did_you_mean_share"] is None
    assert public["services"]["quiz"] == {"messages": 16, "conversations": 6}
    assert public["services"]["calculator"] == {"messages": 0, "conversations": 0}
    assert figures.handoff_conversations == 2 and public["handoff"]["conversations"] == "<5"
    assert public["handoff"]["rate"] is None  # 2 of 19: a part under five is not shown as a share
    assert public["feedback"] == [{"entry_id": "overtime-pay", "helpful": 6, "not_helpful": "<5",
                                   "helpful_share": None}]
    assert figures.feedback == {"overtime-pay": {"helpful": 6, "not_helpful": 1}}


def test_first_staff_reply_and_cases_per_week_by_priority(figures):
    assert sorted(figures.first_reply_minutes) == [10, 20, 30, 40, 100]
    handoff = figures.public()["handoff"]
    assert handoff["first_reply_median_min"] == 30.0
    assert handoff["first_reply_p90_min"] == 76.0  # between 40 and 100 at rank 3.6
    assert handoff["cases_opened"] == 5 and handoff["cases_by_priority"] == {"normal": 5, "high": 0}
    weeks = figures.public()["cases_per_week"]
    assert {"week": "2026-11-30", "priority": "normal", "opened": 5, "closed": "<5"} in weeks
    assert {"week": "2026-12-07", "priority": "high", "opened": 0, "closed": 0} in weeks
    assert figures.cases_per_week["2026-11-30"]["normal"] == {"opened": 5, "closed": 2}


def test_quiz_takers_and_scores_by_question(figures):
    quiz = figures.public()["quiz"]
    assert quiz["takers"] == 6 and quiz["rounds_finished"] == "<5" and quiz["average_score"] is None
    assert figures.quiz_scores == [1, 2, 3, 4]
    assert quiz["questions"] == [
        {"question": "q01", "answered": 6, "correct": 5, "correct_share": None},
        {"question": "q02", "answered": "<5", "correct": "<5", "correct_share": None},
    ]


def test_an_empty_range_is_all_zeros(case_store):
    with case_store.read() as session:
        public = compute(session, date(2020, 1, 1), date(2020, 1, 3)).public()
    assert public["messages"] == 0 and len(public["per_day"]) == 3 and public["by_topic"] == {}
    assert public["handoff"]["first_reply_median_min"] is None


def test_suppression_and_shares():
    assert [shown(n) for n in (0, 1, 4, 5, 120)] == [0, "<5", "<5", 5, 120]
    assert share(0, 10) == 0.0 and share(3, 10) is None and share(5, 4) is None and share(5, 10) == 0.5
    assert share(6, 7) is None and share(10, 10) == 1.0
    assert percentile([1, 2, 3, 4], 50) == 2.5 and percentile([], 50) is None


def test_taipei_bounds_and_range_parsing():
    start, end = bounds(date(2026, 12, 1), date(2026, 12, 1))
    assert start == datetime(2026, 11, 30, 16, tzinfo=UTC) and end == datetime(2026, 12, 1, 16, tzinfo=UTC)
    assert parse_range("2026-12-01", "2026-12-07") == (date(2026, 12, 1), date(2026, 12, 7))
    assert parse_range(None, "2026-12-07", default_days=7) == (date(2026, 12, 1), date(2026, 12, 7))
    for bad in (("2026-12-08", "2026-12-01"), ("12/01/2026", None), ("2020-01-01", "2026-01-01")):
        with pytest.raises(ValueError):
            parse_range(*bad)


def test_the_csv_has_one_row_per_public_number(figures):
    public = figures.public()
    found = {(f, i): v for f, i, v in rows(public)}
    assert found[("messages", "")] == 38 and found[("per_day", "2026-12-01.by_channel.web")] == 6
    assert found[("feedback", "overtime-pay.not_helpful")] == "<5"
    assert found[("cases_per_week", "2026-11-30.normal.opened")] == 5
    assert found[("quiz", "questions.q01.correct")] == 5
    text = to_csv(public)
    assert text.splitlines()[0] == "figure,item,value" and "messages,,38" in text.splitlines()
