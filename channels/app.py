"""The gateway ASGI app. Start with: uvicorn --factory channels.app:create_app"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI

from channels import console, line, rest, telegram, webchat
from channels.conversation import ConversationService
from channels.limits import BodySizeLimit, RateLimiter
from channels.rasa_client import RasaClient, RasaUnavailable
from channels.settings import ChannelSettings
from labourbot.config import Settings, get_settings


def create_app(settings: Settings | None = None, channel_settings: ChannelSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    channel_settings = channel_settings or ChannelSettings()
    platforms: list = []  # LINE / Telegram channels that are on (their secrets are set)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rasa = RasaClient(settings.rasa_bases, timeout_s=settings.rasa_timeout_s,
                          parse_channel=settings.rasa_parse_channel, max_in_flight=settings.rasa_max_in_flight)
        app.state.rasa = rasa
        app.state.conversations = ConversationService(
            rasa,
            max_chars=settings.max_message_chars,
            rate_limiter=RateLimiter(burst=settings.rate_burst, refill_s=settings.rate_refill_s),
        )
        for platform in platforms:
            await platform.start(app)
        try:
            yield
        finally:
            for platform in reversed(platforms):
                await platform.stop()
            await rasa.close()

    app = FastAPI(title="臺南市勞動法令小幫手 gateway", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)  # 413 before any route reads it
    app.include_router(rest.router)
    webchat.setup(app, channel_settings)
    platforms += [p for p in (line.setup(app, channel_settings), telegram.setup(app, channel_settings)) if p]
    # Handoff cases (docs/handoff.md): /console, staff replies, outbox worker; first to start, last to stop.
    platforms.insert(0, console.setup(app, settings, channel_settings))

    @app.get("/healthz")
    async def healthz() -> dict:
        """Gateway liveness plus whether Rasa answers."""
        try:
            status = await app.state.rasa.status()
            return {"gateway": "ok", "rasa": "ok", "model": status.get("model_file")}
        except RasaUnavailable as exc:
            return {"gateway": "ok", "rasa": f"unavailable: {exc}"}

    return app
