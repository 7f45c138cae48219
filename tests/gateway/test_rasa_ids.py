"""Ids that cannot reach another user's data, and Rasa's API token (issue 15).

A sender id goes into Rasa's tracker URLs: unencoded, `rest:/../line:U.../tracker` was resolved by the
URL to `/conversations/line:U.../tracker`, another user's tracker. Against a fake Rasa HTTP server that
records the paths (raw, as they arrived)."""

from __future__ import annotations

import argparse

import os
import stat
from typing import Any, Iterator

import httpx
import pytest
from fakes.server import FakeServer, Recorded

from channels.app import create_app
from channels.rasa_client import RasaClient
from channels.settings import ChannelSettings
from cli.serve import Stack, StackConfig
from labourbot.config import RASA_TOKEN_FILE, Settings, rasa_token

VICTIM = "line:U0123456789abcdef0123456789abcdef"


class FakeRasa(FakeServer):
    """Trackers: each conversation's id echoed back; /status; the rest_parse channel."""

    def respond(self, record: Recorded) -> tuple[int, Any]:
        if record.path.startswith("/conversations/"):
            return 200, {"sender_id": record.path, "latest_message": {"intent": {"name": "x", "confidence": 1}},
                         "events": []}
        if record.path == "/webhooks/rest_parse/webhook":
            return 200, {"messages": [{"text": "好"}], "intent": {"name": "greet", "confidence": 1.0}}
        return 200, {"model_file": "m.tar.gz"}


@pytest.fixture()
def rasa() -> Iterator[FakeRasa]:
    server = FakeRasa().start()
    yield server
    server.stop()


async def test_a_sender_with_dot_dot_never_reaches_another_users_tracker(rasa):
    client = RasaClient(rasa.url)
    try:
        await client.tracker_events(f"rest:/../{VICTIM}")
        await client.latest_parse("web:../../x?include_events=ALL#")
        await client.tracker_events(VICTIM)
    finally:
        await client.close()
    paths = [r.path for r in rasa.requests]
    assert paths[0] == f"/conversations/rest:%2F..%2F{VICTIM}/tracker"
    assert paths[1] == "/conversations/web:..%2F..%2Fx%3Finclude_events%3DALL%23/tracker"
    assert paths[2] == f"/conversations/{VICTIM}/tracker", "real ids are unchanged (Rasa does not decode)"
    assert paths.count(f"/conversations/{VICTIM}/tracker") == 1, "only the victim's own request reached it"


async def test_every_request_to_rasa_carries_the_token(rasa):
    client = RasaClient(rasa.url, token="s3cret", parse_channel=True)
    try:
        await client.send_parsed("web:w-12345678", "你好")
        await client.tracker_events("web:w-12345678")
        await client.status()
    finally:
        await client.close()
    assert [r.query.get("token") for r in rasa.requests] == [["s3cret"]] * 3
    assert rasa.requests[1].query.get("include_events") == ["AFTER_RESTART"], "request params are kept"


@pytest.mark.parametrize("user", [f"/../{VICTIM}", "../x", "a/b", "a b", "", "x" * 129, "u?x", "ü"])
async def test_rest_ids_outside_the_pattern_are_refused(tmp_path, rasa, monkeypatch, user):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cases.db'}")
    app = create_app(Settings(_env_file=None, rasa_url=rasa.url, data_dir=tmp_path), ChannelSettings(_env_file=None))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client:
            response = await client.post("/api/messages", json={"user": user, "text": "你好"})
            ok = await client.post("/api/messages", json={"user": "cli-a1.b2:c@d_e-f", "text": "你好"})
    assert response.status_code == 422
    assert ok.status_code == 200
    assert not [r for r in rasa.requests if VICTIM in r.path]


def test_serve_generates_a_private_rasa_token_once_and_starts_rasa_with_it(tmp_path, monkeypatch):
    monkeypatch.delenv("LABOURBOT_RASA_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    config = StackConfig.ephemeral(tmp_path)
    first = Stack(config).service("rasa")
    token = (tmp_path / RASA_TOKEN_FILE).read_text().strip()
    assert len(token) >= 32 and stat.S_IMODE(os.stat(tmp_path / RASA_TOKEN_FILE).st_mode) == 0o600
    assert f"--auth-token={token}" in first.argv
    assert first.ready_url.endswith(f"/status?token={token}")
    assert Stack(config).service("rasa").argv == first.argv, "the same token on the next serve"
    gateway = Settings(_env_file=None, data_dir=tmp_path)
    assert gateway.rasa_auth_token == token, "the gateway finds the token Rasa was started with"
    assert Settings(_env_file=None, data_dir=tmp_path, rasa_token="given").rasa_auth_token == "given"
    assert rasa_token(tmp_path / "elsewhere") == "", "read-only without serve: no token, none written"


def test_a_token_that_begins_with_a_dash_reaches_rasa_as_its_value(tmp_path, monkeypatch):
    """token_urlsafe() starts with "-" once in 64 tokens; `--auth-token -x...` made Rasa's argparse stop
    with "expected one argument" (seen in CI). Parsed here the way Rasa's argparse parses it."""
    token = "-" + "k" * 40
    monkeypatch.setenv("LABOURBOT_RASA_TOKEN", token)
    argv = Stack(StackConfig.ephemeral(tmp_path)).service("rasa").argv
    parser = argparse.ArgumentParser()
    parser.add_argument("-t", "--auth-token", type=str)
    parsed, _ = parser.parse_known_args(argv[argv.index("run") + 1:])
    assert parsed.auth_token == token
