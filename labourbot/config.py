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
    rasa_url: str = ""  # default: http://127.0.0.1:<rasa_port>; several, comma-separated: one per Rasa process
    # Rasa processes `labourbot serve` starts, on rasa_port, rasa_port+1, ...; the gateway sends each
    # conversation always to the same one (channels/rasa_client.py), so the in-memory lock store stays right.
    rasa_processes: int = 1
    gateway_url: str = ""  # used by the CLI; default: http://<gateway_host>:<gateway_port>

    data_dir: Path = PROJECT_ROOT / "var"
    rasa_endpoints: Path = PROJECT_ROOT / "endpoints.yml"  # endpoints.postgres.yml for PostgreSQL + Redis
    rasa_timeout_s: float = 30.0
    rasa_max_in_flight: int = 16  # requests to Rasa at once; more wait in the gateway (channels/rasa_client.py)
    max_message_chars: int = 2000
    max_body_bytes: int = 256 * 1024  # larger request bodies get 413 (channels/limits.py)
    rate_burst: int = 10  # messages a user may send at once (quiz taps), then one per rate_refill_s seconds
    rate_refill_s: float = 1.0
    rasa_parse_channel: bool = True  # intent comes with the answer (bot/rest_parse.py); off: extra tracker GET

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
    def gateway_base(self) -> str:
        host = "127.0.0.1" if self.gateway_host in ("0.0.0.0", "::") else self.gateway_host
        return self.gateway_url or f"http://{host}:{self.gateway_port}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
