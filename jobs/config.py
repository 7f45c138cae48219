"""Settings of the job listings library (environment or `.env`, nothing read at import time).

The `jobs` section of a process's settings tree (labourbot/config.py): the action server builds it with
`JobsSettings.under(core)`, so jobs.db sits in its data folder; the CLI and library calls without a
store build `jobs_settings()`.
"""

from __future__ import annotations

from pydantic import Field

from labourbot.config import DatabaseSettings


class JobsSettings(DatabaseSettings):
    # data_dir (LABOURBOT_DATA_DIR: jobs.db lives here) and database_url (DATABASE_URL) from DatabaseSettings.
    jobs_max_age_days: int = Field(60, ge=1)  # LABOURBOT_JOBS_MAX_AGE_DAYS: older listings are hidden
    jobs_page_size: int = Field(5, ge=1, le=12)  # listings per page in conversation (LINE: 12 bubbles max)

    @property
    def jobs_url(self) -> str:
        """SQLAlchemy URL of the store: PostgreSQL (psycopg 3) when DATABASE_URL names one, else
        <data_dir>/jobs.db (a sqlite:/// DATABASE_URL names the case database's file, not this one)."""
        return self.store_url("jobs.db", postgres_only=True)


def jobs_settings() -> JobsSettings:
    return JobsSettings()
