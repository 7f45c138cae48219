"""Limits that hold against a client that lies (issue 15), in process: the gateway app with its lifespan,
a fresh case database, a fake Rasa HTTP server; clients at chosen addresses (ASGITransport's `client`).

The web chat and REST take the user id the client chooses, so a fresh id per request escaped the
per-sender limit: the address is limited too, its messages in flight are capped, and danger words from
many ids of one address open only a few cases. LINE events replayed after the inbox forgot them are
dropped. The web chat id travels in the X-Chat-Id header."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Iterator

import httpx
import pytest
from fakes.fake_line import REPLY
from fakes.payloads import line_body, line_event, line_user, sign
from fakes.secrets import LINE_SECRET, LINE_TOKEN
from fakes.server import FakeServer, Recorded
from sqlalchemy import select

from cases.db import CaseStore
from cases.models import Case, InboxEvent
from cases.service import CaseDraft, open_case, staff_reply
from channels.app import create_app
from channels.limits import BUSY_REPLY, RATE_LIMITED_REPLY, AddressAdmission, CaseDecision, client_address
from channels.settings import ChannelSettings
from labourbot.config import PROJECT_ROOT, Settings
from channels.emergency import EMERGENCY

pytestmark = pytest.mark.cases

ANSWER = "好的，我來說明加班費的算法。"
FLOODER = ("203.0.113.7", 40000)
NEIGHBOUR = ("198.51.100.9", 40001)


class FakeRasa(FakeServer):
    """Rasa's rest_parse channel, answering at once, or holding answers while `release` is clear."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.release.set()
        self.arrived = 0  # requests received, answered or held

    def _answer(self, record: Recorded) -> tuple[int, Any]:
        if record.path.startswith("/webhooks/"):
            with self._cond:
                self.arrived += 1
            self.release.wait(timeout=20)
        return super()._answer(record)

    def respond(self, record: Recorded) -> tuple[int, Any]:
        if record.path == "/webhooks/rest_parse/webhook":
            return 200, {"messages": [{"text": ANSWER}], "intent": {"name": "ask_overtime", "confidence": 0.9}}
        return 200, {}


@pytest.fixture()
def rasa() -> Iterator[FakeRasa]:
    server = FakeRasa().start()
    yield server
    server.release.set()
    server.stop()


@pytest.fixture()
def env(monkeypatch, case_db_url):
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    return case_db_url


@asynccontextmanager
async def gateway(tmp_path, rasa_url: str, **channels: Any) -> AsyncIterator[Any]:
    settings = Settings(_env_file=None, rasa_url=rasa_url, data_dir=tmp_path)
    app = create_app(settings, ChannelSettings(_env_file=None, **channels))
    async with app.router.lifespan_context(app):
        yield app


def client_at(app: Any, address: tuple[str, int]) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=address), base_url="http://gw",
                             timeout=30)


def fresh_id() -> str:
    return "w-" + uuid.uuid4().hex


async def web(client: httpx.AsyncClient, text: str, user: str | None = None) -> list[dict]:
    response = await client.post("/chat/api/messages", json={"text": text},
                                 headers={"X-Chat-Id": user or fresh_id()})
    assert response.status_code == 200, response.text
    return response.json()["messages"]


def cases_of(url: str) -> list[tuple[str, str]]:
    store = CaseStore(url=url)
    try:
        with store.read() as s:
            return [(c.sender, c.summary) for c in s.scalars(select(Case).order_by(Case.id))]
    finally:
        store.dispose()


async def test_fresh_ids_from_one_address_are_limited_while_another_address_is_answered(env, tmp_path, rasa):
    # The bucket's burst as shipped; one token a minute, so a slow machine does not refill it mid-test.
    async with gateway(tmp_path, rasa.url, address_refill_s=60.0) as app:
        limit = AddressAdmission().buckets
        async with client_at(app, FLOODER) as flooder, client_at(app, NEIGHBOUR) as neighbour:
            started = time.monotonic()
            answers = [(await web(flooder, "加班費怎麼算"))[0] for _ in range(limit.burst + 40)]
            refilled = (time.monotonic() - started) / 60.0
            own = await web(neighbour, "加班費怎麼算")
            rest = await flooder.post("/api/messages", json={"user": "r-" + uuid.uuid4().hex, "text": "特休"})
    answered = [a for a in answers if a["text"] == ANSWER]
    assert limit.burst <= len(answered) <= limit.burst + refilled + 1, "a fresh id no longer escapes the limit"
    assert all(a["text"] == RATE_LIMITED_REPLY for a in answers if a["text"] != ANSWER), "never silence"
    assert own[0]["text"] == ANSWER, "another address is not held back by the flood"
    assert rest.json()["messages"][0]["text"] == RATE_LIMITED_REPLY, "REST shares the address's bucket"


async def test_messages_in_flight_per_address_are_capped_with_a_clear_busy_answer(env, tmp_path, rasa):
    cap = AddressAdmission().max_in_flight
    async with gateway(tmp_path, rasa.url) as app:
        async with client_at(app, FLOODER) as flooder, client_at(app, NEIGHBOUR) as neighbour:
            rasa.release.clear()  # Rasa is thinking: the flood's messages stay in flight
            held = [asyncio.create_task(web(flooder, "加班費怎麼算")) for _ in range(cap)]
            for _ in range(200):
                if rasa.arrived >= cap:
                    break
                await asyncio.sleep(0.05)
            assert rasa.arrived == cap
            over = await web(flooder, "加班費怎麼算")
            other = asyncio.create_task(web(neighbour, "加班費怎麼算"))
            await asyncio.sleep(0.2)
            rasa.release.set()
            done = await asyncio.gather(*held)
            neighbour_answer = await other
    assert [m["kind"] for m in over] == ["busy"] and over[0]["text"] == BUSY_REPLY
    assert all(d[0]["text"] == ANSWER for d in done)
    assert neighbour_answer[0]["text"] == ANSWER


async def test_danger_words_from_many_ids_of_one_address_open_few_cases_but_always_get_the_numbers(
        env, tmp_path, rasa):
    limit = AddressAdmission().max_cases
    async with gateway(tmp_path, rasa.url) as app:
        async with client_at(app, FLOODER) as flooder, client_at(app, NEIGHBOUR) as neighbour:
            replies = [await web(flooder, "老闆打我，我不想活了") for _ in range(limit + 7)]
            other = await web(neighbour, "老闆打我，我不想活了")
    assert all(r[0]["text"] == EMERGENCY for r in replies + [other]), "the numbers are never withheld"
    cases = cases_of(env)
    flood_notes = [c for c in cases if c[0].startswith("web:flood-")]
    assert len(cases) == limit + 1 + 1, cases  # the flood's first few, one combined note, the neighbour's
    assert len(flood_notes) == 1 and "系統彙整" in flood_notes[0][1]


def test_the_case_window_slides():
    admission = AddressAdmission(max_cases=2, case_window_s=600)
    decisions = [admission.case_decision("a", now=t) for t in (0, 1, 2, 3)]
    assert decisions == [CaseDecision.OPEN, CaseDecision.OPEN, CaseDecision.NOTE, CaseDecision.SKIP]
    assert admission.case_decision("b", now=3) is CaseDecision.OPEN
    assert admission.case_decision(None, now=3) is CaseDecision.OPEN, "LINE/Telegram: not throttled here"
    assert admission.case_decision("a", now=601) is CaseDecision.OPEN


def test_forwarded_for_is_believed_only_from_trusted_proxies():
    proxy = ChannelSettings(_env_file=None, trusted_proxies="10.0.0.1, 192.168.0.0/16").trusted_networks
    assert client_address("203.0.113.7", "1.2.3.4") == "203.0.113.7", "no proxies trusted by default"
    assert client_address("203.0.113.7", "1.2.3.4", proxy) == "203.0.113.7", "a client writing the header"
    assert client_address("10.0.0.1", "1.2.3.4", proxy) == "1.2.3.4"
    assert client_address("10.0.0.1", "6.6.6.6, 1.2.3.4, 192.168.1.5", proxy) == "1.2.3.4", "spoofed left part"
    assert client_address("2001:db8::1", None) == client_address("2001:db8::ffff:1", None) == "2001:db8::/64"
    with pytest.raises(ValueError):
        ChannelSettings(_env_file=None, trusted_proxies="10.0.0.999")


async def test_the_web_chat_id_goes_in_a_header_for_messages_and_pending(env, tmp_path, rasa, case_store,
                                                                        make_staff):
    user, alice = fresh_id(), make_staff("alice")
    with case_store.session() as s:
        case_id = open_case(s, CaseDraft(sender=f"web:{user}"))[0].id
        staff_reply(s, case_id, alice, "您好，我是勞工局的王小姐")
    async with gateway(tmp_path, rasa.url) as app:
        async with client_at(app, NEIGHBOUR) as client:
            pending = await client.get("/chat/api/pending", headers={"X-Chat-Id": user})
            posted = await client.post("/chat/api/messages", json={"text": "你好"}, headers={"X-Chat-Id": user})
            bad = await client.post("/chat/api/messages", json={"text": "你好"}, headers={"X-Chat-Id": "../x"})
            missing = await client.get("/chat/api/pending")
    assert pending.status_code == 200 and "王小姐" in pending.json()["messages"][0]["text"]
    assert posted.status_code == 200
    assert bad.status_code == 422 and missing.status_code == 422
    script = (PROJECT_ROOT / "channels/webchat/static/chat.js").read_text(encoding="utf-8")
    assert '"X-Chat-Id": userId' in script and '"X-Chat-Id": asked' in script
    assert "user: userId" not in script and "{ user:" not in script, "the id is never in a URL or body"


async def test_a_line_event_older_than_the_dedupe_window_is_dropped_with_200(env, tmp_path, line_api, rasa):
    user = line_user()
    old = line_event(user, "加班費怎麼算", age_s=7 * 86400)  # a captured request replayed a week later
    fresh = line_event(user, "特休怎麼算")
    async with gateway(tmp_path, rasa.url, line_channel_secret=LINE_SECRET, line_channel_access_token=LINE_TOKEN,
                       line_api_base=line_api.url, line_data_api_base=line_api.url) as app:
        async with client_at(app, NEIGHBOUR) as client:
            body = line_body(old, fresh)
            response = await client.post("/webhooks/line", content=body,
                                         headers={"X-Line-Signature": sign(body, LINE_SECRET)})
            assert response.status_code == 200
            await asyncio.to_thread(line_api.wait_for, lambda r: r.path == REPLY
                                    and r.json()["replyToken"] == fresh["replyToken"], timeout=20)
    store = CaseStore(url=env)
    try:
        with store.read() as s:
            keys = list(s.scalars(select(InboxEvent.event_key)))
    finally:
        store.dispose()
    assert keys == [fresh["webhookEventId"]], "the old event is neither stored nor answered"
    assert not line_api.matching(lambda r: r.path == REPLY and r.json()["replyToken"] == old["replyToken"])
