"""One reply shape for every channel, built from Rasa's REST messages.

Rasa sends text (+buttons) and, separately, the `custom` payloads that actions attach
(`{"meta": {...}}`, see actions/replies.py). They are merged here into messages that carry
their own metadata, and into the summary the CLI prints.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from labourbot.topics import TOPICS, topic_for_intent


@dataclass
class Button:
    title: str
    payload: str


@dataclass
class OutMessage:
    text: str
    buttons: list[Button] = field(default_factory=list)
    kind: str = "text"
    title: str | None = None
    citations: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class BotReply:
    messages: list[OutMessage]
    intent: str = ""
    confidence: float = 0.0
    topic: str = "other"
    handoff: bool = False

    @property
    def text(self) -> str:
        return "\n\n".join(m.text for m in self.messages if m.text)

    @property
    def citations(self) -> list[str]:
        return list(dict.fromkeys(c for m in self.messages for c in m.citations))

    @property
    def buttons(self) -> list[Button]:
        return [b for m in self.messages for b in m.buttons]

    def summary(self) -> dict[str, Any]:
        """The `labourbot ask --json` object."""
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "topic": self.topic,
            "citations": self.citations,
            "handoff": self.handoff,
            "buttons": [b.title for b in self.buttons],
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.summary(), "messages": [asdict(m) for m in self.messages],
                "button_payloads": [asdict(b) for b in self.buttons]}


def _drop_repeated_buttons(messages: list[OutMessage]) -> None:
    """A button that several messages of one reply carry (「找真人」 under an answer and under a
    sensitive-topic offer) is kept on the last of them only: channels that gather buttons as quick
    replies would otherwise show it twice."""
    seen: set[tuple[str, str]] = set()
    for message in reversed(messages):
        kept = []
        for b in message.buttons:
            if (b.title, b.payload) not in seen:
                seen.add((b.title, b.payload))
                kept.append(b)
        message.buttons = kept


def build_reply(rasa_messages: list[dict[str, Any]], intent: str, confidence: float) -> BotReply:
    """Merge Rasa's messages: a `custom.meta` block belongs to the text message just before it."""
    messages: list[OutMessage] = []
    for raw in rasa_messages:
        meta = (raw.get("custom") or {}).get("meta") if isinstance(raw.get("custom"), dict) else None
        if raw.get("text") is not None or raw.get("buttons"):
            messages.append(
                OutMessage(
                    text=str(raw.get("text") or ""),
                    buttons=[
                        Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
                        for b in raw.get("buttons") or []
                        if isinstance(b, dict)
                    ],
                )
            )
        if isinstance(meta, dict):
            if not messages:
                messages.append(OutMessage(text=""))
            target = messages[-1]
            target.kind = str(meta.get("kind", target.kind))
            target.title = meta.get("title") or target.title
            target.citations = [str(c) for c in meta.get("citations") or []]
            target.meta = meta
    _drop_repeated_buttons(messages)
    topic = next((m.meta["topic"] for m in messages if m.meta.get("topic") in TOPICS), None)
    handoff = any(bool(m.meta.get("handoff")) for m in messages)
    return BotReply(
        messages=[m for m in messages if m.text or m.buttons],
        intent=intent,
        confidence=confidence,
        topic=topic or topic_for_intent(intent),
        handoff=handoff,
    )
