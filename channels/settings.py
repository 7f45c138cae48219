"""The gateway's settings: the chat platforms' section (`ChannelSettings`) and the gateway's tree
(`GatewaySettings`: core + channels + cases), from the environment or `.env`.

The platform names have no prefix because they are the platforms' own words (LINE_CHANNEL_SECRET, ...).
A channel whose secrets are missing is switched off; the others still work (see `channels/app.py`).
The gateway builds its tree once (`GatewaySettings.load()`) and hands each part the section it needs;
labourbot/config.py says why the tree's root is here and not in `labourbot`. Nothing is read at import time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ipaddress import IPv4Network, IPv6Network

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from cases.config import CaseSettings
from channels.limits import AddressAdmission, network_list
from labourbot.config import ENV_FILE, EnvFile, LabourbotSettings, Settings

_TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class ChannelSettings(LabourbotSettings):
    model_config = SettingsConfigDict(env_prefix="")

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

    # Web chat and REST: their ids are chosen by the client, so each client address is limited too
    # (channels/limits.py AddressAdmission). The address is the peer's, or X-Forwarded-For's read back
    # through these proxies only (comma-separated addresses or networks; default none: never believed).
    trusted_proxies: str = Field("", validation_alias=AliasChoices("LABOURBOT_TRUSTED_PROXIES", "trusted_proxies"))
    address_burst: int = Field(60, validation_alias=AliasChoices("LABOURBOT_ADDRESS_BURST", "address_burst"))
    address_refill_s: float = Field(
        0.5, validation_alias=AliasChoices("LABOURBOT_ADDRESS_REFILL_S", "address_refill_s"))
    address_max_in_flight: int = Field(
        8, validation_alias=AliasChoices("LABOURBOT_ADDRESS_MAX_IN_FLIGHT", "address_max_in_flight"))
    address_max_cases: int = Field(
        3, validation_alias=AliasChoices("LABOURBOT_ADDRESS_MAX_CASES", "address_max_cases"))
    address_case_window_s: float = Field(
        600.0, validation_alias=AliasChoices("LABOURBOT_ADDRESS_CASE_WINDOW_S", "address_case_window_s"))

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_parse(cls, value: str) -> str:
        network_list(value)  # a typo fails at start, not by silently trusting nobody
        return value

    @property
    def trusted_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        return network_list(self.trusted_proxies)

    def address_admission(self) -> AddressAdmission:
        """The per-address limits of the web chat and REST, as set here."""
        return AddressAdmission(burst=self.address_burst, refill_s=self.address_refill_s,
                                max_in_flight=self.address_max_in_flight, max_cases=self.address_max_cases,
                                case_window_s=self.address_case_window_s)

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


@dataclass(frozen=True)
class GatewaySettings:
    """The gateway process's settings tree, built once and passed down by section."""

    core: Settings
    channels: ChannelSettings
    cases: CaseSettings

    @classmethod
    def load(cls, core: Settings | None = None, channels: ChannelSettings | None = None, *,
             env_file: EnvFile = ENV_FILE) -> GatewaySettings:
        """The tree from the environment and `env_file`; a `core` or `channels` given is used as it is.

        The cases section always takes the core's data folder, so cases.db is where the core says.
        """
        core = core or Settings(_env_file=env_file)  # type: ignore[call-arg]
        channels = channels or ChannelSettings(_env_file=env_file)  # type: ignore[call-arg]
        return cls(core=core, channels=channels, cases=CaseSettings.under(core, env_file))
