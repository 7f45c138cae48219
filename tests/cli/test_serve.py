"""`labourbot serve` starts the three processes and stops them all on Ctrl-C (SIGINT) or SIGTERM; killed
with kill -9, it takes them along, so that the next serve starts on the same ports."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from labourbot.config import PROJECT_ROOT
from cli.serve import free_port

pytestmark = pytest.mark.e2e


def _read_until_ready(proc: subprocess.Popen) -> str:
    """serve's output up to the line that says how to try it (printed once all three are ready)."""
    seen = []
    for line in proc.stdout:  # type: ignore[union-attr]
        seen.append(line)
        if "Ctrl-C" in line:
            return "".join(seen)
    raise AssertionError("serve ended before it was ready:\n" + "".join(seen))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_prints_addresses_and_stops_every_process(sig, stack):
    ports = {"LABOURBOT_GATEWAY_PORT": free_port(), "LABOURBOT_RASA_PORT": free_port(),
             "LABOURBOT_ACTION_PORT": free_port()}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()},
           "LABOURBOT_DATA_DIR": str(stack.config.data_dir), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        output = _read_until_ready(proc)
        health = httpx.get(f"http://127.0.0.1:{ports['LABOURBOT_GATEWAY_PORT']}/healthz", timeout=5).json()
        assert health["rasa"] == "ok"
        children = psutil.Process(proc.pid).children(recursive=True)
        assert len(children) >= 3
        proc.send_signal(sig)
        rest, _ = proc.communicate(timeout=60)
        output += rest
    finally:
        if proc.poll() is None:
            proc.kill()
    assert f"http://127.0.0.1:{ports['LABOURBOT_GATEWAY_PORT']}" in output
    assert "停止所有程序" in output
    gone, alive = psutil.wait_procs(children, timeout=20)
    assert not alive, f"still running after serve stopped: {[p.pid for p in alive]}"


def _rasa_processes(serve_pid: int) -> list[psutil.Process]:
    """Rasa is started as `.venv-rasa/bin/python -m bot.run run ...` (bot/run.py installs the patches)."""
    return [p for p in psutil.Process(serve_pid).children(recursive=True)
            if p.cmdline()[1:4] == ["-m", "bot.run", "run"]]


def test_serve_with_two_rasa_processes_shares_the_conversations_and_restarts_a_dead_process(stack):
    ports = {"LABOURBOT_GATEWAY_PORT": free_port(), "LABOURBOT_RASA_PORT": free_port(),
             "LABOURBOT_ACTION_PORT": free_port()}
    data_dir = stack.config.data_dir.parent / "test-serve-2"
    for name in ("laws", "index"):
        if not (data_dir / name).exists():
            shutil.copytree(stack.config.data_dir / name, data_dir / name)
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "LABOURBOT_RASA_PROCESSES": "2",
           "LABOURBOT_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    env.pop("LABOURBOT_RASA_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    gateway = f"http://127.0.0.1:{ports['LABOURBOT_GATEWAY_PORT']}"
    try:
        output = _read_until_ready(proc)
        rasa = _rasa_processes(proc.pid)
        assert len(rasa) == 2, output
        assert str(ports["LABOURBOT_RASA_PORT"] + 1) in output  # the second one listens on the next port
        cpu_before = [p.cpu_times().user + p.cpu_times().system for p in rasa]
        with httpx.Client(base_url=gateway, timeout=60) as client:
            for i in range(16):  # 16 users: each conversation goes to one of the two processes
                answer = client.post("/api/messages", json={"user": f"two-rasa-{i}", "text": "特休怎麼算"}).json()
                assert answer["intent"] == "ask_annual_leave", answer
            # A conversation continues on its process: a form started in one message ends in the next.
            first = client.post("/api/messages", json={"user": "two-rasa-form", "text": "幫我算特休"}).json()
            second = client.post("/api/messages", json={"user": "two-rasa-form", "text": "113年3月1日"}).json()
            assert "到職" in first["text"] and "結果：" in second["text"], (first, second)
        cpu_after = [p.cpu_times().user + p.cpu_times().system for p in rasa]
        assert all(after - before > 0.05 for before, after in zip(cpu_before, cpu_after)), \
            "both Rasa processes answered some of the conversations"

        actions = next(p for p in psutil.Process(proc.pid).children(recursive=True) if "rasa_sdk" in p.cmdline())
        actions.kill()  # kill -9: serve starts it again
        seen = []
        for line in proc.stdout:  # type: ignore[union-attr]
            seen.append(line)
            if "actions 已重新啟動" in line:
                break
        assert any("actions 已結束" in line for line in seen), seen
        with httpx.Client(base_url=gateway, timeout=60) as client:
            again = client.post("/api/messages", json={"user": "two-rasa-after", "text": "特休怎麼算"}).json()
        assert again["intent"] == "ask_annual_leave" and "請過一會兒" not in again["text"], again
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


def _serve(data_dir: Path, ports: dict[str, int]) -> subprocess.Popen:
    env = {**os.environ, **{k: str(v) for k, v in ports.items()},
           "LABOURBOT_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    env.pop("LABOURBOT_RASA_URL", None)
    return subprocess.Popen([sys.executable, "-m", "cli.main", "serve"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _still_running(procs: list[psutil.Process], timeout_s: float) -> list[psutil.Process]:
    """Those of `procs` still running after up to `timeout_s` (a zombie has ended: no port, no CPU)."""
    deadline = time.monotonic() + timeout_s
    while True:
        alive = []
        for p in procs:
            try:
                if p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(p)
            except psutil.NoSuchProcess:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def test_serve_killed_with_kill_9_takes_its_processes_along_and_a_new_serve_starts_on_its_ports(stack):
    """Before, the three lived on, and the next serve restarted the action server five times and gave up."""
    ports = {"LABOURBOT_GATEWAY_PORT": free_port(), "LABOURBOT_RASA_PORT": free_port(),
             "LABOURBOT_ACTION_PORT": free_port()}
    first = _serve(stack.config.data_dir, ports)
    children: list[psutil.Process] = []
    try:
        _read_until_ready(first)
        children = psutil.Process(first.pid).children(recursive=True)
        assert len(children) >= 4  # Rasa, action server, gateway, and the guard that ends them
        first.kill()
        first.wait()
        alive = _still_running(children, timeout_s=15)
        assert not alive, f"still running after serve's kill -9: {[p.cmdline()[:4] for p in alive]}"
    finally:
        first.kill()
        for p in _still_running(children, 0):
            p.kill()
    second = _serve(stack.config.data_dir, ports)
    try:
        output = _read_until_ready(second)
        health = httpx.get(f"http://127.0.0.1:{ports['LABOURBOT_GATEWAY_PORT']}/healthz", timeout=5).json()
        assert health["rasa"] == "ok", output
        assert "已被占用" not in output and "重新啟動中" not in output, output
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            second.kill()
