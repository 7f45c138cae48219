"""The campus quiz in Indonesian through the real stack (Rasa, action server, gateway) and the fake LINE
API: asked for in Indonesian, questions with Indonesian options, a tapped and a typed answer, feedback
with the Indonesian explanation and the Chinese citation (docs/languages.md, Quiz)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fakes.line_chat import line_send, shown
from fakes.payloads import line_user

import quiz
from actions.i18n import CATALOG

pytestmark = pytest.mark.e2e


def as_json(text: str) -> str:
    """`text` as it appears inside the JSON of the messages (quotes escaped)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def actions_in(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node["action"]] if isinstance(node.get("action"), dict) else []
        return own + [a for v in node.values() for a in actions_in(v)]
    if isinstance(node, list):
        return [a for v in node for a in actions_in(v)]
    return []


def option_buttons(messages: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The answer buttons of the question asked, by letter."""
    return {a["label"][0]: a for a in actions_in(messages) if re.match(r"[A-D]\. ", str(a.get("label", "")))}


def tap(gateway: Any, line_api: Any, user: str, action: dict[str, Any]) -> list[dict[str, Any]]:
    if action["type"] == "message":
        return line_send(gateway, line_api, user, text=action["text"])
    return line_send(gateway, line_api, user, postback=action["data"])


def asked_question(messages: list[dict[str, Any]], number: int) -> quiz.Question:
    """The question the reply asks, checked to be shown in Indonesian with its Indonesian options."""
    buttons, text = option_buttons(messages), shown(messages)
    # the payloads travel as tokens (channels/payloads.py): the question is known by its Indonesian text
    [local] = [q for q in (quiz.localized(c.id, "id") for c in quiz.questions()) if as_json(q.question) in text]
    assert as_json(CATALOG["quiz_ask"]["id"].format(number=number, total=quiz.ROUND_SIZE,
                                                    question=local.question)) in text
    assert [buttons[letter]["label"] for letter in quiz.LETTERS] == [
        f"{letter}. {option}" for letter, option in zip(quiz.LETTERS, local.options)]
    return local


def assert_feedback_in_indonesian(messages: list[dict[str, Any]], local: quiz.Question) -> None:
    text = shown(messages)
    assert CATALOG["quiz_right"]["id"] in text or "❌ Kurang tepat" in text
    assert as_json(local.explanation[:40]) in text and local.citations[0] in text
    assert "答對" not in text and "答錯" not in text


def test_indonesian_quiz_on_line(channel_gateway, line_api):
    user = line_user()
    started = line_send(channel_gateway, line_api, user, "saya ingin main kuis tentang hak pekerja")
    assert as_json(CATALOG["quiz_intro"]["id"].format(total=quiz.ROUND_SIZE)[:40]) in shown(started)
    first = asked_question(started, 1)

    answered = tap(channel_gateway, line_api, user, option_buttons(started)[first.answer])  # tapped, right
    assert CATALOG["quiz_right"]["id"] in shown(answered)
    assert_feedback_in_indonesian(answered, first)
    second = asked_question(answered, 2)

    wrong = next(letter for letter in quiz.LETTERS if letter != second.answer)
    answered = line_send(channel_gateway, line_api, user, f"saya pilih {wrong}")  # typed, wrong
    right = CATALOG["quiz_wrong"]["id"].format(letter=second.answer, option=second.option_text(second.answer))
    assert as_json(right) in shown(answered)
    assert_feedback_in_indonesian(answered, second)
    asked_question(answered, 3)
