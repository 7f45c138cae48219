"""Pytest fixtures for the case tests (registered for every test by tests/conftest.py).

Every test gets a fresh, migrated database: a new database on the PostgreSQL server of DATABASE_URL
when it is set (what `.ci/run` does with scripts/postgres.sh), otherwise a SQLite file in tmp_path.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from sqlalchemy.engine import make_url

from cases.config import CaseSettings
from cases.db import CaseStore

STAFF_PASSWORD = "correct horse battery"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "cases: handoff cases, console and outbox; run on PostgreSQL too (DATABASE_URL, see .ci/run)"
    )


def server_url() -> str | None:
    """The PostgreSQL server the tests may create databases on, or None (SQLite)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    return url or None


@contextmanager
def fresh_database(tmp_dir: Path) -> Iterator[str]:
    """A new empty database (its SQLAlchemy URL), dropped afterwards when it is on PostgreSQL."""
    admin = server_url()
    if admin is None:
        yield f"sqlite:///{tmp_dir / 'cases.db'}"
        return
    import psycopg

    name = f"t_{uuid.uuid4().hex[:16]}"
    base = CaseSettings(database_url=admin).sqlalchemy_url
    dsn = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture()
def case_db_url(tmp_path: Path) -> Iterator[str]:
    """A fresh empty database for one test (its SQLAlchemy URL)."""
    with fresh_database(tmp_path) as url:
        yield url


@pytest.fixture()
def case_settings(case_db_url: str, tmp_path: Path) -> CaseSettings:
    return CaseSettings(_env_file=None, database_url=case_db_url, data_dir=tmp_path,  # type: ignore[call-arg]
                        outbox_backoff_s=0.05, outbox_backoff_max_s=0.2, outbox_lease_s=2.0)


@pytest.fixture()
def case_store(case_settings: CaseSettings) -> Iterator[CaseStore]:
    store = CaseStore(case_settings)
    store.ensure_schema()
    yield store
    store.dispose()


def add_staff(store: CaseStore, name: str, role: str = "staff", password: str = STAFF_PASSWORD) -> Any:
    from cases.service import add_staff_user

    with store.session() as session:
        return add_staff_user(session, name, role, password)


@pytest.fixture()
def make_staff(case_store: CaseStore) -> Callable[..., Any]:
    """make_staff(name, role="staff", password=STAFF_PASSWORD) -> the new StaffUser."""
    return lambda name, role="staff", password=STAFF_PASSWORD: add_staff(case_store, name, role, password)


@pytest.fixture()
def staff_password() -> str:
    return STAFF_PASSWORD


@pytest.fixture(scope="session")
def staff_password_value() -> str:
    """The same password, for fixtures of a wider scope."""
    return STAFF_PASSWORD
