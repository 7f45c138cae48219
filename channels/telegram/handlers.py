"""Telegram handlers (python-telegram-bot v22), registered in one place: `register(application)`.

```mermaid
flowchart LR
  U[update] --> C{kind}
  C -->|/start, /help, /human| CMD[command handlers]
  C -->|text| T[ask the bot]
  C -->|button pressed| Q[answer the callback, payload as text]
  C -->|sticker, photo, voice, file, place| M[canned reply]
  CMD & T & Q & M --> S[send_reply: render, keep, send]
  R[StoredAnswer: a replayed row] --> D
  S --> D[deliver from message n, count each one]
```

`send_reply` renders the answer, hands it to the channel's `ReplyLedger` (webhook mode: kept on the
update's inbox row before anything is sent; polling mode has none) and sends it message by message,
counting each one that went out. Short hiccups are retried here; a failure that lasts, or a RetryAfter
longer than `MAX_INLINE_WAIT_S`, escapes as a `SendFailure` (retriable or final), which the channel turns
into a later retry or a refused row. A row taken again with its answer stored comes back as a
`StoredAnswer` through the same queue (so in its chat's order) and only the rest of it is sent: the
conversation service is never asked twice.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Protocol

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from channels.conversation import ConversationService, Incoming
from channels.payloads import PayloadStore
from channels.canned import canned, expired_button_reply, location_reply, media_reply, topic_shortcuts
from channels.replies import BotReply, OutMessage
from channels.telegram.outbox import SendFailure, send_message
from channels.telegram.render import MAX_CALLBACK_BYTES, StoredReply, TelegramMessage, render
from labourbot.buttons import REQUEST_HUMAN, choose_topic
from labourbot.topics import TOPICS

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
DEPS_KEY = "labourbot"
WELCOME = (
    "歡迎使用臺南市政府勞工局「勞動法令小幫手」🙌\n"
    "我是自動回覆的小幫手，回答僅供參考；個別案件請輸入 /human 或點「找真人」，由勞工局同仁協助。"
)
HELP = (
    "我可以回答勞動權益的問題，例如：\n"
    "・「老闆不給加班費怎麼辦」\n・「特休沒休完可以換錢嗎」\n・「面試要先繳保證金正常嗎」\n\n"
    "指令：/start 重新開始　/help 使用說明　/human 找勞工局同仁\n"
    "也可以點選下面的主題："
)
START_ALIASES = {"campus": "part_time_students", "scam": "job_scam"}
MAX_SEND_ATTEMPTS = 3
MAX_INLINE_WAIT_S = 30.0  # longer waits (a RetryAfter of a minute) are left to the inbox's retry


class ReplyLedger(Protocol):
    """Where the channel keeps an update's answer and how much of it went out (the webhook inbox)."""

    async def save_reply(self, update_id: int, reply: StoredReply) -> None:
        """Keep the answer before it is sent; must not raise (a reply not kept is still sent)."""
        ...

    async def delivered(self, update_id: int, count: int) -> None:
        """`count` messages of the kept answer went out; must not raise."""
        ...


@dataclass(frozen=True)
class StoredAnswer:
    """A replayed update whose answer is stored: put on the update queue instead of the update."""

    update_id: int
    ordering_key: str  # the update's chat key (processor.chat_key), so it waits its turn in the chat
    reply: StoredReply
    delivered: int  # messages that went out before


@dataclass
class TelegramDeps:
    conversations: ConversationService
    payloads: PayloadStore
    ledger: ReplyLedger | None = None  # None in polling mode (no inbox)


def make_deps(conversations: ConversationService) -> TelegramDeps:
    return TelegramDeps(conversations=conversations, payloads=PayloadStore(max_bytes=MAX_CALLBACK_BYTES))


def _deps(context: ContextTypes.DEFAULT_TYPE) -> TelegramDeps:
    return context.application.bot_data[DEPS_KEY]


async def _ask(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> BotReply:
    chat = update.effective_chat
    return await _deps(context).conversations.handle(
        Incoming(channel=CHANNEL, user_id=str(chat.id if chat else "unknown"), text=text)
    )


def _lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The chat's language as the gateway last saw it (channels/labels.py), for replies without text."""
    chat = update.effective_chat
    return _deps(context).conversations.languages.of(f"{CHANNEL}:{chat.id if chat else 'unknown'}")


async def send_reply(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: BotReply) -> None:
    """Render the answer, have the channel keep it (a retry re-sends it without asking Rasa), send it."""
    chat = update.effective_chat
    if chat is None:
        return
    deps = _deps(context)
    stored = StoredReply(chat.id, render(reply, deps.payloads))
    if deps.ledger is not None:
        await deps.ledger.save_reply(update.update_id, stored)
    await deliver(context, update.update_id, stored, start=0)


async def resend_stored(answer: StoredAnswer, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A replayed update whose answer is stored: send what did not go out yet."""
    await deliver(context, answer.update_id, answer.reply, start=answer.delivered)


async def deliver(context: ContextTypes.DEFAULT_TYPE, update_id: int, reply: StoredReply, start: int) -> None:
    """Send the messages from index `start` on, in order; tell the ledger after each one."""
    ledger = _deps(context).ledger
    for index in range(start, len(reply.messages)):
        await send_with_retries(context.bot, reply.chat_id, reply.messages[index])
        if ledger is not None:
            await ledger.delivered(update_id, index + 1)


async def send_with_retries(bot: Bot, chat_id: int, message: TelegramMessage) -> None:
    """Send one message, retrying short hiccups inline (a few tries, waiting MAX_INLINE_WAIT_S at most in
    all, RetryAfter included). Raises SendFailure when it still fails: the inbox retries it later, so the
    chat's slot is not held for minutes."""
    waited = 0.0
    for attempt in range(1, MAX_SEND_ATTEMPTS + 1):
        try:
            await send_message(bot, chat_id, message)
            return
        except SendFailure as exc:
            wait = exc.retry_after_s if exc.retry_after_s is not None else 0.5 * 2 ** (attempt - 1)
            if not exc.retriable or attempt == MAX_SEND_ATTEMPTS or waited + wait > MAX_INLINE_WAIT_S:
                raise
            await asyncio.sleep(wait)
            waited += wait


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [topic]: welcome, the bot's greeting with the topic buttons (or the topic's menu)."""
    arg = (context.args or [""])[0].lower() if context.args else ""
    topic = START_ALIASES.get(arg, arg)
    text = choose_topic(topic) if topic in TOPICS and topic != "other" else "/greet"
    reply = await _ask(update, context, text)
    reply.messages.insert(0, OutMessage(text=WELCOME, kind="welcome"))
    await send_reply(update, context, reply)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what the bot can do, the commands, and the topic buttons."""
    await send_reply(update, context, canned(HELP, topic_shortcuts()))


async def human(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/human: how to reach a person at the bureau."""
    await send_reply(update, context, await _ask(update, context, REQUEST_HUMAN))


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed message goes to the bot as it is."""
    await send_reply(update, context, await _ask(update, context, update.effective_message.text or ""))


async def button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A pressed inline button: stop the spinner, then its payload is the user's message."""
    query = update.callback_query
    try:
        await query.answer()
    except TelegramError as exc:  # too old to answer: the reply below still matters
        logger.info("telegram: callback answer failed (%s)", type(exc).__name__)
    payload = await _deps(context).payloads.unpack_async(query.data or "")
    if not payload:
        await send_reply(update, context, expired_button_reply(_lang(update, context)))
        return
    await send_reply(update, context, await _ask(update, context, payload))


async def sticker(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A sticker: a friendly word and the topic buttons."""
    await send_reply(update, context, media_reply("sticker", _lang(update, context)))


async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A picture: we cannot read it yet; ask for the key facts in words."""
    await send_reply(update, context, media_reply("image", _lang(update, context)))


async def voice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A voice or audio message: ask for text, give the hotline."""
    await send_reply(update, context, media_reply("audio", _lang(update, context)))


async def video(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A video: ask for a description in words."""
    await send_reply(update, context, media_reply("video", _lang(update, context)))


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file: we do not open files; offer a person."""
    await send_reply(update, context, media_reply("file", _lang(update, context)))


async def location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared place (a venue has an address): offer jobs near it."""
    venue = update.effective_message.venue
    await send_reply(update, context, location_reply(venue.address if venue else None, _lang(update, context)))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command we do not have: show the help."""
    await help_command(update, context)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure without the message (it may hold personal data)."""
    if isinstance(context.error, SendFailure):
        logger.warning("telegram: answer not delivered (%s)%s", context.error.reason,
                       "" if context.error.retriable else "; Telegram refused it for good")
        return
    logger.error(
        "telegram: handler failed: %s",
        type(context.error).__name__,
        exc_info=context.error if not isinstance(context.error, TelegramError) else None,
    )


def register(application: Application) -> None:
    """All handlers of the Telegram channel."""
    private_or_group = filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(StoredAnswer, resend_stored))
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("human", human))
    application.add_handler(CallbackQueryHandler(button_pressed))
    application.add_handler(MessageHandler(private_or_group & filters.TEXT & ~filters.COMMAND, text_message))
    application.add_handler(MessageHandler(private_or_group & filters.Sticker.ALL, sticker))
    application.add_handler(MessageHandler(private_or_group & filters.PHOTO, photo))
    application.add_handler(MessageHandler(private_or_group & (filters.VOICE | filters.AUDIO), voice))
    application.add_handler(MessageHandler(private_or_group & (filters.VIDEO | filters.VIDEO_NOTE), video))
    application.add_handler(MessageHandler(private_or_group & filters.Document.ALL, document))
    application.add_handler(MessageHandler(private_or_group & (filters.LOCATION | filters.VENUE), location))
    application.add_handler(MessageHandler(private_or_group & filters.COMMAND, unknown_command))
    application.add_error_handler(on_error)
