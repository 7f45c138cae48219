"""Long button payloads in the database, so that a button keeps working after a restart.

Why: LINE postback data holds 300 characters and Telegram callback_data 64 bytes (about 20 Chinese
characters), so most Telegram buttons and some LINE ones carry a short id instead of their payload
(PayloadStore in channels/line/support.py). Kept only in memory, every such button stopped working when
the gateway restarted, and one gateway process could not read another's. The store keeps the ids in
memory as before and writes new ones here in the background (never blocking an answer); an id missing
from memory is looked up here. Payloads can hold what a user typed (the 再試一次 button repeats the
message), so rows are deleted after `keep_days` (30).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Mapping, Optional

from sqlalchemy import delete, select

from cases.db import CaseStore
from cases.models import ButtonPayload, utcnow

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


def for_app(app: object) -> Optional[PayloadTable]:
    """The table on the gateway's case store, or None when the case runtime is not there (tests)."""
    runtime = getattr(getattr(app, "state", None), "cases", None)
    store = getattr(runtime, "store", None)
    return PayloadTable(store) if store is not None else None
