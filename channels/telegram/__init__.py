"""The Telegram channel (Bot API webhook, inline keyboards, polling for a local trial).

`setup(app, settings)` mounts it; python-telegram-bot is imported only then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from channels.settings import ChannelSettings
    from channels.telegram.channel import TelegramChannel


def setup(app: "FastAPI", settings: "ChannelSettings") -> "TelegramChannel | None":
    """Mount POST /webhooks/telegram when TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET are set."""
    from channels.telegram.channel import setup as _setup

    return _setup(app, settings)
