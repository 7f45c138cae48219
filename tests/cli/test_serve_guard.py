"""Nothing outlives `labourbot serve`'s supervisor (cli/serve.py), not even a worker that ignores SIGTERM.

The services here are small Python processes shaped like Rasa and Sanic: a group leader that forks a worker
into its group. The worker ignores SIGTERM, so only the guard's SIGKILL after the grace period ends it.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psutil

from cli.serve import GUARD_GRACE_S, Service, Stack, StackConfig, free_port
from labourbot.config import PROJECT_ROOT

WORKER = (
    "import os, signal, time\n"
    "if os.fork() == 0:\n"
    "    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "time.sleep(600)\n"
)

# A supervisor in its own process, so that the test can kill -9 it.
SUPERVISOR = r"""
import sys, time
from pathlib import Path
from cli.serve import Service, Stack, StackConfig, free_port

stack = Stack(StackConfig.ephemeral(Path(sys.argv[1])))
stack.services = [Service(f"worker-{i}", [sys.executable, "-c", sys.argv[2]], "http://127.0.0.1:9/", free_port())
                  for i in range(2)]
for service in stack.services:
    stack.start_service(service)
print("started", flush=True)
time.sleep(600)
"""


def _alive(procs: list[psutil.Process]) -> list[psutil.Process]:
    """Those still running (a zombie has ended: it holds no port, and its parent is gone)."""
    alive = []
    for p in procs:
        try:
            if p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
        except psutil.NoSuchProcess:
            pass
    return alive


def _wait_gone(procs: list[psutil.Process], timeout_s: float) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout_s
    while _alive(procs) and time.monotonic() < deadline:
        time.sleep(0.2)
    return _alive(procs)


def _descendants(pid: int, count: int) -> list[psutil.Process]:
    """The `count` descendants of `pid`, once they are all there (forks take a moment)."""
    deadline = time.monotonic() + 20
    while len(found := psutil.Process(pid).children(recursive=True)) < count:
        assert time.monotonic() < deadline, f"expected {count} descendants, found {found}"
        time.sleep(0.1)
    return found


def _kill_all(procs: list[psutil.Process]) -> None:
    for p in _alive(procs):
        p.kill()


def test_kill_9_of_the_supervisor_ends_every_service_group_workers_included(tmp_path: Path) -> None:
    supervisor = subprocess.Popen([sys.executable, "-c", SUPERVISOR, str(tmp_path), WORKER], cwd=PROJECT_ROOT,
                                  stdout=subprocess.PIPE, text=True)
    procs: list[psutil.Process] = []
    try:
        assert supervisor.stdout.readline().strip() == "started"  # type: ignore[union-attr]
        procs = _descendants(supervisor.pid, 5)  # two leaders, their two workers, the guard
        workers = [p for p in procs if p.ppid() != supervisor.pid]
        assert len(workers) == 2
        supervisor.kill()
        supervisor.wait()
        assert _wait_gone(procs, GUARD_GRACE_S + 10) == [], "still running after the supervisor's kill -9"
    finally:
        supervisor.kill()
        _kill_all(procs)


def test_stop_ends_the_workers_a_leader_left_behind_and_the_guard(tmp_path: Path) -> None:
    stack = Stack(StackConfig.ephemeral(tmp_path))
    service = Service("worker", [sys.executable, "-c", WORKER], "http://127.0.0.1:9/", free_port())
    stack.services = [service]
    stack.start_service(service)
    procs = _descendants(service.process.pid, 1) + [psutil.Process(service.process.pid)]  # type: ignore[union-attr]
    procs.append(psutil.Process(stack.guard.pid))
    try:
        assert len(procs) == 3
        stack.stop(timeout_s=5)
        assert _wait_gone(procs, 5) == [], "a worker ignoring SIGTERM, or the guard, outlived stop()"
    finally:
        _kill_all(procs)
