"""python-telegram-bot's Bot pointed at TELEGRAM_API_BASE (the real Bot API, or the fake in the tests)."""

from __future__ import annotations

from telegram import Bot

from channels.settings import ChannelSettings


def bot_urls(settings: ChannelSettings) -> tuple[str, str]:
    """The Bot API's method and file addresses for our token."""
    return f"{settings.telegram_api_base}/bot", f"{settings.telegram_api_base}/file/bot"


def make_bot(settings: ChannelSettings) -> Bot:
    base_url, base_file_url = bot_urls(settings)
    return Bot(settings.telegram_bot_token.get_secret_value(), base_url=base_url, base_file_url=base_file_url)
