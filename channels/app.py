"""The gateway ASGI app, wired in one place. Start with: uvicorn --factory channels.app:create_app

What starts, in order (and stops in reverse), in `lifespan`:

1. the Rasa client (one pooled client per Rasa process; a sender always goes to the same process);
2. the case store (schema created or upgraded) and one sender per platform (channels/senders.py);
3. the outbox worker (staff alerts, staff replies, surveys) and the case router;
4. the conversation service, which asks the case router before Rasa;
5. the chat platforms (LINE, Telegram): their inboxes and button payloads live in the case store, their
   answers come from the conversation service.

Routes read what they need from `app.state` (`rasa`, `cases`, `conversations`), set here and only here.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator, Protocol

from fastapi import FastAPI

from channels import console, line, pending, rest, telegram, webchat
from channels.conversation import ConversationService
from channels.handoff import CaseRuntime
from channels.limits import BodySizeLimit, RateLimiter
from channels.parts import GatewayParts
from channels.payloads import PayloadTable
from channels.rasa_client import RasaClient, RasaUnavailable
from channels.senders import open_senders
from channels.settings import ChannelSettings, GatewaySettings
from labourbot.config import Settings


class Platform(Protocol):
    """A chat platform channel (channels/line, channels/telegram) as the lifespan sees it."""

    name: str

    async def start(self, parts: GatewayParts) -> None: ...

    async def stop(self) -> None: ...


def create_app(settings: Settings | None = None, channel_settings: ChannelSettings | None = None) -> FastAPI:
    """The gateway; its settings tree is read once here (environment, then `.env`) unless given."""
    tree = GatewaySettings.load(settings, channel_settings)
    settings, channel_settings, case_settings = tree.core, tree.channels, tree.cases
    platforms: list[Platform] = []  # LINE / Telegram channels that are on (their secrets are set)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rasa = RasaClient(settings.rasa_bases, timeout_s=settings.rasa_timeout_s,
                          parse_channel=settings.rasa_parse_channel, max_in_flight=settings.rasa_max_in_flight,
                          token=settings.rasa_auth_token)
        cases = CaseRuntime(case_settings)
        await cases.open_store()
        senders = open_senders(channel_settings, PayloadTable(cases.store))
        router = cases.start_worker(senders, rasa)
        conversations = ConversationService(
            rasa,
            max_chars=settings.max_message_chars,
            cases=router,
            rate_limiter=RateLimiter(burst=settings.rate_burst, refill_s=settings.rate_refill_s),
            admission=channel_settings.address_admission(),
        )
        app.state.rasa, app.state.cases, app.state.conversations = rasa, cases, conversations
        parts = GatewayParts(conversations, cases, senders)
        started: list[Platform] = []
        try:
            for platform in platforms:
                await platform.start(parts)
                started.append(platform)
            yield
        finally:
            for platform in reversed(started):
                await platform.stop()
            await cases.stop()
            await senders.close()
            await rasa.close()

    app = FastAPI(title="臺南市勞動法令小幫手 gateway", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.trusted_proxies = channel_settings.trusted_networks  # whose X-Forwarded-For is believed
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)  # 413 before any route reads it
    app.include_router(rest.router)
    app.include_router(pending.router)  # staff replies for the pull channels (web chat, REST)
    webchat.setup(app, channel_settings)
    console.mount(app, case_settings)
    platforms += [p for p in (line.setup(app, channel_settings), telegram.setup(app, channel_settings)) if p]

    @app.get("/healthz")
    async def healthz() -> dict:
        """Gateway liveness plus whether Rasa answers."""
        try:
            status = await app.state.rasa.status()
            return {"gateway": "ok", "rasa": "ok", "model": status.get("model_file")}
        except RasaUnavailable as exc:
            return {"gateway": "ok", "rasa": f"unavailable: {exc}"}

    return app
