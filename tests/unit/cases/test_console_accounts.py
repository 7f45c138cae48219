"""Console accounts on a real database (SQLite here, PostgreSQL under DATABASE_URL in .ci/run): taking a
case from two sessions, login throttling shared by processes, one-time login nonces, ending accounts,
and the `labourbot staff` commands that do it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cases.db import CaseStore
from cases.models import AuditEvent, Case, CaseMessage, ConsoleSession, LoginThrottle, utcnow
from cases.service import (
    ACCOUNT_THROTTLE,
    ADDRESS_THROTTLE,
    AlreadyTaken,
    CaseDraft,
    CaseError,
    Forbidden,
    LoginKeys,
    assign,
    authenticate,
    console_session_user,
    create_console_session,
    deactivate_staff_user,
    end_staff_sessions,
    login_locked,
    open_case,
    record_login_failure,
    reset_staff_password,
    staff_reply,
    use_login_nonce,
)
from labourbot.config import PROJECT_ROOT

pytestmark = pytest.mark.cases


def new_case(store: CaseStore, sender: str = "line:Utake") -> int:
    with store.session() as s:
        return open_case(s, CaseDraft(sender=sender, topic="overtime", summary="加班費"))[0].id


def test_two_sessions_cannot_both_take_a_case(case_store, make_staff):
    """Alice's page read the case while nobody had it; Bob takes it before Alice presses 指派給我. On
    PostgreSQL nothing locks Alice's read: her take must not silently overwrite Bob's."""
    alice, bob = make_staff("alice"), make_staff("bob")
    case_id = new_case(case_store)
    with Session(case_store.engine, expire_on_commit=False) as alices:
        with alices.begin():
            held = alices.get(Case, case_id)  # what Alice's page read (kept: the session's identity map)
            assert held.assigned_to is None
        with case_store.session() as bobs:
            assign(bobs, case_id, bob)
        with pytest.raises(AlreadyTaken, match="其他同仁接手"), alices.begin():
            assign(alices, case_id, alice)
        with pytest.raises(Forbidden), alices.begin():  # her session now knows: the page is refused
            staff_reply(alices, case_id, alice, "您好")
    with case_store.session() as s:
        case = s.get(Case, case_id)
        assert case.assigned_to == bob.id
        lines = [m.text for m in s.scalars(select(CaseMessage).where(CaseMessage.part == "thread"))]
        assert lines == ["bob 接手案件"]


def test_two_staff_taking_a_case_at_the_same_moment_on_postgresql(case_store, make_staff):
    """Both pages read the case, then both press 指派給我 at once: exactly one of them gets it."""
    if case_store.dialect != "postgresql":
        pytest.skip("SQLite's BEGIN IMMEDIATE already serialises the two transactions")
    staff = [make_staff("alice"), make_staff("bob")]
    case_id = new_case(case_store)
    both_read = threading.Barrier(2, timeout=10)
    outcome: dict[str, str] = {}

    def take(user) -> None:
        try:
            with case_store.session() as s:
                s.get(Case, case_id)
                both_read.wait()
                assign(s, case_id, user)
            outcome[user.name] = "took"
        except AlreadyTaken:
            outcome[user.name] = "too late"

    threads = [threading.Thread(target=take, args=(user,)) for user in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcome.values()) == ["too late", "took"]
    winner = next(user for user in staff if outcome[user.name] == "took")
    with case_store.session() as s:
        assert s.get(Case, case_id).assigned_to == winner.id
        assert s.scalar(select(func.count()).select_from(CaseMessage).where(CaseMessage.author == "system")) == 1


def test_an_admin_still_takes_over_from_a_colleague(case_store, make_staff):
    alice, boss = make_staff("alice"), make_staff("boss", "admin")
    case_id = new_case(case_store)
    with case_store.session() as s:
        assign(s, case_id, alice)
    with case_store.session() as s:
        assert assign(s, case_id, boss).assigned_to == boss.id
        assert assign(s, case_id, boss).assigned_to == boss.id  # taking one's own case again changes nothing


def test_the_waits_double_then_lock():
    assert [ACCOUNT_THROTTLE.wait(n).total_seconds() for n in range(1, 7)] == [0, 0, 1, 2, 900, 900]
    assert ADDRESS_THROTTLE.wait(10) == timedelta(0) and ADDRESS_THROTTLE.wait(11) == timedelta(seconds=1)
    assert ADDRESS_THROTTLE.wait(19) == timedelta(seconds=256)
    assert ADDRESS_THROTTLE.wait(20) == timedelta(minutes=15)


def test_failures_count_across_processes_and_lockouts_end(case_store, case_settings):
    keys = LoginKeys.of(" Alice ", "203.0.113.9")
    assert keys == LoginKeys("account:alice", "address:203.0.113.9")
    other = CaseStore(case_settings)  # a second gateway process
    now = utcnow()
    try:
        for store in (case_store, other) * 2 + (case_store,):
            with store.session() as s:
                record_login_failure(s, keys, now)
        with other.session() as s:
            assert s.get(LoginThrottle, keys.account).failures == 5
            assert login_locked(s, keys, now + timedelta(minutes=14))
            assert login_locked(s, LoginKeys.of("ALICE", "198.51.100.1"), now)  # the name, from anywhere
            assert not login_locked(s, keys, now + timedelta(minutes=16))
            assert not login_locked(s, LoginKeys.of("bob", "198.51.100.1"), now)
    finally:
        other.dispose()
    with case_store.session() as s:  # an hour later the count starts again
        record_login_failure(s, keys, now + timedelta(hours=2))
        assert s.get(LoginThrottle, keys.account).failures == 1


def test_a_login_nonce_is_good_once(case_store):
    now, keep = utcnow(), timedelta(minutes=11)
    with case_store.session() as s:
        assert use_login_nonce(s, "nonce-1", keep, now)
    with case_store.session() as s:
        assert not use_login_nonce(s, "nonce-1", keep, now + timedelta(minutes=1))
        assert use_login_nonce(s, "nonce-2", keep, now)
    with case_store.session() as s:  # forgotten once older than any valid form
        use_login_nonce(s, "nonce-3", keep, now + timedelta(minutes=20))
        assert use_login_nonce(s, "nonce-1", keep, now + timedelta(minutes=20))


def test_deactivate_reset_and_end_sessions(case_store, make_staff, staff_password):
    alice = make_staff("alice")
    with case_store.session() as s:
        sessions = [create_console_session(s, alice, timedelta(hours=1)).id for _ in range(2)]
        for _ in range(5):
            record_login_failure(s, LoginKeys.of("alice", "10.0.0.9"))
    with case_store.session() as s:
        assert end_staff_sessions(s, "alice") == 2
        assert all(console_session_user(s, sid) is None for sid in sessions)
        live = create_console_session(s, alice, timedelta(hours=1)).id
    with case_store.session() as s:
        reset_staff_password(s, "alice", "a brand new password")
        assert console_session_user(s, live) is None
        assert s.get(LoginThrottle, "account:alice") is None  # the lockout is lifted
        assert authenticate(s, "alice", staff_password) is None
        assert authenticate(s, "alice", "a brand new password").id == alice.id
        with pytest.raises(CaseError, match="至少"):
            reset_staff_password(s, "alice", "short")
        live = create_console_session(s, alice, timedelta(hours=1)).id
    with case_store.session() as s:
        assert deactivate_staff_user(s, "alice") == 1
        assert authenticate(s, "alice", "a brand new password") is None
        assert s.scalar(select(func.count()).select_from(ConsoleSession)) == 0
        with pytest.raises(CaseError, match="沒有帳號"):
            deactivate_staff_user(s, "nobody")
        actions = [a for a in s.scalars(select(AuditEvent.action).order_by(AuditEvent.id))]
        assert actions == ["end_sessions", "reset_password", "deactivate"]


def test_the_staff_commands_end_accounts_and_never_take_a_password_from_argv(case_db_url, case_store,
                                                                             make_staff, staff_password):
    def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cli.main", "staff", *args], capture_output=True,
                              text=True, input=stdin, env={**os.environ, "DATABASE_URL": case_db_url}, cwd=PROJECT_ROOT,
                              timeout=60)

    alice = make_staff("alice")
    with case_store.session() as s:
        create_console_session(s, alice, timedelta(hours=1))
    ended = cli("end-sessions", "alice")
    assert ended.returncode == 0 and "1 個" in ended.stdout, ended.stderr
    on_argv = cli("reset-password", "alice", "a-password-on-argv")
    assert on_argv.returncode == 2
    reset = cli("reset-password", "alice", "--password-stdin", stdin="another long password\n")
    assert reset.returncode == 0, reset.stderr
    assert "another long password" not in reset.stdout + reset.stderr
    with case_store.session() as s:
        assert authenticate(s, "alice", "another long password") is not None
        create_console_session(s, alice, timedelta(hours=1))
    off = cli("deactivate", "alice")
    assert off.returncode == 0 and "已停用" in off.stdout, off.stderr
    with case_store.session() as s:
        assert authenticate(s, "alice", "another long password") is None
        assert s.scalar(select(func.count()).select_from(ConsoleSession)) == 0
    missing = cli("deactivate", "nobody")
    assert missing.returncode == 2 and "沒有帳號" in missing.stderr
    for command in ("deactivate", "reset-password", "end-sessions"):
        assert "Example:" in cli(command, "--help").stdout


def test_audit_entries_go_with_the_cases_they_name(case_store):
    """The purge (run daily by the gateway) takes audit entries as old as the cases it deletes."""
    from cases.models import AuditEvent, utcnow
    from cases.service import purge

    now = utcnow()
    with case_store.session() as s:
        s.add(AuditEvent(at=now - timedelta(days=200), action="read", outcome="ok", case_id=1))
        s.add(AuditEvent(at=now - timedelta(days=10), action="read", outcome="ok", case_id=2))
    with case_store.session() as s:
        counts = purge(s, timedelta(days=180), now=now)
    with case_store.session() as s:
        left = [e.case_id for e in s.scalars(select(AuditEvent))]
    assert counts["audit"] == 1 and left == [2]
