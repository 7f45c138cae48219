"""The language of a user's message, for Rasa (docs/languages.md).

The gateway detects each message's language (labourbot/language.py) and passes it to Rasa as message
metadata; Rasa's `bot.components.language.LanguageFromMetadata` turns it into the `language` entity
and slot, so the bot answers in the person's language (zh, en, id, vi, th). Button payloads carry no
detection: they keep the conversation's language.
"""

from __future__ import annotations

from typing import Any

from labourbot.language import detect

METADATA_KEY = "language"


def language_metadata(text: str) -> dict[str, Any]:
    """`{"language": {"lang", "confidence", "words", "switch", "hint"}}` for a message; `{}` when
    nothing can be told (a payload, digits, emoji, an unknown language)."""
    found = detect(text)
    if found.lang is None:
        return {}
    return {METADATA_KEY: {"lang": found.lang, "confidence": found.confidence, "words": found.words,
                           "switch": found.switches(), "hint": found.hints()}}


def with_language(metadata: dict[str, Any] | None, text: str) -> dict[str, Any]:
    """The channel's metadata with the message's language added (the channel's own keys kept)."""
    merged = dict(metadata or {})
    merged.update(language_metadata(text))
    return merged
