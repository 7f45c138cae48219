"""BotReply -> LINE message objects (JSON dicts as the Messaging API takes them), within LINE's limits.

* kb_answer: a Flex bubble with the title, the answer, tappable citations and the buttons
  看法條原文 / 找真人 / 有幫助嗎.
* job_list (meta["jobs"]): a Flex carousel, one bubble per job.
* buttons whose titles fit a quick reply (20 characters): quick replies on the last message (13 at most);
  a message whose button titles are longer: a Flex list of tappable rows, so no title is cut.
* long texts are split at paragraph ends (5,000 characters per text message); a reply call takes five
  messages at most, the rest is pushed (see `batches`).
"""

from __future__ import annotations

import json
from typing import Any

from channels.payloads import PayloadStore
from channels.canned import card_body, is_article, is_feedback, is_human
from channels.labels import label, reply_language
from channels.replies import BotReply, Button, OutMessage

MAX_MESSAGES_PER_CALL = 5
MAX_TEXT_CHARS = 5000
MAX_QUICK_REPLIES = 13
MAX_LABEL_CHARS = 20
MAX_DATA_CHARS = 300  # postback data, displayText and message-action text
MAX_ALT_TEXT_CHARS = 400
MAX_BUBBLE_TEXT_CHARS = 2000  # longer answers go out as text messages before the bubble
MAX_CAROUSEL_BUBBLES = 12

BRAND = "#00695C"
BRAND_LIGHT = "#E0F2F1"
LINK = "#0B57D0"
MUTED = "#5F6368"
ROW_BACKGROUND = "#F1F8F6"

Message = dict[str, Any]


def line_len(text: str) -> int:
    """Length as LINE counts it (UTF-16 code units: an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int) -> str:
    """At most `limit` characters (LINE's count), ending with … when cut."""
    text = " ".join(text.split()) if "\n" in text else text
    if line_len(text) <= limit:
        return text
    out = ""
    for char in text:
        if line_len(out + char) > limit - 1:
            break
        out += char
    return out + "…"


def split_text(text: str, limit: int = MAX_TEXT_CHARS) -> list[str]:
    """Pieces of at most `limit` characters, cut at a paragraph, line or sentence end when possible."""
    text = text.strip()
    pieces: list[str] = []
    while line_len(text) > limit:
        window = text[:limit]
        while line_len(window) > limit:  # surrogate pairs make the window too long in LINE's count
            window = window[:-1]
        cut = len(window)
        for separator in ("\n\n", "\n", "。"):
            at = window.rfind(separator)
            if at >= len(window) // 2:
                cut = at + (len(separator) if separator == "。" else 0)
                break
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces


def action_for(button: Button, payloads: PayloadStore) -> dict[str, Any]:
    """A message action for plain-text payloads (the user 'says' it), a postback for intent payloads."""
    label = clip(button.title or button.payload, MAX_LABEL_CHARS)
    payload = button.payload
    if not payload.startswith("/") and "\n" not in payload and line_len(payload) <= MAX_DATA_CHARS:
        return {"type": "message", "label": label, "text": payload}
    return {
        "type": "postback",
        "label": label,
        "data": payloads.pack(payload),
        "displayText": clip(button.title or payload, MAX_DATA_CHARS),
    }


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "text", "text": text or " ", "wrap": True, **style}


def _button(button: Button, payloads: PayloadStore, style: str, label: str | None = None) -> dict[str, Any]:
    action = action_for(button, payloads)
    if label:
        action["label"] = clip(label, MAX_LABEL_CHARS)
    out: dict[str, Any] = {"type": "button", "style": style, "height": "sm", "action": action}
    if style == "primary":
        out["color"] = BRAND
    return out


def _article_payload(citation: str, buttons: list[Button]) -> str:
    quoted = json.dumps(citation, ensure_ascii=False)  # "勞動基準法第2條" must not match 第24條
    for button in buttons:
        if is_article(button) and quoted in button.payload:
            return button.payload
    return "/show_article" + json.dumps({"citation": citation}, ensure_ascii=False)


def answer_bubble(
    message: OutMessage, payloads: PayloadStore, body: str | None, lang: str = "zh"
) -> tuple[Message, list[Button]]:
    """The Flex message of a knowledge-base answer, and the buttons it did not place (the card's own
    labels in `lang`, channels/labels.py)."""
    title = message.title or label("app_name", lang)
    body_contents: list[dict[str, Any]] = []
    if body:
        body_contents.append(_text(body, size="md", lineSpacing="4px"))
    else:
        body_contents.append(_text(label("full_text_above", lang), size="sm", color=MUTED))
    if message.citations:
        body_contents.append({"type": "separator", "margin": "lg"})
        heading = _text(label("legal_basis", lang), size="sm", weight="bold", color=MUTED, margin="lg")
        body_contents.append(heading)
        for citation in message.citations:
            row = _text(f"📖 {citation}", size="sm", color=LINK, decoration="underline")
            row["action"] = action_for(
                Button(label("show_article_of", lang, citation=citation),
                       _article_payload(citation, message.buttons)),
                payloads,
            )
            body_contents.append(row)

    footer: list[dict[str, Any]] = []
    article = next((b for b in message.buttons if is_article(b)), None)
    human = next((b for b in message.buttons if is_human(b)), None)
    feedback = [b for b in message.buttons if is_feedback(b)]
    if article:
        footer.append(_button(article, payloads, "primary", label=label("show_article", lang)))
    if human:
        footer.append(_button(human, payloads, "secondary", label=label("human", lang)))
    if feedback:
        footer.append(
            {
                "type": "box",
                "layout": "horizontal",
                "spacing": "sm",
                "margin": "md",
                "contents": [_text(label("helpful", lang), size="sm", color=MUTED, gravity="center", flex=3)]
                + [dict(_button(b, payloads, "link"), flex=2) for b in feedback[:2]],
            }
        )
    placed = {id(b) for b in (article, human, *feedback[:2]) if b is not None}
    leftover = [b for b in message.buttons if id(b) not in placed and not is_article(b)]

    bubble: dict[str, Any] = {
        "type": "bubble",
        "size": "giga",
        "header": {
            "type": "box",
            "layout": "vertical",
            "backgroundColor": BRAND,
            "paddingAll": "16px",
            "contents": [
                _text(label("app_name", lang), size="xs", color=BRAND_LIGHT),
                _text(title, size="lg", weight="bold", color="#FFFFFF"),
            ],
        },
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body_contents},
    }
    if footer:
        bubble["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": footer}
    alt = f"{title}{label('title_separator', lang)}{body or message.text}"
    if message.citations:
        alt += label("alt_citations", lang, citations=label("list_separator", lang).join(message.citations))
    return {"type": "flex", "altText": clip(alt, MAX_ALT_TEXT_CHARS), "contents": bubble}, leftover


def choice_bubble(message: OutMessage, payloads: PayloadStore) -> Message:
    """A message whose buttons are too long for quick replies: every choice a full-width tappable row."""
    rows = []
    for button in message.buttons:
        rows.append(
            {
                "type": "box",
                "layout": "vertical",
                "backgroundColor": ROW_BACKGROUND,
                "cornerRadius": "md",
                "paddingAll": "12px",
                "action": action_for(button, payloads),
                "contents": [_text(button.title or button.payload, size="md", color=LINK)],
            }
        )
    contents: list[dict[str, Any]] = []
    if message.text:
        contents.append(_text(message.text, size="md"))
    contents.extend(rows)
    alt = message.text + " " + "／".join(b.title for b in message.buttons)
    return {
        "type": "flex",
        "altText": clip(alt, MAX_ALT_TEXT_CHARS),
        "contents": {
            "type": "bubble",
            "size": "giga",
            "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": contents},
        },
    }


def _job_field(job: dict[str, Any], *names: str) -> str:
    for name in names:
        value = job.get(name)
        if value not in (None, ""):
            return str(value)
    return ""


def job_bubble(job: dict[str, Any], payloads: PayloadStore, lang: str = "zh") -> dict[str, Any]:
    """One job listing; keys used when present: title, employer/company, district/location, wage/salary,
    hours, url (https only), payload (a button that asks the bot about this job)."""
    lines = [
        ("🏢", _job_field(job, "employer", "company")),
        ("📍", _job_field(job, "district", "location")),
        ("💰", _job_field(job, "wage", "salary")),
        ("🕘", _job_field(job, "hours")),
    ]
    contents = [_text(_job_field(job, "title") or label("job", lang), size="lg", weight="bold")]
    contents += [_text(f"{icon} {value}", size="sm", color=MUTED) for icon, value in lines if value]
    bubble: dict[str, Any] = {
        "type": "bubble",
        "size": "kilo",
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": contents},
    }
    footer = []
    url = _job_field(job, "url")
    if url.startswith("https://"):
        footer.append(
            {
                "type": "button",
                "style": "primary",
                "height": "sm",
                "color": BRAND,
                "action": {"type": "uri", "label": label("job_details", lang), "uri": url[:1000]},
            }
        )
    if job.get("payload"):
        footer.append(
            _button(
                Button(str(job.get("payload_title") or label("ask_about_job", lang)), str(job["payload"])),
                payloads,
                "secondary",
            )
        )
    if footer:
        bubble["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": footer}
    return bubble


def job_carousel(jobs: list[dict[str, Any]], payloads: PayloadStore, lang: str = "zh") -> Message:
    shown = [job for job in jobs[:MAX_CAROUSEL_BUBBLES] if isinstance(job, dict)]
    bubbles = [job_bubble(job, payloads, lang) for job in shown]
    alt = label("jobs_alt", lang) + label("list_separator", lang).join(
        _job_field(j, "title") for j in jobs[:MAX_CAROUSEL_BUBBLES] if isinstance(j, dict)
    )
    return {
        "type": "flex",
        "altText": clip(alt, MAX_ALT_TEXT_CHARS),
        "contents": {"type": "carousel", "contents": bubbles},
    }


def quick_reply(buttons: list[Button], payloads: PayloadStore) -> dict[str, Any] | None:
    unique = list({b.payload: b for b in buttons if b.payload}.values())[:MAX_QUICK_REPLIES]
    if not unique:
        return None
    return {"items": [{"type": "action", "action": action_for(b, payloads)} for b in unique]}


def _texts(text: str) -> list[Message]:
    return [{"type": "text", "text": piece} for piece in split_text(text)]


def render(reply: BotReply, payloads: PayloadStore, lang: str | None = None) -> list[Message]:
    """All LINE messages of a reply, in order; the buttons meant as quick replies are on the last one.
    The card labels are in `lang`, by default the reply's language (channels/labels.py)."""
    lang = lang or reply_language(reply)
    out: list[Message] = []
    quick: list[Button] = []
    for message in reply.messages:
        if message.kind == "kb_answer":
            body = card_body(message.text, message.citations, message.title, lang)
            if line_len(body) > MAX_BUBBLE_TEXT_CHARS:
                out += _texts(message.text)
                body = None
            bubble, leftover = answer_bubble(message, payloads, body, lang)
            out.append(bubble)
            quick += leftover
        elif (
            message.kind == "job_list" and isinstance(message.meta.get("jobs"), list) and message.meta["jobs"]
        ):
            lead = str(message.meta.get("lead") or "")  # the text repeats the jobs; the carousel shows them
            if lead:
                out += _texts(lead)
            out.append(job_carousel(message.meta["jobs"], payloads, lang))
            quick += message.buttons
        elif any(line_len(b.title) > MAX_LABEL_CHARS for b in message.buttons):
            out.append(choice_bubble(message, payloads))
        else:
            if message.text:
                out += _texts(message.text)
            quick += message.buttons
    if not out and quick:
        out.append({"type": "text", "text": label("choose", lang)})
    items = quick_reply(quick, payloads)
    if out and items:
        out[-1]["quickReply"] = items
    return out


def batches(messages: list[Message]) -> list[list[Message]]:
    """Groups of at most five messages (one API call each). When there are more than five, neighbouring
    plain texts are joined first, so that as much as possible goes out in the reply call."""
    if len(messages) > MAX_MESSAGES_PER_CALL:
        joined: list[Message] = []
        for message in messages:
            prev = joined[-1] if joined else None
            if (
                prev is not None
                and prev["type"] == message["type"] == "text"
                and "quickReply" not in prev
                and line_len(prev["text"]) + line_len(message["text"]) + 2 <= MAX_TEXT_CHARS
            ):
                joined[-1] = {**message, "text": prev["text"] + "\n\n" + message["text"]}
            else:
                joined.append(message)
        messages = joined
    return [messages[i : i + MAX_MESSAGES_PER_CALL] for i in range(0, len(messages), MAX_MESSAGES_PER_CALL)]
