"""Settings of the job listings library (environment or .env, nothing read at import time)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from labourbot.config import PROJECT_ROOT


class JobsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LABOURBOT_", env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore")

    data_dir: Path = PROJECT_ROOT / "var"  # LABOURBOT_DATA_DIR: jobs.db lives here
    jobs_max_age_days: int = Field(60, ge=1)  # LABOURBOT_JOBS_MAX_AGE_DAYS: older listings are hidden
    jobs_page_size: int = Field(5, ge=1, le=12)  # listings per page in conversation (LINE: 12 bubbles max)
    # A postgresql:// URL stores the listings in PostgreSQL; anything else means SQLite in data_dir.
    database_url: str = Field("", validation_alias=AliasChoices("DATABASE_URL", "LABOURBOT_DATABASE_URL"))

    @property
    def jobs_url(self) -> str:
        """SQLAlchemy URL of the store: PostgreSQL (psycopg 3) when DATABASE_URL names one, else SQLite."""
        for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
            if self.database_url.startswith(prefix):
                return "postgresql+psycopg://" + self.database_url[len(prefix):]
        return f"sqlite:///{Path(self.data_dir) / 'jobs.db'}"


def jobs_settings() -> JobsSettings:
    return JobsSettings()
