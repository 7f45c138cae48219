"""How actions attach machine-readable facts (topic, citations, handoff) to what they say.

Rasa's REST channel passes `json_message` on as a `custom` message; the gateway merges it into the
reply it gives every channel (see channels/replies.py).
"""

from __future__ import annotations

from typing import Any, Iterable

from rasa_sdk.executor import CollectingDispatcher

from labourbot.buttons import REQUEST_HUMAN

Button = dict[str, str]


def button(title: str, payload: str) -> Button:
    return {"title": title, "payload": payload}


def say(
    dispatcher: CollectingDispatcher,
    text: str,
    *,
    buttons: Iterable[Button] = (),
    topic: str | None = None,
    citations: Iterable[str] = (),
    kind: str = "text",
    **meta: Any,
) -> None:
    """Send one message with its buttons and a `meta` block the gateway understands."""
    block: dict[str, Any] = {"kind": kind, "citations": list(citations), **meta}
    if topic:
        block["topic"] = topic
    dispatcher.utter_message(text=text, buttons=list(buttons), json_message={"meta": block})


def human_button() -> Button:
    return button("找真人", REQUEST_HUMAN)
