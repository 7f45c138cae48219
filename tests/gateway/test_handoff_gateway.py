"""The gateway's side of handoff, in process with Rasa unreachable: danger words answered without Rasa,
messages of a held case kept from the bot, staff replies and the survey for the pull channels (polled
with a cursor, so a lost response loses nothing)."""

from __future__ import annotations

from typing import AsyncIterator

import httpx
import pytest
from fakes.gateway import in_process_gateway
from sqlalchemy import select

from cases.models import Case, OutboxMessage
from cases.service import CaseDraft, assign, close_case, open_case, staff_reply
from channels.conversation import UNAVAILABLE_REPLY

pytestmark = pytest.mark.cases

EMERGENCY_NUMBERS = ("110", "119", "113", "1925", "1955")


@pytest.fixture()
async def client(monkeypatch, case_db_url, case_store, tmp_path) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    async with in_process_gateway(tmp_path) as (_app, c):
        yield c


async def say(client: httpx.AsyncClient, user: str, text: str) -> dict:
    response = await client.post("/api/messages", json={"user": user, "text": text})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("text", ["我不想活了", "老闆威脅要打我", "我想自杀"])
async def test_danger_words_get_the_emergency_numbers_and_a_high_priority_case_without_rasa(client, case_store,
                                                                                          text):
    reply = await say(client, "danger-user", text)
    assert reply["handoff"] is True
    assert all(number in reply["text"] for number in EMERGENCY_NUMBERS)
    assert UNAVAILABLE_REPLY not in reply["text"]  # Rasa (down here) was never asked
    with case_store.session() as s:
        case = s.scalars(select(Case).where(Case.sender == "rest:danger-user")).one()
        assert (case.priority, case.reason, case.status) == ("high", "danger", "waiting")
        assert f"#{case.id}" in reply["text"]
        assert case.messages[-1].text == text
        assert s.scalars(select(OutboxMessage.kind)).all() == ["staff_alert"]


async def test_a_held_case_takes_the_users_messages_instead_of_the_bot(client, case_store, make_staff):
    alice = make_staff("alice")
    waiting = await say(client, "held", "你好")
    assert UNAVAILABLE_REPLY in waiting["text"]  # no case yet: the bot (down) is asked
    with case_store.session() as s:
        case_id = open_case(s, CaseDraft(sender="rest:held"))[0].id
    assert UNAVAILABLE_REPLY in (await say(client, "held", "還在嗎"))["text"]  # waiting: still the bot
    with case_store.session() as s:
        assign(s, case_id, alice)
    first = await say(client, "held", "我明天下午都在")
    assert f"#{case_id}" in first["text"] and "轉給" in first["text"] and first["messages"][0]["kind"] == "case_ack"
    second = await say(client, "held", "電話是 0912-345-678")
    assert second["messages"] == [] and second["text"] == ""
    with case_store.session() as s:
        thread = [m.text for m in s.get(Case, case_id).messages if m.part == "thread" and m.author == "user"]
    assert thread == ["我明天下午都在", "電話是 0912-345-678"]


async def test_staff_replies_and_the_survey_wait_for_rest_and_web_clients(client, case_store, make_staff):
    alice = make_staff("alice")
    with case_store.session() as s:
        rest_case = open_case(s, CaseDraft(sender="rest:pull-user"))[0].id
        web_case = open_case(s, CaseDraft(sender="web:w-pulluser1"))[0].id
    with case_store.session() as s:
        staff_reply(s, rest_case, alice, "您好，請問公司名稱？")
        staff_reply(s, web_case, alice, "網頁上的您好")
    first = (await client.get("/api/messages/pull-user/pending")).json()["messages"]
    assert [m["text"] for m in first] == ["【勞工局同仁】您好，請問公司名稱？"]
    cursor = first[0]["id"]
    assert (await client.get("/api/messages/pull-user/pending", params={"after": cursor})).json() == {
        "messages": []}
    web = (await client.get("/chat/api/pending", params={"user": "w-pulluser1"})).json()["messages"]
    assert [m["text"] for m in web] == ["【勞工局同仁】網頁上的您好"]
    for bad in ({"user": "../etc"}, {"user": "w-pulluser1", "after": "-1"}, {"user": "w-pulluser1", "after": "x"}):
        assert (await client.get("/chat/api/pending", params=bad)).status_code == 422
    with case_store.session() as s:
        close_case(s, rest_case, alice)
    [survey] = (await client.get("/api/messages/pull-user/pending", params={"after": cursor})).json()["messages"]
    assert "結束案件" in survey["text"] and "分數" in survey["text"] and len(survey["buttons"]) == 5
    five = survey["buttons"][0]
    thanks = await say(client, "pull-user", five["payload"])
    assert thanks["text"].startswith("謝謝您的評分")
    again = await say(client, "pull-user", five["payload"])
    assert again["text"] == "這次服務已經評過分了，謝謝您！"
    with case_store.session() as s:
        assert s.get(Case, rest_case).rating == 5
    back_to_bot = await say(client, "pull-user", "加班費怎麼算")
    assert UNAVAILABLE_REPLY in back_to_bot["text"]  # closed: the bot answers again (down in this test)


@pytest.mark.parametrize("path, params", [("/chat/api/pending", {"user": "w-lostpoll1"}),
                                          ("/api/messages/lostpoll/pending", {})])
async def test_a_poll_whose_response_is_lost_still_delivers_the_message(client, case_store, make_staff, path,
                                                                        params):
    """A phone polls, the response carrying the staff reply is lost on the way, the phone polls again
    with its old cursor: the reply comes again; the next cursor acknowledges it."""
    alice = make_staff("alice")
    sender = "web:w-lostpoll1" if "user" in params else "rest:lostpoll"
    with case_store.session() as s:
        case_id = open_case(s, CaseDraft(sender=sender))[0].id
        staff_reply(s, case_id, alice, "第一則")
    [shown] = (await client.get(path, params=params)).json()["messages"]
    cursor = {**params, "after": shown["id"]}
    with case_store.session() as s:
        staff_reply(s, case_id, alice, "第二則")
    lost = (await client.get(path, params=cursor)).json()["messages"]  # never reaches the phone
    again = (await client.get(path, params=cursor)).json()["messages"]
    assert [m["text"] for m in lost] == [m["text"] for m in again] == ["【勞工局同仁】第二則"]
    assert again[0]["id"] > shown["id"] and again[0]["case_id"] == case_id
    assert (await client.get(path, params={**params, "after": again[0]["id"]})).json() == {"messages": []}
    assert (await client.get(path, params=params)).json() == {"messages": []}  # all acknowledged


async def test_a_bare_score_right_after_the_survey_is_taken_as_the_rating(client, case_store, make_staff):
    alice = make_staff("alice")
    with case_store.session() as s:
        case_id = open_case(s, CaseDraft(sender="rest:bare"))[0].id
    with case_store.session() as s:
        close_case(s, case_id, alice)
    assert (await say(client, "bare", "4 分"))["text"].startswith("謝謝您的評分")
    assert UNAVAILABLE_REPLY in (await say(client, "bare", "3"))["text"]  # already rated: an ordinary message
    with case_store.session() as s:
        assert s.get(Case, case_id).rating == 4
