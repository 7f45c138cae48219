"""Session fixtures of the channel tests: the fake LINE and Telegram APIs, and a gateway pointed at them.

tests/conftest.py registers this for every test (pytest puts tests/ on sys.path), so
the fixtures exist once per session however many modules use them. The channel gateway is a second gateway process beside the
`stack` fixture's: it talks to the same Rasa server and action server, with the platform secrets and
API addresses of the fakes in its environment.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Iterator

import httpx
import pytest

from .fake_line import FakeLineApi
from .fake_telegram import FakeTelegramApi
from .secrets import LINE_SECRET, LINE_TOKEN, TELEGRAM_SECRET, TELEGRAM_TOKEN


def channel_env(line_url: str, telegram_url: str) -> dict[str, str]:
    """The environment that points a gateway at the fakes."""
    return {
        "LINE_CHANNEL_SECRET": LINE_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": LINE_TOKEN,
        "LINE_API_BASE": line_url,
        "LINE_DATA_API_BASE": line_url,
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_API_BASE": telegram_url,
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }


@dataclass
class ChannelGateway:
    url: str
    client: httpx.Client
    log_path: object


def start_channel_gateway(stack, env: dict[str, str]):  # type: ignore[no-untyped-def]
    """A gateway process with `env`, using the Rasa server and action server of `stack`."""
    from cli.serve import Stack, StackConfig

    config = StackConfig.ephemeral(stack.config.data_dir, extra_env=env)
    config.rasa_port, config.action_port = stack.config.rasa_port, stack.config.action_port
    gateway = Stack(config)
    gateway.start_service(gateway.service("gateway"), logs=config.data_dir / "logs")
    try:
        gateway.wait_ready(timeout_s=60, names=("gateway",))
    except BaseException:
        gateway.stop()
        raise
    return gateway


def _wait_until_telegram_ready(client: httpx.Client, timeout_s: float = 30.0) -> None:
    """Telegram's Application starts in the background (getMe): until then the webhook answers 503."""
    deadline = time.monotonic() + timeout_s
    while True:
        status = client.post(
            "/webhooks/telegram", content=b"{}", headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
        ).status_code
        if status != 503:
            return
        if time.monotonic() > deadline:
            raise AssertionError("the Telegram channel did not start")
        time.sleep(0.2)


@pytest.fixture(scope="session")
def fake_line() -> Iterator[FakeLineApi]:
    server = FakeLineApi(access_token=LINE_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator[FakeTelegramApi]:
    server = FakeTelegramApi(token=TELEGRAM_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def channel_gateway(stack, fake_line, fake_telegram) -> Iterator[ChannelGateway]:
    """The gateway with LINE and Telegram switched on against the fakes (started once per session)."""
    gateway = start_channel_gateway(stack, channel_env(fake_line.url, fake_telegram.url))
    service = gateway.service("gateway")
    with httpx.Client(base_url=gateway.config.gateway_url, timeout=30.0) as client:
        _wait_until_telegram_ready(client)
        yield ChannelGateway(url=gateway.config.gateway_url, client=client, log_path=service.log_path)
    gateway.stop()


@pytest.fixture()
def line_api(fake_line: FakeLineApi) -> FakeLineApi:
    """The fake LINE API with no failure modes left over from another test."""
    fake_line.reset()
    return fake_line


@pytest.fixture()
def telegram_api(fake_telegram: FakeTelegramApi) -> FakeTelegramApi:
    fake_telegram.reset()
    return fake_telegram
