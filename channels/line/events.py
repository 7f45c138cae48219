"""What the bot answers to each LINE webhook event (typed events of line-bot-sdk v3), by dispatch table.

Each handler returns the BotReply to send, or None when there is nothing to say (unfollow, unknown
events). Sending is the channel's job (channels/line/channel.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from linebot.v3.webhooks import (
    AudioMessageContent,
    FileMessageContent,
    FollowEvent,
    ImageMessageContent,
    JoinEvent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    VideoMessageContent,
)

from channels.conversation import ConversationService, Incoming
from channels.payloads import PayloadStore
from channels.canned import (
    canned, expired_button_reply, location_reply, media_reply, topic_shortcuts, unsupported_reply,
)
from channels.replies import BotReply, OutMessage

logger = logging.getLogger(__name__)

CHANNEL = "line"
WELCOME = (
    "謝謝您加入臺南市政府勞工局「勞動法令小幫手」好友 🙌\n"
    "我是自動回覆的小幫手，回答僅供參考；個別案件請點「找真人」，由勞工局同仁協助。"
)
WELCOME_BACK = "歡迎回來 🙌 有勞動權益的問題，隨時可以問我。"
JOIN_GROUP = (
    "大家好，我是臺南市政府勞工局的勞動法令小幫手。"
    "群組裡的問題我也會回答；個人的狀況建議私訊我，比較不會洩漏個資喔。"
)


@dataclass
class EventContext:
    conversations: ConversationService
    payloads: PayloadStore


def source_id(event: object) -> str | None:
    """Who the conversation is with (and where a push goes): the group or room, else the user."""
    source = getattr(event, "source", None)
    for attr in ("group_id", "room_id", "user_id"):
        value = getattr(source, attr, None)
        if value:
            return str(value)
    return None


async def _ask(ctx: EventContext, event: object, text: str) -> BotReply:
    who = source_id(event) or "unknown"
    return await ctx.conversations.handle(Incoming(channel=CHANNEL, user_id=who, text=text))


def _lang(ctx: EventContext, event: object) -> str | None:
    """The conversation's language as the gateway last saw it (channels/labels.py), for the replies
    given without text to detect."""
    return ctx.conversations.languages.of(f"{CHANNEL}:{source_id(event) or 'unknown'}")


async def on_text(event: MessageEvent, ctx: EventContext) -> BotReply:
    """A typed message goes to the bot as it is."""
    return await _ask(ctx, event, event.message.text)


async def on_sticker(event: MessageEvent, ctx: EventContext) -> BotReply:
    """A sticker: a friendly word and the topic shortcuts."""
    return media_reply("sticker", _lang(ctx, event))


async def on_image(event: MessageEvent, ctx: EventContext) -> BotReply:
    """A picture: we cannot read it yet; ask for the key facts in words."""
    return media_reply("image", _lang(ctx, event))


async def on_audio(event: MessageEvent, ctx: EventContext) -> BotReply:
    """A voice message: ask for text, give the hotline."""
    return media_reply("audio", _lang(ctx, event))


async def on_video(event: MessageEvent, ctx: EventContext) -> BotReply:
    """A video: ask for a description in words."""
    return media_reply("video", _lang(ctx, event))


async def on_file(event: MessageEvent, ctx: EventContext) -> BotReply:
    """A file: we do not open files; offer a person."""
    return media_reply("file", _lang(ctx, event))


async def on_location(event: MessageEvent, ctx: EventContext) -> BotReply:
    """A shared place: offer jobs near it."""
    return location_reply(event.message.address, _lang(ctx, event))


MESSAGE_HANDLERS: dict[type, Callable[[MessageEvent, EventContext], Awaitable[BotReply]]] = {
    TextMessageContent: on_text,
    StickerMessageContent: on_sticker,
    ImageMessageContent: on_image,
    AudioMessageContent: on_audio,
    VideoMessageContent: on_video,
    FileMessageContent: on_file,
    LocationMessageContent: on_location,
}


async def on_message(event: MessageEvent, ctx: EventContext) -> BotReply | None:
    """Dispatch a message event by the type of its content."""
    handler = MESSAGE_HANDLERS.get(type(event.message))
    if handler is None:
        return unsupported_reply(_lang(ctx, event))
    return await handler(event, ctx)


async def on_postback(event: PostbackEvent, ctx: EventContext) -> BotReply:
    """A pressed button: its payload is the user's message (long payloads travel as short ids)."""
    payload = await ctx.payloads.unpack_async(event.postback.data or "")
    if not payload:
        return expired_button_reply(_lang(ctx, event))
    return await _ask(ctx, event, payload)


async def on_follow(event: FollowEvent, ctx: EventContext) -> BotReply:
    """A new friend (or one who unblocked us): welcome, then the bot's greeting with the topic buttons."""
    unblocked = bool(getattr(event.follow, "is_unblocked", False)) if event.follow else False
    greeting = await _ask(ctx, event, "/greet")
    if not greeting.buttons:  # Rasa unavailable: still offer the topics
        greeting.messages.append(OutMessage(text="可以點選下面的主題：", buttons=topic_shortcuts()))
    greeting.messages.insert(0, OutMessage(text=WELCOME_BACK if unblocked else WELCOME, kind="welcome"))
    return greeting


async def on_unfollow(event: UnfollowEvent, ctx: EventContext) -> None:
    """Blocked: nothing can be sent any more; nothing about the user is kept here."""
    logger.info("line: a user unfollowed")
    return None


async def on_join(event: JoinEvent, ctx: EventContext) -> BotReply:
    """Invited into a group or room: introduce the bot."""
    return canned(JOIN_GROUP, topic_shortcuts())


EVENT_HANDLERS: dict[type, Callable[..., Awaitable[BotReply | None]]] = {
    MessageEvent: on_message,
    PostbackEvent: on_postback,
    FollowEvent: on_follow,
    UnfollowEvent: on_unfollow,
    JoinEvent: on_join,
}


async def reply_for(event: object, ctx: EventContext) -> BotReply | None:
    """The reply to one event, or None (events we do not answer, and events of a channel in standby)."""
    if getattr(event, "mode", "active") == "standby":
        return None
    handler = EVENT_HANDLERS.get(type(event))
    if handler is None:
        logger.debug("line: %s event ignored", getattr(event, "type", type(event).__name__))
        return None
    return await handler(event, ctx)
