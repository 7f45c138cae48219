"""Telegram handlers (python-telegram-bot v22), registered in one place: `register(application)`.

```mermaid
flowchart LR
  U[update] --> C{kind}
  C -->|/start, /help, /human| CMD[command handlers]
  C -->|text| T[ask the bot]
  C -->|button pressed| Q[answer the callback, payload as text]
  C -->|sticker, photo, voice, file, place| M[canned reply]
  CMD & T & Q & M --> S[send_reply: HTML + inline keyboard]
```
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from channels.conversation import ConversationService, Incoming
from channels.payloads import PayloadStore
from channels.canned import EXPIRED_BUTTON_REPLY, canned, location_reply, media_reply, topic_shortcuts
from channels.replies import BotReply, OutMessage
from channels.telegram.render import MAX_CALLBACK_BYTES, render
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


@dataclass
class TelegramDeps:
    conversations: ConversationService
    payloads: PayloadStore


def make_deps(conversations: ConversationService) -> TelegramDeps:
    return TelegramDeps(conversations=conversations, payloads=PayloadStore(max_bytes=MAX_CALLBACK_BYTES))


def _deps(context: ContextTypes.DEFAULT_TYPE) -> TelegramDeps:
    return context.application.bot_data[DEPS_KEY]


async def _ask(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> BotReply:
    chat = update.effective_chat
    return await _deps(context).conversations.handle(
        Incoming(channel=CHANNEL, user_id=str(chat.id if chat else "unknown"), text=text)
    )


async def send_reply(update: Update, context: ContextTypes.DEFAULT_TYPE, reply: BotReply) -> None:
    """Send every message of a reply in order; retry what Telegram asks us to retry."""
    chat = update.effective_chat
    if chat is None:
        return
    for message in render(reply, _deps(context).payloads):
        for attempt in range(1, MAX_SEND_ATTEMPTS + 1):
            try:
                await context.bot.send_message(
                    chat.id,
                    message.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=message.keyboard,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
                break
            except RetryAfter as exc:
                wait = exc.retry_after
                delay = wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
                if attempt == MAX_SEND_ATTEMPTS or delay > 30:
                    raise
                await asyncio.sleep(delay)
            except (TimedOut, NetworkError) as exc:
                if attempt == MAX_SEND_ATTEMPTS or not _retriable(exc):
                    raise
                await asyncio.sleep(0.5 * 2 ** (attempt - 1))


def _retriable(exc: NetworkError) -> bool:
    """Network trouble and server errors are worth another try; a refused request (BadRequest) is not."""
    return type(exc) in (NetworkError, TimedOut)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [topic]: welcome, the bot's greeting with the topic buttons (or the topic's menu)."""
    arg = (context.args or [""])[0].lower() if context.args else ""
    topic = START_ALIASES.get(arg, arg)
    text = f'/choose_topic{{"topic": "{topic}"}}' if topic in TOPICS and topic != "other" else "/greet"
    reply = await _ask(update, context, text)
    reply.messages.insert(0, OutMessage(text=WELCOME, kind="welcome"))
    await send_reply(update, context, reply)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what the bot can do, the commands, and the topic buttons."""
    await send_reply(update, context, canned(HELP, topic_shortcuts()))


async def human(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/human: how to reach a person at the bureau."""
    await send_reply(update, context, await _ask(update, context, "/request_human"))


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
        await send_reply(update, context, canned(EXPIRED_BUTTON_REPLY, topic_shortcuts()))
        return
    await send_reply(update, context, await _ask(update, context, payload))


async def sticker(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A sticker: a friendly word and the topic buttons."""
    await send_reply(update, context, media_reply("sticker"))


async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A picture: we cannot read it yet; ask for the key facts in words."""
    await send_reply(update, context, media_reply("image"))


async def voice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A voice or audio message: ask for text, give the hotline."""
    await send_reply(update, context, media_reply("audio"))


async def video(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A video: ask for a description in words."""
    await send_reply(update, context, media_reply("video"))


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file: we do not open files; offer a person."""
    await send_reply(update, context, media_reply("file"))


async def location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared place (a venue has an address): offer jobs near it."""
    venue = update.effective_message.venue
    await send_reply(update, context, location_reply(venue.address if venue else None))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command we do not have: show the help."""
    await help_command(update, context)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure without the message (it may hold personal data)."""
    logger.error(
        "telegram: handler failed: %s",
        type(context.error).__name__,
        exc_info=context.error if not isinstance(context.error, TelegramError) else None,
    )


def register(application: Application) -> None:
    """All handlers of the Telegram channel."""
    private_or_group = filters.UpdateType.MESSAGE
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
