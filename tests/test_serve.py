"""`labourbot serve` starts the three processes and stops them all on Ctrl-C (SIGINT) or SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import httpx
import psutil
import pytest

from labourbot.config import PROJECT_ROOT
from labourbot.stack import free_port

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
    proc = subprocess.Popen([sys.executable, "-m", "labourbot.cli", "serve"], cwd=PROJECT_ROOT, env=env,
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
