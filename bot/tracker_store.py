"""Rasa's SQL tracker store on SQLite, without the ORM: same `events` table, same answers, less CPU.

Why: with rasa's SQLTrackerStore, SQLAlchemy's ORM (query building, cache keys, unit of work) took 37 % of
the Rasa server's CPU per message in bench/burst.py (py-spy): a `count()` query before each save, one ORM
object per event, a session per call. The table is tiny and the queries are fixed, so this store runs
them with the standard library's sqlite3:

* the file and the table are exactly those of rasa's SQLTrackerStore (`endpoints.yml` can switch back
  and forth; Rasa's own tools still read the file);
* a conversation's "latest session" is chosen as rasa does it: events at or after the newest
  `session_started` timestamp;
* a save counts the stored events of the session and appends the rest, in one IMMEDIATE transaction, so
  two Rasa processes on the same file (LABOURBOT_RASA_PROCESSES) never interleave a conversation's events;
* WAL journal: readers never block the writer; `busy_timeout_s` bounds the wait for another writer,
  after which the error reaches Rasa's fail-safe wrapper as with any tracker store.

Registered in endpoints.yml as `type: bot.tracker_store.SQLiteTrackerStore` (runs in .venv-rasa).
"""

from __future__ import annotations

import itertools
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any, Iterable, List, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SerializedTrackerAsText, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

# The DDL SQLAlchemy emits for rasa's SQLTrackerStore.SQLEvent on SQLite.
SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER NOT NULL,
    sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT,
    intent_name VARCHAR(255),
    action_name VARCHAR(255),
    data TEXT,
    PRIMARY KEY (id)
);
CREATE INDEX IF NOT EXISTS ix_events_sender_id ON events (sender_id);
"""

_SESSION_START = "SELECT MAX(timestamp) FROM events WHERE sender_id = ? AND type_name = ?"


class SQLiteTrackerStore(TrackerStore, SerializedTrackerAsText):
    """Conversation events in a SQLite file (see the module docstring for why not SQLTrackerStore)."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        db: Text = "rasa.db",
        event_broker: Optional[EventBroker] = None,
        busy_timeout_s: float = 5.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        self.db_path = db
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT) below.
        self._db = sqlite3.connect(db, timeout=float(busy_timeout_s), isolation_level=None,
                                   check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def _session_filter(self, sender_id: Text, all_sessions: bool) -> tuple[str, tuple[Any, ...]]:
        """WHERE clause and parameters selecting the conversation's events (latest session unless all)."""
        if not all_sessions:
            (start,) = self._db.execute(_SESSION_START, (sender_id, SessionStarted.type_name)).fetchone()
            if start is not None:
                return "sender_id = ? AND timestamp >= ?", (sender_id, start)
        return "sender_id = ?", (sender_id,)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the tracker's events that are not stored yet (those of its latest session)."""
        await self.stream_events(tracker)
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            where, params = self._session_filter(tracker.sender_id, all_sessions=False)
            (stored,) = db.execute(f"SELECT COUNT(*) FROM events WHERE {where}", params).fetchone()
            rows = []
            for event in itertools.islice(tracker.events, stored, len(tracker.events)):
                data = event.as_dict()
                intent = (data.get("parse_data") or {}).get("intent", {}).get("name")
                rows.append((tracker.sender_id, event.type_name, data.get("timestamp"), intent,
                             data.get("name"), json.dumps(data)))
            db.executemany(
                "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    async def _retrieve(self, sender_id: Text, all_sessions: bool) -> Optional[DialogueStateTracker]:
        where, params = self._session_filter(sender_id, all_sessions)
        rows = self._db.execute(f"SELECT data FROM events WHERE {where} ORDER BY id", params).fetchall()
        if not rows:
            return None
        events: List[dict] = [json.loads(data) for (data,) in rows]
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The conversation's latest session."""
        return await self._retrieve(sender_id, all_sessions=False)

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        """Every session of the conversation."""
        return await self._retrieve(conversation_id, all_sessions=True)

    async def keys(self) -> Iterable[Text]:
        return [sender for (sender,) in self._db.execute("SELECT DISTINCT sender_id FROM events")]
