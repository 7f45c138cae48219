"""The outbox worker against the fake LINE and Telegram APIs (real HTTP on 127.0.0.1): expansion into
staff groups, retries with backoff, exactly-once delivery across a crash, per-user order, and the
second alert through the other staff group when an urgent one never arrived."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from fakes.fake_line import PUSH
from fakes.secrets import LINE_TOKEN, TELEGRAM_TOKEN
from sqlalchemy import select

from channels.senders import open_senders
from cases.models import OutboxMessage, utcnow
from cases.outbox import DeliveryError, Outgoing, OutboxWorker
from cases.service import CaseDraft, TranscriptLine, close_case, open_case, staff_reply
from channels.settings import ChannelSettings

pytestmark = pytest.mark.cases

LINE_GROUP = "Cstaffgroup0000000000000000000001"
TELEGRAM_GROUP = "-1001234567890"


@pytest.fixture()
def settings(case_settings, line_api, telegram_api):
    case_settings.line_staff_group_id = LINE_GROUP
    case_settings.telegram_staff_chat_id = TELEGRAM_GROUP
    return case_settings


@pytest.fixture()
def channels(line_api, telegram_api) -> ChannelSettings:
    return ChannelSettings(_env_file=None, line_channel_access_token=LINE_TOKEN, line_api_base=line_api.url,
                           telegram_bot_token=TELEGRAM_TOKEN, telegram_api_base=telegram_api.url)


@pytest.fixture()
async def worker(case_store, settings, channels):
    sender = open_senders(channels, None)
    yield OutboxWorker(case_store, settings, sender, worker_id="worker-a")
    await sender.close()


def pushes_to(line_api, to: str, status: int = 200) -> list[dict]:
    return [r.json() for r in line_api.requests if r.path == PUSH and r.status == status and r.json()["to"] == to]


def new_case(store, sender: str = "line:Uuser1", **kw) -> int:
    with store.session() as s:
        return open_case(s, CaseDraft(sender=sender, topic="overtime", summary="A123456789 0912345678",
                                      transcript=[TranscriptLine("user", "老闆不給加班費")], **kw))[0].id


async def drain(worker: OutboxWorker, rounds: int = 10) -> None:
    for _ in range(rounds):
        await worker.run_once()


async def test_a_new_case_notifies_each_staff_group_once_without_personal_data(case_store, worker, line_api,
                                                                             telegram_api):
    case_id = new_case(case_store, reason="danger", priority="high")
    await drain(worker)
    [line_alert] = pushes_to(line_api, LINE_GROUP)
    [tg_alert] = telegram_api.sent_to(int(TELEGRAM_GROUP))
    for text in (line_alert["messages"][0]["text"], tg_alert["text"]):
        assert f"#{case_id}" in text and "高優先" in text and "加班" in text
        assert "A123456789" not in text and "0912345678" not in text and "老闆" not in text
    with case_store.session() as s:
        statuses = sorted((r.destination, r.status) for r in s.scalars(select(OutboxMessage)))
    assert statuses == [("line", "sent"), ("staff", "expanded"), ("telegram", "sent")]
    await drain(worker)
    assert len(pushes_to(line_api, LINE_GROUP)) == 1 and len(telegram_api.sent_to(int(TELEGRAM_GROUP))) == 1


async def test_failures_are_retried_with_backoff_until_the_platform_accepts(case_store, settings, worker, line_api):
    settings.outbox_backoff_s, settings.outbox_backoff_max_s = 0.5, 1.0  # long enough to see it back off
    line_api.fail_next(500, count=2, when=lambda r: r.path == PUSH)
    new_case(case_store)
    await worker.run_once()  # expands and fails once
    with case_store.session() as s:
        row = s.scalars(select(OutboxMessage).where(OutboxMessage.destination == "line")).one()
        assert (row.status, row.attempts, row.lease_until) == ("pending", 1, None)
        assert row.next_attempt_at > utcnow() and "LINE 500" in row.last_error
    assert await worker.run_once() == 0  # not due yet: backing off
    for _ in range(100):
        await worker.run_once()
        if pushes_to(line_api, LINE_GROUP):
            break
        threading.Event().wait(0.05)
    assert len(pushes_to(line_api, LINE_GROUP)) == 1
    assert len(pushes_to(line_api, LINE_GROUP, status=500)) == 2
    with case_store.session() as s:
        row = s.scalars(select(OutboxMessage).where(OutboxMessage.destination == "line")).one()
        assert (row.status, row.attempts) == ("sent", 3)


async def test_a_crash_after_the_push_is_not_shown_twice(case_store, settings, channels, worker, line_api):
    """Worker A pushes and dies before marking the row sent; after the lease, worker B pushes again with
    the same X-Line-Retry-Key, LINE answers 409, and the row is marked sent: one message reached LINE."""
    settings.telegram_staff_chat_id = ""
    settings.outbox_lease_s = 60.0  # the fixture's 2 s lease can run out on a loaded machine before the re-claim
    new_case(case_store)
    [claimed] = worker.claim()  # expands the staff row and leases the LINE one
    await worker.sender.send(claimed.message)  # ... and the process is killed here (no mark_sent)
    assert worker.claim() == []  # leased: nobody else takes it meanwhile
    sender_b = open_senders(channels, None)
    worker_b = OutboxWorker(case_store, settings, sender_b, worker_id="worker-b")
    try:
        later = utcnow() + timedelta(seconds=settings.outbox_lease_s + 1)
        [again] = worker_b.claim(now=later)
        assert again.id == claimed.id and again.attempts == 2
        await worker_b._deliver(again)
    finally:
        await sender_b.close()
    assert len(pushes_to(line_api, LINE_GROUP)) == 1
    assert len(pushes_to(line_api, LINE_GROUP, status=409)) == 1
    with case_store.session() as s:
        assert s.get(OutboxMessage, claimed.id).status == "sent"


async def test_two_workers_never_hold_the_same_row(case_store, settings, worker, make_staff):
    settings.line_staff_group_id = settings.telegram_staff_chat_id = ""
    alice = make_staff("alice")
    for n in range(6):
        case_id = new_case(case_store, sender=f"line:Urace{n}")
        with case_store.session() as s:
            staff_reply(s, case_id, alice, f"回覆 {n}")
    worker.claim()  # the staff rows are skipped (no groups configured): only the 6 replies are left
    with case_store.session() as s:  # release the leases that first call took
        for row in s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "staff_reply")):
            row.lease_until, row.attempts = None, 0
    other = OutboxWorker(case_store, settings, worker.sender, worker_id="worker-b")
    taken: list[list[int]] = [[], []]
    barrier = threading.Barrier(2)

    def grab(index: int, w: OutboxWorker) -> None:
        barrier.wait()
        taken[index] = [c.id for c in w.claim()]

    threads = [threading.Thread(target=grab, args=(i, w)) for i, w in enumerate((worker, other))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not set(taken[0]) & set(taken[1])
    assert len(taken[0]) + len(taken[1]) == 6


async def test_staff_replies_reach_the_user_in_the_order_written(case_store, settings, worker, line_api,
                                                                make_staff):
    settings.line_staff_group_id = settings.telegram_staff_chat_id = ""
    alice = make_staff("alice")
    case_id = new_case(case_store, sender="line:Uorder")
    with case_store.session() as s:
        staff_reply(s, case_id, alice, "第一則")
        staff_reply(s, case_id, alice, "第二則")
    line_api.fail_next(503, count=1, when=lambda r: r.path == PUSH and "第一則" in r.body.decode())
    for _ in range(40):
        await worker.run_once()
        if len(pushes_to(line_api, "Uorder")) == 2:
            break
        threading.Event().wait(0.05)
    texts = [p["messages"][0]["text"] for p in pushes_to(line_api, "Uorder")]
    assert texts == ["【勞工局同仁】第一則", "【勞工局同仁】第二則"]


async def test_the_survey_goes_out_with_score_buttons(case_store, settings, worker, line_api, telegram_api,
                                                     make_staff):
    settings.line_staff_group_id = settings.telegram_staff_chat_id = ""
    alice = make_staff("alice")
    line_case, tg_case = new_case(case_store, sender="line:Usurvey"), new_case(case_store, sender="telegram:555")
    with case_store.session() as s:
        close_case(s, line_case, alice)
        close_case(s, tg_case, alice)
    await drain(worker)
    [push] = pushes_to(line_api, "Usurvey")
    items = push["messages"][0]["quickReply"]["items"]
    assert [i["action"]["label"] for i in items][0] == "5 很滿意"
    assert items[0]["action"]["data"] == f'/rate_case{{"case_id": {line_case}, "score": 5}}'
    [sent] = telegram_api.sent_to(555)
    assert sent["reply_markup"]["inline_keyboard"][4][0]["callback_data"].endswith('"score": 1}')


async def test_refused_messages_give_up_and_rows_nobody_can_send_wait(case_store, settings, worker, line_api,
                                                                       make_staff):
    settings.telegram_staff_chat_id = ""
    line_api.fail_next(400, count=1, when=lambda r: r.path == PUSH)
    new_case(case_store, sender="web:w-refused1")
    await drain(worker, 3)
    settings.line_staff_group_id = ""
    no_groups = OutboxWorker(case_store, settings, worker.sender, worker_id="no-groups")
    new_case(case_store, sender="web:w-nogroup1")
    await drain(no_groups, 3)
    no_line = open_senders(ChannelSettings(_env_file=None, telegram_bot_token=TELEGRAM_TOKEN), None)
    alice, alice_case = make_staff("alice"), new_case(case_store, sender="line:Uwaits")
    with case_store.session() as s:
        staff_reply(s, alice_case, alice, "hi")
    await drain(OutboxWorker(case_store, settings, no_line, worker_id="no-line"), 3)
    await no_line.close()
    with case_store.session() as s:
        rows = [(r.kind, r.destination, r.status)
                for r in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert rows == [("staff_alert", "staff", "expanded"), ("staff_alert", "line", "failed"),
                    ("staff_alert", "staff", "pending"), ("staff_alert", "staff", "pending"),
                    ("staff_reply", "line", "pending")]
    assert no_groups.deliverable == ("line", "telegram") and not no_groups.expands_staff_rows


async def test_an_outcome_the_locked_database_refused_is_recorded_on_the_next_cycle(case_settings, settings,
                                                                                   channels, line_api):
    """LINE accepted the push but the row could not be marked sent (SQLite locked past its busy timeout):
    the worker records it on its next cycle, within its lease, instead of leaving the row to be claimed
    again after the lease (a second push) and holding back the user's later rows meanwhile."""
    import sqlite3

    from sqlalchemy.engine import make_url

    from cases.db import CaseStore

    url = make_url(case_settings.sqlalchemy_url)
    if url.get_backend_name() != "sqlite":
        pytest.skip("provokes SQLite's 'database is locked'; the PostgreSQL run covers the rest of the outbox")
    settings.telegram_staff_chat_id = ""
    settings.sqlite_busy_timeout_s = 0.2
    store = CaseStore(settings)
    sender = open_senders(channels, None)
    worker = OutboxWorker(store, settings, sender, worker_id="worker-locked")
    try:
        new_case(store)
        [claimed] = worker.claim()
        locker = sqlite3.connect(url.database, timeout=0.1, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            await worker._deliver(claimed)  # LINE accepts; marking it sent fails
        finally:
            locker.execute("COMMIT")
            locker.close()
        with store.session() as s:
            assert s.get(OutboxMessage, claimed.id).status == "pending"
        await worker.run_once()
        with store.session() as s:
            assert s.get(OutboxMessage, claimed.id).status == "sent"
        await drain(worker)
        assert len(pushes_to(line_api, LINE_GROUP)) == 1 and pushes_to(line_api, LINE_GROUP, status=409) == []
    finally:
        await sender.close()
        store.dispose()


class RefusingSender:
    """The platform boundary (a `Sender`): records what it is asked to send; `refuse` names the
    destinations whose platform answers with an error (not retriable unless `retriable`)."""

    def __init__(self, refuse: tuple[str, ...] = (), retriable: bool = False) -> None:
        self.refuse, self.retriable = refuse, retriable
        self.sent: list[Outgoing] = []
        self.tried: list[Outgoing] = []

    def can_send(self, destination: str) -> bool:
        return destination in ("line", "telegram")

    async def send(self, message: Outgoing) -> None:
        self.tried.append(message)
        if message.destination in self.refuse:
            raise DeliveryError(f"{message.destination} 400 bot is not a member of the group", self.retriable)
        self.sent.append(message)


def alert_rows(store) -> list[tuple[str, str, str]]:
    with store.session() as s:
        return [(r.destination, r.status, r.payload.get("failed_via", ""))
                for r in s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "staff_alert")
                                   .order_by(OutboxMessage.id))]


@pytest.mark.parametrize("refused, other, address", [("line", "telegram", TELEGRAM_GROUP),
                                                     ("telegram", "line", LINE_GROUP)])
async def test_a_refused_urgent_alert_goes_once_more_through_the_other_staff_group(case_store, settings, caplog,
                                                                                   refused, other, address):
    sender = RefusingSender(refuse=(refused,))
    worker = OutboxWorker(case_store, settings, sender, worker_id="refusing")
    case_id = new_case(case_store, sender="line:Udanger", reason="danger", priority="high")
    with caplog.at_level(logging.ERROR, logger="cases.outbox"):
        await drain(worker)
    assert sorted(alert_rows(case_store)) == sorted([("staff", "expanded", ""), (refused, "failed", ""),
                                                     (other, "sent", ""), (other, "sent", refused)])
    [first, again] = [m for m in sender.sent if m.address == address]
    label = "LINE" if refused == "line" else "Telegram"
    assert again.text == f"【補發：{label} 群組沒有收到這則緊急通知】" + first.text
    assert f"#{case_id}" in again.text and "高優先" in again.text
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert f"case #{case_id}" in error.getMessage() and refused in error.getMessage()
    await drain(worker)
    assert len(sender.sent) == 2, "the second alert is queued once"


async def test_an_urgent_alert_out_of_attempts_goes_through_the_other_group_but_not_back(case_store, settings,
                                                                                        caplog):
    """Both groups fail for good (LINE out of attempts, Telegram refused): each failed alert is passed
    to the other group once, and those second alerts, failing too, are not passed on again."""
    settings.outbox_max_attempts = 2
    sender = RefusingSender(refuse=("line", "telegram"), retriable=True)
    worker = OutboxWorker(case_store, settings, sender, worker_id="all-down")
    case_id = new_case(case_store, sender="telegram:4242", reason="danger", priority="high")
    with caplog.at_level(logging.ERROR, logger="cases.outbox"):
        for _ in range(60):
            await worker.run_once()
            if all(status != "pending" for _, status, _ in alert_rows(case_store)):
                break
            threading.Event().wait(0.05)
    assert sorted(alert_rows(case_store)) == sorted([
        ("staff", "expanded", ""), ("line", "failed", ""), ("telegram", "failed", ""),
        ("telegram", "failed", "line"), ("line", "failed", "telegram")])
    assert len(sender.tried) == 8 and sender.sent == []  # 4 rows x 2 attempts
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 4 and all(f"case #{case_id}" in e for e in errors)


async def test_a_normal_alert_that_fails_is_not_sent_again(case_store, settings, caplog):
    sender = RefusingSender(refuse=("line",))
    worker = OutboxWorker(case_store, settings, sender, worker_id="normal")
    new_case(case_store, sender="line:Unormal")
    with caplog.at_level(logging.ERROR, logger="cases.outbox"):
        await drain(worker)
    assert sorted(alert_rows(case_store)) == [("line", "failed", ""), ("staff", "expanded", ""),
                                              ("telegram", "sent", "")]
    assert not [r for r in caplog.records if r.levelno == logging.ERROR]


async def test_an_urgent_alert_the_fake_line_api_refuses_reaches_the_telegram_group(case_store, worker, line_api,
                                                                                   telegram_api):
    """The same over HTTP: the fake LINE API answers 400 to the push into the staff group."""
    line_api.fail_next(400, count=1, when=lambda r: r.path == PUSH and r.json()["to"] == LINE_GROUP)
    case_id = new_case(case_store, sender="web:w-danger01", reason="danger", priority="high")
    await drain(worker)
    tg = [m["text"] for m in telegram_api.sent_to(int(TELEGRAM_GROUP))]
    assert len(tg) == 2 and tg[1].startswith("【補發：LINE 群組沒有收到這則緊急通知】")
    assert f"#{case_id}" in tg[1] and pushes_to(line_api, LINE_GROUP) == []
