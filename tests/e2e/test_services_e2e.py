"""The bureau's services end to end on a real stack of its own (Rasa, action server, gateway; a private
case database) with the fake LINE API:

* two LINE users race for the last seat of a consultation: one gets it, the other is told and offered
  the next session;
* the reminder the day before is pushed exactly once although the gateway is killed (-9) while LINE
  is refusing it;
* an injury follow-up: three check-ins sent when due (times simulated by moving their due time), an
  answer that asks for help flags the case, and 停止關心 stops what is left.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import uuid
from datetime import datetime, timedelta
from typing import Any, Iterator

import httpx
import pytest
from test_handoff_e2e import HandoffStack, _prepare_knowledge_base, texts_in
from fakes.fake_line import PUSH, REPLY, FakeLineApi
from fakes.fake_telegram import FakeTelegramApi
from fakes.payloads import line_body, line_event, line_user, sign
from fakes.plugin import channel_env
from fakes.secrets import LINE_SECRET, LINE_TOKEN, TELEGRAM_TOKEN
from sqlalchemy import select, update

from cases import booking as bk
from cases import followup as fu
from cases.config import CaseSettings
from cases.db import CaseStore
from cases.models import Case, OutboxMessage, utcnow
from cases.office_hours import TAIPEI
from cli.serve import Stack, StackConfig

pytestmark = [pytest.mark.e2e, pytest.mark.cases]


@pytest.fixture(scope="module")
def services(tmp_path_factory) -> Iterator[HandoffStack]:
    from fakes.case_db import fresh_database

    data = tmp_path_factory.mktemp("services-stack")
    line = FakeLineApi(access_token=LINE_TOKEN).start()
    telegram = FakeTelegramApi(token=TELEGRAM_TOKEN).start()
    with fresh_database(data) as db_url:
        env = {**channel_env(line.url, telegram.url), "DATABASE_URL": db_url,
               "LABOURBOT_OUTBOX_POLL_S": "0.2", "LABOURBOT_OUTBOX_BACKOFF_S": "0.3",
               "LABOURBOT_OUTBOX_BACKOFF_MAX_S": "1.0", "LABOURBOT_OUTBOX_LEASE_S": "5"}
        _prepare_knowledge_base(data, env)
        stack = Stack(StackConfig.ephemeral(data, extra_env=env))
        store = CaseStore(CaseSettings(_env_file=None, database_url=db_url))  # type: ignore[call-arg]
        try:
            with stack, httpx.Client(base_url=stack.config.gateway_url, timeout=60.0) as client:
                yield HandoffStack(stack, line, telegram, store, env, client)
        finally:
            store.dispose()
            line.stop()
            telegram.stop()


def _send(h: HandoffStack, user: str, text: str | None = None, postback: str | None = None) -> str:
    token = uuid.uuid4().hex
    body = line_body(line_event(user, text, postback=postback, reply_token=token))
    response = h.client.post("/webhooks/line", content=body, headers={
        "X-Line-Signature": sign(body, LINE_SECRET), "Content-Type": "application/json"})
    assert response.status_code == 200
    return token


def _reply(h: HandoffStack, token: str) -> dict[str, Any]:
    [reply] = h.line.wait_for(lambda r: r.path == REPLY and r.json().get("replyToken") == token, timeout=90)
    assert reply.status == 200
    return reply.json()


def say(h: HandoffStack, user: str, text: str | None = None, postback: str | None = None) -> tuple[str, dict[str, str]]:
    """What the user sees in answer, and its buttons (label -> postback data or message text)."""
    reply = _reply(h, _send(h, user, text, postback))
    return "\n".join(texts_in(reply["messages"])), buttons_in(reply["messages"])


def buttons_in(node: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    if isinstance(node, dict):
        action = node.get("action")
        if isinstance(action, dict) and action.get("label"):
            found[action["label"]] = action.get("data") or action.get("text") or ""
        for value in node.values():
            found.update(buttons_in(value))
    elif isinstance(node, list):
        for value in node:
            found.update(buttons_in(value))
    return found


def pushes_to(h: HandoffStack, user: str, needle: str, status: int = 200) -> list[dict[str, Any]]:
    return [r.json() for r in h.line.requests if r.path == PUSH and r.status == status
            and r.json().get("to") == user and needle in json.dumps(r.json(), ensure_ascii=False)]


def _session_in(store: CaseStore, days: int, capacity: int, place: str) -> int:
    weekday = (datetime.now(TAIPEI).date() + timedelta(days=days)).weekday()
    with store.session() as session:
        schedule = bk.add_schedule(session, weekday=weekday, start="14:00", duration_min=60, place=place,
                                   lawyer="e2e 律師", capacity=capacity)
        schedule_id = schedule.id
    with store.read() as session:
        return session.scalars(select(bk.ConsultationSession.id).where(bk.ConsultationSession.schedule_id == schedule_id)
                               .order_by(bk.ConsultationSession.starts_at)).first()


def test_two_users_race_for_the_last_seat_one_books_the_other_is_offered_the_next(services):
    h = services
    last = _session_in(h.store, 5, capacity=1, place="e2e 競賽室")
    users = [line_user(), line_user()]
    confirms: list[str] = []
    for user in users:
        text, buttons = say(h, user, "我想預約法律諮詢")
        assert "免費的勞工法律諮詢" in text
        [label] = [b for b, data in buttons.items() if f'"session_id":{last}' in data]
        text, buttons = say(h, user, postback=buttons[label])
        assert "要預約這個時段嗎" in text and "個資告知" in text
        confirms.append(buttons["確認預約"])

    answers: dict[str, tuple[str, dict[str, str]]] = {}
    tokens = {user: uuid.uuid4().hex for user in users}
    start = threading.Barrier(2)

    def press(user: str, data: str) -> None:
        start.wait()
        body = line_body(line_event(user, postback=data, reply_token=tokens[user]))
        h.client.post("/webhooks/line", content=body, headers={
            "X-Line-Signature": sign(body, LINE_SECRET), "Content-Type": "application/json"})

    threads = [threading.Thread(target=press, args=(u, c)) for u, c in zip(users, confirms)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for user in users:
        reply = _reply(h, tokens[user])
        answers[user] = ("\n".join(texts_in(reply["messages"])), buttons_in(reply["messages"]))
    won = [u for u in users if "預約成功" in answers[u][0]]
    lost = [u for u in users if "額滿" in answers[u][0]]
    assert len(won) == 1 and len(lost) == 1, answers
    assert any('"session_id"' in data for data in answers[lost[0]][1].values())  # offered other sessions
    with h.store.read() as session:
        assert session.get(bk.ConsultationSession, last).booked == 1
        assert bk.live_booking(session, f"line:{won[0]}").session_id == last
        assert bk.live_booking(session, f"line:{lost[0]}") is None


def test_the_reminder_is_pushed_once_across_a_gateway_kill_9(services):
    h, user = services, line_user()
    session_id = _session_in(h.store, 6, capacity=3, place="e2e 提醒室")
    with h.store.session() as session:
        made = bk.book(session, f"line:{user}", session_id)
        reminder_id = made.booking.reminder_id
    assert reminder_id is not None

    def to_user(r) -> bool:  # type: ignore[no-untyped-def]
        return r.path == PUSH and r.json().get("to") == user

    h.line.fail_next(500, count=100_000, when=to_user)
    with h.store.session() as session:  # the day before has come
        session.execute(update(OutboxMessage).where(OutboxMessage.id == reminder_id).values(next_attempt_at=utcnow()))
    deadline = time.monotonic() + 30
    while not pushes_to(h, user, "e2e 提醒室", status=500):
        assert time.monotonic() < deadline, "the reminder was never tried"
        time.sleep(0.1)

    gateway = h.stack.service("gateway")
    os.killpg(gateway.process.pid, signal.SIGKILL)  # type: ignore[union-attr]
    gateway.process.wait(timeout=10)  # type: ignore[union-attr]
    h.line.reset()
    h.stack.start_service(gateway)
    h.stack.wait_ready(timeout_s=60, names=("gateway",))
    deadline = time.monotonic() + 40
    while not pushes_to(h, user, "e2e 提醒室"):
        assert time.monotonic() < deadline, "the reminder was not sent after the restart"
        time.sleep(0.2)
    time.sleep(3.0)  # long enough for a duplicate to show up
    assert len(pushes_to(h, user, "e2e 提醒室")) == 1
    with h.store.read() as session:
        assert session.get(OutboxMessage, reminder_id).status == "sent"


def test_injury_checkins_are_sent_when_due_answered_and_stopped(services):
    h, user = services, line_user()
    text, buttons = say(h, user, "申請職災關懷")
    assert "第 3、14、30 天" in text and "個資告知" in text
    text, _ = say(h, user, postback=buttons["開始關心"])
    assert "案件編號 #" in text
    with h.store.read() as session:
        case = session.scalars(select(Case).where(Case.sender == f"line:{user}", Case.kind == "injury")).one()
        checkins = [(c.id, c.outbox_id) for c in fu.checkins_of(session, case.id)]
        case_id = case.id

    def due_now(outbox_id: int) -> None:
        with h.store.session() as session:
            session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id)
                            .values(next_attempt_at=utcnow()))

    # day 3: the check-in arrives; the worker taps 需要協助
    due_now(checkins[0][1])
    [push] = h.line.wait_for(lambda r: r.path == PUSH and r.json().get("to") == user
                             and "恢復" in json.dumps(r.json(), ensure_ascii=False), timeout=30)
    tapped = buttons_in(push.json()["messages"])
    assert set(tapped) >= {"好多了", "還在治療", "需要協助", "停止關心"}
    text, _ = say(h, user, postback=tapped["需要協助"])
    assert "盡快和您聯絡" in text
    # day 14: arrives; the worker stops the follow-up instead of answering
    due_now(checkins[1][1])
    h.line.wait_for(lambda r: r.path == PUSH and r.json().get("to") == user
                    and "復工" in json.dumps(r.json(), ensure_ascii=False), timeout=30)
    text, _ = say(h, user, "停止關心")
    assert "不會再傳關心訊息" in text
    # day 30 never comes
    due_now(checkins[2][1])
    time.sleep(2.0)
    assert pushes_to(h, user, "職災保險的傷病") == []
    with h.store.read() as session:
        assert session.get(Case, case_id).status == "closed"
        assert session.get(OutboxMessage, checkins[2][1]).status == "skipped"
        answers = [c.answer for c in fu.checkins_of(session, case_id)]
        assert answers == ["need_help", None, None]
