"""Replies the gateway gives by itself, without asking Rasa (Traditional Chinese, as the users read them),
and the text helpers the renderers share.

* Replies for what the bot cannot read (stickers, pictures, voice, places) and the topic shortcuts.
* `card_body`: an answer's text for a card that shows its title and citations itself.
"""

from __future__ import annotations

import re

from channels.payloads import PayloadStore
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


def card_body(text: str, citations: list[str], title: str | None) -> str:
    """An answer's text for a card that shows its title and citations itself: without the leading
    「關於「title」：」 line (the card's header says it) and without the closing 「依據：…」 line."""
    body = split_citation_suffix(text, citations)
    lead = f"關於「{title}」：\n" if title else ""
    if lead and lead in body[: len(lead) + 80]:
        head, _, rest = body.partition(lead)
        body = (head + rest) if head.strip() else rest
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


def topic_shortcuts() -> list[Button]:
    """Topic buttons offered when the bot has nothing else to suggest, plus 找真人."""
    return [Button(TOPIC_LABELS[t], choose_topic(t)) for t in SHORTCUT_TOPICS] + [
        Button("找真人", REQUEST_HUMAN)
    ]


def canned(text: str, buttons: list[Button] | None = None, kind: str = "text") -> BotReply:
    """A reply the channel gives by itself, without asking Rasa."""
    return BotReply(messages=[OutMessage(text=text, buttons=list(buttons or []), kind=kind)])


UNAVAILABLE_REPLY = "抱歉，系統暫時忙碌，訊息沒有處理完成，請過一會兒再傳一次；急需協助請撥 1955。"
RETRY_BUTTON = "再試一次"
# Telegram's callback_data limit, the smallest of the platforms (LINE's postback data holds 300 characters).
RETRY_PAYLOAD_BYTES = 64


def try_again_reply(text: str | None = None) -> BotReply:
    """The message could not be handled now (Rasa down, the case store refused it): ask for it again.

    The 再試一次 button, which sends the same text again, is offered only when the text fits inside the
    button on every platform (64 bytes, about 20 Chinese characters). Why: a longer payload travels as
    a short id and is kept in the button payload table (channels/payloads.py) for 30 days, and what a
    user typed (an ID number, a phone number) must not be kept where nothing promised it would be. A
    longer message gets the same answer without the button: the answer already asks to send it again.
    """
    message = OutMessage(text=UNAVAILABLE_REPLY, kind="unavailable", buttons=_retry_buttons(text))
    return BotReply(messages=[message], intent="")


def _retry_buttons(text: str | None) -> list[Button]:
    """[再試一次] when `text` travels inside the button itself everywhere (never as a stored short id)."""
    if not text or not text.strip() or text.startswith(PayloadStore.PREFIX):
        return []
    if len(text.encode("utf-8")) > RETRY_PAYLOAD_BYTES:
        return []
    return [Button(RETRY_BUTTON, text)]


STICKER_REPLY = (
    "收到您的貼圖 😊 有勞動權益的問題，直接打字問我就可以了，例如「加班費怎麼算」，或點選下面的主題："
)
IMAGE_REPLY = (
    "謝謝您傳來的圖片，不過我目前還看不懂圖片 🙏\n"
    "如果是薪資單、徵才廣告或工作合約，請把重點打成文字告訴我，例如「月薪 28000，每天工作 10 小時，沒有加班費」。"
    "需要同仁看資料的話，請點「找真人」。"
)
AUDIO_REPLY = (
    "抱歉，我目前還聽不懂語音訊息 🙏 請用文字輸入您的問題；"
    "想直接和人說話，可以撥打勞動部 1955 勞工諮詢專線（24 小時、免付費，也有外語服務）。"
)
VIDEO_REPLY = "抱歉，我目前還看不懂影片 🙏 請用文字描述您的狀況，我會盡力回答。"
FILE_REPLY = "抱歉，我目前無法開啟檔案 🙏 請把想問的內容用文字打給我；需要同仁看文件的話，請點「找真人」。"
LOCATION_REPLY = "收到您的位置{where}。想找這附近的工作嗎？也可以直接問我勞動權益的問題。"
EXPIRED_BUTTON_REPLY = "這個按鈕已經失效了（系統更新過），請直接打字問我，或點選下面的主題："

_DISTRICT = re.compile(r"[臺台]南市\s*([\u4e00-\u9fff]{1,3}區)")


def location_reply(address: str | None) -> BotReply:
    """Answer a shared location: offer a job search near it (district of Tainan when recognisable)."""
    match = _DISTRICT.search(address or "")
    district = match.group(1) if match else None
    where = f"（{district}）" if district else ""
    job_button = (
        Button(f"找{district}的工作", f"幫我找{district}的工作")
        if district
        else Button("找工作", "我想找工作")
    )
    return canned(LOCATION_REPLY.format(where=where), [job_button, Button("找真人", REQUEST_HUMAN)])


def media_reply(kind: str) -> BotReply:
    """Answer content the bot cannot read: sticker, image, audio, video or file."""
    human = [Button("找真人", REQUEST_HUMAN)]
    if kind == "sticker":
        return canned(STICKER_REPLY, topic_shortcuts())
    if kind == "image":
        return canned(IMAGE_REPLY, human)
    if kind == "audio":
        return canned(AUDIO_REPLY, human)
    if kind == "video":
        return canned(VIDEO_REPLY, human)
    return canned(FILE_REPLY, human)
