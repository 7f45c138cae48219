"""Start, watch and stop the three processes: Rasa server, rasa-sdk action server, gateway.

Used by `labourbot serve` (and so `make run`), by the end-to-end test fixture and by the benches,
so that all of them run exactly the same commands.

Nothing outlives the supervisor. Each service is the leader of its own process group (Rasa and the action
server may fork Sanic workers into it), and a small guard process (`python -m cli.serve guard`, one per
`Stack`) knows every group. The guard reads a pipe whose only writer is the supervisor; when the supervisor
ends in any way, kill -9 included, the kernel closes that pipe, and the guard sends SIGTERM to every group
it still knows, then SIGKILL to whatever is left after `GUARD_GRACE_S`. The parent-death signal
(prctl PR_SET_PDEATHSIG) was not used: it fires when the *thread* that started the child ends, and
bench/faults.py restarts a service from a short-lived thread; it would also reach only the leader, not
the workers of its group.

Ports are checked before anything starts: a port held by another process (typically an old stack that was
killed with kill -9 before this guard existed) is reported with the pid and command line that hold it,
instead of starting services that cannot listen.
"""

from __future__ import annotations

import errno
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import quote

import httpx

from cases.config import CONSOLE_SECRET_FILE, CaseSettings
from labourbot.config import DEFAULT_DATA_DIR, PROJECT_ROOT, Settings, rasa_token

# Rasa is started through bot/run.py, which installs bot/rasa_patches.py and then runs Rasa's own CLI.
RASA_PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
MODELS_DIR = PROJECT_ROOT / "models"
# Longer than the platforms' and proxies' idle keep-alive (uvicorn's default is 5 s): a client reusing a
# connection the gateway had just closed gets "connection reset" (2 of 918 webhooks in bench/burst.py).
GATEWAY_KEEP_ALIVE_S = 75
# What the services get to shut down cleanly once their supervisor is gone, before SIGKILL.
GUARD_GRACE_S = 5.0
# How long a restart waits for a dead service's port to be released by what was left of its group.
PORT_RELEASE_S = 5.0
TCP_LISTEN = "0A"  # the state column of /proc/net/tcp


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
    port: int
    host: str = "127.0.0.1"
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def label(self) -> str:
        """What the service is, for the person reading a message about it."""
        if self.name.startswith("rasa"):
            return "Rasa server"
        return {"actions": "action server"}.get(self.name, self.name)


# --- process groups -------------------------------------------------------------------------------------

def group_members(pgid: int) -> list[int]:
    """The live processes of group `pgid` (zombies do not count: they hold no port and no CPU)."""
    members = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == pgid and state not in ("Z", "X"):
            members.append(int(entry.name))
    return members


def signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def end_groups(pgids: Iterable[int], grace_s: float = GUARD_GRACE_S) -> None:
    """SIGTERM every group, then SIGKILL whatever of them is still alive after `grace_s`."""
    pgids = list(pgids)
    for pgid in pgids:
        signal_group(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while any(group_members(pgid) for pgid in pgids) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pgid in pgids:
        if group_members(pgid):
            signal_group(pgid, signal.SIGKILL)


def guard_main(lines: Iterable[str]) -> None:
    """The guard process: "+PGID" / "-PGID" lines from the supervisor; at end of input, end what is left.

    A group number cannot be given to a new process while the group has members, so killing a known
    group never hits a stranger while any of our processes is alive in it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the supervisor, which then stops us
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    groups: set[int] = set()
    for line in lines:
        op, pgid = line[:1], int(line[1:])
        if op == "+":
            groups.add(pgid)
        else:
            groups.discard(pgid)
    end_groups(sorted(groups))


class GroupGuard:
    """The supervisor's side of the guard: started on the first service, told of every group."""

    def __init__(self, log_path: Path) -> None:
        self._log_path = log_path
        self._proc: subprocess.Popen[str] | None = None
        self._groups: set[int] = set()
        self._lock = threading.Lock()  # bench/faults.py restarts services from another thread

    def __contains__(self, pgid: int) -> bool:
        return pgid in self._groups

    @property
    def pid(self) -> int | None:
        """The guard process's pid while one is running (what `ps` shows as `-m cli.serve guard`)."""
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def add(self, pgid: int) -> None:
        with self._lock:
            self._groups.add(pgid)
            self._send(f"+{pgid}\n")

    def remove(self, pgid: int) -> None:
        with self._lock:
            self._groups.discard(pgid)
            if self._proc is not None:
                self._send(f"-{pgid}\n")

    def close(self) -> None:
        """End of input: the guard ends the groups still registered (none after a clean stop) and exits."""
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            proc.stdin.close()  # type: ignore[union-attr]
        except BrokenPipeError:
            pass
        try:
            proc.wait(timeout=GUARD_GRACE_S + 5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def _send(self, line: str) -> None:
        """Write to a running guard, or start one that learns every group (also if the guard had died)."""
        if self._proc is not None and self._proc.poll() is None:
            try:
                self._proc.stdin.write(line)  # type: ignore[union-attr]
                self._proc.stdin.flush()  # type: ignore[union-attr]
                return
            except BrokenPipeError:
                pass
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self._log_path, "ab") as log:  # not the supervisor's stdout: a reader would wait for us
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "cli.serve", "guard"], stdin=subprocess.PIPE, stdout=log, stderr=log,
                text=True, cwd=PROJECT_ROOT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
                start_new_session=True,  # Ctrl-C in the terminal reaches the supervisor, not the guard
            )
        self._proc.stdin.write("".join(f"+{pgid}\n" for pgid in sorted(self._groups)))  # type: ignore[union-attr]
        self._proc.stdin.flush()  # type: ignore[union-attr]


# --- ports ----------------------------------------------------------------------------------------------

def port_in_use(host: str, port: int) -> bool:
    """Whether a server could not listen on host:port now (SO_REUSEADDR, as servers do: TIME_WAIT is free)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if cols[3] == TCP_LISTEN and int(cols[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(cols[9])
    return inodes


def _socket_owner(inodes: set[str]) -> int | None:
    targets = {f"socket:[{inode}]" for inode in inodes}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fds = os.scandir(f"/proc/{entry.name}/fd")
            if any(os.readlink(fd.path) in targets for fd in fds):
                return int(entry.name)
        except OSError:  # another user's process, or one that just ended
            continue
    return None


def port_holder(port: int) -> tuple[int, str] | None:
    """The pid and command line of the process listening on `port`, when /proc lets us see it."""
    pid = _socket_owner(_listening_inodes(port))
    if pid is None:
        return None
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        argv = ["?"]
    return pid, " ".join(" ".join(argv).split())  # one line, even with a `python -c` script


def busy_ports_message(busy: list[tuple[Service, tuple[int, str] | None]]) -> str:
    """zh-TW: which port, which service wants it, who holds it, and what to do."""
    lines = [f"連接埠 {s.port}（{s.label} 要用）已被占用：" + (
        f"pid {holder[0]}（{holder[1][:200]}）" if holder else "查不到是哪個程序（可能屬於其他使用者）")
        for s, holder in busy]
    pids = sorted({str(holder[0]) for _, holder in busy if holder})
    kill = f"（例如 kill {' '.join(pids)}）" if pids else ""
    return ("\n".join(lines) + "\n多半是上一次的 labourbot serve 還在執行，或沒有停乾淨。請先停止舊的程序"
            f"{kill}，或用 LABOURBOT_GATEWAY_PORT / LABOURBOT_RASA_PORT / LABOURBOT_ACTION_PORT 換連接埠，"
            "再重新啟動。")


# --- the stack ------------------------------------------------------------------------------------------

class Stack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.guard = GroupGuard(config.data_dir / "logs" / "guard.log")
        c = config
        py = sys.executable
        # Rasa's HTTP API answers only with this token (LABOURBOT_RASA_TOKEN, else generated once into the
        # data folder); the gateway reads the same setting or file (Settings.rasa_auth_token).
        token = rasa_token(c.data_dir, c.extra_env.get("LABOURBOT_RASA_TOKEN")
                           or Settings(data_dir=c.data_dir).rasa_token.get_secret_value(), create=True)
        # The console's secret: LABOURBOT_CONSOLE_SECRET, else generated once into the data folder (first
        # run: plain-http cookies, loopback clients only; cases/config.py, channels/console/access.py).
        self.console = console_settings(c)
        self.console.console_key(create=True)
        # One or more Rasa processes ("rasa", "rasa-2", ...); the gateway gives each conversation to one.
        self.services = [
            Service("rasa" if i == 0 else f"rasa-{i + 1}",
                    [str(RASA_PYTHON), "-m", "bot.run", "run", "--enable-api", "--interface", "127.0.0.1",
                     "--port", str(port), "--model", str(c.model_path),
                     # One word: a generated token may begin with "-", which argparse would take for an option.
                     f"--auth-token={token}",
                     "--endpoints", str(c.endpoints), "--credentials", str(PROJECT_ROOT / "credentials.yml")],
                    f"http://127.0.0.1:{port}/status?token={quote(token, safe='')}", port)
            for i, port in enumerate(c.rasa_ports)
        ] + [
            Service("actions", [py, "-m", "rasa_sdk", "--actions", "actions", "--port", str(c.action_port)],
                    f"{c.action_url}/health", c.action_port),
            Service("gateway", [py, "-m", "uvicorn", "--factory", "channels.app:create_app",
                                "--host", c.gateway_host, "--port", str(c.gateway_port),
                                "--no-access-log", "--timeout-keep-alive", str(GATEWAY_KEEP_ALIVE_S)],
                    f"{c.gateway_url}/healthz", c.gateway_port, c.gateway_host),
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
        self.check_ports(self.services)
        if not RASA_PYTHON.exists():
            raise StackError("找不到 .venv-rasa：請先執行 `make install`。")
        if not any(self.config.model_path.glob("*.tar.gz")) and not self.config.model_path.is_file():
            raise StackError("找不到訓練好的模型：請先執行 `make train`。")
        logs = self.config.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        env = self.env()
        # Extra Rasa processes ("rasa-2", ...) start once the first is ready: on the SQLite tracker store
        # two processes creating its tables at the same moment failed with "database is locked".
        first = [s for s in self.services if not s.name.startswith("rasa-")]
        later = [s for s in self.services if s.name.startswith("rasa-")]
        for service in first:
            self.start_service(service, env, logs)
        self.wait_ready(timeout_s, names=tuple(s.name for s in first))
        for service in later:
            self.start_service(service, env, logs)
        if later:
            self.wait_ready(timeout_s, names=tuple(s.name for s in later))

    @staticmethod
    def check_ports(services: list[Service], wait_s: float = 0.0) -> None:
        """Raise StackError naming every port another process listens on (after up to `wait_s`)."""
        deadline = time.monotonic() + wait_s
        while True:
            busy = [s for s in services if port_in_use(s.host, s.port)]
            if not busy:
                return
            if time.monotonic() >= deadline:
                raise StackError(busy_ports_message([(s, port_holder(s.port)) for s in busy]))
            time.sleep(0.2)

    def start_service(self, service: Service, env: dict[str, str] | None = None, logs: Path | None = None) -> None:
        logs = logs or self.config.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        service.log_path = logs / f"{service.name}.log"
        log = open(service.log_path, "ab")
        service.process = subprocess.Popen(
            service.argv, cwd=PROJECT_ROOT, env=env or self.env(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group (pgid = pid), with the workers it forks; see the guard
        )
        log.close()
        self.guard.add(service.process.pid)

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
                                         f"請看記錄檔 {service.log_path}{_last_line(service.log_path)}")
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
        Raises StackError when another program took a dead process's port: restarting could only fail.
        Messages that arrive meanwhile are not lost: the gateway answers them with the retry hint, or
        keeps them in its inbox when the gateway itself restarts (docs/deployment.md)."""
        restarts: dict[str, list[float]] = {}
        while True:
            for service in self.services:
                if service.process is None or service.process.poll() is None:
                    continue
                self._retire(service.process)
                now = time.monotonic()
                recent = [t for t in restarts.get(service.name, []) if now - t < window_s] + [now]
                restarts[service.name] = recent
                if len(recent) > max_restarts:
                    return service.name
                report(f"{service.name} 已結束（代碼 {service.process.returncode}），重新啟動中…")
                self.check_ports([service], wait_s=PORT_RELEASE_S)
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
        self.guard.close()

    def stop_service(self, service: Service, timeout_s: float = 15.0, sig: int = signal.SIGTERM) -> None:
        proc = service.process
        if proc is None:
            return
        if proc.poll() is None:
            signal_group(proc.pid, sig)
            try:
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                signal_group(proc.pid, signal.SIGKILL)
                proc.wait()
        self._retire(proc)

    def _retire(self, proc: subprocess.Popen) -> None:
        """A leader has just been reaped: kill what its group left behind (workers), and unregister it.

        Only once per process: later, its number may belong to somebody else."""
        if proc.pid in self.guard:
            signal_group(proc.pid, signal.SIGKILL)
            self.guard.remove(proc.pid)

    def __enter__(self) -> "Stack":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- first run: the console ------------------------------------------------------------------------------

def console_settings(config: StackConfig) -> CaseSettings:
    """The case settings the stack's gateway will read (its data folder, its secret and database)."""
    overrides = {key: config.extra_env[env] for key, env in (("console_secret", "LABOURBOT_CONSOLE_SECRET"),
                                                            ("database_url", "DATABASE_URL"))
                 if config.extra_env.get(env)}
    return CaseSettings(data_dir=config.data_dir, **overrides)  # type: ignore[arg-type]


def labourbot_command(config: StackConfig, *args: str) -> str:
    """A `labourbot ...` command line that can be pasted as printed: the project's own executable, and
    the data folder when it is not the default one."""
    exe = PROJECT_ROOT / ".venv" / "bin" / "labourbot"
    words = [str(exe) if exe.exists() else "labourbot", *args]
    prefix = ""
    if config.data_dir.resolve() != DEFAULT_DATA_DIR.resolve():
        prefix = f"LABOURBOT_DATA_DIR={shlex.quote(str(config.data_dir))} "
    return prefix + " ".join(shlex.quote(word) for word in words)


def console_notes(stack: "Stack") -> list[str]:
    """What `labourbot serve` says about the console once the stack is up: its address and mode, and,
    while no active administrator exists, the exact command that makes the first one."""
    from cases.db import CaseStore
    from cases.service import active_admin_exists

    c, settings = stack.config, stack.console
    key = settings.console_key()
    if key is None:
        return [f"案件後台      未啟用：{settings.console_problem}（見 docs/handoff.md）"]
    url = f"{c.gateway_url}/console"
    if key.loopback_only:
        why = (f"首次啟動模式：金鑰自動產生於 {c.data_dir / CONSOLE_SECRET_FILE}" if key.generated
               else "LABOURBOT_CONSOLE_COOKIE_SECURE=false")
        lines = [f"案件後台      {url}  （{why}；http 只接受本機連線）"]
    else:
        lines = [f"案件後台      {url}  （Secure cookie：請經 https 開啟）"]
    store = CaseStore(settings)
    try:
        with store.session() as session:
            has_admin = active_admin_exists(session)
    except Exception as exc:  # database unreachable: the gateway's log says more
        return [*lines, f"（無法確認管理者帳號：{type(exc).__name__}）"]
    finally:
        store.dispose()
    if not has_admin:
        lines += ["", "還沒有管理者帳號。請在另一個終端機執行下面這行，建立第一個管理者（密碼只顯示一次）：",
                  f"    {labourbot_command(c, 'staff', 'create-admin', 'admin')}",
                  f"然後用帳號 admin 與顯示的密碼登入 {url}", ""]
    return lines


def _last_line(log_path: Path | None) -> str:
    """The log's last line (why a process refused to start), to show beside the log's name."""
    if log_path is None:
        return ""
    try:
        with open(log_path, "rb") as log:
            log.seek(max(0, log.seek(0, os.SEEK_END) - 4096))
            lines = log.read().decode(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return f"\n最後一行：{lines[-1]}" if lines else ""


if __name__ == "__main__":
    if sys.argv[1:] != ["guard"]:
        sys.exit("usage: python -m cli.serve guard   (started by labourbot serve itself)")
    guard_main(sys.stdin)
