"""Engines, sessions and the schema (Alembic migrations run on first use, under a lock).

SQLite (default, `<data_dir>/cases.db`): WAL journal, a busy timeout, foreign keys on and every
transaction BEGIN IMMEDIATE, so that the action server and the gateway can both write safely.
PostgreSQL (DATABASE_URL): psycopg 3, pooled connections.

Every engine hides bound parameters (`hide_parameters=True`): they hold what users wrote (summaries,
transcripts, phone numbers), and SQLAlchemy would otherwise put them into every error message (and so
into logged tracebacks) and into its INFO/DEBUG statement logging.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from cases.config import CaseSettings

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_PG_MIGRATION_LOCK = 7_263_001  # pg_advisory_xact_lock key: one migrating process at a time


def make_engine(url: str, immediate: bool = True, busy_timeout_s: float = 15.0) -> Engine:
    """An engine for `url`; on SQLite, transactions begin IMMEDIATE unless `immediate` is False (reads),
    and a write waits up to `busy_timeout_s` for another connection's lock ("database is locked" after)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": busy_timeout_s}, pool_pre_ping=True,
                               hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            # pysqlite's own transaction handling breaks SAVEPOINTs (a RELEASE would commit); take over:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            # IMMEDIATE: take the write lock up front (waiting up to busy_timeout), so a transaction that
            # reads and then writes never fails on a snapshot another process has changed meanwhile.
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, pool_recycle=1800,
                         hide_parameters=True)


def alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; concurrent callers (action server, gateway) wait for each other."""
    from alembic import command

    with _migration_lock(engine):
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
            command.upgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(alembic_config()).get_current_head())


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """A file lock beside a SQLite database (PostgreSQL uses an advisory lock in `upgrade`)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class CaseStore:
    """One engine and session factory per process; the schema is migrated on first use."""

    def __init__(self, settings: CaseSettings | None = None, url: str | None = None) -> None:
        self.settings = settings or CaseSettings()
        self.url = url or self.settings.sqlalchemy_url
        busy = self.settings.sqlite_busy_timeout_s
        self.engine = make_engine(self.url, busy_timeout_s=busy)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite: reads that may not need a write (is this sender's case held?) skip the write lock
        self._read_engine = (make_engine(self.url, immediate=False, busy_timeout_s=busy)
                             if self.dialect == "sqlite" else self.engine)
        self._reads = sessionmaker(self._read_engine, expire_on_commit=False)
        self._ready = False
        self._lock = threading.Lock()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def ensure_schema(self) -> None:
        if self._ready:
            return
        with self._lock:
            if not self._ready:
                upgrade(self.engine)
                self._ready = True

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed when the block ends, rolled back on an exception."""
        self.ensure_schema()
        with self._sessions() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only (rolled back at the end); never waits for SQLite's write lock."""
        self.ensure_schema()
        with self._reads() as session:
            try:
                yield session
            finally:
                session.rollback()

    def dispose(self) -> None:
        self.engine.dispose()
        if self._read_engine is not self.engine:
            self._read_engine.dispose()


_stores: dict[str, CaseStore] = {}
_stores_lock = threading.Lock()


def shared_store(settings: CaseSettings | None = None) -> CaseStore:
    """The process-wide store for the configured URL (the action server keeps one for its lifetime)."""
    settings = settings or CaseSettings()
    url = settings.sqlalchemy_url
    with _stores_lock:
        if url not in _stores:
            _stores[url] = CaseStore(settings, url)
        return _stores[url]
