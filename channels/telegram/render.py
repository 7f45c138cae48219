"""BotReply -> Telegram messages: HTML text (everything escaped) with an inline keyboard per message.

Every OutMessage becomes one Telegram message (split when longer than Telegram allows); its buttons are
an inline keyboard under it, one per row, feedback buttons side by side. callback_data is limited to
64 bytes: longer payloads travel as short ids (PayloadStore). `StoredReply` is a rendered answer as JSON
data, kept on the update's inbox row so that a retry sends exactly what Rasa answered the first time.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from channels.payloads import PayloadStore
from channels.canned import card_body, is_feedback
from channels.labels import label, reply_language
from channels.replies import BotReply, Button, OutMessage

MAX_CALLBACK_BYTES = 64
# Telegram allows 4,096 characters after entity parsing; escaped markup is longer than what is shown,
# so the plain text is cut well below that.
MAX_PLAIN_CHARS = 3500
MAX_BUTTON_CHARS = 60


@dataclass
class TelegramMessage:
    html: str
    keyboard: InlineKeyboardMarkup | None = None


@dataclass
class StoredReply:
    """An answer as sent: the chat and its messages (HTML, inline keyboard as plain data)."""

    chat_id: int
    messages: list[TelegramMessage]

    def to_json(self) -> str:
        return json.dumps({
            "chat_id": self.chat_id,
            "messages": [{"html": m.html, "keyboard": m.keyboard.to_dict() if m.keyboard else None}
                         for m in self.messages],
        }, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "StoredReply":
        """Raises ValueError, KeyError or TypeError for anything `to_json` did not write."""
        data = json.loads(text)
        messages = [TelegramMessage(str(m["html"]), InlineKeyboardMarkup.de_json(m["keyboard"], None)
                                    if m["keyboard"] else None) for m in data["messages"]]
        return cls(int(data["chat_id"]), messages)


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def split_plain(text: str, limit: int = MAX_PLAIN_CHARS) -> list[str]:
    """Pieces of at most `limit` characters, cut at a paragraph, line or sentence end when possible."""
    text = text.strip()
    pieces: list[str] = []
    while len(text) > limit:
        window, cut = text[:limit], limit
        for separator in ("\n\n", "\n", "。"):
            at = window.rfind(separator)
            if at >= limit // 2:
                cut = at + (len(separator) if separator == "。" else 0)
                break
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces or [""]


def keyboard(buttons: list[Button], payloads: PayloadStore) -> InlineKeyboardMarkup | None:
    """One button per row (titles can be long), the feedback buttons together on the last row."""
    unique = list({b.payload: b for b in buttons if b.payload}.values())
    if not unique:
        return None

    def key(button: Button) -> InlineKeyboardButton:
        title = button.title or button.payload
        if len(title) > MAX_BUTTON_CHARS:
            title = title[: MAX_BUTTON_CHARS - 1] + "…"
        return InlineKeyboardButton(text=title, callback_data=payloads.pack(button.payload))

    rows = [[key(b)] for b in unique if not is_feedback(b)]
    feedback = [key(b) for b in unique if is_feedback(b)]
    if feedback:
        rows.append(feedback)
    return InlineKeyboardMarkup(rows)


def _job_lines(job: dict[str, Any], lang: str = "zh") -> str:
    def field(*names: str) -> str:
        return next((str(job[n]) for n in names if job.get(n) not in (None, "")), "")

    lines = [f"<b>{esc(field('title') or label('job', lang))}</b>"]
    for icon, value in (
        ("🏢", field("employer", "company")),
        ("📍", field("district", "location")),
        ("💰", field("wage", "salary")),
        ("🕘", field("hours")),
    ):
        if value:
            lines.append(f"{icon} {esc(value)}")
    url = field("url")
    if url.startswith("https://"):
        lines.append(f'<a href="{html.escape(url, quote=True)}">{esc(label("job_details", lang))}</a>')
    return "\n".join(lines)


def render_message(message: OutMessage, payloads: PayloadStore, lang: str = "zh") -> list[TelegramMessage]:
    """One OutMessage as one or more Telegram messages; the keyboard goes under the last one. The labels
    the rendering adds (法源依據, 這個回答有幫助嗎？) are in `lang` (channels/labels.py)."""
    if message.kind == "kb_answer":
        body = card_body(message.text, message.citations, message.title, lang)
        pieces = [esc(p) for p in split_plain(body)]
        if message.title:
            pieces[0] = f"<b>{esc(message.title)}</b>\n\n{pieces[0]}"
        if message.citations:
            cited = "\n".join(f"・{esc(c)}" for c in message.citations)
            pieces[-1] += f"\n\n📖 <b>{esc(label('legal_basis', lang))}</b>\n" + cited
        if any(is_feedback(b) for b in message.buttons):
            pieces[-1] += "\n\n" + esc(label("helpful_answer", lang))
    elif message.kind == "job_list" and isinstance(message.meta.get("jobs"), list):
        jobs = [j for j in message.meta["jobs"] if isinstance(j, dict)]
        lead = str(message.meta.get("lead") or "")  # the text repeats the jobs listed below it
        pieces = [esc(p) for p in split_plain(lead)] if lead else []
        pieces += [_job_lines(job, lang) for job in jobs[:10]]
    elif message.kind == "article" and "\n" in message.text:
        head, _, rest = message.text.partition("\n")  # "勞動基準法第24條（… 修正）" then the text
        pieces = [esc(p) for p in split_plain(rest)]
        pieces[0] = f"<b>{esc(head)}</b>\n{pieces[0]}"
    else:
        pieces = [esc(p) for p in split_plain(message.text)]
    pieces = [p for p in pieces if p.strip()] or [esc(label("choose", lang))]
    out = [TelegramMessage(p) for p in pieces]
    out[-1].keyboard = keyboard(message.buttons, payloads)
    return out


def render(reply: BotReply, payloads: PayloadStore, lang: str | None = None) -> list[TelegramMessage]:
    """All Telegram messages of a reply; labels in `lang`, by default the reply's language."""
    lang = lang or reply_language(reply)
    return [piece for message in reply.messages for piece in render_message(message, payloads, lang)]
