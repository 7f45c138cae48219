"""Replies the gateway gives by itself, without asking Rasa, and the text helpers the renderers share.

* Replies for what the bot cannot read (stickers, pictures, voice, places) and the topic shortcuts, in
  Traditional Chinese unless a `lang` is given (channels/labels.py says which language a reply takes;
  the Chinese texts are unchanged).
* `gateway_reply`: the gateway's own answers before Rasa (empty, rate limited, busy) in a language.
* `card_body`: an answer's text for a card that shows its title and citations itself.
"""

from __future__ import annotations

import re

from channels.payloads import PayloadStore
from channels.labels import label
from channels.replies import BotReply, Button, OutMessage
from labourbot.buttons import REQUEST_HUMAN, choose_topic
from labourbot.topics import TOPIC_LABELS

# The 依據 line and the whitespace around it, up to the end. The match begins with the whitespace
# before the line's newline (callers strip the answer's end anyway) and takes the rest of the line
# once: a run of blank lines or of spaces is not retried from each of its characters.
_CITATION_SUFFIX = re.compile(r"(?<!\s)[^\S\n]*\n\s*依據：[^\n]*(?:\n\s*)?$")


def split_citation_suffix(text: str, citations: list[str]) -> str:
    """The answer without its closing 「依據：…」 line when the channel shows the citations itself."""
    if citations and _CITATION_SUFFIX.search(text):
        return _CITATION_SUFFIX.sub("", text).rstrip()
    return text


def card_body(text: str, citations: list[str], title: str | None, lang: str | None = None) -> str:
    """An answer's text for a card that shows its title and citations itself: without the leading
    「關於「title」：」 line (the card's header says it) and without the closing 「依據：…」 line. In another
    language (a translated answer, actions/knowledge.py `translated_text`): without the leading title line
    and the citations of the closing "Legal basis: …" line (its note that the Chinese text prevails stays)."""
    if lang not in (None, "zh"):
        return _translated_card_body(text, citations, title, lang)
    body = split_citation_suffix(text, citations)
    lead = f"關於「{title}」：\n" if title else ""
    if lead and lead in body[: len(lead) + 80]:
        head, _, rest = body.partition(lead)
        body = (head + rest) if head.strip() else rest
    return body


def _translated_card_body(text: str, citations: list[str], title: str | None, lang: str) -> str:
    body = text.strip()
    if title:
        at = body.find(title + "\n", 0, len(title) + 200)  # after a "You asked: …" line, when there is one
        if at >= 0 and "\n" not in body[:at].strip():
            body = (body[:at] + body[at + len(title) + 1:]).strip()
    head, _, last = body.rpartition("\n")
    prefix, cited = label("legal_basis", lang) + ": ", "、".join(citations)
    if head and citations and last.startswith(prefix + cited):
        note = last[len(prefix + cited):].strip()
        body = head.rstrip() + ("\n\n" + note if note else "")
    return body


def is_feedback(button: Button) -> bool:
    return button.payload.startswith("/feedback")


def is_article(button: Button) -> bool:
    return button.payload.startswith("/show_article")


def is_human(button: Button) -> bool:
    return button.payload.startswith(REQUEST_HUMAN)


SHORTCUT_TOPICS: tuple[str, ...] = (
    "overtime",
    "annual_leave",
    "termination_severance",
    "occupational_injury",
    "job_scam",
    "part_time_students",
)


def topic_shortcuts(lang: str | None = None) -> list[Button]:
    """Topic buttons offered when the bot has nothing else to suggest, plus 找真人 (in `lang`)."""
    if lang in (None, "zh"):
        return [Button(TOPIC_LABELS[t], choose_topic(t)) for t in SHORTCUT_TOPICS] + [
            Button("找真人", REQUEST_HUMAN)
        ]
    return [Button(label(f"topic_{t}", lang), choose_topic(t)) for t in SHORTCUT_TOPICS] + [
        Button(label("human", lang), REQUEST_HUMAN)
    ]


def canned(text: str, buttons: list[Button] | None = None, kind: str = "text") -> BotReply:
    """A reply the channel gives by itself, without asking Rasa."""
    return BotReply(messages=[OutMessage(text=text, buttons=list(buttons or []), kind=kind)])


UNAVAILABLE_REPLY = label("unavailable", "zh")
RETRY_BUTTON = label("retry", "zh")
# Telegram's callback_data limit, the smallest of the platforms (LINE's postback data holds 300 characters).
RETRY_PAYLOAD_BYTES = 64


def try_again_reply(text: str | None = None, lang: str | None = None) -> BotReply:
    """The message could not be handled now (Rasa down, the case store refused it): ask for it again.

    The 再試一次 button, which sends the same text again, is offered only when the text fits inside the
    button on every platform (64 bytes, about 20 Chinese characters). Why: a longer payload travels as
    a short id and is kept in the button payload table (channels/payloads.py) for 30 days, and what a
    user typed (an ID number, a phone number) must not be kept where nothing promised it would be. A
    longer message gets the same answer without the button: the answer already asks to send it again.
    """
    message = OutMessage(text=label("unavailable", lang), kind="unavailable",
                         buttons=_retry_buttons(text, lang))
    return BotReply(messages=[message], intent="")


def _retry_buttons(text: str | None, lang: str | None = None) -> list[Button]:
    """[再試一次] when `text` travels inside the button itself everywhere (never as a stored short id)."""
    if not text or not text.strip() or text.startswith(PayloadStore.PREFIX):
        return []
    if len(text.encode("utf-8")) > RETRY_PAYLOAD_BYTES:
        return []
    return [Button(label("retry", lang), text)]


STICKER_REPLY = label("sticker", "zh")
IMAGE_REPLY = label("image", "zh")
AUDIO_REPLY = label("audio", "zh")
VIDEO_REPLY = label("video", "zh")
FILE_REPLY = label("file", "zh")
LOCATION_REPLY = label("location", "zh")
EXPIRED_BUTTON_REPLY = label("expired_button", "zh")

_DISTRICT = re.compile(r"[臺台]南市\s*([\u4e00-\u9fff]{1,3}區)")


def location_reply(address: str | None, lang: str | None = None) -> BotReply:
    """Answer a shared location: offer a job search near it (district of Tainan when recognisable)."""
    match = _DISTRICT.search(address or "")
    district = match.group(1) if match else None
    where = f"（{district}）" if district else ""
    if lang not in (None, "zh"):  # the district button says what it sends, in Chinese: 幫我找…的工作
        where = f" ({district})" if district else ""
    job_button = (
        Button(f"找{district}的工作", f"幫我找{district}的工作")
        if district
        else Button(label("find_job", lang), "我想找工作")
    )
    human = Button(label("human", lang), REQUEST_HUMAN)
    return canned(label("location", lang, where=where), [job_button, human])


def media_reply(kind: str, lang: str | None = None) -> BotReply:
    """Answer content the bot cannot read: sticker, image, audio, video or file (in `lang`)."""
    human = [Button(label("human", lang), REQUEST_HUMAN)]
    if kind == "sticker":
        return canned(label("sticker", lang), topic_shortcuts(lang))
    if kind in ("image", "audio", "video"):
        return canned(label(kind, lang), human)
    return canned(label("file", lang), human)


def unsupported_reply(lang: str | None = None) -> BotReply:
    """A kind of message the channel does not know (a poll, a contact card): ask for text."""
    return canned(label("unsupported", lang), topic_shortcuts(lang))


def expired_button_reply(lang: str | None = None) -> BotReply:
    """A button whose stored payload is gone: ask for the question again, with the topic shortcuts."""
    return canned(label("expired_button", lang), topic_shortcuts(lang))


# The gateway's answers before Rasa, by reply kind (their Chinese texts also stand in channels/limits.py
# and channels/conversation.py; tests/gateway/test_labels.py checks they are the same).
GATEWAY_KINDS: tuple[str, ...] = ("empty_input", "rate_limited", "busy")


def gateway_reply(kind: str, lang: str | None = None) -> BotReply:
    """One of the gateway's own answers (`empty_input`, `rate_limited`, `busy`) in `lang`."""
    if kind not in GATEWAY_KINDS:
        raise ValueError(f"not a gateway reply kind: {kind}")
    return BotReply(messages=[OutMessage(text=label(kind, lang), kind=kind)], intent="")


def too_long_note(limit: int, lang: str | None = None) -> OutMessage:
    """The note put before the answer to a message cut at `limit` characters."""
    return OutMessage(text=label("too_long_note", lang, limit=limit), kind="notice")
