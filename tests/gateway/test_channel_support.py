"""The plumbing shared by the LINE and Telegram channels: per-user order, dedupe, short payload ids."""

from __future__ import annotations

import asyncio

from hypothesis import given
from hypothesis import strategies as st

from channels.tasks import BackgroundTasks, KeyedSerializer
from channels.payloads import PayloadStore
from channels.canned import location_reply, split_citation_suffix


async def test_jobs_of_one_key_run_in_call_order_and_keys_run_in_parallel():
    serial = KeyedSerializer()
    log: list[str] = []

    async def job(name: str, delay: float) -> str:
        log.append(f"start {name}")
        await asyncio.sleep(delay)
        log.append(f"end {name}")
        return name

    started = asyncio.get_running_loop().time()
    results = await asyncio.gather(
        serial.run("alice", lambda: job("a1", 0.2)),
        serial.run("alice", lambda: job("a2", 0.0)),
        serial.run("bob", lambda: job("b1", 0.2)),
        serial.run("alice", lambda: job("a3", 0.0)),
    )
    elapsed = asyncio.get_running_loop().time() - started
    assert results == ["a1", "a2", "b1", "a3"]
    alice = [entry for entry in log if " a" in entry]
    assert alice == ["start a1", "end a1", "start a2", "end a2", "start a3", "end a3"]
    assert log.index("start b1") < log.index("end a1"), "bob does not wait for alice"
    assert elapsed < 0.35
    assert len(serial) == 0, "idle keys are forgotten"


async def test_a_failing_job_does_not_block_the_next_one_of_the_same_key():
    serial = KeyedSerializer()

    async def boom() -> None:
        raise RuntimeError("x")

    async def fine() -> str:
        return "ok"

    results = await asyncio.gather(serial.run("k", boom), serial.run("k", fine), return_exceptions=True)
    assert isinstance(results[0], RuntimeError) and results[1] == "ok"


async def test_background_tasks_are_drained_on_stop():
    tasks = BackgroundTasks("test")
    done: list[int] = []

    async def work(i: int) -> None:
        await asyncio.sleep(0.05)
        done.append(i)

    for i in range(3):
        tasks.spawn(work(i))
    await tasks.drain(timeout_s=2)
    assert done == [0, 1, 2] and len(tasks) == 0


@given(st.text(min_size=0, max_size=200))
def test_payloads_round_trip_and_short_ids_fit_the_limit(payload):
    store = PayloadStore(max_bytes=64)
    packed = store.pack(payload)
    assert len(packed.encode()) <= 64
    assert store.unpack(packed) == payload


def test_payload_store_is_bounded():
    store = PayloadStore(max_bytes=10, maxlen=2)
    ids = [store.pack(f"一個很長的按鈕內容 {i}") for i in range(3)]
    assert len(store) == 2
    assert store.unpack(ids[0]) is None and store.unpack(ids[2]) == "一個很長的按鈕內容 2"


def test_citation_line_is_removed_only_when_citations_are_shown_apart():
    text = "答案第一段。\n\n依據：勞動基準法第24條、勞動基準法第36條"
    assert split_citation_suffix(text, ["勞動基準法第24條"]) == "答案第一段。"
    assert split_citation_suffix(text, []) == text
    assert split_citation_suffix("沒有依據行的答案", ["勞動基準法第24條"]) == "沒有依據行的答案"


def test_location_reply_recognises_a_tainan_district():
    assert location_reply("710台灣台南市永康區中華路1號").buttons[0].payload == "幫我找永康區的工作"
    assert location_reply("臺南市 東區 大學路1號").buttons[0].payload == "幫我找東區的工作"
    assert location_reply(None).buttons[0].payload == "我想找工作"


def test_card_body_drops_the_title_line_and_the_citation_line_the_card_shows_itself() -> None:
    from channels.canned import card_body

    text = "您問：「做了三年被資遣」\n關於「資遣費怎麼算」：\n新制每滿1年給半個月。\n\n依據：勞工退休金條例第12條"
    body = card_body(text, ["勞工退休金條例第12條"], "資遣費怎麼算")
    assert body == "您問：「做了三年被資遣」\n新制每滿1年給半個月。"
    assert card_body("關於「甲」：\n乙", [], "甲") == "乙"
    assert card_body("關於「甲」：\n乙", [], None) == "關於「甲」：\n乙"
