"""The path every channel's message takes: check the text, keep per-user order, ask Rasa.

Messages of one user are handled one at a time, in arrival order (`KeyedSerializer`, the gateway's one
per-user ordering mechanism, also used by the LINE and Telegram channels around answer + send);
different users run concurrently. Before Rasa: empty text, the rate limit, danger words (emergency
numbers and a high-priority case), a case held by staff (channels/handoff.py), other languages.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cases.detect import detect_danger
from channels.canned import UNAVAILABLE_REPLY, try_again_reply
from channels.emergency import danger_reply
from channels.language import REPLIES as FOREIGN_REPLIES
from channels.language import foreign_language
from channels.limits import RATE_LIMITED_REPLY, RateLimiter
from channels.rasa_client import RasaClient, RasaUnavailable
from channels.replies import BotReply, OutMessage, build_reply
from channels.tasks import KeyedSerializer
from labourbot.textnorm import normalize

if TYPE_CHECKING:
    from channels.handoff import CaseRouter

logger = logging.getLogger(__name__)

EMPTY_TEXT_REPLY = "您傳來的訊息是空白的 🙂 請直接打出想問的勞動權益問題，例如「加班費怎麼算」。"
TOO_LONG_NOTE = "（您的訊息很長，我先讀前 {limit} 個字來回答；詳細狀況可以輸入「找真人」由同仁協助。）"
__all__ = ["ConversationService", "Incoming", "UNAVAILABLE_REPLY"]


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
        self.cases = cases  # None: no case store (the bot answers everything)
        self.rate_limiter = rate_limiter or RateLimiter()
        self.serial = KeyedSerializer()

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
        return await self.serial.run(message.sender, lambda: self._answer(message, text, note, allowed))

    async def _answer(self, message: Incoming, text: str, note: str | None, allowed: bool) -> BotReply:
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
            return BotReply(messages=[OutMessage(text=FOREIGN_REPLIES[lang], kind="foreign_language")], intent="")
        try:
            raw, parse = await self.rasa.send_parsed(message.sender, text, message.metadata)
        except RasaUnavailable as exc:
            logger.warning("rasa unavailable for %s: %s", message.channel, exc)
            return try_again_reply(message.text)
        reply = build_reply(raw, parse.intent, parse.confidence)
        if note:
            reply.messages.insert(0, OutMessage(text=note, kind="notice"))
        if not reply.messages:  # Rasa chose to stay silent: never leave the user without an answer
            reply.messages.append(OutMessage(text=UNAVAILABLE_REPLY, kind="unavailable"))
        return reply
