"""Settings of the case store, the staff console, the outbox and the webhook inbox (environment or `.env`).

The `cases` section of a process's settings tree (labourbot/config.py says how the tree is put together):
the gateway and the action server build it with `CaseSettings.under(core)`, so it uses their data
folder; CLI commands build `CaseSettings()`. Nothing is read at import time.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr

from labourbot.config import DatabaseSettings

CONSOLE_SECRET_MIN_CHARS = 32


class CaseSettings(DatabaseSettings):
    # data_dir and database_url (DATABASE_URL) come from DatabaseSettings; the SQLite file is cases.db.
    retention_days: int = 180
    # SQLite only: how long a write waits for another process's write lock before "database is locked".
    sqlite_busy_timeout_s: float = 15.0

    # Staff console: sessions are signed with this secret (>= 32 characters); without it the console is off.
    console_secret: SecretStr = SecretStr("")
    console_session_ttl_s: int = 8 * 3600
    console_cookie_secure: bool = True  # False only for plain-http trials on 127.0.0.1
    public_url: str = ""  # https://bot.example.gov.tw: links to cases in staff notifications

    # Outbox worker (in the gateway process).
    outbox_poll_s: float = 1.0
    outbox_lease_s: float = 60.0
    outbox_backoff_s: float = 2.0
    outbox_backoff_max_s: float = 300.0
    outbox_max_attempts: int = 10

    # Webhook inbox (channels/inbox.py): LINE and Telegram events are stored before the webhook is answered.
    inbox_lease_s: float = 30.0  # a live gateway renews its rows' leases; a dead one's rows are replayed after
    inbox_max_attempts: int = 5  # a row that was taken this many times without finishing is marked failed
    inbox_keep_days: int = 7  # finished rows (done or failed) are deleted after this many days

    # Where staff are told about new cases (either or both; the platform names, so no prefix).
    line_staff_group_id: str = Field("", validation_alias=AliasChoices("LINE_STAFF_GROUP_ID"))
    telegram_staff_chat_id: str = Field("", validation_alias=AliasChoices("TELEGRAM_STAFF_CHAT_ID"))

    @property
    def sqlalchemy_url(self) -> str:
        """The SQLAlchemy URL: DATABASE_URL (PostgreSQL through psycopg 3, or as given), else cases.db."""
        return self.store_url("cases.db")

    @property
    def console_problem(self) -> str | None:
        """Why the console cannot be switched on, or None when it can."""
        secret = self.console_secret.get_secret_value()
        if not secret:
            return "LABOURBOT_CONSOLE_SECRET is not set"
        if len(secret) < CONSOLE_SECRET_MIN_CHARS:
            return f"LABOURBOT_CONSOLE_SECRET must have at least {CONSOLE_SECRET_MIN_CHARS} characters"
        return None

    @property
    def staff_destinations(self) -> list[tuple[str, str]]:
        """(platform, address) pairs that staff notifications go to."""
        out = []
        if self.line_staff_group_id.strip():
            out.append(("line", self.line_staff_group_id.strip()))
        if self.telegram_staff_chat_id.strip():
            out.append(("telegram", self.telegram_staff_chat_id.strip()))
        return out
