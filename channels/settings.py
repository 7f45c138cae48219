"""Secrets and API addresses of the chat platforms (LINE, Telegram), from the environment or `.env`.

The names have no prefix because they are the platforms' own words (LINE_CHANNEL_SECRET, ...).
A channel whose secrets are missing is switched off; the others still work (see `channels/app.py`).
Nothing is read at import time: build `ChannelSettings()` where it is needed.
"""

from __future__ import annotations

import re

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class ChannelSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # LINE Messaging API (LINE Developers console > the channel > Basic settings / Messaging API).
    line_channel_secret: SecretStr = SecretStr("")
    line_channel_access_token: SecretStr = SecretStr("")
    line_api_base: str = "https://api.line.me"
    line_data_api_base: str = "https://api-data.line.me"
    # A reply token older than this is not tried: the answer is pushed instead.
    line_reply_token_max_age_s: float = 50.0

    # Telegram Bot API (@BotFather gives the token; the webhook secret is ours, 1-256 of A-Z a-z 0-9 _ -).
    telegram_bot_token: SecretStr = SecretStr("")
    telegram_webhook_secret: SecretStr = SecretStr("")
    telegram_api_base: str = "https://api.telegram.org"

    @field_validator("line_api_base", "line_data_api_base", "telegram_api_base")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def line_missing(self) -> list[str]:
        """Names of the LINE settings that are not set (empty: LINE can be switched on)."""
        return [
            name
            for name, value in (
                ("LINE_CHANNEL_SECRET", self.line_channel_secret),
                ("LINE_CHANNEL_ACCESS_TOKEN", self.line_channel_access_token),
            )
            if not value.get_secret_value().strip()
        ]

    @property
    def telegram_token_missing(self) -> bool:
        return not self.telegram_bot_token.get_secret_value().strip()

    @property
    def telegram_webhook_problem(self) -> str | None:
        """Why the Telegram webhook cannot be switched on, or None when it can."""
        if self.telegram_token_missing:
            return "TELEGRAM_BOT_TOKEN is not set"
        secret = self.telegram_webhook_secret.get_secret_value()
        if not secret:
            return "TELEGRAM_WEBHOOK_SECRET is not set"
        if not _TELEGRAM_SECRET.fullmatch(secret):
            return "TELEGRAM_WEBHOOK_SECRET may only use A-Z a-z 0-9 _ - (1-256 characters)"
        return None
