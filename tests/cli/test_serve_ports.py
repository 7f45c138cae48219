"""A port another program holds is reported by `labourbot serve` before it starts anything.

Before, serve started the three processes anyway: the one that could not listen exited, and serve
restarted it five times ("actions 已結束（代碼 1），重新啟動中…") without saying why.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from cli.serve import free_port, port_holder
from labourbot.config import PROJECT_ROOT


@pytest.fixture()
def held_port() -> Iterator[int]:
    """A port this test process listens on, as an old stack's action server would."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_serve_names_the_busy_port_its_service_and_holder_then_exits_without_starting(
        held_port: int, tmp_path: Path) -> None:
    env = {**os.environ, "LABOURBOT_DATA_DIR": str(tmp_path), "LABOURBOT_ACTION_PORT": str(held_port),
           "LABOURBOT_GATEWAY_PORT": str(free_port()), "LABOURBOT_RASA_PORT": str(free_port())}
    run = subprocess.run([sys.executable, "-m", "cli.main", "serve"], cwd=PROJECT_ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert f"連接埠 {held_port}（action server 要用）已被占用：pid {os.getpid()}（" in output
    assert f"請先停止舊的程序（例如 kill {os.getpid()}）" in output
    assert "重新啟動中" not in output and "Traceback" not in output
    assert not (tmp_path / "logs").exists(), "nothing was started (no service log, no guard)"


def test_port_holder_is_the_listening_process_and_its_command_line(held_port: int) -> None:
    pid, cmdline = port_holder(held_port)  # type: ignore[misc]
    assert pid == os.getpid()
    assert cmdline == " ".join(_own_cmdline()) and "pytest" in cmdline


def test_a_free_port_has_no_holder() -> None:
    assert port_holder(free_port()) is None


def _own_cmdline() -> list[str]:
    return Path("/proc/self/cmdline").read_bytes().decode().strip("\0").split("\0")
