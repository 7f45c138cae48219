"""Patches for rasa 3.6.21, installed by bot/run.py (the serving Rasa's entry point) before Rasa starts.

Two kinds, installed separately because they fail differently on another Rasa version:

Correctness (`install_tracker_store_patch`): a tracker store that fails loudly. Rasa wraps every tracker
store in a FailSafeTrackerStore: when the save of a turn fails (SQLite "database is locked" after pysqlite's
5 s, PostgreSQL down) it logs, keeps the turn in a process-local InMemoryTrackerStore that is never read
back, and answers 200 as if the turn had been kept; when a read fails it starts the conversation anew
(None), and the next save, which appends "the events after those already stored", would then write the new
conversation's tail onto the old one. The user is answered but the turn is silently forgotten (a consent
given in the handoff form is lost, the form asks again). Patched, both raise: the rest_parse channel answers
500, the gateway tells the user to send the message again (UNAVAILABLE_REPLY, a 再試一次 button), and the
stored conversation is unchanged, so the resent message is handled as if it were the first
(tests/faults/test_faults_database.py). On a Rasa version it was not written for it REFUSES TO START
(UnsupportedRasaVersion): running without it would forget turns without a trace.

Performance (`install_performance_patches`), skipped with a warning on another version (slower, not wrong):

1. Rasa's RemoteAction checks every action server response with `jsonschema.validate(result, schema)`.
That call re-checks the (large) events schema against the JSON Schema meta-schema and rebuilds a
validator and its reference resolver each time: 19.6 ms per response on this machine, 40-55 % of the Rasa
server's CPU under load (py-spy, bench/burst.py). Validating with one validator built once gives the same
answers (same schema, same draft, same ValidationError) in 0.3 ms.

2. One HTTP connection pool per endpoint. Rasa's EndpointConfig.request opens a new aiohttp session, so a
new TCP connection, for every call to the action server (one to three per message): 6 % of Rasa's CPU
in bench/burst.py, plus an accept on the action server each time. Patched, `async with
endpoint.session()` yields one long-lived session per endpoint and event loop, left open.

`rasa train`, `rasa data validate` and `rasa test` (the Makefile) run unpatched: they neither keep
conversations in a tracker store that can fail nor call the action server.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any, Dict, Text

logger = logging.getLogger(__name__)

PATCHED_RASA_VERSION = "3.6.21"


@functools.lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would on every call
    return cls(schema)


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """Same contract as RemoteAction._validate_action_result: True, or the ValidationError, annotated."""
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _action_response_validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise e


def _cause(e: Exception) -> str:
    """The driver's error alone: SQLAlchemy's message also holds the statement's parameters (user texts)."""
    orig = getattr(e, "orig", None)
    return f"{type(orig or e).__name__}: {orig}" if orig is not None else type(e).__name__


class TrackerStoreUnavailable(RuntimeError):
    """The tracker store could not save or read a conversation (the message says why, without user data)."""


async def _save_or_raise(self: Any, tracker: Any) -> None:
    """FailSafeTrackerStore.save without the silent in-memory fallback."""
    try:
        await self._tracker_store.save(tracker)
    except Exception as e:
        logger.error("tracker store: a turn was not saved (%s); the user is told to resend it", _cause(e))
        # `from None`: Sanic logs the traceback, and the original one carries the statement's parameters
        raise TrackerStoreUnavailable(f"turn not saved: {_cause(e)}") from None


async def _retrieve_or_raise(self: Any, sender_id: Text) -> Any:
    """FailSafeTrackerStore.retrieve without turning a failed read into a new conversation."""
    try:
        return await self._tracker_store.retrieve(sender_id)
    except Exception as e:
        logger.error("tracker store: the conversation could not be read (%s)", _cause(e))
        raise TrackerStoreUnavailable(f"conversation not read: {_cause(e)}") from None


class _KeptOpen:
    """`async with` yields the endpoint's long-lived session and does not close it."""

    def __init__(self, session: Any) -> None:
        self._session = session

    async def __aenter__(self) -> Any:
        return self._session

    async def __aexit__(self, *exc: object) -> None:
        return None


def _shared_session(original: Any) -> Any:
    def session(self: Any) -> _KeptOpen:
        loop = asyncio.get_running_loop()
        kept = self.__dict__.get("_labourbot_session")
        if kept is None or kept[0] is not loop or kept[1].closed:
            kept = (loop, original(self))
            self.__dict__["_labourbot_session"] = kept
        return _KeptOpen(kept[1])

    return session


class UnsupportedRasaVersion(RuntimeError):
    """The tracker store patch was not written for this Rasa: serving would risk forgetting turns."""


def install() -> None:
    """Both kinds; raises UnsupportedRasaVersion when the tracker store patch does not fit this Rasa."""
    install_tracker_store_patch()
    install_performance_patches()


def install_tracker_store_patch() -> None:
    """FailSafeTrackerStore raises instead of forgetting a turn; refuses any Rasa but PATCHED_RASA_VERSION."""
    import rasa
    from rasa.core.tracker_store import FailSafeTrackerStore

    if FailSafeTrackerStore.save is _save_or_raise:
        return
    if rasa.__version__ != PATCHED_RASA_VERSION:
        raise UnsupportedRasaVersion(
            f"bot/rasa_patches.py 的對話紀錄（tracker store）修補是為 rasa {PATCHED_RASA_VERSION} 寫的，"
            f"這裡是 rasa {rasa.__version__}：拒絕啟動，否則資料庫出錯時 Rasa 會默默遺失對話。"
            "請先對照新版 FailSafeTrackerStore.save/retrieve 更新 _save_or_raise、_retrieve_or_raise "
            "與 PATCHED_RASA_VERSION，再啟動。")
    FailSafeTrackerStore.save = _save_or_raise  # type: ignore[method-assign]
    FailSafeTrackerStore.retrieve = _retrieve_or_raise  # type: ignore[method-assign]


def install_performance_patches() -> bool:
    """The cached validator and the shared sessions, on PATCHED_RASA_VERSION only. Returns whether in place."""
    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig

    if RemoteAction._validate_action_result is _validate_action_result:
        return True
    if rasa.__version__ != PATCHED_RASA_VERSION:
        logger.warning("rasa %s is not %s: performance patches not applied (slower action-response "
                       "validation, a new connection per action call)", rasa.__version__, PATCHED_RASA_VERSION)
        return False
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    EndpointConfig.session = _shared_session(EndpointConfig.session)  # type: ignore[method-assign]
    return True
