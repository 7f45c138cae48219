"""What buttons send: a Rasa intent with its entities (`/intent{"entity": "value"}`), built in one place.

Rasa reads a message that starts with `/` as that intent, bypassing NLU, so a button's payload must be
exactly this shape; the actions, the rich menu and the gateway's canned replies all build them here.
"""

from __future__ import annotations

import json

REQUEST_HUMAN = "/request_human"
START_QUIZ = "/start_quiz"


def intent_payload(intent: str, **entities: str) -> str:
    """`/intent` or `/intent{"entity": "value", ...}` (JSON, Chinese kept readable)."""
    return f"/{intent}" + (json.dumps(entities, ensure_ascii=False) if entities else "")


def choose_topic(topic: str) -> str:
    """The payload of a topic button (the topic's menu)."""
    return intent_payload("choose_topic", topic=topic)
