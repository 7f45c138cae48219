"""The outbox's way to LINE (`cases.outbox.Sender` for destination "line"): staff replies, case notices
and staff alerts, pushed with the same renderer and client as the bot's answers.

Why not a hand-made push: LINE counts lengths in UTF-16 code units (an emoji or a rare 漢字 outside the
BMP counts two), takes 5,000 per text, 20 per quick-reply label and 300 per postback data. The renderer
(channels/line/render.py) splits long texts at paragraph ends instead of cutting them, clips labels in
LINE's count, and gives a long button payload a short id kept in the button payload store, so the button
still works when pressed. The push carries the outbox row's key as X-Line-Retry-Key: a push repeated
after a time-out or a crash is answered 409 by LINE (already shown), which counts as sent. An answer of
more than five messages goes out in several pushes; push i > 0 has a key derived from the row's.
"""

from __future__ import annotations

from cases.outbox import DeliveryError, Outgoing
from channels.line.client import TRANSIENT, LineSender, push_retry_key
from channels.line.render import batches, render
from channels.payloads import PayloadStore
from channels.replies import BotReply, Button, OutMessage

DESTINATION = "line"


class LineOutboxSender:
    def __init__(self, sender: LineSender, payloads: PayloadStore) -> None:
        self.sender = sender
        self.payloads = payloads

    def can_send(self, destination: str) -> bool:
        """LINE rows only, and only with a channel access token."""
        return destination == DESTINATION and self.sender.has_token

    async def send(self, message: Outgoing) -> None:
        """Push the message to its user or group, or raise DeliveryError (retriable for a failure worth
        another try: 429, 5xx, network, time-out; not for LINE's final refusal)."""
        if message.destination != DESTINATION:
            raise DeliveryError(f"not a LINE message: {message.destination}", retriable=False)
        if not self.can_send(DESTINATION):
            raise DeliveryError("LINE_CHANNEL_ACCESS_TOKEN is not set", retriable=True)
        groups = batches(render(reply_of(message), self.payloads))
        if not groups:
            raise DeliveryError("empty message", retriable=False)
        for index, group in enumerate(groups):
            key = message.key if index == 0 else push_retry_key(message.key, index)
            outcome = await self.sender.push(message.address, group, key, attempts=1)  # the worker retries
            if not outcome.sent:
                raise DeliveryError(outcome.reason or outcome.status, retriable=outcome.status == TRANSIENT)


def reply_of(message: Outgoing) -> BotReply:
    """The outbox message as one bot message with its buttons (rendered like any answer)."""
    buttons = [Button(title, payload) for title, payload in message.buttons]
    return BotReply(messages=[OutMessage(text=message.text, buttons=buttons)])
