"""Handoff cases: a person at the bureau takes over a conversation (issue 6).

* `models`, `db`, `migrations/`: SQLAlchemy 2 tables and Alembic migrations (SQLite by default in the
  data folder, PostgreSQL when DATABASE_URL is set). The action server opens cases; the gateway keeps
  the threads, the staff console and the outbox.
* `service`: every operation on cases, staff users, console sessions and pending messages (sync).
* `outbox`: the worker that delivers notifications and staff replies exactly once, with retries.
* `detect`, `masking`, `office_hours`, `texts`: pure helpers (danger words, personal-data masking,
  expected response times, what users are told).
* `gateway`: the CaseRouter the gateway asks before Rasa, and the runtime it starts.
* `cli`: `labourbot cases ...` and `labourbot staff ...`.

Nothing connects to a database at import time.
"""
