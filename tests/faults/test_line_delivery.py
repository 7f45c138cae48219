"""LINE does not take an answer: the answer is stored once rendered, and a retry sends the rest of it
without asking Rasa again (in process: the gateway app on a test database, the fake LINE API, and a
fake Rasa that counts the messages put to it).

* 403 to the reply and to the push: the row ends refused, never replayed; Rasa was asked once.
* the reply goes out, the push of the second group fails (500) for the whole first try: the retry pushes
  that group only, with the same retry key; the user has each group once; Rasa was asked once.
* 429 (quota) for the whole first try, then LINE takes it: delivered on the retry; Rasa was asked once.
* a dead gateway's row with a stored answer, partly delivered: the restarted gateway pushes the rest.
* the answer cannot be stored (SQLite locked just then): it is sent anyway, and the row ends done.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fakes.fake_line import PUSH, REPLY, FakeLineApi
from fakes.payloads import line_body, line_event, line_user, sign
from fakes.secrets import LINE_SECRET, LINE_TOKEN
from fakes.server import FakeServer, Recorded
from sqlalchemy import select
from sqlalchemy.engine import make_url

from cases.db import CaseStore
from cases.models import InboxEvent, utcnow
from channels.app import create_app
from channels.inbox import Inbox, NewEvent
from channels.line.channel import Answer
from channels.line.client import push_retry_key
from channels.settings import ChannelSettings
from labourbot.config import Settings

pytestmark = pytest.mark.cases

RASA_PATHS = ("/webhooks/rest/webhook", "/webhooks/rest_parse/webhook", "/model/parse")
PARAGRAPH = "依勞動基準法，雇主延長工作時間應依規定加給工資，並應留存出勤紀錄備查。"  # 36 characters
LONG = "長答案"  # the fake Rasa answers this with six long texts: two send groups on LINE
SHORT_ANSWER = "好的，我來說明加班費的算法。"


def long_answer_texts() -> list[str]:
    """Six texts of 2,884 characters: no two fit one LINE text, so they go in groups of five and one."""
    return [f"第{i}段：" + PARAGRAPH * 80 for i in range(1, 7)]


class FakeRasa(FakeServer):
    """Rasa's REST channels: a short answer, or six texts of about 3,000 characters for LONG. A test
    may hold the answers back (`release` cleared) to do something while Rasa is thinking (`arrived`)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def _answer(self, record: Recorded) -> tuple[int, Any]:
        if record.path in RASA_PATHS:
            self.arrived.set()
            self.release.wait(timeout=20)
        return super()._answer(record)

    def respond(self, record: Recorded) -> tuple[int, Any]:
        if record.method != "POST" or record.path not in RASA_PATHS:
            return 200, {}
        text = (record.json() or {}).get("message") or (record.json() or {}).get("text") or ""
        texts = long_answer_texts() if text == LONG else [SHORT_ANSWER]
        messages = [{"text": t} for t in texts]
        if record.path == "/webhooks/rest_parse/webhook":
            return 200, {"messages": messages, "intent": {"name": "ask_overtime", "confidence": 0.9}}
        if record.path == "/model/parse":
            return 200, {"intent": {"name": "ask_overtime", "confidence": 0.9}}
        return 200, messages

    def asked(self) -> int:
        return len(self.matching(lambda r: r.method == "POST" and r.path in RASA_PATHS))


@pytest.fixture()
def rasa() -> Iterator[FakeRasa]:
    server = FakeRasa()
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def env(monkeypatch, case_db_url):
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    monkeypatch.setenv("LABOURBOT_INBOX_LEASE_S", "3")  # a beat every second: retries come soon
    monkeypatch.setenv("LABOURBOT_SQLITE_BUSY_TIMEOUT_S", "0.3")
    return case_db_url


@asynccontextmanager
async def gateway(tmp_path, line_api: FakeLineApi, rasa: FakeRasa) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(_env_file=None, rasa_url=rasa.url, data_dir=tmp_path)
    channels = ChannelSettings(_env_file=None, line_channel_secret=LINE_SECRET,
                               line_channel_access_token=LINE_TOKEN, line_api_base=line_api.url,
                               line_data_api_base=line_api.url)
    app = create_app(settings, channels)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client:
            yield client


async def post_line(client: httpx.AsyncClient, event: dict) -> None:
    body = line_body(event)
    response = await client.post("/webhooks/line", content=body,
                                 headers={"X-Line-Signature": sign(body, LINE_SECRET)})
    assert response.status_code == 200


def inbox_row(url: str) -> InboxEvent:
    store = CaseStore(url=url)
    try:
        with store.read() as session:
            [row] = list(session.scalars(select(InboxEvent)))
            session.expunge_all()
            return row
    finally:
        store.dispose()


async def until(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


def for_user(user: str, token: str):  # type: ignore[no-untyped-def]
    """Any reply with this token or push to this user."""
    def match(r: Recorded) -> bool:
        if r.path not in (REPLY, PUSH):
            return False
        body = r.json()
        return body.get("replyToken") == token or body.get("to") == user
    return match


def accepted(line_api: FakeLineApi, user: str, token: str) -> list[list[str]]:
    """The texts of each send LINE took for this user, in order."""
    sends = line_api.matching(lambda r: for_user(user, token)(r) and r.status == 200)
    return [[m["text"] for m in r.json()["messages"]] for r in sends]


async def test_a_final_refusal_ends_the_row_refused_and_rasa_is_asked_once(env, tmp_path, line_api, rasa):
    user = line_user()
    event = line_event(user, "加班費怎麼算")
    line_api.fail_next(403, count=10, when=for_user(user, event["replyToken"]),
                       body={"message": "Not allowed to send messages to this user"})
    async with gateway(tmp_path, line_api, rasa) as client:
        await post_line(client, event)
        await until(lambda: inbox_row(env).status == "refused")
        await asyncio.sleep(2.5)  # beats go by: a refused row is not taken again
    row = inbox_row(env)
    assert row.status == "refused" and "403" in (row.last_error or "")
    assert row.body == "" and row.reply is None, "nothing of the user is kept"
    assert [r.status for r in line_api.matching(for_user(user, event["replyToken"]))] == [403, 403], \
        "one reply, one push: a final refusal is not retried"
    assert rasa.asked() == 1


async def test_after_a_failed_push_the_retry_sends_only_the_rest_and_rasa_is_asked_once(
    env, tmp_path, line_api, rasa
):
    user = line_user()
    event = line_event(user, LONG)
    line_api.fail_next(500, count=3, when=lambda r: r.path == PUSH and r.json().get("to") == user)
    async with gateway(tmp_path, line_api, rasa) as client:
        await post_line(client, event)
        await until(lambda: (inbox_row(env).last_error or "").startswith("LINE 500"))
        waiting = inbox_row(env)  # between the tries: the answer as rendered, and how much went out
        assert (waiting.status, waiting.delivered) == ("pending", 1)
        stored = json.loads(waiting.reply or "{}")
        assert stored["to"] == user and [len(group) for group in stored["groups"]] == [5, 1]
        await until(lambda: inbox_row(env).status == "done")
    texts = long_answer_texts()
    assert accepted(line_api, user, event["replyToken"]) == [texts[:5], texts[5:]], \
        "each group exactly once: the reply's group is not pushed again"
    pushes = line_api.matching(lambda r: r.path == PUSH and r.json().get("to") == user)
    assert [p.status for p in pushes] == [500, 500, 500, 200]
    assert {p.headers["x-line-retry-key"] for p in pushes} == {push_retry_key(event["webhookEventId"], 1)}
    assert rasa.asked() == 1, "the retry sent the stored answer, it did not ask Rasa again"
    assert inbox_row(env).attempts == 2


async def test_an_exhausted_quota_is_retried_later_and_rasa_is_asked_once(env, tmp_path, line_api, rasa):
    user = line_user()
    event = line_event(user, "特休怎麼算", age_s=120)  # too old for its reply token: pushed
    line_api.fail_next(429, count=3, when=lambda r: r.path == PUSH and r.json().get("to") == user,
                       body={"message": "You have reached your monthly limit."})
    async with gateway(tmp_path, line_api, rasa) as client:
        await post_line(client, event)
        await until(lambda: inbox_row(env).status == "done")
    assert accepted(line_api, user, event["replyToken"]) == [[SHORT_ANSWER]]
    assert rasa.asked() == 1


async def test_a_dead_gateways_stored_answer_is_finished_by_push_without_rasa(env, tmp_path, line_api, rasa):
    """The dead gateway stored the answer and got its first group out; the restarted one sends the rest."""
    user = line_user()
    event = line_event(user, LONG, age_s=300)
    texts = long_answer_texts()
    groups = [[{"type": "text", "text": t} for t in texts[:5]], [{"type": "text", "text": texts[5]}]]
    store = CaseStore(url=env)
    try:
        dead = Inbox(store, lease_s=30, owner="dead-gateway")
        [row] = dead.accept("line", [NewEvent(event["webhookEventId"], user, json.dumps(event))],
                            now=utcnow() - timedelta(minutes=2))
        dead.save_reply(row.id, Answer(user, groups).to_json())
        dead.mark_delivered(row.id, 1)
    finally:
        store.dispose()
    async with gateway(tmp_path, line_api, rasa):
        await until(lambda: inbox_row(env).status == "done")
    [push] = line_api.matching(for_user(user, event["replyToken"]))
    assert push.path == PUSH and [m["text"] for m in push.json()["messages"]] == texts[5:]
    assert push.headers["x-line-retry-key"] == push_retry_key(event["webhookEventId"], 1)
    assert rasa.asked() == 0


async def test_an_answer_that_cannot_be_stored_is_sent_anyway(env, tmp_path, line_api, rasa, caplog):
    url = make_url(env)
    if url.get_backend_name() != "sqlite":
        pytest.skip("provokes SQLite's 'database is locked'")
    user = line_user()
    event = line_event(user, "資遣費怎麼算")
    rasa.release.clear()
    async with gateway(tmp_path, line_api, rasa) as client:
        await post_line(client, event)
        assert await asyncio.to_thread(rasa.arrived.wait, 10)
        locker = sqlite3.connect(url.database, timeout=0.1, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")  # held while the gateway would store the answer
        try:
            rasa.release.set()
            await until(lambda: accepted(line_api, user, event["replyToken"]) != [])
        finally:
            locker.execute("COMMIT")
            locker.close()
        await until(lambda: inbox_row(env).status == "done")
    assert "answer not stored (OperationalError)" in caplog.text, "the lock came in time"
    assert accepted(line_api, user, event["replyToken"]) == [[SHORT_ANSWER]]
    assert rasa.asked() == 1
