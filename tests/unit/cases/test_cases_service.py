"""Case operations on a real database (SQLite here, PostgreSQL under DATABASE_URL in .ci/run)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cases.models import Case, CaseMessage, ConsoleSession, OutboxMessage, PendingMessage, utcnow
from cases.service import (
    CaseDraft,
    CaseError,
    CaseFilter,
    Forbidden,
    TranscriptLine,
    add_note,
    assign,
    authenticate,
    can_open,
    close_case,
    console_session_user,
    create_console_session,
    fetch_pending,
    list_cases,
    open_case,
    purge,
    record_rating,
    route_user_message,
    split_sender,
    staff_reply,
)

pytestmark = pytest.mark.cases


def draft(sender: str = "line:U1", **kw) -> CaseDraft:
    lines = [TranscriptLine("user", "老闆不給加班費"), TranscriptLine("bot", "依勞動基準法第24條…"),
             TranscriptLine("user", "［按鈕：找真人］")]
    return CaseDraft(sender=sender, topic=kw.pop("topic", "overtime"), summary="老闆不給加班費",
                     transcript=lines, **kw)


def test_sender_ids_name_the_channel():
    assert split_sender("line:Uabc") == ("line", "Uabc")
    assert split_sender("telegram:123") == ("telegram", "123")
    assert split_sender("web:w-xyz") == ("web", "w-xyz")
    assert split_sender("cli-abc") == ("rest", "cli-abc")


def test_opening_a_case_writes_case_transcript_and_staff_notification_together(case_store):
    with case_store.session() as s:
        case, created = open_case(s, draft(contact="0912-345-678 平日下午"))
        case_id = case.id
    assert created
    with case_store.session() as s:
        case = s.get(Case, case_id)
        assert (case.status, case.channel, case.channel_user, case.topic) == ("waiting", "line", "U1", "overtime")
        assert case.consent_at is not None and case.contact == "0912-345-678 平日下午"
        assert [m.text for m in case.messages] == ["老闆不給加班費", "依勞動基準法第24條…", "［按鈕：找真人］"]
        assert all(m.part == "transcript" for m in case.messages)
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case_id)).all()
        assert [(r.kind, r.destination, r.status) for r in rows] == [("staff_alert", "staff", "pending")]


def test_a_failure_inside_the_transaction_leaves_nothing_behind(case_store):
    with pytest.raises(RuntimeError):
        with case_store.session() as s:
            open_case(s, draft("web:rollback"))
            raise RuntimeError("crash before commit")
    with case_store.session() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert s.scalar(select(func.count()).select_from(CaseMessage)) == 0


def test_one_open_case_per_conversation_even_when_opened_concurrently(case_store):
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        try:
            barrier.wait()
            with case_store.session() as s:
                case, created = open_case(s, draft("telegram:42"))
                results.append((case.id, created))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({case_id for case_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    with case_store.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_danger_raises_an_open_case_to_high_priority_and_alerts_staff_again(case_store):
    with case_store.session() as s:
        case, _ = open_case(s, draft("line:U2"))
        case_id = case.id
    with case_store.session() as s:
        again, created = open_case(s, CaseDraft(sender="line:U2", reason="danger", priority="high",
                                                transcript=[TranscriptLine("user", "我不想活了")]))
        assert not created and again.id == case_id and again.priority == "high"
    with case_store.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 2
        assert s.get(Case, case_id).messages[-1].text == "我不想活了"


def test_bad_drafts_are_refused(case_store):
    with case_store.session() as s, pytest.raises(CaseError):
        open_case(s, CaseDraft(sender="web:x", topic="not-a-topic"))


def test_staff_rights_on_cases(case_store, make_staff):
    alice, bob = make_staff("alice"), make_staff("bob")
    boss = make_staff("boss", "admin")
    with case_store.session() as s:
        case_id = open_case(s, draft("web:w-rights"))[0].id
    with case_store.session() as s:
        case = s.get(Case, case_id)
        assert can_open(alice, case) and can_open(bob, case)
        assign(s, case_id, alice)
    with case_store.session() as s:
        case = s.get(Case, case_id)
        assert can_open(alice, case) and can_open(boss, case) and not can_open(bob, case)
    for action in (lambda s: staff_reply(s, case_id, bob, "hi"), lambda s: assign(s, case_id, bob),
                   lambda s: add_note(s, case_id, bob, "x"), lambda s: close_case(s, case_id, bob)):
        with pytest.raises(Forbidden), case_store.session() as s:
            action(s)
    with case_store.session() as s:
        assign(s, case_id, boss)  # an admin may take over
        assert s.get(Case, case_id).assigned_to == boss.id


def test_staff_reply_goes_to_the_users_channel(case_store, make_staff):
    alice = make_staff("alice")
    with case_store.session() as s:
        line_id = open_case(s, draft("line:Uline"))[0].id
        web_id = open_case(s, draft("web:w-webuser1"))[0].id
    with case_store.session() as s:
        staff_reply(s, line_id, alice, "您好，我是勞工局的王小姐")
        staff_reply(s, web_id, alice, "網頁的民眾您好")
    with case_store.session() as s:
        pushed = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "staff_reply")).all()
        assert [(r.destination, r.address) for r in pushed] == [("line", "Uline")]
        assert pushed[0].payload["text"].endswith("您好，我是勞工局的王小姐")
        assert s.get(Case, line_id).status == "assigned"  # replying takes the case
        assert s.scalar(select(func.count()).select_from(PendingMessage)) == 1
    with case_store.session() as s:
        first = fetch_pending(s, "web:w-webuser1")
    with case_store.session() as s:
        again = fetch_pending(s, "web:w-webuser1")
    assert [m["text"] for m in first] == ["【勞工局同仁】網頁的民眾您好"] and again == []
    with case_store.session() as s, pytest.raises(CaseError):
        staff_reply(s, web_id, alice, "   ")


def test_messages_reach_the_thread_only_while_staff_hold_the_case(case_store, make_staff):
    alice = make_staff("alice")
    with case_store.session() as s:
        case_id = open_case(s, draft("rest:r1"))[0].id
    with case_store.session() as s:
        assert route_user_message(s, "rest:r1", "還在嗎") == (None, False)  # waiting: the bot answers
        assign(s, case_id, alice)
    with case_store.session() as s:
        case, first = route_user_message(s, "rest:r1", "我明天下午有空")
        assert case.id == case_id and first
    with case_store.session() as s:
        case, first = route_user_message(s, "rest:r1", "謝謝")
        assert case.id == case_id and not first
    with case_store.session() as s:
        thread = [m.text for m in s.get(Case, case_id).messages if m.part == "thread" and m.author == "user"]
        assert thread == ["我明天下午有空", "謝謝"]
        close_case(s, case_id, alice)
    with case_store.session() as s:
        assert route_user_message(s, "rest:r1", "新問題") == (None, False)


def test_closing_asks_for_a_score_which_is_stored_once(case_store, make_staff):
    alice = make_staff("alice")
    with case_store.session() as s:
        case_id = open_case(s, draft("telegram:77"))[0].id
    with case_store.session() as s:
        assert record_rating(s, "telegram:77", case_id, 5).startswith("這個評分按鈕已經失效")  # still open
        close_case(s, case_id, alice)
    with case_store.session() as s:
        survey = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "survey")).one()
        assert survey.destination == "telegram" and survey.address == "77"
        assert [b["title"] for b in survey.payload["buttons"]] == ["5 很滿意", "4 滿意", "3 普通", "2 不滿意",
                                                                  "1 很不滿意"]
        assert record_rating(s, "telegram:other", case_id, 4).startswith("這個評分按鈕已經失效")
        assert record_rating(s, "telegram:77", case_id, 9).startswith("這個評分按鈕已經失效")
        assert record_rating(s, "telegram:77", case_id, 4).startswith("謝謝您的評分")
    with case_store.session() as s:
        assert record_rating(s, "telegram:77", case_id, 1) == "這次服務已經評過分了，謝謝您！"
        assert s.get(Case, case_id).rating == 4
        with pytest.raises(CaseError):
            staff_reply(s, case_id, alice, "closed already")


def test_the_list_puts_high_priority_then_the_longest_waiting_first_and_filters(case_store, make_staff):
    alice, bob = make_staff("alice"), make_staff("bob")
    now = utcnow()
    with case_store.session() as s:
        old = open_case(s, draft("web:w-old00001", topic="wages"), now - timedelta(days=2))[0].id
        new = open_case(s, draft("line:Unew"), now - timedelta(minutes=5))[0].id
        urgent = open_case(s, draft("telegram:9", reason="danger", priority="high"), now)[0].id
        mid = open_case(s, draft("line:Umid"), now - timedelta(hours=3))[0].id
        done = open_case(s, draft("line:Udone"), now - timedelta(days=3))[0].id
    with case_store.session() as s:
        assign(s, mid, bob)
        close_case(s, done, alice)
    with case_store.session() as s:
        ids = lambda **kw: [c.id for c in list_cases(s, CaseFilter(**kw), now)]  # noqa: E731
        assert ids(status="open") == [urgent, old, mid, new]
        assert ids(status="open", viewer=alice) == [urgent, old, new]  # bob's case is not listed for alice
        assert ids(status="closed") == [done]
        assert ids(status="open", topic="wages") == [old]
        assert ids(status="open", channel="line") == [mid, new]
        assert ids(status="open", waiting_over=timedelta(hours=1)) == [old, mid]
        assert ids() == [urgent, old, mid, new, done]


def test_purge_deletes_old_cases_with_everything_attached(case_store, make_staff):
    alice = make_staff("alice")
    now = utcnow()
    with case_store.session() as s:
        old = open_case(s, draft("web:w-purge001"), now - timedelta(days=181))[0].id
        keep = open_case(s, draft("web:w-keep0001"), now - timedelta(days=179))[0].id
    with case_store.session() as s:
        staff_reply(s, old, alice, "回覆")
        add_note(s, old, alice, "備註")
        create_console_session(s, alice, timedelta(seconds=-1))
    with case_store.session() as s:
        counts = purge(s, timedelta(days=180), now)
    assert counts["cases"] == 1 and counts["open_cases"] == 1 and counts["sessions"] == 1
    with case_store.session() as s:
        assert [c.id for c in s.scalars(select(Case))] == [keep]
        assert s.scalar(select(func.count()).select_from(CaseMessage).where(CaseMessage.case_id == old)) == 0
        assert s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.case_id == old)) == 0
        assert s.scalar(select(func.count()).select_from(PendingMessage)) == 0
        assert s.scalar(select(func.count()).select_from(ConsoleSession)) == 0


def test_passwords_are_argon2_and_sessions_expire(case_store, make_staff, staff_password):
    alice = make_staff("alice")
    with case_store.session() as s:
        assert authenticate(s, "alice", staff_password).id == alice.id
        assert authenticate(s, "alice", "wrong password!") is None
        assert authenticate(s, "nobody", staff_password) is None
        assert s.get(type(alice), alice.id).password_hash.startswith("$argon2id$")
        live = create_console_session(s, alice, timedelta(hours=1)).id
        dead = create_console_session(s, alice, timedelta(seconds=-1)).id
    with case_store.session() as s:
        assert console_session_user(s, live).id == alice.id
        assert console_session_user(s, dead) is None
        assert console_session_user(s, "made-up") is None
    with case_store.session() as s, pytest.raises(CaseError):
        make_staff("alice")
    for name, role, password in (("x", "staff", staff_password), ("carol", "boss", staff_password),
                                 ("carol", "staff", "short")):
        with pytest.raises(CaseError):
            make_staff(name, role, password)
