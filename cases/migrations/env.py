"""Alembic environment of the case store. Run through `cases.db.upgrade` (or `labourbot cases migrate`),
which passes an open connection; standalone it uses the configured URL."""

from __future__ import annotations

from alembic import context

from cases.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from cases.config import CaseSettings
    from cases.db import make_engine

    engine = make_engine(CaseSettings().sqlalchemy_url)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `labourbot cases migrate`")
run_migrations_online()
