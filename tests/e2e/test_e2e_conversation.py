"""Whole conversations through the gateway, with the real Rasa server and action server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

from labourbot.config import PROJECT_ROOT

pytestmark = pytest.mark.e2e


def user() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


def test_greeting_offers_topic_buttons(gateway):
    reply = gateway.ask("你好")
    assert reply["intent"] == "greet"
    assert reply["topic"] == "other"
    assert "勞工局" in reply["text"]
    assert {"加班費", "特休", "求職防騙", "找真人"} <= set(reply["buttons"])


def test_simplified_overtime_complaint_is_classified_to_overtime(gateway):
    reply = gateway.ask("老板都不给加班费怎么办")
    assert reply["intent"] == "ask_overtime"
    assert reply["topic"] == "overtime"


def test_bot_challenge_says_it_is_automated_and_how_to_reach_a_person(gateway):
    reply = gateway.ask("你是真人還是機器人")
    assert reply["intent"] == "bot_challenge"
    assert "1955" in reply["text"] and "1999" in reply["text"]
    assert "找真人" in reply["buttons"]


def test_topic_button_lists_questions_of_that_topic(gateway):
    reply = gateway.ask('/choose_topic{"topic": "annual_leave"}')
    assert reply["topic"] == "annual_leave"
    assert len(reply["buttons"]) >= 3
    assert reply["buttons"][-1] == "找真人"


def test_empty_and_whitespace_messages_get_a_clear_answer(gateway):
    for text in ("", "   ", "\u200b\u200b"):
        reply = gateway.ask(text)
        assert "空白" in reply["text"]


def test_very_long_message_is_answered_with_a_note(gateway):
    reply = gateway.ask("老闆不給加班費 " * 400)
    assert "很長" in reply["text"]
    assert reply["topic"] == "overtime"


def test_a_message_not_understood_gets_the_closest_questions_and_a_person_at_once(gateway):
    reply = gateway.ask("ㄅㄆㄇㄈ ㄉㄊㄋㄌ", user=user())
    assert reply["intent"] == "nlu_fallback"
    assert "找真人" in reply["buttons"]
    assert len(reply["buttons"]) >= 2 or reply["citations"]


def _cli(stack, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LABOURBOT_GATEWAY_URL": stack.config.gateway_url}
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True,
                          env=env, cwd=PROJECT_ROOT, timeout=120)


def test_cli_ask_json_prints_one_object_with_the_documented_fields(stack):
    result = _cli(stack, "ask", "--json", "老闆都不給加班費")
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert set(reply) == {"text", "intent", "confidence", "topic", "citations", "handoff", "buttons"}
    assert reply["topic"] == "overtime"
    assert 0.0 <= reply["confidence"] <= 1.0


def test_cli_ask_file_answers_each_line_in_order_in_fresh_conversations(stack, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text("你好\n\n你是機器人嗎\n謝謝你\n", encoding="utf-8")
    result = _cli(stack, "ask", "--json", "--file", str(questions))
    assert result.returncode == 0, result.stderr
    intents = [json.loads(line)["intent"] for line in result.stdout.splitlines()]
    assert intents == ["greet", "bot_challenge", "thank"]
