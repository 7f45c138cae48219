"""Typed settings from the environment or the project's `.env` file (pydantic-settings).

Nothing is read at import time: build a section, or call `get_settings()` for the core one.

One way to read settings, one tree per process. Every package keeps its own section class on the shared
base here (`LabourbotSettings`), so every section reads the same `.env` (`ENV_FILE`, the project folder's,
whatever the current directory), with the same precedence (explicit values > environment > `.env` >
defaults) and the same rule that a blank value means "not set". Before, each section looked for `.env`
in the current folder and the knowledge base read only `os.environ`, so LABOURBOT_DATA_DIR in `.env` moved
the databases but not the search index. The sections:

    labourbot.config.Settings          core: data folder, ports, Rasa, gateway limits
    channels.settings.ChannelSettings  chat platform secrets and API addresses
    cases.config.CaseSettings          case database, staff console, outbox, webhook inbox
    jobs.config.JobsSettings           job listings database and paging
    knowledge_base.config.KBSettings   statutes and search index folders, encoder
    cases.retention.RetentionSettings  retention timing, Rasa tracker location and keep times

The root of the tree cannot live here: the layers (tests/test_architecture.py) forbid `labourbot`
importing the packages above it, and no one process needs every section. So each process entry point
composes the sections it uses, once, and passes them down:

    gateway        channels.settings.GatewaySettings.load()   core + channels + cases
    action server  actions.settings.action_settings()         core + kb + jobs + cases

A section that keeps files (`DataSettings`) is composed with `Section.under(core)`: it takes the core's
data folder, so the case database, the jobs database and the search index can never end up in different
folders. CLI commands are short processes that build the one section they need.

`DATABASE_URL` is read by one field (`DatabaseSettings.database_url`) and turned into a SQLAlchemy URL by
one parser (`sqlalchemy_url`), shared by the case store and the job listings.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional, Sequence, TypeVar, Union

from pydantic import AliasChoices, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = PROJECT_ROOT / ".env"
DEFAULT_DATA_DIR = PROJECT_ROOT / "var"
PSYCOPG_SCHEME = "postgresql+psycopg://"  # psycopg 3, the PostgreSQL driver we install
POSTGRES_SCHEMES = (PSYCOPG_SCHEME, "postgresql://", "postgres://")
RASA_TOKEN_FILE = "rasa_token"  # in the data folder (never committed: var/ is git-ignored)

# What `_env_file=` accepts: a file, several (later ones win), or None for no `.env` at all.
EnvFile = Optional[Union[Path, str, Sequence[Union[Path, str]]]]
Section = TypeVar("Section", bound="DataSettings")


class LabourbotSettings(BaseSettings):
    """The base of every settings section: `LABOURBOT_` names, the project's `.env`, unknown names ignored.

    A section may drop the prefix (`env_prefix=""`) or give a field the platform's own name
    (`validation_alias`); explicit values may always use the field names.
    """

    model_config = SettingsConfigDict(
        env_prefix="LABOURBOT_", env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore",
        populate_by_name=True,
    )

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any, info: ValidationInfo) -> Any:
        """`LABOURBOT_DATA_DIR=` in `.env` means the default, not the current folder."""
        if isinstance(value, str) and not value.strip() and info.field_name:
            return cls.model_fields[info.field_name].default
        return value

    @field_validator("*")
    @classmethod
    def _expand_home(cls, value: Any) -> Any:
        """`~/labourbot` works in every path setting."""
        return value.expanduser() if isinstance(value, Path) else value


class DataSettings(LabourbotSettings):
    """A section that keeps files in the data folder (LABOURBOT_DATA_DIR)."""

    data_dir: Path = DEFAULT_DATA_DIR

    @classmethod
    def under(cls: type[Section], core: DataSettings, env_file: EnvFile = ENV_FILE) -> Section:
        """This section for a process whose core settings are `core`: the same data folder, however set."""
        return cls(_env_file=env_file, data_dir=core.data_dir)  # type: ignore[call-arg]


def postgres_url(database_url: str) -> str | None:
    """`database_url` for SQLAlchemy through psycopg 3 when it names a PostgreSQL database, else None."""
    url = database_url.strip()
    for scheme in POSTGRES_SCHEMES:
        if url.startswith(scheme):
            return PSYCOPG_SCHEME + url[len(scheme):]
    return None


def sqlalchemy_url(database_url: str, sqlite_file: Path, *, postgres_only: bool = False) -> str:
    """The SQLAlchemy URL a store opens for the setting DATABASE_URL.

    PostgreSQL URLs (postgres://, postgresql://) are rewritten to psycopg 3; unset means the SQLite file
    `sqlite_file`; any other URL (sqlite:///elsewhere.db) is used as given, unless `postgres_only`: the
    job listings keep their own jobs.db then, since such a URL names the case database's file.
    """
    postgres = postgres_url(database_url)
    if postgres:
        return postgres
    if database_url.strip() and not postgres_only:
        return database_url.strip()
    return f"sqlite:///{sqlite_file}"


class DatabaseSettings(DataSettings):
    """A section with a store in DATABASE_URL (shared by every store) or in a SQLite file in data_dir."""

    # postgresql://user:pass@host:port/db or sqlite:///path; unset: SQLite in data_dir
    database_url: str = Field("", validation_alias=AliasChoices("DATABASE_URL", "LABOURBOT_DATABASE_URL"))

    def store_url(self, sqlite_name: str, *, postgres_only: bool = False) -> str:
        """The SQLAlchemy URL of the store whose SQLite file is `<data_dir>/<sqlite_name>`."""
        return sqlalchemy_url(self.database_url, self.data_dir / sqlite_name, postgres_only=postgres_only)


class Settings(DataSettings):
    """The core section: where the processes listen, Rasa, the gateway's limits, the data folder."""

    # Where the three processes listen (all on loopback by default).
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    rasa_port: int = 5005
    action_port: int = 5055
    rasa_url: str = ""  # default: http://127.0.0.1:<rasa_port>; several, comma-separated: one per Rasa process
    # Rasa processes `labourbot serve` starts, on rasa_port, rasa_port+1, ...; the gateway sends each
    # conversation always to the same one (channels/rasa_client.py), so the in-memory lock store stays right.
    rasa_processes: int = 1
    gateway_url: str = ""  # used by the CLI; default: http://<gateway_host>:<gateway_port>

    rasa_endpoints: Path = PROJECT_ROOT / "endpoints.yml"  # endpoints.postgres.yml for PostgreSQL + Redis
    rasa_timeout_s: float = 30.0
    rasa_max_in_flight: int = 16  # requests to Rasa at once; more wait in the gateway (channels/rasa_client.py)
    max_message_chars: int = 2000
    max_body_bytes: int = 256 * 1024  # larger request bodies get 413 (channels/limits.py)
    rate_burst: int = 10  # messages a user may send at once (quiz taps), then one per rate_refill_s seconds
    rate_refill_s: float = 1.0
    rasa_parse_channel: bool = True  # intent comes with the answer (bot/rest_parse.py); off: extra tracker GET
    # The token of Rasa's HTTP API (trackers, /status); unset: the one `labourbot serve` generated into
    # <data_dir>/rasa_token (`rasa_token`).
    rasa_token: SecretStr = SecretStr("")

    @property
    def rasa_base(self) -> str:
        return self.rasa_bases[0]

    @property
    def rasa_bases(self) -> list[str]:
        """Every Rasa process's address, in shard order."""
        if self.rasa_url:
            return [url.strip().rstrip("/") for url in self.rasa_url.split(",") if url.strip()]
        return [f"http://127.0.0.1:{self.rasa_port + i}" for i in range(max(1, self.rasa_processes))]

    @property
    def rasa_auth_token(self) -> str:
        """The token Rasa was started with: the setting, else the data folder's file ("" when neither)."""
        return rasa_token(self.data_dir, self.rasa_token.get_secret_value())

    @property
    def gateway_base(self) -> str:
        host = "127.0.0.1" if self.gateway_host in ("0.0.0.0", "::") else self.gateway_host
        return self.gateway_url or f"http://{host}:{self.gateway_port}"


def rasa_token(data_dir: Path, configured: str = "", *, create: bool = False) -> str:
    """Rasa's API token: `configured` when set, else `<data_dir>/rasa_token`, written (owner-only) with a
    fresh random token when `create` and it does not exist yet. Rasa's API would otherwise answer anyone
    on the machine: any local process could read or rewrite every conversation."""
    if configured.strip():
        return configured.strip()
    path = data_dir / RASA_TOKEN_FILE
    if create and not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another `serve` wrote it first: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_urlsafe(32))
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The core section, read once per process (the CLI and the gateway's default)."""
    return Settings()
