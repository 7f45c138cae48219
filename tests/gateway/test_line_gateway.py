"""Which channels the gateway switches on, in process (no stack needed)."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator

import httpx
from fakes.payloads import fixture_bytes, sign
from fakes.secrets import LINE_SECRET, TELEGRAM_SECRET

from channels.app import create_app
from channels.settings import ChannelSettings
from labourbot.config import Settings
from cli.serve import free_port

SETTINGS = Settings(rasa_url=f"http://127.0.0.1:{free_port()}")  # nothing listens: no test here asks Rasa


def channels(**values: str) -> ChannelSettings:
    return ChannelSettings(_env_file=None, **values)  # type: ignore[call-arg]


async def post(client: httpx.AsyncClient, path: str, **kwargs) -> int:
    return (await client.post(path, **kwargs)).status_code


async def get(client: httpx.AsyncClient, path: str) -> int:
    return (await client.get(path)).status_code


@asynccontextmanager
async def running(app) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan run (channels started and stopped), and a client talking to it in process."""
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway"
        ) as client:
            yield client


async def test_without_secrets_line_and_telegram_are_off_with_one_log_line_each_and_the_web_chat_works(
    caplog,
):
    with caplog.at_level(logging.WARNING):
        app = create_app(SETTINGS, channels())
    off = [r.getMessage() for r in caplog.records if "channel off" in r.getMessage()]
    assert len(off) == 2
    assert "LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN not set" in off[0]
    assert "TELEGRAM_BOT_TOKEN is not set" in off[1]
    async with running(app) as client:
        assert await post(client, "/webhooks/line", content=b"{}") == 404
        assert await post(client, "/webhooks/telegram", content=b"{}") == 404
        assert await get(client, "/chat") == 200


async def test_line_on_refuses_unsigned_or_badly_signed_webhooks_with_401():
    body = fixture_bytes("line/text_message.json")
    app = create_app(
        SETTINGS,
        channels(
            line_channel_secret=LINE_SECRET,
            line_channel_access_token="t",
            line_api_base=f"http://127.0.0.1:{free_port()}",
        ),
    )
    async with running(app) as client:
        assert await post(client, "/webhooks/line", content=body) == 401
        assert await post(client, "/webhooks/line", content=body, headers={"X-Line-Signature": "AAAA"}) == 401
        assert (
            await post(client, "/webhooks/line", content=b"\xff\xfe", headers={"X-Line-Signature": "x"})
            == 401
        )
        verify = fixture_bytes("line/verify.json")
        assert (
            await post(
                client,
                "/webhooks/line",
                content=verify,
                headers={"X-Line-Signature": sign(verify, LINE_SECRET)},
            )
            == 200
        )
        assert await post(client, "/webhooks/telegram", content=b"{}") == 404


async def test_telegram_needs_a_usable_webhook_secret(caplog):
    with caplog.at_level(logging.WARNING):
        create_app(SETTINGS, channels(telegram_bot_token="1:abc"))
        create_app(SETTINGS, channels(telegram_bot_token="1:abc", telegram_webhook_secret="not allowed!"))
    messages = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Telegram channel off")]
    assert "TELEGRAM_WEBHOOK_SECRET is not set" in messages[0]
    assert "A-Z a-z 0-9 _ -" in messages[1]


async def test_telegram_on_refuses_a_wrong_secret_before_anything_else():
    app = create_app(
        SETTINGS,
        channels(
            telegram_bot_token="1:abc",
            telegram_webhook_secret=TELEGRAM_SECRET,
            telegram_api_base=f"http://127.0.0.1:{free_port()}",
        ),
    )
    async with running(app) as client:
        assert await post(client, "/webhooks/telegram", content=b"{}") == 401
        headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET + "x"}
        assert await post(client, "/webhooks/telegram", content=b"{}", headers=headers) == 401
        # The Bot API cannot be reached here, so the channel is still starting: Telegram will retry.
        headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
        assert await post(client, "/webhooks/telegram", content=b"{}", headers=headers) == 503
