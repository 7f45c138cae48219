"""The transcript and summary of a case, from Rasa tracker events (what actions receive and what the
tracker API returns): the conversation up to the moment the user asked for a person."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Iterable, Optional

from cases.service import TranscriptLine

MAX_LINES = 40
HANDOFF_ACTIONS = ("action_handoff",)
BUTTON_WORDS = {
    "request_human": "找真人",
    "greet": "回主選單",
    "affirm": "是",
    "deny": "否",
    "choose_topic": "選擇主題",
    "kb_entry": "常見問題",
    "show_article": "看法條原文",
    "feedback": "回饋",
    "calculate": "試算",
}


def _when(event: dict[str, Any]) -> Optional[datetime]:
    stamp = event.get("timestamp")
    if isinstance(stamp, (int, float)):
        return datetime.fromtimestamp(stamp, tz=timezone.utc)
    return None


def readable(text: str) -> str:
    """A button payload ('/choose_topic{...}') as words; other text as it is."""
    text = (text or "").strip()
    if text.startswith("/") and len(text) > 1 and not text[1].isspace():
        intent = text[1:].split("{", 1)[0].strip()
        return f"［按鈕：{BUTTON_WORDS.get(intent, intent)}］"
    return text


def transcript_from_events(events: Iterable[dict[str, Any]], stop_at_handoff: bool = True,
                           limit: int = MAX_LINES) -> list[TranscriptLine]:
    """User and bot messages of the current session, up to the last handoff request."""
    events = list(events)
    start = max((i for i, e in enumerate(events) if e.get("event") == "session_started"), default=-1) + 1
    end = len(events)
    if stop_at_handoff:
        handoffs = [i for i, e in enumerate(events)
                    if e.get("event") == "action" and e.get("name") in HANDOFF_ACTIONS and i >= start]
        if handoffs:
            end = handoffs[-1]
    lines = []
    for event in events[start:end]:
        kind = event.get("event")
        if kind in ("user", "bot") and (event.get("text") or "").strip():
            author = "user" if kind == "user" else "bot"
            lines.append(TranscriptLine(author, readable(event["text"]), _when(event)))
    return lines[-limit:]


_ASKS_FOR_PERSON = re.compile(r"^.{0,6}(真人|專人|人工|客服|承辦|human|agent).{0,6}$", re.I)


def summary_of(lines: list[TranscriptLine], limit: int = 300) -> str:
    """The user's own words (not button presses or 找真人), the latest three, as the case list shows them."""
    words = [line.text for line in lines if line.author == "user" and not line.text.startswith("［按鈕")
             and not _ASKS_FOR_PERSON.match(line.text)]
    text = " / ".join(words[-3:]) or "（民眾直接要求轉真人，沒有其他描述）"
    return text if len(text) <= limit else text[: limit - 1] + "…"
