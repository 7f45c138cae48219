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
    acknowledge_failed_alerts,
    fetch_pending,
    thread_deliveries,
    undelivered_case_ids,
    unseen_failed_alerts,
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
        again = fetch_pending(s, "web:w-webuser1")  # no cursor: nothing was acknowledged
    assert [m["text"] for m in first] == ["【勞工局同仁】網頁的民眾您好"] and again == first
    with case_store.session() as s:
        assert fetch_pending(s, "web:w-webuser1", after=first[0]["id"]) == []
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


def test_a_poll_whose_response_was_lost_gets_the_message_again(case_store, make_staff):
    """The page showed message A (its cursor); staff write B; the poll that carries B never reaches the
    phone, so the page polls again with the same cursor: B comes again, and only the poll after it
    (cursor B) acknowledges it."""
    alice = make_staff("alice")
    with case_store.session() as s:
        case_id = open_case(s, draft("web:w-lostpoll1"))[0].id
        staff_reply(s, case_id, alice, "A")
    with case_store.session() as s:
        [a] = fetch_pending(s, "web:w-lostpoll1")
        staff_reply(s, case_id, alice, "B")
    with case_store.session() as s:
        lost = fetch_pending(s, "web:w-lostpoll1", after=a["id"])
    with case_store.session() as s:
        again = fetch_pending(s, "web:w-lostpoll1", after=a["id"])
    assert [m["text"] for m in lost] == [m["text"] for m in again] == ["【勞工局同仁】B"]
    b = again[0]["id"]
    assert b > a["id"] and again[0]["kind"] == "staff_reply" and again[0]["case_id"] == case_id
    with case_store.session() as s:
        assert fetch_pending(s, "web:w-lostpoll1", after=b) == []
        fetched = dict(s.execute(select(PendingMessage.id, PendingMessage.fetched_at)).tuples().all())
    assert fetched[a["id"]] is not None and fetched[b] is not None
    with case_store.session() as s:
        assert fetch_pending(s, "web:w-other0001", after=0) == []  # another user's cursor sees nothing


def test_pending_messages_expire_after_seven_days(case_store, make_staff):
    alice = make_staff("alice")
    now = utcnow()
    with case_store.session() as s:
        case_id = open_case(s, draft("rest:expiring"), now - timedelta(days=9))[0].id
        old = staff_reply(s, case_id, alice, "舊的", now - timedelta(days=8)).id
        new = staff_reply(s, case_id, alice, "新的", now - timedelta(days=1)).id
    with case_store.session() as s:
        assert [m["text"] for m in fetch_pending(s, "rest:expiring", now=now)] == ["【勞工局同仁】新的"]
        assert [m["text"] for m in fetch_pending(s, "rest:expiring", after=0, now=now)] == ["【勞工局同仁】新的"]
        assert {k: v.state for k, v in thread_deliveries(s, case_id, now).items()} == {old: "expired",
                                                                                    new: "unread"}
        fetch_pending(s, "rest:expiring", after=10**6, now=now)  # acknowledges what was handed out only
    with case_store.session() as s:
        states = {k: v.state for k, v in thread_deliveries(s, case_id, now).items()}
        assert states == {old: "expired", new: "read"}
        assert undelivered_case_ids(s, [case_id], now) == {case_id}


def test_each_staff_reply_shows_where_it_is(case_store, make_staff):
    alice = make_staff("alice")
    with case_store.session() as s:
        line_id = open_case(s, draft("line:Ustatus"))[0].id
        web_id = open_case(s, draft("web:w-status01"))[0].id
    with case_store.session() as s:
        replies = [staff_reply(s, line_id, alice, f"第 {n} 則").id for n in range(4)]
        web_reply = staff_reply(s, web_id, alice, "網頁").id
    with case_store.session() as s:
        rows = {m.id: s.get(OutboxMessage, m.outbox_id) for m in s.scalars(
            select(CaseMessage).where(CaseMessage.id.in_(replies)))}
        assert all(row is not None and row.kind == "staff_reply" for row in rows.values())
        rows[replies[1]].attempts, rows[replies[1]].last_error = 2, "LINE 500 "
        rows[replies[2]].status, rows[replies[2]].last_error = "failed", "LINE 400 The user blocked the bot"
        rows[replies[3]].status = "sent"
    with case_store.session() as s:
        line = thread_deliveries(s, line_id)
        web = thread_deliveries(s, web_id)
        assert undelivered_case_ids(s, [line_id, web_id]) == {line_id}
        assert [c.id for c in list_cases(s, CaseFilter(undelivered=True))] == [line_id]
    assert [line[m].label for m in replies] == ["傳送中", "傳送中（已試 2 次：LINE 500）",
                                                "未送達：LINE 400 The user blocked the bot", "已送達"]
    assert [line[m].state for m in replies] == ["pending", "pending", "failed", "sent"]
    assert web[web_reply].label == "等待對方開啟"
    with case_store.session() as s:
        [item] = fetch_pending(s, "web:w-status01")
        fetch_pending(s, "web:w-status01", after=item["id"])
    with case_store.session() as s:
        assert thread_deliveries(s, web_id)[web_reply].label == "已讀取"


def test_failed_urgent_alerts_are_listed_until_someone_opens_the_case(case_store, make_staff):
    alice, bob, boss = make_staff("alice"), make_staff("bob"), make_staff("boss", "admin")
    with case_store.session() as s:
        urgent = open_case(s, draft("line:Uurgent", reason="danger", priority="high"))[0].id
        normal = open_case(s, draft("line:Unormal"))[0].id
        for case_id, destination in ((urgent, "line"), (urgent, "telegram"), (normal, "line")):
            s.add(OutboxMessage(kind="staff_alert", case_id=case_id, destination=destination, address="g",
                                payload={"case_id": case_id}, status="failed", last_error="LINE 400 bad group"))
    with case_store.session() as s:
        assign(s, urgent, alice)
    with case_store.session() as s:
        assert unseen_failed_alerts(s, boss) == {urgent: 2}  # a normal case's alert is not urgent
        assert unseen_failed_alerts(s, bob) == {}  # bob may not open alice's case
        assert acknowledge_failed_alerts(s, s.get(Case, urgent), alice) == 2
    with case_store.session() as s:
        assert unseen_failed_alerts(s, boss) == {}
        assert acknowledge_failed_alerts(s, s.get(Case, urgent), boss) == 0
        seen = [m for m in s.get(Case, urgent).messages if m.author == "system" and m.outbox_id]
        assert [m.text for m in seen] == ["緊急通知未送達 LINE 群組（LINE 400 bad group），已由同仁查看",
                                          "緊急通知未送達 Telegram 群組（LINE 400 bad group），已由同仁查看"]
        assert {m.staff_id for m in seen} == {alice.id}
