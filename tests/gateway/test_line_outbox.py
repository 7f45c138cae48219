"""The outbox's LINE sender (channels/line/outbox.py) against the fake LINE API: what LINE takes, what it
refuses for good, what is worth another try, and that a repeated push is never shown twice."""

from __future__ import annotations

import asyncio

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from fakes.fake_line import PUSH, FakeLineApi, problems
from fakes.secrets import LINE_TOKEN

from cases.outbox import DeliveryError, Outgoing
from channels.line.client import LineSender
from channels.line.outbox import LineOutboxSender
from channels.line.render import MAX_DATA_CHARS, line_len
from channels.payloads import PayloadStore

STAFF_REPLY = "您好，勞工局已收到您的申訴，承辦同仁會在三個工作天內與您聯絡。"
TIMEOUT_S = 0.3


@asynccontextmanager
async def outbox_sender(line_api: FakeLineApi, token: str = LINE_TOKEN) -> AsyncIterator[LineOutboxSender]:
    sender = LineSender(line_api.url, token, request_timeout_s=TIMEOUT_S, retry_pause_s=TIMEOUT_S)
    try:
        yield LineOutboxSender(sender, PayloadStore(max_bytes=MAX_DATA_CHARS))
    finally:
        await sender.close()


def outgoing(text: str = STAFF_REPLY, buttons: tuple[tuple[str, str], ...] = ()) -> Outgoing:
    return Outgoing("line", "U" + uuid.uuid4().hex, text, buttons, str(uuid.uuid4()))


def pushes(line_api: FakeLineApi, message: Outgoing) -> list:  # type: ignore[type-arg]
    return line_api.matching(lambda r: r.path == PUSH and r.json().get("to") == message.address)


async def test_can_send_line_only_and_only_with_a_token(line_api):
    async with outbox_sender(line_api) as sender:
        assert sender.can_send("line") and not sender.can_send("telegram")
        with pytest.raises(DeliveryError) as refused:
            await sender.send(Outgoing("telegram", "123", STAFF_REPLY, (), str(uuid.uuid4())))
        assert not refused.value.retriable
    async with outbox_sender(line_api, token=" ") as sender:
        assert not sender.can_send("line")


async def test_a_push_goes_to_the_address_with_the_row_key_as_retry_key(line_api):
    message = outgoing(buttons=(("找真人", "/request_human"), ("謝謝", "謝謝")))
    async with outbox_sender(line_api) as sender:
        await sender.send(message)
    [push] = pushes(line_api, message)
    assert push.status == 200 and push.headers["x-line-retry-key"] == message.key
    [sent] = push.json()["messages"]
    assert sent["text"] == STAFF_REPLY
    assert [item["action"]["label"] for item in sent["quickReply"]["items"]] == ["找真人", "謝謝"]


async def test_a_409_means_line_already_took_it_and_counts_as_sent(line_api):
    message = outgoing()
    line_api.retry_keys.add(message.key)
    async with outbox_sender(line_api) as sender:
        await sender.send(message)
    assert [p.status for p in pushes(line_api, message)] == [409]


async def test_a_429_is_retriable_and_the_next_attempt_carries_the_same_key(line_api):
    """Each send is one attempt: the outbox worker tries again later, with backoff."""
    quota = outgoing()
    line_api.fail_next(429, when=lambda r: r.path == PUSH and r.json()["to"] == quota.address,
                       body={"message": "You have reached your monthly limit."})
    async with outbox_sender(line_api) as sender:
        with pytest.raises(DeliveryError) as error:
            await sender.send(quota)
        assert error.value.retriable and "429" in error.value.reason and "monthly limit" in error.value.reason
        await sender.send(quota)  # the outbox worker's next attempt
    assert [p.status for p in pushes(line_api, quota)] == [429, 200]
    assert {p.headers["x-line-retry-key"] for p in pushes(line_api, quota)} == {quota.key}


async def test_a_403_is_a_final_refusal_tried_once(line_api):
    message = outgoing()
    line_api.fail_next(403, count=3, when=lambda r: r.path == PUSH and r.json()["to"] == message.address)
    async with outbox_sender(line_api) as sender:
        with pytest.raises(DeliveryError) as error:
            await sender.send(message)
    assert not error.value.retriable and "403" in error.value.reason
    assert [p.status for p in pushes(line_api, message)] == [403]


async def test_a_500_is_retriable(line_api):
    message = outgoing()
    line_api.fail_next(500, count=1, when=lambda r: r.path == PUSH and r.json()["to"] == message.address)
    async with outbox_sender(line_api) as sender:
        with pytest.raises(DeliveryError) as error:
            await sender.send(message)
        assert error.value.retriable
        await sender.send(message)  # the outbox worker's next attempt
    assert [p.status for p in pushes(line_api, message)] == [500, 200]


async def test_a_timed_out_push_that_line_took_is_not_shown_twice(line_api):
    message = outgoing()
    line_api.stall_next(TIMEOUT_S + 0.2, when=lambda r: r.path == PUSH and r.json()["to"] == message.address)
    async with outbox_sender(line_api) as sender:
        with pytest.raises(DeliveryError) as error:
            await sender.send(message)  # timed out, but LINE took it
        assert error.value.retriable
        await asyncio.sleep(0.4)  # the outbox backs off at least seconds; LINE has finished taking it
        await sender.send(message)  # the worker's next attempt, same key: 409, counted as sent
    assert [p.status for p in pushes(line_api, message)] == [200, 409]


async def test_a_long_chinese_text_is_split_in_lines_count_not_clipped(line_api):
    text = "勞工𠮷權益說明" * 1500  # 10,500 characters, 12,000 in LINE's count (𠮷 counts two)
    message = outgoing(text)
    async with outbox_sender(line_api) as sender:
        await sender.send(message)
    [push] = pushes(line_api, message)
    sent = push.json()["messages"]
    assert push.status == 200 and problems(sent) == []
    assert len(sent) == 3 and all(line_len(m["text"]) <= 5000 for m in sent)
    assert "".join(m["text"] for m in sent) == text, "nothing is cut off"


async def test_a_long_button_payload_travels_as_a_stored_id(line_api):
    payload = "/report_case" + '{"detail": "' + "雇主積欠工資三個月，" * 40 + '"}'
    message = outgoing(buttons=(("補充說明", payload),))
    async with outbox_sender(line_api) as sender:
        await sender.send(message)
        [push] = pushes(line_api, message)
        assert push.status == 200 and problems(push.json()["messages"]) == []
        [item] = push.json()["messages"][0]["quickReply"]["items"]
        data = item["action"]["data"]
        assert line_len(data) <= MAX_DATA_CHARS < len(payload.encode())
        assert sender.payloads.unpack(data) == payload


async def test_a_message_of_more_than_five_parts_goes_in_several_pushes_with_derived_keys(line_api):
    message = outgoing("段落說明。" * 1000 + "\n\n" + "補充" * 2400 * 5)  # 5,000 + 24,000 characters
    async with outbox_sender(line_api) as sender:
        await sender.send(message)
    sent = pushes(line_api, message)
    assert [p.status for p in sent] == [200, 200]
    keys = [p.headers["x-line-retry-key"] for p in sent]
    assert keys[0] == message.key and keys[1] != message.key and str(uuid.UUID(keys[1])) == keys[1]
