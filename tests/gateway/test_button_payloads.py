"""Long button payloads (channels/payloads.py): kept in the database, so that a button shown by one
gateway process still works when the tap reaches another one, or the same one after a restart."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fakes.fake_line import REPLY
from fakes.payloads import line_event, line_user, telegram_button, telegram_chat, telegram_text
from sqlalchemy import select

from cases.db import CaseStore
from cases.models import ButtonPayload, utcnow
from channels.payloads import PayloadStore
from channels.canned import EXPIRED_BUTTON_REPLY
from channels.payloads import PayloadTable
from test_inbox_gateway import env, gateway, in_thread, post_line, until  # noqa: F401  (fixture + helpers)

pytestmark = pytest.mark.cases

from fakes.secrets import TELEGRAM_SECRET  # noqa: E402

TG_HEADERS = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
LONG_QUESTION = "我在臺南的餐廳打工，老闆說試用期三個月不用加勞健保，時薪也只給一百八十元，這樣合法嗎"


def stored_payloads(url: str) -> dict[str, str]:
    store = CaseStore(url=url)
    try:
        with store.read() as s:
            return {row.key: row.payload for row in s.scalars(select(ButtonPayload))}
    finally:
        store.dispose()


async def test_a_short_id_outlives_the_memory_that_made_it_and_old_rows_are_purged(case_store):
    table = PayloadTable(case_store)
    first = PayloadStore(max_bytes=64, table=table)
    key = first.pack(LONG_QUESTION)
    assert key.startswith(PayloadStore.PREFIX) and first.pack("短的") == "短的"
    await first.flush()
    assert first.pack(LONG_QUESTION) == key, "the same payload, the same id"
    table.save({key: LONG_QUESTION})  # saving again is harmless
    restarted = PayloadStore(max_bytes=64, table=table)
    assert restarted.unpack(key) is None, "not in the new process's memory"
    assert await restarted.unpack_async(key) == LONG_QUESTION, "but in the database"
    assert await restarted.unpack_async(PayloadStore.PREFIX + "0" * 16) is None
    assert table.purge(now=utcnow() + timedelta(days=29)) == 0
    assert table.purge(now=utcnow() + timedelta(days=31)) == 1
    assert await PayloadStore(max_bytes=64, table=table).unpack_async(key) is None


async def test_a_telegram_button_works_after_the_gateway_restarted(env, tmp_path, line_api, telegram_api):
    """A button packed before a restart (its payload in the table, not in the new process's memory)."""
    store = CaseStore(url=env)
    try:
        before_restart = PayloadStore(max_bytes=64, table=PayloadTable(store))
        data = before_restart.pack(LONG_QUESTION)  # 126 bytes: more than Telegram's 64, so a short id
        await before_restart.flush()
    finally:
        store.dispose()
    assert data.startswith(PayloadStore.PREFIX) and stored_payloads(env)[data] == LONG_QUESTION
    chat = telegram_chat()
    async with gateway(tmp_path, line_api, telegram_api) as client:  # restarted: its memory is empty
        assert (await client.post("/webhooks/telegram", json=telegram_button(chat, data),
                                  headers=TG_HEADERS)).status_code == 200
        await until(lambda: telegram_api.sent_to(chat))
    answer = telegram_api.sent_to(chat)[0]["text"]
    # Rasa is unreachable in this test: the question was read from the table and put to it.
    assert EXPIRED_BUTTON_REPLY[:8] not in answer and "請過一會兒再傳一次" in answer, answer


async def test_a_line_button_made_by_another_gateway_process_works(env, tmp_path, line_api):
    """LINE sends plain-text buttons as message actions; only longer or intent payloads are packed. Here
    another process (its own PayloadStore on the same database) made the button the user taps."""
    store = CaseStore(url=env)
    try:
        other_process = PayloadStore(max_bytes=300, table=PayloadTable(store))
        data = other_process.pack(LONG_QUESTION * 3)  # 384 characters: more than LINE's 300
        await other_process.flush()
    finally:
        store.dispose()
    user = line_user()
    async with gateway(tmp_path, line_api) as client:
        tap = line_event(user, postback=data)
        assert await post_line(client, tap) == 200
        [answer] = await in_thread(line_api.wait_for, lambda r: r.path == REPLY
                                   and r.json()["replyToken"] == tap["replyToken"], timeout=20)
        forgotten = line_event(user, postback=PayloadStore.PREFIX + "0" * 16)
        assert await post_line(client, forgotten) == 200
        [expired] = await in_thread(line_api.wait_for, lambda r: r.path == REPLY
                                    and r.json()["replyToken"] == forgotten["replyToken"], timeout=20)
    text = " ".join(m.get("text", "") for m in answer.json()["messages"])
    assert EXPIRED_BUTTON_REPLY[:8] not in text and "請過一會兒再傳一次" in text, text
    assert EXPIRED_BUTTON_REPLY[:8] in " ".join(m.get("text", "") for m in expired.json()["messages"])
