"""The action server's one knowledge base, opened on first use and kept for the process.

Entries approved in the staff console and questions attached there are searchable without a restart:
at most every REFRESH_S seconds (LABOURBOT_KB_REFRESH_S) a question first reads a version stamp of
those rows in the case database (curation/live.py, one aggregate query per table, ~1 ms on SQLite);
only when it changed are the console's rows loaded and encoded into the open index
(KnowledgeBase.set_extras; the YAML entries and statutes are not re-indexed).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any, Optional

from actions.settings import action_settings

logger = logging.getLogger(__name__)

REFRESH_S = 10.0

_lock = threading.Lock()
_refresh_lock = threading.Lock()
_kb: Any = None
_failed = False
_stamp: Any = None
_checked = float("-inf")


def knowledge_base() -> Optional[Any]:
    """The loaded KnowledgeBase, or None when it cannot be opened (the bot then says so)."""
    global _kb, _failed
    if _kb is None and not _failed:
        with _lock:
            if _kb is None and not _failed:
                try:
                    from knowledge_base.kb import KnowledgeBase

                    _kb = KnowledgeBase.open(settings=action_settings().kb)
                except Exception:  # the bot must keep answering without its knowledge base
                    logger.exception("knowledge base could not be opened")
                    _failed = True
    if _kb is not None:
        refresh_console_entries(_kb)
    return _kb


def refresh_interval() -> float:
    try:
        return max(0.0, float(os.environ.get("LABOURBOT_KB_REFRESH_S", REFRESH_S)))
    except ValueError:
        return REFRESH_S


def refresh_console_entries(kb: Any, force: bool = False) -> Optional[dict[str, Any]]:
    """Pick up console entries and questions when their stamp changed; at most every refresh_interval()
    seconds, never two at once (a caller finding a refresh running goes on with the current index).
    A case database that cannot be read keeps the extras the index has. Returns what was done, if anything."""
    global _stamp, _checked
    now = time.monotonic()
    if not force and now - _checked < refresh_interval():
        return None
    if not _refresh_lock.acquire(blocking=False):
        return None
    try:
        _checked = now
        from cases.db import shared_store
        from curation.live import refresh, stamp

        with shared_store(action_settings().cases).read() as session:
            current = stamp(session)
            if current == _stamp:
                return None
            info = refresh(kb, session)
        _stamp = current
        info["total_seconds"] = round(time.monotonic() - now, 4)
        logger.info("knowledge base: %d console entries, %d attached questions (%d rows) in %.3f s",
                    info["entries"], info["questions"], info["rows"], info["seconds"])
        return info
    except Exception as exc:  # the case store is down or not migrated: answer from what the index has
        logger.warning("knowledge base: console entries not refreshed (%s)", type(exc).__name__)
        return None
    finally:
        _refresh_lock.release()


def reset() -> None:
    """Forget the knowledge base and the stamp (tests)."""
    global _kb, _failed, _stamp, _checked
    with _lock:
        _kb, _failed, _stamp, _checked = None, False, None, float("-inf")
