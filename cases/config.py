"""Settings of the case store, the staff console, the outbox and the webhook inbox (environment or `.env`).

The `cases` section of a process's settings tree (labourbot/config.py says how the tree is put together):
the gateway and the action server build it with `CaseSettings.under(core)`, so it uses their data
folder; CLI commands build `CaseSettings()`. Nothing is read at import time.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from pydantic import AliasChoices, Field, SecretStr

from labourbot.config import DatabaseSettings

CONSOLE_SECRET_MIN_CHARS = 32
# `labourbot serve` writes a generated console secret here when none is configured (first run); the data
# folder (var/ by default) is git-ignored. Its mode is 0600: whoever can read it can forge sessions.
CONSOLE_SECRET_FILE = "console_secret"


def generated_console_secret(data_dir: Path, *, create: bool = False) -> str:
    """The secret in `<data_dir>/console_secret` ("" when there is none), written first with a fresh
    random value (owner-only) when `create`. Two processes creating it at once agree on the first."""
    path = data_dir / CONSOLE_SECRET_FILE
    if create and not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(secrets.token_urlsafe(48) + "\n")  # 64 characters
    try:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:  # copied around with a loose mode: tighten it
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


@dataclass(frozen=True)
class ConsoleKey:
    """How the console runs: its signing secret, whether that was generated on first run, and whether
    its cookies are Secure. Without Secure cookies the console answers only this machine (loopback)."""

    secret: str
    generated: bool
    secure_cookies: bool

    @property
    def loopback_only(self) -> bool:
        return not self.secure_cookies


class CaseSettings(DatabaseSettings):
    # data_dir and database_url (DATABASE_URL) come from DatabaseSettings; the SQLite file is cases.db.
    retention_days: int = 180
    # SQLite only: how long a write waits for another process's write lock before "database is locked".
    sqlite_busy_timeout_s: float = 15.0

    # Staff console: sessions are signed with this secret (>= 32 characters). Unset: the one `labourbot
    # serve` generated into the data folder (console_secret), with plain-http cookies and loopback only;
    # neither: the console is off.
    console_secret: SecretStr = SecretStr("")
    console_session_ttl_s: int = 8 * 3600
    # Unset: Secure with a configured secret, not Secure with a generated one. False: plain http, and
    # then the console answers loopback clients only (channels/console/__init__.py).
    console_cookie_secure: Optional[bool] = None
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
        secret = self.console_secret.get_secret_value().strip()
        if secret and len(secret) < CONSOLE_SECRET_MIN_CHARS:
            return f"LABOURBOT_CONSOLE_SECRET must have at least {CONSOLE_SECRET_MIN_CHARS} characters"
        if not secret and len(generated_console_secret(self.data_dir)) < CONSOLE_SECRET_MIN_CHARS:
            return (f"LABOURBOT_CONSOLE_SECRET is not set and there is no {self.data_dir / CONSOLE_SECRET_FILE} "
                    "(`labourbot serve` writes one on first run)")
        return None

    def console_key(self, *, create: bool = False) -> Optional[ConsoleKey]:
        """The console's secret and cookie mode: the configured secret wins; else the generated one
        (written now when `create`, as `labourbot serve` does). None when the console stays off."""
        if create and not self.console_secret.get_secret_value().strip():
            generated_console_secret(self.data_dir, create=True)
        if self.console_problem:
            return None
        configured = self.console_secret.get_secret_value().strip()
        secret = configured or generated_console_secret(self.data_dir)
        secure = self.console_cookie_secure if self.console_cookie_secure is not None else bool(configured)
        return ConsoleKey(secret=secret, generated=not configured, secure_cookies=secure)

    @property
    def staff_destinations(self) -> list[tuple[str, str]]:
        """(platform, address) pairs that staff notifications go to."""
        out = []
        if self.line_staff_group_id.strip():
            out.append(("line", self.line_staff_group_id.strip()))
        if self.telegram_staff_chat_id.strip():
            out.append(("telegram", self.telegram_staff_chat_id.strip()))
        return out
