"""The LINE channel (Messaging API webhook, replies, rich menu). `setup(app, settings)` mounts it.

The import of line-bot-sdk is deferred to `setup`, so that importing `channels.line.render` (the web
chat and the tests use it) stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from channels.line.channel import LineChannel
    from channels.settings import ChannelSettings


def setup(app: "FastAPI", settings: "ChannelSettings") -> "LineChannel | None":
    """Mount POST /webhooks/line when LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are set."""
    from channels.line.channel import setup as _setup

    return _setup(app, settings)
