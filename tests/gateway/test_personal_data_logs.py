"""Personal data never reaches the logs, not even through a database error's traceback.

A case is opened the gateway's way (CaseRouter.urgent, danger words) while the database refuses the
write: SQLite locked by another connection, or the INSERT of the case or of its transcript failing (a
trigger). Logging is captured at DEBUG, SQLAlchemy's statement logging included, with the filter the
gateway installs; every captured line and formatted traceback is searched for the ID and phone number.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import Iterator

import pytest
from sqlalchemy import text as sql
from sqlalchemy.engine import make_url

from cases.db import CaseStore
from cases.masking import PersonalDataFilter, install_log_filter
from channels.conversation import Incoming
from channels.handoff import CaseRouter

pytestmark = pytest.mark.cases

NATIONAL_ID, PHONE = "A123456789", "0912-345-678"
MESSAGE = f"我不想活了，老闆一直威脅我。我的身分證 {NATIONAL_ID}，電話 {PHONE}"
SECRETS = (NATIONAL_ID, PHONE, "0912345678", "345-678")


class Capture(logging.Handler):
    """Every record as the gateway's handlers would print it (message, then traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))


@pytest.fixture()
def captured() -> Iterator[Capture]:
    root, engine_log = logging.getLogger(), logging.getLogger("sqlalchemy.engine")
    levels = (root.level, engine_log.level)
    handler = Capture()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    engine_log.setLevel(logging.DEBUG)  # SQLAlchemy logs every statement with its parameters at INFO
    install_log_filter()
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        engine_log.setLevel(levels[1])


def refuse_inserts(store: CaseStore, table: str) -> None:
    """Make every INSERT into `table` fail, as a full disk or a broken constraint would."""
    with store.engine.begin() as connection:
        if store.dialect == "postgresql":
            connection.execute(sql("CREATE FUNCTION refuse_write() RETURNS trigger LANGUAGE plpgsql AS "
                                   "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$"))
            connection.execute(sql(f"CREATE TRIGGER refuse BEFORE INSERT ON {table} FOR EACH ROW "
                                   "EXECUTE FUNCTION refuse_write()"))
        else:
            connection.execute(sql(f"CREATE TRIGGER refuse BEFORE INSERT ON {table} "
                                   "BEGIN SELECT RAISE(ABORT, 'disk full'); END"))


async def open_urgent_case(store: CaseStore) -> int | None:
    router = CaseRouter(store)
    try:
        return await router.urgent(Incoming("line", "U0123456789abcdef0123456789abcdef", MESSAGE), MESSAGE)
    finally:
        for retry in list(router._retries):  # the background retries would log again later
            retry.cancel()
        await asyncio.gather(*router._retries, return_exceptions=True)


def assert_nothing_personal(captured: Capture) -> None:
    failures = [r for r in captured.records if r.levelno >= logging.ERROR]
    assert failures and any("Traceback" in line for line in captured.lines), "the failure was logged"
    printed = captured.lines + [logging.Formatter().format(r) for r in captured.records]
    leaks = [line for line in printed if any(secret in line for secret in SECRETS)]
    assert leaks == [], leaks[0][-2000:] if leaks else ""


@pytest.mark.parametrize("table", ["cases", "case_messages"])
async def test_a_failed_insert_logs_neither_the_summary_nor_the_transcript(case_settings, captured, table):
    store = CaseStore(case_settings)
    store.ensure_schema()
    refuse_inserts(store, table)
    try:
        assert await open_urgent_case(store) is None
    finally:
        store.dispose()
    assert_nothing_personal(captured)


async def test_a_locked_sqlite_database_logs_nothing_personal(case_settings, captured):
    if make_url(case_settings.sqlalchemy_url).get_backend_name() != "sqlite":
        pytest.skip("SQLite's write lock")
    settings = case_settings.model_copy(update={"sqlite_busy_timeout_s": 0.2})
    store = CaseStore(settings)
    store.ensure_schema()
    holder = sqlite3.connect(make_url(settings.sqlalchemy_url).database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert await open_urgent_case(store) is None
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        store.dispose()
    assert_nothing_personal(captured)


def test_the_filter_masks_an_exceptions_text_in_the_traceback(captured):
    logger = logging.getLogger("test.personal_data")
    try:
        raise ValueError(f"bad contact {PHONE} for {NATIONAL_ID}")
    except ValueError:
        logger.exception("contact rejected")
    [record] = [r for r in captured.records if r.name == "test.personal_data"]
    assert "bad contact 0912-***-678 for A1******89" in captured.lines[-1]
    assert record.exc_info is None and "A1******89" in (record.exc_text or ""), \
        "the raw exception is gone: no other formatter can print it"
    assert PersonalDataFilter().filter(record) and "A1******89" in logging.Formatter().format(record)
