"""`labourbot telegram set-webhook / info / delete-webhook / poll` against the fake Bot API."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
import typer
from fakes.fake_telegram import FakeTelegramApi, params, sends_to
from fakes.payloads import telegram_chat, telegram_text
from typer.testing import CliRunner

from cli.channels import telegram_app
from labourbot.config import PROJECT_ROOT

TOKEN = "7000002:AACliTestToken"
SECRET = "cli-test-secret_0123"
runner = CliRunner()


def cli() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(telegram_app, name="telegram")
    app.command("noop")(lambda: None)  # a second command keeps `telegram` a sub-command group
    return app


@pytest.fixture()
def fake_api(monkeypatch):
    server = FakeTelegramApi(token=TOKEN).start()
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("TELEGRAM_API_BASE", server.url)
    yield server
    server.stop()


def test_set_webhook_registers_our_url_and_secret_then_info_and_delete(fake_api):
    result = runner.invoke(cli(), ["telegram", "set-webhook", "https://bot.example.gov.tw/"])
    assert result.exit_code == 0, result.output
    assert fake_api.webhook["url"] == "https://bot.example.gov.tw/webhooks/telegram"
    assert fake_api.webhook["secret_token"] == SECRET
    assert fake_api.webhook["allowed_updates"] == ["message", "callback_query"]

    info = runner.invoke(cli(), ["telegram", "info"])
    assert info.exit_code == 0
    assert json.loads(info.output)["url"] == "https://bot.example.gov.tw/webhooks/telegram"

    assert runner.invoke(cli(), ["telegram", "delete-webhook"]).exit_code == 0
    assert fake_api.webhook == {}


def test_set_webhook_needs_https_and_a_secret(fake_api, monkeypatch):
    assert runner.invoke(cli(), ["telegram", "set-webhook", "http://bot.example.gov.tw"]).exit_code == 2
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "has spaces!")
    result = runner.invoke(cli(), ["telegram", "set-webhook", "https://bot.example.gov.tw"])
    assert result.exit_code == 1 and "TELEGRAM_WEBHOOK_SECRET" in result.output
    assert fake_api.webhook == {}


def test_a_refused_token_is_a_clean_error(fake_api, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:wrong")
    result = runner.invoke(cli(), ["telegram", "info"])
    assert result.exit_code == 1 and "Traceback" not in result.output


@pytest.mark.e2e
def test_poll_answers_through_the_real_bot_and_stops_on_ctrl_c(stack):
    server = FakeTelegramApi(token=TOKEN).start()
    server.webhook = {"url": "https://old.example.gov.tw/webhooks/telegram"}
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": server.url,
        "LABOURBOT_RASA_PORT": str(stack.config.rasa_port),
        "NO_PROXY": "127.0.0.1",
        "no_proxy": "127.0.0.1",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    command = "from cli.channels import telegram_app; telegram_app(['poll'])"
    process = subprocess.Popen(
        [sys.executable, "-c", command],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        chat = telegram_chat()
        server.queue_update(telegram_text(chat, "/human"))
        [sent] = server.wait_for(sends_to(chat), timeout=60)
        assert "1955" in params(sent)["text"]
        assert server.matching(lambda r: r.path.endswith("/deleteWebhook")), (
            "polling removes the webhook first"
        )
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
        server.stop()
    assert process.returncode == 0, output
