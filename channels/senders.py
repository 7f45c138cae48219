"""One sender per chat platform, shared by the bot's answers and the outbox (staff replies, alerts, surveys).

LINE: one `LineSender` (line-bot-sdk's messaging API, UTF-16-aware rendering, the button payload store),
used by the LINE channel for answers and wrapped by `LineOutboxSender` for the outbox. Telegram:
python-telegram-bot, through `TelegramOutboxSender` with the same renderer as the channel's answers.
A platform's sender exists when its token is set, also when its webhook is off: a gateway may push
staff alerts to a LINE group without receiving LINE events. The platform SDKs are imported only then.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from cases.outbox import DeliveryError, Outgoing, Sender
from channels.payloads import PayloadStore, PayloadTable
from channels.settings import ChannelSettings

if TYPE_CHECKING:
    from channels.line.client import LineSender

logger = logging.getLogger(__name__)


class PlatformSenders:
    """The outbox worker's `Sender`: each destination's own sender."""

    def __init__(self, senders: dict[str, Sender], line: "LineSender | None" = None,
                 line_payloads: PayloadStore | None = None) -> None:
        self.senders = senders
        self.line = line  # the LINE channel answers through the same client and payload store
        self.line_payloads = line_payloads

    def can_send(self, destination: str) -> bool:
        sender = self.senders.get(destination)
        return sender is not None and sender.can_send(destination)

    async def send(self, message: Outgoing) -> None:
        sender = self.senders.get(message.destination)
        if sender is None:  # the worker claims only what can_send allows: a configuration change at most
            raise DeliveryError(f"no sender for {message.destination} in this gateway", retriable=True)
        await sender.send(message)

    async def close(self) -> None:
        for sender in self.senders.values():
            close = getattr(sender, "close", None)
            if close is not None:
                await close()
        if self.line_payloads is not None:
            await self.line_payloads.flush()
        if self.line is not None:
            await self.line.close()


def open_senders(settings: ChannelSettings, table: PayloadTable | None) -> PlatformSenders:
    """The platforms' senders for the tokens that are set (button payloads kept in `table`)."""
    senders: dict[str, Sender] = {}
    line = line_payloads = None
    if settings.line_channel_access_token.get_secret_value().strip():
        from channels.line.client import LineSender
        from channels.line.outbox import LineOutboxSender
        from channels.line.render import MAX_DATA_CHARS

        line = LineSender(settings.line_api_base, settings.line_channel_access_token.get_secret_value(),
                          reply_max_age_s=settings.line_reply_token_max_age_s)
        line_payloads = PayloadStore(max_bytes=MAX_DATA_CHARS, table=table)
        senders["line"] = LineOutboxSender(line, line_payloads)
    if not settings.telegram_token_missing:
        from channels.telegram.bot import make_bot
        from channels.telegram.outbox import TelegramOutboxSender
        from channels.telegram.render import MAX_CALLBACK_BYTES

        senders["telegram"] = TelegramOutboxSender(make_bot(settings),
                                                   PayloadStore(max_bytes=MAX_CALLBACK_BYTES, table=table))
    return PlatformSenders(senders, line, line_payloads)
