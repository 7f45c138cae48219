"""A gateway app in the test process (no Rasa behind it: its address is a free, closed port), with an
httpx client that talks to it through ASGI. Settings come from the environment the test set up."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

import httpx

from channels.app import create_app
from channels.settings import ChannelSettings
from cli.serve import free_port
from labourbot.config import Settings


@asynccontextmanager
async def in_process_gateway(tmp_path: Path, base_url: str = "http://gateway"
                             ) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    """The started app and a client of it (https: Secure cookies travel); stopped on leaving."""
    settings = Settings(_env_file=None, rasa_url=f"http://127.0.0.1:{free_port()}", data_dir=tmp_path)
    app = create_app(settings, ChannelSettings(_env_file=None))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as client:
            yield app, client
