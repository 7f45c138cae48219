"""The action server's one knowledge base, opened on first use and kept for the process."""

from __future__ import annotations

import logging
import threading
from typing import Any, Optional

from actions.settings import action_settings

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_kb: Any = None
_failed = False


def knowledge_base() -> Optional[Any]:
    """The loaded KnowledgeBase, or None when it cannot be opened (the bot then says so)."""
    global _kb, _failed
    if _kb is not None or _failed:
        return _kb
    with _lock:
        if _kb is None and not _failed:
            try:
                from knowledge_base.kb import KnowledgeBase

                _kb = KnowledgeBase.open(settings=action_settings().kb)
            except Exception:  # the bot must keep answering without its knowledge base
                logger.exception("knowledge base could not be opened")
                _failed = True
    return _kb
