"""A locked SQLite database, on a private real stack (its own data folder, fake LINE and Telegram APIs,
a staff LINE group, a 1 s busy timeout for the case store).

Another connection holds `BEGIN EXCLUSIVE` on a database file for longer than the busy timeout while
users write, then rolls back. Both files are in WAL mode, so readers go on and only writers wait:
* the cases database (`cases.db`) while the user confirms a handoff: the case system says it cannot
  open the case now and to try again; no case and no staff alert are half-written; asked again after
  the release, exactly one case is opened and staff are told once;
* the cases database when the gateway's case router runs: users nobody holds are answered by the bot
  (a lock does not make the bot mute); a user whose conversation staff hold gets the retry hint (the
  message could not reach the staff thread, and the bot must not cut in); a message with danger words
  gets the emergency numbers at once and the urgent case is written after the release;
* Rasa's tracker store (`rasa_tracker.db`, pysqlite's 5 s timeout): Rasa answers 500 (bot/rasa_patches.py
  makes a failed save raise instead of silently forgetting the turn), the user gets UNAVAILABLE_REPLY
  with a 再試一次 button, and the next message after the release is answered normally.
The webhook inbox on a locked database (503, then exactly once) is in tests/gateway/test_inbox_gateway.py.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator

import httpx
import pytest
from conftest import STACK_DATA, _prepare_knowledge_base
from fakes.fake_line import PUSH, FakeLineApi, accepted_for
from fakes.fake_telegram import FakeTelegramApi
from fakes.payloads import line_body, line_event, line_user, sign
from fakes.plugin import channel_env
from fakes.secrets import LINE_SECRET, LINE_TOKEN, TELEGRAM_TOKEN
from sqlalchemy import func, select

from cases import texts
from cases.db import CaseStore
from cases.models import Case, CaseMessage, OutboxMessage
from cases.service import add_staff_user, assign
from channels.conversation import UNAVAILABLE_REPLY
from labourbot.config import PROJECT_ROOT, rasa_token
from channels.handoff import HELD_ACK
from channels.emergency import EMERGENCY_NO_CASE

pytestmark = pytest.mark.e2e  # not `cases`: it locks SQLite files, the PostgreSQL run has nothing to lock

DATA = PROJECT_ROOT / "var" / "test-faults-db"
BUSY_S = 1.0  # LABOURBOT_SQLITE_BUSY_TIMEOUT_S of the stack
LOCK_S = 3.0  # the lock is held at least this long: longer than the busy timeout
RASA_SQLITE_TIMEOUT_S = 5.0  # Rasa's tracker engine: SQLAlchemy/pysqlite defaults
STAFF_GROUP = "C0faults0db0staff0group000000001"
RETRY_HINT = "請過一會兒再傳一次"


@pytest.fixture(scope="module")
def dbstack() -> Iterator[Any]:
    from cli.serve import Stack, StackConfig

    if DATA.exists():
        shutil.rmtree(DATA)
    DATA.mkdir(parents=True)
    if (STACK_DATA / "index").is_dir() and (STACK_DATA / "laws").is_dir():
        for name in ("laws", "index"):
            shutil.copytree(STACK_DATA / name, DATA / name)
    else:
        _prepare_knowledge_base(DATA)
    line, telegram = FakeLineApi(LINE_TOKEN).start(), FakeTelegramApi(TELEGRAM_TOKEN).start()
    env = {
        **channel_env(line.url, telegram.url),
        "DATABASE_URL": "",  # SQLite in the data folder even when CI exports a PostgreSQL URL
        "LABOURBOT_SQLITE_BUSY_TIMEOUT_S": str(BUSY_S),
        "LINE_STAFF_GROUP_ID": STAFF_GROUP,
        "LABOURBOT_OUTBOX_POLL_S": "0.2",
        "LABOURBOT_OUTBOX_BACKOFF_S": "0.3",
        "LABOURBOT_OUTBOX_BACKOFF_MAX_S": "1.0",
        # A lock can fail the worker's "mark sent" after LINE took a staff alert: the row stays claimed
        # until its lease runs out, holds back later alerts to that group, then is sent again with the
        # same X-Line-Retry-Key (LINE answers 409: not shown twice). Short here; 60 s by default.
        "LABOURBOT_OUTBOX_LEASE_S": "5",
    }
    stack = Stack(StackConfig.ephemeral(DATA, extra_env=env))
    try:
        with stack, httpx.Client(base_url=stack.config.gateway_url, timeout=60) as client:
            store = CaseStore(url=f"sqlite:///{DATA / 'cases.db'}")
            store.ensure_schema()  # now: a first use under a test's lock would wait for the write lock
            try:
                yield SimpleNamespace(stack=stack, client=client, line=line, store=store,
                                      cases_db=DATA / "cases.db", tracker_db=DATA / "rasa_tracker.db")
            finally:
                store.dispose()
    finally:
        line.stop()
        telegram.stop()


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold SQLite's write lock on `path` from another connection; always released (rolled back)."""
    locker = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        locker.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        try:
            yield
            time.sleep(max(0.0, LOCK_S - (time.monotonic() - started)))
        finally:
            locker.rollback()
    finally:
        locker.close()


def rest(h: Any, user: str, text: str) -> tuple[dict, float]:
    """The answer to one REST message (no webhook inbox on this path) and how long it took."""
    started = time.monotonic()
    response = h.client.post("/api/messages", json={"user": user, "text": text})
    assert response.status_code == 200, response.text
    return response.json(), time.monotonic() - started


def cases_of(h: Any, sender: str) -> list[Case]:
    with h.store.read() as s:
        found = list(s.scalars(select(Case).where(Case.sender == sender).order_by(Case.id)))
        s.expunge_all()
        return found


def staff_alerts(h: Any, case_id: int | None = None) -> int:
    """Staff alerts written with cases (the worker later adds one row per staff group for each)."""
    with h.store.read() as s:
        query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "staff_alert",
                                                                      OutboxMessage.destination == "staff")
        return int(s.scalar(query if case_id is None else query.where(OutboxMessage.case_id == case_id)) or 0)


def pushed_to_staff(h: Any, case_id: int) -> list[Any]:
    return h.line.matching(lambda r: r.path == PUSH and r.status == 200 and r.json().get("to") == STAFF_GROUP
                           and f"#{case_id}" in json.dumps(r.json(), ensure_ascii=False))


def start_handoff(h: Any, user: str) -> None:
    """Up to the form's last question (the contact); the case store is free meanwhile."""
    rest(h, user, "老闆不給加班費，我每天加班兩小時")
    notice, _ = rest(h, user, "找真人")
    assert "個資" in notice["text"], notice
    contact, _ = rest(h, user, "同意")
    assert "需要同仁打電話" in contact["text"], contact


def case_number(answer: dict) -> int:
    assert "案件編號 #" in answer["text"], answer
    return int(answer["text"].split("案件編號 #", 1)[1].split("。", 1)[0])


def test_cases_db_locked_while_confirming_a_handoff_no_case_then_exactly_one(dbstack):
    h, user = dbstack, "db-handoff-" + uuid.uuid4().hex[:8]
    sender = f"rest:{user}"
    start_handoff(h, user)
    alerts_before = staff_alerts(h)
    with locked(h.cases_db):
        failed, took = rest(h, user, texts.SKIP)  # the form's last step -> action_open_case
    assert failed["text"] == texts.UNAVAILABLE, failed  # "案件系統暫時無法使用，請稍後再試一次…"
    assert "再試一次" in failed["text"] and "找真人" in failed["buttons"]
    assert took < 15, f"answered after the busy timeout ({took:.1f} s)"
    assert cases_of(h, sender) == [], "no case half-written"
    assert staff_alerts(h) == alerts_before, "no staff alert half-written"

    start_handoff(h, user)  # asked again after the release
    opened, _ = rest(h, user, texts.SKIP)
    case_id = case_number(opened)
    assert [c.id for c in cases_of(h, sender)] == [case_id]
    assert staff_alerts(h, case_id) == 1 and staff_alerts(h) == alerts_before + 1
    h.line.wait_for(lambda r: r in pushed_to_staff(h, case_id), timeout=30)
    time.sleep(1.5)
    assert len(pushed_to_staff(h, case_id)) == 1, "staff told exactly once"


def test_cases_db_locked_router_bot_answers_free_users_and_held_users_are_asked_to_resend(dbstack):
    h = dbstack
    held_user, free_user = "db-held-" + uuid.uuid4().hex[:8], "db-free-" + uuid.uuid4().hex[:8]
    start_handoff(h, held_user)
    case_id = case_number(rest(h, held_user, texts.SKIP)[0])
    with h.store.session() as s:  # a staff member takes the case: the user's messages go to its thread
        assign(s, case_id, add_staff_user(s, "db-staff-" + uuid.uuid4().hex[:6], "staff", "a-long-password-1"))
    question = "資遣費怎麼算"
    with locked(h.cases_db):
        free, free_took = rest(h, free_user, "休息日加班費怎麼算")
        held, held_took = rest(h, held_user, question)
    # Nobody holds this conversation: the router's read goes on under the write lock, the bot answers.
    assert free["intent"] == "ask_overtime" and RETRY_HINT not in free["text"] and free["citations"]
    assert free_took < 15
    # Staff hold it, but the message cannot be added to the thread: asked to send it again, no bot answer.
    assert held["text"] == UNAVAILABLE_REPLY and held["buttons"] == ["再試一次"], held
    assert held["intent"] == "" and held_took < 15
    with h.store.read() as s:
        thread = list(s.scalars(select(CaseMessage.text).where(CaseMessage.case_id == case_id,
                                                               CaseMessage.part == "thread",
                                                               CaseMessage.author == "user")))
    assert thread == [], "nothing half-written"

    again, _ = rest(h, held_user, question)  # the 再試一次 button sends the same text
    assert again["text"] == HELD_ACK.format(case_id=case_id)
    with h.store.read() as s:
        thread = list(s.scalars(select(CaseMessage.text).where(CaseMessage.case_id == case_id,
                                                               CaseMessage.part == "thread",
                                                               CaseMessage.author == "user")))
    assert thread == [question], "in the staff thread exactly once"


def test_cases_db_locked_danger_words_get_the_emergency_numbers_and_the_case_is_written_after(dbstack):
    h, user = dbstack, "db-danger-" + uuid.uuid4().hex[:8]
    sender = f"rest:{user}"
    with locked(h.cases_db):
        answer, took = rest(h, user, "被老闆罵到不想活了")
        assert cases_of(h, sender) == []
    assert "110" in answer["text"] and "1925" in answer["text"] and took < 15
    assert EMERGENCY_NO_CASE in answer["text"], "no case number promised that was not written"
    deadline = time.monotonic() + 30
    while not cases_of(h, sender):  # the gateway retries the urgent case in the background
        assert time.monotonic() < deadline, "the urgent case was lost"
        time.sleep(0.3)
    [case] = cases_of(h, sender)
    assert (case.priority, case.reason) == ("high", "danger")
    h.line.wait_for(lambda r: r in pushed_to_staff(h, case.id), timeout=30)
    time.sleep(2.5)  # later retries, if any, must not write a second case or a second alert
    assert len(cases_of(h, sender)) == 1 and staff_alerts(h, case.id) == 1
    assert len(pushed_to_staff(h, case.id)) == 1


def rasa_user_texts(h: Any, sender: str) -> list[str]:
    token = rasa_token(h.stack.config.data_dir)  # Rasa's API answers only with the stack's token
    tracker = httpx.get(f"{h.stack.config.rasa_url}/conversations/{sender}/tracker", params={"token": token},
                        timeout=30).json()
    return [e.get("text") for e in tracker.get("events", []) if e.get("event") == "user"]


def test_rasa_tracker_db_locked_users_get_the_retry_hint_then_answers(dbstack):
    h, user, line = dbstack, "db-tracker-" + uuid.uuid4().hex[:8], line_user()
    first, _ = rest(h, user, "加班費怎麼算")
    assert first["intent"] == "ask_overtime"
    token = "db-" + uuid.uuid4().hex
    with locked(h.tracker_db):
        failed, took = rest(h, user, "特休怎麼算")
        body = line_body(line_event(line, "特休怎麼算", reply_token=token))
        assert h.client.post("/webhooks/line", content=body,
                             headers={"X-Line-Signature": sign(body, LINE_SECRET)}).status_code == 200
        [line_answer] = h.line.wait_for(accepted_for(line, token), timeout=45)
    assert failed["text"] == UNAVAILABLE_REPLY and failed["buttons"] == ["再試一次"], failed
    assert RASA_SQLITE_TIMEOUT_S - 0.5 < took < 30, f"{took:.1f} s"
    line_text = json.dumps(line_answer.json()["messages"], ensure_ascii=False)
    assert RETRY_HINT in line_text and "再試一次" in line_text
    assert rasa_user_texts(h, f"rest:{user}") == ["加班費怎麼算"], "the failed turn was not kept half-way"

    after, took_after = rest(h, user, "特休怎麼算")
    assert after["intent"] == "ask_annual_leave" and RETRY_HINT not in after["text"], after
    assert took_after < RASA_SQLITE_TIMEOUT_S
    assert rasa_user_texts(h, f"rest:{user}") == ["加班費怎麼算", "特休怎麼算"]
