"""Background work of the chat-platform channels (LINE and Telegram).

* `KeyedSerializer`: one user's events run one at a time, in arrival order; different users in parallel.
* `BackgroundTasks`: answer the webhook at once, work later, and wait for the work on shutdown.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


class KeyedSerializer:
    """Run jobs one at a time per key, in the order `run` was called; different keys run concurrently.

    `asyncio.Lock` wakes its waiters first-in first-out and `run` does not yield before asking for the
    lock, so the call order is the execution order. A key's entry is dropped as soon as it is idle.
    """

    def __init__(self) -> None:
        self._slots: dict[str, list[Any]] = {}  # key -> [lock, number of jobs holding or waiting]

    def __len__(self) -> int:
        return len(self._slots)

    async def run(self, key: str, job: Callable[[], Awaitable[T]]) -> T:
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = [asyncio.Lock(), 0]
        slot[1] += 1
        try:
            async with slot[0]:
                return await job()
        finally:
            slot[1] -= 1
            if slot[1] == 0:
                self._slots.pop(key, None)


class BackgroundTasks:
    """Tasks started after a webhook was answered; kept referenced, logged when they fail, drained on stop."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._tasks: set[asyncio.Task[Any]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, job: Awaitable[Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(job)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            logger.error(
                "%s: background job failed: %s",
                self.name,
                type(exc).__name__,
                exc_info=(type(exc), exc, exc.__traceback__),
            )

    async def drain(self, timeout_s: float = 10.0) -> None:
        """Wait for running jobs (answers already promised), then cancel what is left."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout_s)
        for task in pending:
            task.cancel()
        if pending:
            logger.warning("%s: %d unfinished jobs cancelled at shutdown", self.name, len(pending))
            await asyncio.gather(*pending, return_exceptions=True)
