"""Typed settings from the environment or a `.env` file (pydantic-settings).

Nothing is read at import time: call `get_settings()`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LABOURBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Where the three processes listen (all on loopback by default).
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    rasa_port: int = 5005
    action_port: int = 5055
    rasa_url: str = ""  # default: http://127.0.0.1:<rasa_port>
    gateway_url: str = ""  # used by the CLI; default: http://<gateway_host>:<gateway_port>

    data_dir: Path = PROJECT_ROOT / "var"
    rasa_endpoints: Path = PROJECT_ROOT / "endpoints.yml"  # endpoints.postgres.yml for PostgreSQL + Redis
    rasa_timeout_s: float = 30.0
    max_message_chars: int = 2000
    max_body_bytes: int = 256 * 1024  # larger request bodies get 413 (channels/limits.py)
    rate_burst: int = 10  # messages a user may send at once (quiz taps), then one per rate_refill_s seconds
    rate_refill_s: float = 1.0
    rasa_parse_channel: bool = True  # intent comes with the answer (bot/rest_parse.py); off: extra tracker GET

    @property
    def rasa_base(self) -> str:
        return self.rasa_url or f"http://127.0.0.1:{self.rasa_port}"

    @property
    def gateway_base(self) -> str:
        host = "127.0.0.1" if self.gateway_host in ("0.0.0.0", "::") else self.gateway_host
        return self.gateway_url or f"http://{host}:{self.gateway_port}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
