"""Job search with paging, the scam check and the campus quiz in real conversations
(Rasa + action server + gateway, the trained model)."""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import quiz
from jobs import SAMPLE_FILE, JobStore, import_jobs
from jobs.config import JobsSettings

pytestmark = pytest.mark.e2e


def conversation(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def messages(reply: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [m for m in reply["messages"] if m["kind"] == kind]


def payload(reply: dict[str, Any], title: str) -> str:
    return next(b["payload"] for b in reply["button_payloads"] if b["title"] == title)


@pytest.fixture(scope="module")
def sample_jobs(stack):
    """The demo listings in the stack's jobs store (the action server reads the same settings)."""
    store = JobStore.from_settings(JobsSettings(data_dir=stack.config.data_dir))
    import_jobs(SAMPLE_FILE, store=store, replace=True, shift_dates=True,
                today=datetime.now(ZoneInfo("Asia/Taipei")).date())
    return store


def test_job_search_in_conversation_with_paging(gateway, sample_jobs):
    who = conversation("jobs")
    first = gateway.ask("幫我找永康區的兼職", user=who)
    assert first["intent"] == "search_job" and first["topic"] == "job_search"
    [listing] = messages(first, "job_list")
    assert (listing["meta"]["page"], listing["meta"]["total"], len(listing["meta"]["jobs"])) == (1, 7, 5)
    assert all(j["district"] == "臺南市永康區" and j["job_type"] == "兼職" for j in listing["meta"]["jobs"])
    assert listing["text"].startswith("找到 7 筆「永康區・兼職」職缺")
    assert "看更多" in first["buttons"]

    second = gateway.ask(payload(first, "看更多"), user=who)
    [more] = messages(second, "job_list")
    assert (more["meta"]["page"], len(more["meta"]["jobs"])) == (2, 2)
    titles = {j["title"] for j in listing["meta"]["jobs"]} | {j["title"] for j in more["meta"]["jobs"]}
    assert len(titles) == 7 and "夜市攤位幫手" not in titles  # the stale listing stays hidden
    assert "看更多" not in second["buttons"]


def test_scam_check_in_conversation(gateway):
    reply = gateway.ask("幫我看這則徵才：在家打字日領3000免經驗，要先加LINE並提供存摺", user=conversation("scam"))
    assert reply["intent"] == "check_job_scam"
    [check] = messages(reply, "scam_check")
    assert check["meta"]["risk"] == "high" and check["text"].startswith("🔴 詐騙風險：高")
    assert {"bank_account", "private_chat"} <= {s["kind"] for s in check["meta"]["signals"]}
    assert "就業服務法第5條" in reply["citations"] and "165" in reply["text"]


class Paced:
    """Ask as one user at a human pace: the gateway allows a burst of 6 messages, then one every 2 s."""

    def __init__(self, gateway: Any, who: str) -> None:
        self.gateway, self.who, self.sent = gateway, who, 0

    def ask(self, text: str) -> dict[str, Any]:
        if self.sent >= 5:
            time.sleep(2.1)
        self.sent += 1
        return self.gateway.ask(text, user=self.who)


def _current_question(reply: dict[str, Any]) -> quiz.Question:
    [asked] = messages(reply, "quiz_question")
    return quiz.question(asked["meta"]["question_id"])


def test_a_quiz_run_to_the_end_with_buttons_and_typed_answers(gateway):
    user = Paced(gateway, conversation("quiz"))
    reply = user.ask("開始測驗")
    assert reply["intent"] == "start_quiz" and messages(reply, "quiz_intro")
    expected_score = 0
    seen = []
    for number in range(1, quiz.ROUND_SIZE + 1):
        q = _current_question(reply)
        assert f"第 {number}／{quiz.ROUND_SIZE} 題" in reply["text"] and q.id not in seen
        seen.append(q.id)
        wrong = quiz.LETTERS[(quiz.LETTERS.index(q.answer) + 1) % 4]
        if number in (2, 5):  # two wrong answers, pressed as buttons
            reply = user.ask(payload(reply, f"{wrong}. {q.option_text(wrong)}"))
        elif number % 3 == 0:  # typed as a number
            reply = user.ask(str(quiz.LETTERS.index(q.answer) + 1))
            expected_score += 1
        elif number % 3 == 1:  # typed as a lower-case letter
            reply = user.ask(q.answer.lower())
            expected_score += 1
        else:  # the button
            reply = user.ask(payload(reply, f"{q.answer}. {q.option_text(q.answer)}"))
            expected_score += 1
        [feedback] = messages(reply, "quiz_feedback")
        assert feedback["meta"]["correct"] == (number not in (2, 5))
        assert feedback["citations"] == list(q.citations) and "依據：" in feedback["text"]
    [result] = messages(reply, "quiz_result")
    assert result["text"].startswith(f"測驗結束！你答對 {expected_score}／{quiz.ROUND_SIZE} 題。")
    assert "再玩一次" in reply["buttons"]
    late = user.ask('/quiz_answer{"choice": "1", "question": "q01"}')
    assert messages(late, "quiz_late")


def test_a_quiz_can_be_stopped_and_an_unreadable_answer_is_asked_again(gateway):
    who = conversation("quiz")
    reply = gateway.ask("考考我", user=who)
    q = _current_question(reply)
    again = gateway.ask("這題好難喔", user=who)
    assert messages(again, "quiz_reask") and _current_question(again).id == q.id
    reply = gateway.ask(q.answer, user=who)
    assert messages(reply, "quiz_feedback")[0]["meta"]["correct"]
    stopped = gateway.ask(payload(reply, "結束測驗"), user=who)
    [result] = messages(stopped, "quiz_result")
    assert result["text"].startswith("測驗已結束。你回答了 1 題，答對 1 題。")
    assert gateway.ask("你好", user=who)["intent"] == "greet"
