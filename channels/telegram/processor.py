"""Process Telegram updates concurrently across chats but one at a time, in order, within a chat, and
tell the channel when each update's handler has finished (so that its inbox row can be finished).

Besides updates, the queue carries replayed answers (handlers.StoredAnswer): they name their chat's key
(`ordering_key`) and wait their turn in that chat like an update."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from channels.tasks import KeyedSerializer


def chat_key(update: object) -> str:
    """The ordering key of an update: its chat, else its user, else the update itself (no ordering);
    of anything else on the queue, its `ordering_key` when it has one."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return f"chat:{update.effective_chat.id}"
        if update.effective_user is not None:
            return f"user:{update.effective_user.id}"
        return f"update:{update.update_id}"
    key = getattr(update, "ordering_key", None)
    return key if isinstance(key, str) else f"object:{id(update)}"


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """PTB's fetcher starts one task per update in queue order; this keeps that order within a chat."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self.serial = KeyedSerializer()
        # Called after each update's handlers ran, with the exception that escaped them (PTB hands
        # handler errors to the error handlers first, so that is rare), or None.
        self.on_finished: Callable[[object, BaseException | None], Awaitable[None]] | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await self.serial.run(chat_key(update), lambda: coroutine)
        except Exception as exc:
            if self.on_finished is not None:
                await self.on_finished(update, exc)
            raise
        if self.on_finished is not None:
            await self.on_finished(update, None)

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""
