"""The path every channel's message takes: check the text, keep per-user order, ask Rasa.

Messages of one user are handled one at a time, in arrival order (`KeyedSerializer`, the gateway's one
per-user ordering mechanism, also used by the LINE and Telegram channels around answer + send);
different users run concurrently. Before Rasa: empty text, the rate limits (per sender, and per client
address on the web chat and REST, whose ids the client chooses), danger words (emergency numbers, always,
and a high-priority case, at most a few per address), a case held by staff (channels/handoff.py); the
message's language goes to Rasa with it (channels/language.py). After: one call into figures/record.py
per handled message (the service figures; cheap, off the reply's path, never raising).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from cases.detect import detect_danger
from channels.canned import UNAVAILABLE_REPLY, gateway_reply, too_long_note, try_again_reply
from channels.emergency import danger_reply
from channels.labels import ConversationLanguages, message_language
from channels.language import with_language
from channels.limits import AddressAdmission, CaseDecision, RateLimiter
from channels.rasa_client import RasaClient, RasaUnavailable
from channels.replies import BotReply, OutMessage, build_reply
from channels.tasks import KeyedSerializer
from figures.record import FigureRecorder
from labourbot.textnorm import normalize


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
    # The client address (channels/limits.py client_address) on channels whose ids the client chooses
    # (web chat, REST); None where the platform signs who sent it (LINE, Telegram).
    address: str | None = None

    @property
    def sender(self) -> str:
        """The Rasa conversation id: channel-qualified so ids never collide across channels."""
        return f"{self.channel}:{self.user_id}"


class CaseGate(Protocol):
    """What the conversation asks of the case store before Rasa (channels/handoff.py `CaseRouter`)."""

    async def urgent(self, message: Incoming, text: str) -> int | None:
        """Open or raise a high-priority case for danger words; its number, or None."""
        ...

    async def before_rasa(self, message: Incoming, text: str) -> BotReply | None:
        """A reply that replaces the bot's (a rating, a message for staff), or None."""
        ...


class ConversationService:
    def __init__(
        self,
        rasa: RasaClient,
        max_chars: int = 2000,
        cases: CaseGate | None = None,
        rate_limiter: RateLimiter | None = None,
        admission: AddressAdmission | None = None,
        figures: FigureRecorder | None = None,
    ) -> None:
        self.rasa = rasa
        self.max_chars = max_chars
        self.cases = cases  # None: no case store (the bot answers everything)
        self.rate_limiter = rate_limiter or RateLimiter()
        self.admission = admission or AddressAdmission()
        self.serial = KeyedSerializer()
        # Each conversation's language as last seen, for the replies given without Rasa (channels/labels.py).
        self.languages = ConversationLanguages()
        # The service figures go to the case store (None: nothing recorded, e.g. no case store).
        store = getattr(cases, "store", None)
        self.figures = figures or (FigureRecorder.for_store(store) if store is not None else None)

    async def handle(self, message: Incoming) -> BotReply:
        """The bot's reply to one message. Never raises for bad input or a down Rasa."""
        reply = await self._handle(message)
        if self.figures is not None:
            self.figures.observe(message.channel, message.sender, message.text or "", reply)
        return reply

    async def _handle(self, message: Incoming) -> BotReply:
        text = message.text or ""
        lang = message_language(text, self.languages.of(message.sender))  # for the gateway's own replies
        if not normalize(text):
            return gateway_reply("empty_input", lang)
        # Decided on arrival (token buckets per sender, then per address), answered in the user's order
        # (under the lock). A sender over its own rate does not use up its address's.
        allowed = self.rate_limiter.allow(message.sender) and self.admission.allow(message.address)
        logger.info("received on %s%s", message.channel, "" if allowed else " (rate limited)")
        note = None
        if len(text) > self.max_chars:
            text, note = text[: self.max_chars], too_long_note(self.max_chars, lang).text
        with self.admission.slot(message.address if allowed else None) as free:
            if not free:  # the address has its share of messages in flight: a clear answer, at once
                logger.info("web/rest address busy on %s", message.channel)
                return await self._busy(message, text, lang)
            return await self.serial.run(message.sender, lambda: self._answer(message, text, note, allowed, lang))

    async def _busy(self, message: Incoming, text: str, lang: str) -> BotReply:
        if detect_danger(message.text):
            return danger_reply(await self._urgent_case(message, text), lang)
        return gateway_reply("busy", lang)

    async def _urgent_case(self, message: Incoming, text: str) -> int | None:
        """The urgent case's number, or None. Each urgent case alerts staff, and on the web chat and REST
        anybody can send danger words under ever new ids: past `max_cases` per address in the window no
        case is opened; the first one past it opens one combined note instead (its own sender per
        address, so open_case raises that note rather than adding more), the rest are only logged."""
        if self.cases is None:
            return None
        decision = self.admission.case_decision(message.address)
        if decision is CaseDecision.OPEN:
            return await self.cases.urgent(message, text)
        logger.warning("urgent case flood from one address on %s: %s", message.channel, decision.value)
        if decision is CaseDecision.NOTE:
            digest = hashlib.sha256((message.address or "").encode()).hexdigest()[:16]
            stand_in = Incoming(channel=message.channel, user_id=f"flood-{digest}", text=text)
            await self.cases.urgent(stand_in, self.admission.flood_note(text))
        return None

    async def _answer(self, message: Incoming, text: str, note: str | None, allowed: bool,
                      lang: str) -> BotReply:
        # Before Rasa (docs/handoff.md): danger words get the emergency numbers and staff at once, even
        # over the rate limit (never withheld); a case held by staff takes the message instead of the bot.
        if detect_danger(message.text):  # over the rate: its earlier messages already told staff
            return danger_reply(await self._urgent_case(message, text) if allowed else None, lang)
        if not allowed:
            return gateway_reply("rate_limited", lang)
        if self.cases is not None:
            routed = await self.cases.before_rasa(message, text)
            if routed is not None:
                return routed
        # The message's language goes to Rasa, which answers in it (channels/language.py, docs/languages.md).
        metadata = with_language(message.metadata, text)
        try:
            raw, parse = await self.rasa.send_parsed(message.sender, text, metadata)
        except RasaUnavailable as exc:
            logger.warning("rasa unavailable for %s: %s", message.channel, exc)
            return try_again_reply(message.text, lang)
        reply = build_reply(raw, parse.intent, parse.confidence)
        self.languages.remember(message.sender, reply, text)
        if note:
            reply.messages.insert(0, OutMessage(text=note, kind="notice"))
        if not reply.messages:  # Rasa chose to stay silent: never leave the user without an answer
            reply.messages.append(OutMessage(text=UNAVAILABLE_REPLY, kind="unavailable"))
        return reply
