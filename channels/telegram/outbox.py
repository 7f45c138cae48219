"""Sending to Telegram through python-telegram-bot: one rendered message, and the case outbox's sender.

Why one path: bot replies (handlers.py), their retries from the webhook inbox and the outbox's staff
replies and alerts all go through `send_message`, so every Telegram message is rendered by render.py
(HTML escaping, length limits, long button payloads as short ids in the PayloadStore) and every failure
is classified the same way (`SendFailure`, a cases.outbox.DeliveryError):

* retriable: RetryAfter (flood control), NetworkError and TimedOut (network trouble, Telegram's 5xx),
  InvalidToken (the token can be fixed), anything else Telegram raises;
* final: Forbidden (the user blocked the bot), BadRequest (chat not found, a message Telegram refuses),
  ChatMigrated (the group became a supergroup: the configured id is wrong now).

`TelegramOutboxSender` does one attempt per call: the outbox worker owns the retries and their backoff.
An outbox message longer than one Telegram message is sent in pieces; a retry after a failure in the
middle repeats the pieces that went out (Telegram has no idempotency key).
"""

from __future__ import annotations

import datetime as dt

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)

from cases.outbox import DeliveryError, Outgoing
from channels.payloads import PayloadStore
from channels.replies import BotReply, Button, OutMessage
from channels.telegram.render import TelegramMessage, render

DESTINATION = "telegram"


class SendFailure(DeliveryError):
    """Telegram did not take a message; `retry_after_s` is the wait Telegram asked for (flood control)."""

    def __init__(self, reason: str, retriable: bool, retry_after_s: float | None = None) -> None:
        super().__init__(reason, retriable)
        self.retry_after_s = retry_after_s


def classify(exc: TelegramError) -> SendFailure:
    """What a python-telegram-bot error means for a message: try again later, or never."""
    reason = f"{type(exc).__name__}: {exc.message}"
    if isinstance(exc, RetryAfter):
        wait = exc.retry_after
        seconds = wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
        return SendFailure(reason, True, retry_after_s=seconds)
    if isinstance(exc, (Forbidden, BadRequest, ChatMigrated)):  # BadRequest before its base NetworkError
        return SendFailure(reason, False)
    if isinstance(exc, InvalidToken):  # its message can hold the token: never stored or logged
        return SendFailure("InvalidToken: Telegram refused TELEGRAM_BOT_TOKEN", True)
    return SendFailure(reason, True)


async def send_message(bot: Bot, chat_id: int | str, message: TelegramMessage) -> None:
    """One sendMessage (HTML, inline keyboard, no link preview); raises SendFailure."""
    try:
        await bot.send_message(
            chat_id,
            message.html,
            parse_mode=ParseMode.HTML,
            reply_markup=message.keyboard,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
    except TelegramError as exc:
        raise classify(exc) from exc


class TelegramOutboxSender:
    """cases.outbox.Sender for destination "telegram".

    `bot`: a telegram.Bot pointed at TELEGRAM_API_BASE (channels.telegram.bot.make_bot(settings)); it is initialized
    on first use and shut down by `close` when `owns_bot`. `payloads`: where long button payloads go
    (give it the gateway's PayloadTable, so that the Telegram channel finds them when a button is pressed).
    """

    def __init__(self, bot: Bot, payloads: PayloadStore, *, owns_bot: bool = True) -> None:
        self.bot = bot
        self.payloads = payloads
        self.owns_bot = owns_bot

    def can_send(self, destination: str) -> bool:
        return destination == DESTINATION

    async def send(self, message: Outgoing) -> None:
        """Deliver every piece of the message or raise DeliveryError (SendFailure)."""
        if message.destination != DESTINATION:
            raise DeliveryError(f"not a Telegram message: {message.destination}", retriable=False)
        reply = BotReply(messages=[OutMessage(
            message.text, buttons=[Button(title, payload) for title, payload in message.buttons])])
        pieces = render(reply, self.payloads)
        try:
            await self.bot.initialize()  # getMe once; a no-op afterwards
        except TelegramError as exc:
            raise classify(exc) from exc
        for piece in pieces:
            await send_message(self.bot, message.address, piece)

    async def close(self) -> None:
        """Write the button payloads not yet stored; free the bot's connections when they are ours."""
        await self.payloads.flush()
        if self.owns_bot:
            await self.bot.shutdown()
