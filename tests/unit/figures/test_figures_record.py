"""figures/record.py: which kind each reply counts as, hashing of the sender, masked questions for the
curation queue, and a recorder whose failures never reach the reply."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from channels.conversation import ConversationService, Incoming
from channels.rasa_client import RasaClient
from channels.replies import BotReply, Button, OutMessage
from figures.models import EVENT_KINDS, MessageEvent, UnansweredQuestion
from figures.record import FigureRecorder, LastQuestions, classify, conversation_hash, feedback_of

pytestmark = pytest.mark.cases

KEY = b"test-key-0123456789"
AT = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)


def reply(*kinds: str, intent: str = "", topic: str = "other", handoff: bool = False, buttons=(), **meta) -> BotReply:
    return BotReply(messages=[OutMessage(text="x", kind=k, meta={"kind": k, **meta}, buttons=list(buttons))
                              for k in kinds], intent=intent, topic=topic, handoff=handoff)


ENTRY_BUTTON = Button("加班費怎麼算", '/kb_entry{"entry_id": "overtime-pay"}')


@pytest.mark.parametrize("text, bot, kind", [
    ("加班費", reply("kb_answer", "related", entry_id="overtime-pay"), "kb_answer"),
    ("勞基法第24條", reply("article"), "kb_answer"),
    ("怪問題", reply("statute_answer", "not_sure", buttons=[ENTRY_BUTTON]), "did_you_mean"),
    ("怪問題", reply("not_sure"), "not_answered"),
    ("天氣", reply("text", intent="out_of_scope"), "not_answered"),
    ("我想算特休", reply("calc_understood"), "calculator"),
    ("三年", reply("calc_result"), "calculator"),
    ("找工作", reply("job_list", topic="job_search"), "job_search"),
    ("這廣告", reply("scam_check", topic="job_scam"), "scam_check"),
    ("開始測驗", reply("quiz_intro", "quiz_question"), "quiz"),
    ("找真人", reply("handoff", handoff=True, case_id=7), "handoff"),
    ("主選單", reply("menu"), "menu"),
    ("你好", reply("text", intent="greet"), "chitchat"),
    ('/feedback{"helpful": "yes", "entry_id": "overtime-pay"}', reply("text"), "feedback"),
    ("我想自殺", BotReply(messages=[OutMessage(text="110", kind="emergency", meta={"kind": "emergency"}),
                                 OutMessage(text="#3", kind="handoff", meta={"kind": "handoff", "case_id": 3})],
                       handoff=True), "emergency"),
    ("同仁在嗎", BotReply(messages=[]), "held"),
    ("同仁在嗎", reply("case_ack", case_id=4), "held"),
    ("", reply("empty_input"), "other"),
])
def test_reply_kinds_map_to_event_kinds(text, bot, kind):
    found = classify(text, bot)
    assert found is not None and found.kind == kind and found.kind in EVENT_KINDS


def test_refused_messages_are_not_counted():
    assert classify("x", reply("rate_limited")) is None
    assert classify("x", reply("busy")) is None


def test_entries_quiz_answers_and_case_numbers_are_kept():
    assert classify("q", reply("kb_answer", entry_id="annual-leave")).entry_id == "annual-leave"
    graded = classify("/quiz_answer", reply("quiz_feedback", "quiz_question", question_id="q03", correct=True))
    assert graded.detail == {"question": "q03", "correct": True}
    last = classify("1", BotReply(messages=[
        OutMessage(text="x", kind="quiz_feedback", meta={"kind": "quiz_feedback", "question_id": "q10", "correct": False}),
        OutMessage(text="y", kind="quiz_result", meta={"kind": "quiz_result", "score": 7, "answered": 10})]))
    assert last.detail == {"question": "q10", "correct": False, "finished": True, "score": 7, "answered": 10}
    assert classify("找真人", reply("handoff", handoff=True, case_id=12)).case_id == 12
    assert classify("?", reply("not_sure", buttons=[ENTRY_BUTTON])).offered == ["overtime-pay"]


def test_feedback_payloads_are_read_and_bad_ones_are_not_an_error():
    assert feedback_of('/feedback{"helpful": "no", "entry_id": "e1"}') == (False, "e1")
    assert feedback_of('/feedback{"helpful": "yes"}') == (True, None)
    assert feedback_of("/feedback{not json}") == (None, None)
    assert feedback_of("有幫助") is None


def test_the_conversation_hash_is_keyed_stable_and_hides_the_id():
    one = conversation_hash(KEY, "line:U123")
    assert one == conversation_hash(KEY, "line:U123") and len(one) == 32
    assert one != conversation_hash(b"another key", "line:U123")
    assert one != conversation_hash(KEY, "line:U124") and "U123" not in one


def rows_of(recorder: FigureRecorder, sender: str, text: str, bot: BotReply) -> list:
    return recorder.rows("line", sender, text, bot, AT)


def test_no_text_in_events_and_unanswered_questions_are_masked(tmp_path):
    recorder = FigureRecorder(store=None, key=KEY)
    rows = rows_of(recorder, "line:U1", "我的電話0912345678，老闆欠薪怎麼辦", reply("not_sure", buttons=[ENTRY_BUTTON]))
    event, question = rows
    assert isinstance(event, MessageEvent) and event.kind == "did_you_mean"
    assert "0912345678" not in repr(vars(event)) and "老闆" not in repr(vars(event))
    assert event.conversation == conversation_hash(KEY, "line:U1")
    assert isinstance(question, UnansweredQuestion) and question.reason == "not_sure"
    assert "0912345678" not in question.text and "老闆欠薪怎麼辦" in question.text
    assert question.offered == ["overtime-pay"]


def test_a_not_helpful_tap_queues_the_previous_question_once():
    recorder = FigureRecorder(store=None, key=KEY)
    assert len(rows_of(recorder, "line:U1", "特休幾天 A123456789", reply("kb_answer", entry_id="annual-leave"))) == 1
    tap = '/feedback{"helpful": "no", "entry_id": "annual-leave"}'
    event, question = rows_of(recorder, "line:U1", tap, reply("text"))
    assert event.kind == "feedback" and event.detail == {"helpful": False} and event.entry_id == "annual-leave"
    assert question.reason == "not_helpful" and question.offered == ["annual-leave"]
    assert "A123456789" not in question.text and question.text.startswith("特休幾天")
    assert len(rows_of(recorder, "line:U1", tap, reply("text"))) == 1, "a second tap is no second question"
    assert len(rows_of(recorder, "line:U2", tap, reply("text"))) == 1, "another person has no question here"
    helpful = rows_of(recorder, "line:U3", '/feedback{"helpful": "yes", "entry_id": "x"}', reply("text"))
    assert len(helpful) == 1


def test_a_handoff_queues_the_last_question_unless_it_is_queued_already():
    recorder = FigureRecorder(store=None, key=KEY)
    rows_of(recorder, "web:a", "被資遣了怎麼辦", reply("kb_answer", entry_id="severance"))
    _, question = rows_of(recorder, "web:a", "找真人", reply("handoff", handoff=True, case_id=1))
    assert question.reason == "handoff" and question.text == "被資遣了怎麼辦"
    rows_of(recorder, "web:b", "奇怪的問題", reply("not_sure"))
    assert len(rows_of(recorder, "web:b", "找真人", reply("handoff", handoff=True, case_id=2))) == 1


def test_remembered_questions_expire():
    memory = LastQuestions(ttl_s=0.0)
    memory.remember("c", "q")
    assert memory.take("c", "handoff") is None


class BrokenWriter:
    def submit(self, rows):
        raise RuntimeError("database on fire")


class FakeRasa(RasaClient):
    def __init__(self) -> None:  # no HTTP client
        pass

    async def send_parsed(self, sender, text, metadata=None):
        from channels.rasa_client import ParseResult

        return ([{"text": "答案"}, {"custom": {"meta": {"kind": "kb_answer", "entry_id": "e1"}}}],
                ParseResult(intent="ask_wages", confidence=0.9))


async def test_a_failing_recorder_never_breaks_the_reply(caplog):
    service = ConversationService(FakeRasa(), figures=FigureRecorder(store=None, key=KEY, writer=BrokenWriter()))
    with caplog.at_level(logging.WARNING):
        answer = await service.handle(Incoming(channel="rest", user_id="u1", text="最低工資多少"))
    assert answer.text == "答案"
    assert "figures: message not recorded (RuntimeError)" in caplog.text
    assert "最低工資" not in caplog.text


async def test_the_gateway_records_one_event_per_message(case_store):
    recorder = FigureRecorder(case_store, KEY)
    service = ConversationService(FakeRasa(), figures=recorder)
    for text in ("最低工資多少", "加班費", "   "):
        await service.handle(Incoming(channel="rest", user_id="u1", text=text))
    assert recorder.writer.flush()
    with case_store.read() as session:
        events = [(e.kind, e.entry_id, e.channel, e.conversation)
                  for e in session.scalars(select(MessageEvent).order_by(MessageEvent.id))]
    who = conversation_hash(KEY, "rest:u1")
    assert events == [("kb_answer", "e1", "rest", who), ("kb_answer", "e1", "rest", who), ("other", None, "rest", who)]


async def test_a_database_error_in_the_writer_is_logged_and_the_writer_goes_on(case_store, caplog):
    class Flaky:
        settings = case_store.settings
        calls = 0

        def session(self):
            Flaky.calls += 1
            if Flaky.calls == 1:
                raise RuntimeError("locked")
            return case_store.session()

    recorder = FigureRecorder(Flaky(), KEY)
    with caplog.at_level(logging.WARNING):
        recorder.observe("web", "web:x", "你好", reply("text", intent="greet"))
        assert recorder.writer.flush()
        await asyncio.sleep(0)
        recorder.observe("web", "web:x", "你好", reply("text", intent="greet"))
        assert recorder.writer.flush()
    assert "rows not written (RuntimeError)" in caplog.text
    with case_store.read() as session:
        assert session.scalar(select(MessageEvent.kind)) == "chitchat"


def test_the_key_is_made_once_owner_only_and_recording_can_be_switched_off(case_store, monkeypatch):
    first = FigureRecorder.for_store(case_store)
    key_file = case_store.settings.data_dir / "figures_key"
    assert first is not None and key_file.stat().st_mode & 0o777 == 0o600
    assert FigureRecorder.for_store(case_store).key == first.key == key_file.read_text().strip().encode()
    monkeypatch.setenv("LABOURBOT_FIGURES_KEY", "configured-key-0123456789")
    assert FigureRecorder.for_store(case_store).key == b"configured-key-0123456789"
    monkeypatch.setenv("LABOURBOT_FIGURES_RECORD", "false")
    assert FigureRecorder.for_store(case_store) is None


def test_the_language_of_a_telling_message_is_recorded_and_a_short_one_counts_as_chinese():
    from figures.record import message_language

    assert message_language("My employer keeps my passport and will not give it back") == "en"
    assert message_language("Majikan saya tidak bayar gaji lembur dua bulan") == "id"
    assert message_language("老闆不給加班費") == "zh"
    assert message_language("ok") == "zh"
