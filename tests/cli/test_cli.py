"""The labourbot CLI without a running stack: clear errors, no tracebacks."""

import json

from typer.testing import CliRunner

from cli.main import app
from cli.serve import free_port

runner = CliRunner()


def test_ask_without_a_running_stack_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("LABOURBOT_GATEWAY_URL", f"http://127.0.0.1:{free_port()}")
    from labourbot.config import get_settings

    get_settings.cache_clear()
    result = runner.invoke(app, ["ask", "你好"])
    get_settings.cache_clear()
    assert result.exit_code == 1
    assert "make run" in result.output
    assert "Traceback" not in result.output


def test_ask_needs_exactly_one_of_text_or_file(tmp_path):
    assert runner.invoke(app, ["ask"]).exit_code == 2
    f = tmp_path / "q.txt"
    f.write_text("你好\n", encoding="utf-8")
    assert runner.invoke(app, ["ask", "你好", "--file", str(f)]).exit_code == 2


def test_every_command_has_help_with_an_example():
    for command in ("ask", "chat", "serve"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output
