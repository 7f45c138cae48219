"""Long button payloads in the database, so that a button keeps working after a restart.

Why: LINE postback data holds 300 characters and Telegram callback_data 64 bytes (about 20 Chinese
characters), so most Telegram buttons and some LINE ones carry a short id instead of their payload
(`PayloadStore` below). Kept only in memory, every such button stopped working when
the gateway restarted, and one gateway process could not read another's. The store keeps the ids in
memory as before and writes new ones here in the background (never blocking an answer); an id missing
from memory is looked up here. Payloads can hold what a user typed (the 再試一次 button repeats the
message), so rows are deleted after `keep_days` (30).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Mapping, Optional

from sqlalchemy import delete, select

from cases.db import CaseStore
from cases.models import ButtonPayload, utcnow

logger = logging.getLogger(__name__)

KEEP_DAYS = 30.0


class PayloadTable:
    """The `button_payloads` table (synchronous: call it through a thread from async code)."""

    def __init__(self, store: CaseStore, keep_days: float = KEEP_DAYS) -> None:
        self.store = store
        self.keep_days = keep_days

    def save(self, items: Mapping[str, str], now: datetime | None = None) -> None:
        """Store the payloads under their ids; an id already stored (same payload: ids are hashes) stays."""
        if not items:
            return
        if self.store.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        now = now or utcnow()
        with self.store.session() as session:
            session.execute(
                insert(ButtonPayload)
                .values([{"key": key, "payload": payload, "created_at": now} for key, payload in items.items()])
                .on_conflict_do_nothing(index_elements=["key"])
            )

    def load(self, key: str) -> Optional[str]:
        with self.store.read() as session:
            return session.scalar(select(ButtonPayload.payload).where(ButtonPayload.key == key))

    def purge(self, now: datetime | None = None) -> int:
        """Delete payloads older than keep_days; returns how many."""
        cutoff = (now or utcnow()) - timedelta(days=self.keep_days)
        with self.store.session() as session:
            return session.execute(delete(ButtonPayload).where(ButtonPayload.created_at < cutoff)).rowcount


class PayloadStore:
    """Button payloads that fit the platform's limit travel as they are; longer ones as a short id.

    A short id is `~p` + 16 hex digits of a hash of the payload (the same payload always gets the same
    id). Ids are kept in memory, the newest `maxlen`, and, once a `table` is attached (the gateway does at
    start), in the database (channels/payloads.py): written in the background, looked up when memory has
    forgotten them (a restart, another gateway process). An id found nowhere unpacks to None and the
    channel asks the user to type the question instead.
    """

    PREFIX = "~p"
    PURGE_EVERY_S = 6 * 3600

    def __init__(self, max_bytes: int, maxlen: int = 50_000, table: PayloadTable | None = None) -> None:
        self.max_bytes = max_bytes
        self._map: OrderedDict[str, str] = OrderedDict()
        self._maxlen = maxlen
        self.table = table
        self._unsaved: dict[str, str] = {}
        self._flushing: asyncio.Task[None] | None = None
        self._last_purge = float("-inf")

    def __len__(self) -> int:
        return len(self._map)

    def pack(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= self.max_bytes and not payload.startswith(self.PREFIX):
            return payload
        key = self.PREFIX + hashlib.blake2s(payload.encode("utf-8"), digest_size=8).hexdigest()
        if key not in self._map and self.table is not None:
            self._unsaved[key] = payload
            self._schedule_flush()
        self._remember(key, payload)
        return key

    def _remember(self, key: str, payload: str) -> None:
        self._map[key] = payload
        self._map.move_to_end(key)
        while len(self._map) > self._maxlen:
            self._map.popitem(last=False)

    def unpack(self, data: str) -> str | None:
        """From memory only (see unpack_async for the database)."""
        if not data.startswith(self.PREFIX):
            return data
        return self._map.get(data)

    async def unpack_async(self, data: str) -> str | None:
        """From memory, else from the database (a button from before a restart or from another process)."""
        found = self.unpack(data)
        if found is not None or self.table is None or not data.startswith(self.PREFIX):
            return found
        try:
            found = await asyncio.to_thread(self.table.load, data[:24])
        except Exception as exc:  # the database unavailable: the button is treated as expired
            logger.warning("button payload lookup failed (%s)", type(exc).__name__)
            return None
        if found is not None:
            self._remember(data, found)
        return found

    def _schedule_flush(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # rendering outside the gateway (tests, CLI): memory only
            return
        if self._flushing is None or self._flushing.done():
            self._flushing = loop.create_task(self.flush())

    async def flush(self) -> None:
        """Write the ids not yet in the database (kept for the next try when the database refuses)."""
        if self.table is None:
            return
        while self._unsaved:
            items = dict(self._unsaved)
            try:
                await asyncio.to_thread(self.table.save, items)
            except Exception as exc:
                logger.warning("button payloads not saved yet (%s); retried with the next ones",
                               type(exc).__name__)
                return
            for key in items:
                self._unsaved.pop(key, None)
        now = asyncio.get_running_loop().time()
        if now - self._last_purge > self.PURGE_EVERY_S:
            self._last_purge = now
            try:
                await asyncio.to_thread(self.table.purge)
            except Exception as exc:
                logger.warning("button payload purge failed (%s)", type(exc).__name__)
