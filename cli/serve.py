"""Start, watch and stop the three processes: Rasa server, rasa-sdk action server, gateway.

Used by `labourbot serve` (and so `make run`), by the end-to-end test fixture and by the benches,
so that all of them run exactly the same commands.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import httpx

from labourbot.config import PROJECT_ROOT

RASA_BIN = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
MODELS_DIR = PROJECT_ROOT / "models"
# Longer than the platforms' and proxies' idle keep-alive (uvicorn's default is 5 s): a client reusing a
# connection the gateway had just closed gets "connection reset" (2 of 918 webhooks in bench/burst.py).
GATEWAY_KEEP_ALIVE_S = 75


class StackError(RuntimeError):
    """A process of the stack could not be started or did not become ready."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class StackConfig:
    gateway_port: int = 8000
    rasa_port: int = 5005
    action_port: int = 5055
    gateway_host: str = "127.0.0.1"
    data_dir: Path = PROJECT_ROOT / "var"
    model_path: Path = MODELS_DIR
    endpoints: Path = PROJECT_ROOT / "endpoints.yml"
    extra_env: dict[str, str] = field(default_factory=dict)
    rasa_processes: int = 1
    extra_rasa_ports: list[int] = field(default_factory=list)  # default: rasa_port+1, rasa_port+2, ...

    @classmethod
    def ephemeral(cls, data_dir: Path, rasa_processes: int = 1, **overrides: object) -> "StackConfig":
        """Free ports and a private data folder: for tests and benches beside a running stack."""
        return cls(gateway_port=free_port(), rasa_port=free_port(), action_port=free_port(),
                   data_dir=data_dir, rasa_processes=rasa_processes,
                   extra_rasa_ports=[free_port() for _ in range(rasa_processes - 1)],
                   **overrides)  # type: ignore[arg-type]

    @property
    def rasa_ports(self) -> list[int]:
        extra = self.extra_rasa_ports or [self.rasa_port + i for i in range(1, self.rasa_processes)]
        return [self.rasa_port, *extra[: self.rasa_processes - 1]]

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.rasa_ports]

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"


@dataclass
class Service:
    name: str
    argv: list[str]
    ready_url: str
    process: subprocess.Popen | None = None
    log_path: Path | None = None


class Stack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        c = config
        py = sys.executable
        # One or more Rasa processes ("rasa", "rasa-2", ...); the gateway gives each conversation to one.
        self.services = [
            Service("rasa" if i == 0 else f"rasa-{i + 1}",
                    [str(RASA_BIN), "run", "--enable-api", "--interface", "127.0.0.1",
                     "--port", str(port), "--model", str(c.model_path),
                     "--endpoints", str(c.endpoints), "--credentials", str(PROJECT_ROOT / "credentials.yml")],
                    f"http://127.0.0.1:{port}/status")
            for i, port in enumerate(c.rasa_ports)
        ] + [
            Service("actions", [py, "-m", "rasa_sdk", "--actions", "actions", "--port", str(c.action_port)],
                    f"{c.action_url}/health"),
            Service("gateway", [py, "-m", "uvicorn", "--factory", "channels.app:create_app",
                                "--host", c.gateway_host, "--port", str(c.gateway_port),
                                "--no-access-log", "--timeout-keep-alive", str(GATEWAY_KEEP_ALIVE_S)],
                    f"{c.gateway_url}/healthz"),
        ]

    def env(self) -> dict[str, str]:
        c = self.config
        c.data_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update(
            PYTHONPATH=str(PROJECT_ROOT),
            ACTION_ENDPOINT_URL=f"{c.action_url}/webhook",
            RASA_TRACKER_DB=str(c.data_dir / "rasa_tracker.db"),
            SANIC_HOST="127.0.0.1",
            LABOURBOT_DATA_DIR=str(c.data_dir),
            LABOURBOT_RASA_PORT=str(c.rasa_port),
            LABOURBOT_RASA_URL=",".join(c.rasa_urls),
            LABOURBOT_GATEWAY_PORT=str(c.gateway_port),
            LABOURBOT_GATEWAY_HOST=c.gateway_host,
            LABOURBOT_ACTION_PORT=str(c.action_port),
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
        )
        env.update(c.extra_env)
        return env

    def start(self, timeout_s: float = 180.0) -> None:
        if not RASA_BIN.exists():
            raise StackError("找不到 .venv-rasa：請先執行 `make install`。")
        if not any(self.config.model_path.glob("*.tar.gz")) and not self.config.model_path.is_file():
            raise StackError("找不到訓練好的模型：請先執行 `make train`。")
        logs = self.config.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        env = self.env()
        for service in self.services:
            self.start_service(service, env, logs)
        self.wait_ready(timeout_s)

    def start_service(self, service: Service, env: dict[str, str] | None = None, logs: Path | None = None) -> None:
        logs = logs or self.config.data_dir / "logs"
        service.log_path = logs / f"{service.name}.log"
        log = open(service.log_path, "ab")
        service.process = subprocess.Popen(
            service.argv, cwd=PROJECT_ROOT, env=env or self.env(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    def wait_ready(self, timeout_s: float = 180.0, names: tuple[str, ...] | None = None) -> None:
        deadline = time.monotonic() + timeout_s
        pending = [s for s in self.services if names is None or s.name in names]
        with httpx.Client(timeout=2.0) as client:
            while pending:
                for service in list(pending):
                    if service.process and service.process.poll() is not None:
                        raise StackError(f"{service.name} 已結束（代碼 {service.process.returncode}），"
                                         f"請看記錄檔 {service.log_path}")
                    try:
                        if client.get(service.ready_url).status_code == 200:
                            pending.remove(service)
                    except httpx.HTTPError:
                        pass
                if pending and time.monotonic() > deadline:
                    raise StackError("逾時未就緒：" + ", ".join(s.name for s in pending))
                time.sleep(0.3)

    def watch(self, report: Callable[[str], None] = print, max_restarts: int = 5, window_s: float = 600.0,
              poll_s: float = 1.0) -> str:
        """Keep every process running until one dies more than `max_restarts` times in `window_s`.

        A process that exits (crash, OOM kill, kill -9) is started again at once and waited for; its
        name is reported. Returns the name of the process that kept dying (the caller stops the rest).
        Messages that arrive meanwhile are not lost: the gateway answers them with the retry hint, or
        keeps them in its inbox when the gateway itself restarts (docs/deployment.md)."""
        restarts: dict[str, list[float]] = {}
        while True:
            for service in self.services:
                if service.process is None or service.process.poll() is None:
                    continue
                now = time.monotonic()
                recent = [t for t in restarts.get(service.name, []) if now - t < window_s] + [now]
                restarts[service.name] = recent
                if len(recent) > max_restarts:
                    return service.name
                report(f"{service.name} 已結束（代碼 {service.process.returncode}），重新啟動中…")
                self.start_service(service)
                try:
                    self.wait_ready(timeout_s=180.0, names=(service.name,))
                except StackError as exc:
                    report(str(exc))
                    continue
                report(f"{service.name} 已重新啟動")
            time.sleep(poll_s)

    def stop(self, timeout_s: float = 15.0) -> None:
        for service in reversed(self.services):
            self.stop_service(service, timeout_s)

    @staticmethod
    def stop_service(service: Service, timeout_s: float = 15.0, sig: int = signal.SIGTERM) -> None:
        proc = service.process
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=timeout_s)
        except (ProcessLookupError, PermissionError):
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def __enter__(self) -> "Stack":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
