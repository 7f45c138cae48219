"""The path every channel's message takes: check the text, keep per-user order, ask Rasa.

Messages of one user are handled one at a time, in arrival order (an asyncio lock per sender);
different users run concurrently.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cases.detect import detect_danger
from channels.emergency import danger_reply
from channels.language import REPLIES as FOREIGN_REPLIES
from channels.language import foreign_language
from channels.limits import RATE_LIMITED_REPLY, RateLimiter
from channels.rasa_client import RasaClient, RasaUnavailable
from channels.replies import BotReply, Button, OutMessage, build_reply
from labourbot.textnorm import normalize

if TYPE_CHECKING:
    from channels.handoff import CaseRouter

logger = logging.getLogger(__name__)

EMPTY_TEXT_REPLY = "您傳來的訊息是空白的 🙂 請直接打出想問的勞動權益問題，例如「加班費怎麼算」。"
TOO_LONG_NOTE = "（您的訊息很長，我先讀前 {limit} 個字來回答；詳細狀況可以輸入「找真人」由同仁協助。）"
UNAVAILABLE_REPLY = "抱歉，系統暫時忙碌，訊息沒有處理完成，請過一會兒再傳一次；急需協助請撥 1955。"


@dataclass(frozen=True)
class Incoming:
    channel: str  # "rest", "line", "telegram", "web"
    user_id: str  # id on that channel
    text: str
    metadata: dict[str, Any] | None = None

    @property
    def sender(self) -> str:
        """The Rasa conversation id: channel-qualified so ids never collide across channels."""
        return f"{self.channel}:{self.user_id}"


class _SenderLocks:
    """Bounded map sender -> lock; idle locks are dropped when the map grows."""

    def __init__(self, max_idle: int = 10_000) -> None:
        self._locks: OrderedDict[str, asyncio.Lock] = OrderedDict()
        self._max_idle = max_idle

    def get(self, sender: str) -> asyncio.Lock:
        lock = self._locks.pop(sender, None) or asyncio.Lock()
        self._locks[sender] = lock
        while len(self._locks) > self._max_idle:
            oldest, old_lock = next(iter(self._locks.items()))
            if old_lock.locked():
                break
            del self._locks[oldest]
        return lock


class ConversationService:
    def __init__(
        self,
        rasa: RasaClient,
        max_chars: int = 2000,
        cases: "CaseRouter | None" = None,
        rate_limiter: RateLimiter | None = None,
    ) -> None:
        self.rasa = rasa
        self.max_chars = max_chars
        self.cases = cases  # set by the case runtime at start-up (channels/handoff.py)
        self.rate_limiter = rate_limiter or RateLimiter()
        self._locks = _SenderLocks()

    async def handle(self, message: Incoming) -> BotReply:
        """The bot's reply to one message. Never raises for bad input or a down Rasa."""
        text = message.text or ""
        if not normalize(text):
            return BotReply(messages=[OutMessage(text=EMPTY_TEXT_REPLY, kind="empty_input")], intent="")
        # Decided on arrival (token bucket per sender), answered in the user's order (under the lock).
        allowed = self.rate_limiter.allow(message.sender)
        logger.info("received on %s%s", message.channel, "" if allowed else " (rate limited)")
        note = None
        if len(text) > self.max_chars:
            text, note = text[: self.max_chars], TOO_LONG_NOTE.format(limit=self.max_chars)
        async with self._locks.get(message.sender):
            if not allowed:
                return BotReply(messages=[OutMessage(text=RATE_LIMITED_REPLY, kind="rate_limited")], intent="")
            # Before Rasa (docs/handoff.md): danger words get the emergency numbers and staff at once;
            # a case held by staff takes the message instead of the bot.
            if detect_danger(message.text):
                return danger_reply(await self.cases.urgent(message, text) if self.cases else None)
            if self.cases is not None:
                routed = await self.cases.before_rasa(message, text)
                if routed is not None:
                    return routed
            lang = foreign_language(text)  # the model knows Chinese only: point to 1955 in their language
            if lang is not None:
                return BotReply(messages=[OutMessage(text=FOREIGN_REPLIES[lang], kind="foreign_language")],
                                intent="")
            try:
                raw, parse = await self.rasa.send_parsed(message.sender, text, message.metadata)
            except RasaUnavailable as exc:
                logger.warning("rasa unavailable for %s: %s", message.channel, exc)
                return BotReply(
                    messages=[OutMessage(text=UNAVAILABLE_REPLY, kind="unavailable",
                                         buttons=[Button("再試一次", message.text[:300])])],
                    intent="",
                )
        reply = build_reply(raw, parse.intent, parse.confidence)
        if note:
            reply.messages.insert(0, OutMessage(text=note, kind="notice"))
        if not reply.messages:  # Rasa chose to stay silent: never leave the user without an answer
            reply.messages.append(OutMessage(text=UNAVAILABLE_REPLY, kind="unavailable"))
        return reply
