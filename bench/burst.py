"""Campus burst and steady load through the real channel endpoints, with locust in library mode.

Starts the fake LINE and Telegram APIs (in this process) and the real stack (Rasa server, action server,
gateway on free ports, data in var/burst) with the gateway pointed at the fakes. Simulated users write
through signed LINE webhooks, Telegram webhooks and the web chat API (a third each):
  * burst: 300 users (spawned within 10 s), 3 messages each, each user waits for its answer and thinks
    4-10 s before the next (a campus legal talk where the speaker shows the QR code: 900 messages within
    about 30 s, the issue's scenario); `--think 1,3` packs the same 900 messages into ~15 s (stress);
  * steady: 20 users arriving within 5 s, for 20 s, thinking 2-4 s between messages (below the per-user
    rate limit).
Latency is from the webhook POST to the first outgoing platform call the fakes record (LINE reply/push,
Telegram sendMessage) or, for the web chat, to the HTTP answer. Also printed: throughput, errors,
messages sent vs answered (missing ones are listed), resident memory of each process (with children),
and a Rasa-direct comparison of one REST call per message against REST + tracker GET (the gateway's
second call). Everything listens on 127.0.0.1; the run is bounded (< 5 minutes with start-up).
Usage: .venv/bin/python bench/burst.py [--users 300] [--messages 3] [--think 4,10] [--steady-users 20]
       [--steady-s 20] [--rasa-processes N] [--scaled N]
"""

from __future__ import annotations

# locust patches the standard library for gevent: it must be imported before anything else.
from locust import FastHttpUser, constant, events, task  # noqa: I001
from locust.env import Environment
from locust.exception import StopUser

import argparse
import itertools
import json
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import gevent
import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakes.fake_line import PUSH, REPLY, FakeLineApi  # noqa: E402
from fakes.fake_telegram import FakeTelegramApi  # noqa: E402
from fakes.server import Recorded  # noqa: E402
from fakes.payloads import line_body, line_event, line_user, sign, telegram_chat, telegram_text  # noqa: E402
from fakes.plugin import channel_env  # noqa: E402
from fakes.secrets import LINE_SECRET, LINE_TOKEN, TELEGRAM_SECRET, TELEGRAM_TOKEN  # noqa: E402

from channels.limits import RATE_LIMITED_REPLY  # noqa: E402
from cli.serve import Stack, StackConfig  # noqa: E402
from labourbot.config import rasa_token  # noqa: E402

DATA = ROOT / "var" / "burst"
ANSWER_TIMEOUT_S = 90.0
BUSY_MARK = "請過一會兒再傳一次"  # in UNAVAILABLE_REPLY (channels/conversation.py)
QUESTIONS = [
    "你好", "休息日加班費怎麼算", "特休沒休完可以換錢嗎", "我被資遣了資遣費怎麼算", "面試要先交保證金正常嗎",
    "上下班路上出車禍算職災嗎", "工讀生時薪最低多少", "勞基法第24條是什麼", "打工被扣薪水合法嗎", "謝謝",
    "老闆說試用期不用加保勞健保", "一天工作12小時正常嗎",
]


class Inbox:
    """Accepted outgoing calls by key (reply token, LINE user, Telegram chat): O(1) waits for 300 users
    (the fakes' own wait_for rescans every request on every wake-up, which starves the load generator)."""

    def __init__(self) -> None:
        self._calls: dict[str, list[tuple[float, str]]] = {}
        self._events: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def add(self, key: str, at: float, text: str) -> None:
        with self._lock:
            self._calls.setdefault(key, []).append((at, text))
            event = self._events.pop(key, None)
        if event is not None:
            event.set()

    def count(self, key: str) -> int:
        with self._lock:
            return len(self._calls.get(key, []))

    def wait(self, keys: list[str], after: int = 0, timeout: float = ANSWER_TIMEOUT_S) -> tuple[float, str] | None:
        """The first call for any of `keys` beyond the first `after` ones of keys[0]."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                for i, key in enumerate(keys):
                    calls = self._calls.get(key, [])
                    if len(calls) > (after if i == 0 else 0):
                        return calls[after if i == 0 else 0]
                event = threading.Event()
                for key in keys:
                    self._events[key] = event
            left = deadline - time.monotonic()
            if left <= 0 or not event.wait(min(left, 1.0)) and time.monotonic() >= deadline:
                return None


class IndexedLine(FakeLineApi):
    def __init__(self, access_token: str) -> None:
        super().__init__(access_token)
        self.inbox = Inbox()

    def respond(self, r: Recorded) -> tuple[int, object]:
        status, body = super().respond(r)
        if status == 200 and r.path in (REPLY, PUSH):
            data = r.json()
            text = " ".join(m.get("text") or m.get("altText") or "" for m in data.get("messages", []))
            self.inbox.add(data.get("replyToken") or data.get("to") or "", r.at, text)
        return status, body


class IndexedTelegram(FakeTelegramApi):
    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.inbox = Inbox()

    def _m_sendMessage(self, p: dict) -> tuple[int, object]:
        status, body = super()._m_sendMessage(p)
        if status == 200:
            self.inbox.add(str(p.get("chat_id")), time.perf_counter(), str(p.get("text", "")))
        return status, body


@dataclass
class Outcome:
    channel: str
    user: str
    text: str
    started: float
    latency_ms: float | None = None  # None: not answered within ANSWER_TIMEOUT_S
    error: str = ""
    busy: bool = False  # answered with "please send again" (Rasa too slow or down)
    limited: bool = False  # answered with "you are writing fast" (the per-user rate limit)


@dataclass
class Phase:
    name: str
    outcomes: list[Outcome] = field(default_factory=list)
    began: float = 0.0
    ended: float = 0.0

    def record(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)


class World:
    """What the users share: the fakes, the phase being recorded, how many messages each user sends."""

    line: IndexedLine
    telegram: IndexedTelegram
    phase: Phase
    messages: int | None = 3
    think: tuple[float, float] = (1.0, 3.0)
    counter = itertools.count()
    # locust replaces users that finished while it is still spawning; the phase must have exactly
    # `max_users` people however fast they are served, so the extra ones leave without a word.
    max_users: int | None = None


def _fire(kind: str, name: str, started: float, latency_ms: float | None, error: str) -> None:
    events.request.fire(request_type=kind, name=name, response_time=latency_ms or 0.0, response_length=0,
                        exception=RuntimeError(error) if error else None, context={})


class ChatUser(FastHttpUser):
    """One person: sends a message, waits for the answer, thinks, sends the next.

    FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load generator shares the two
    cores with the stack it measures, and it needs about half the CPU per request."""

    abstract = True
    wait_time = constant(0)
    network_timeout = ANSWER_TIMEOUT_S
    connection_timeout = 10.0
    channel = ""

    def on_start(self) -> None:
        self.sent = 0
        self.n = next(World.counter)

    @staticmethod
    def question() -> str:
        return random.choice(QUESTIONS)

    def ask(self, text: str) -> tuple[float | None, str, str]:
        raise NotImplementedError

    def run_one(self) -> None:
        if World.max_users is not None and self.n >= World.max_users:
            raise StopUser()
        if World.messages is not None and self.sent >= World.messages:
            raise StopUser()
        text = self.question()
        started = time.perf_counter()
        try:
            latency, error, answer = self.ask(text)
        except Exception as exc:  # the bench reports, never crashes
            latency, error, answer = None, f"{type(exc).__name__}: {exc}"[:200], ""
        World.phase.record(Outcome(self.channel, self.uid, text, started, latency, error, BUSY_MARK in answer,
                                   RATE_LIMITED_REPLY[:12] in answer))
        _fire(self.channel, "message", started, latency, error)
        self.sent += 1
        gevent.sleep(random.uniform(*World.think))


class LineUser(ChatUser):
    abstract = False
    channel = "line"

    def on_start(self) -> None:
        super().on_start()
        self.uid = line_user()

    def ask(self, text: str) -> tuple[float | None, str, str]:
        token = "burst-" + line_user()
        body = line_body(line_event(self.uid, text, reply_token=token))
        start = time.perf_counter()
        response = self.client.post("/webhooks/line", data=body, name="line webhook",
                                    headers={"X-Line-Signature": sign(body, LINE_SECRET),
                                             "Content-Type": "application/json"})
        if response.status_code != 200:
            return None, f"webhook {response.status_code} {getattr(response, 'error', None) or ''}"[:160], ""
        first = World.line.inbox.wait([token, self.uid], after=0)
        if first is None:
            return None, "no answer", ""
        return (first[0] - start) * 1000, "", first[1]

    @task
    def talk(self) -> None:
        self.run_one()


class TelegramUser(ChatUser):
    abstract = False
    channel = "telegram"

    def on_start(self) -> None:
        super().on_start()
        self.chat = telegram_chat()
        self.uid = str(self.chat)

    def ask(self, text: str) -> tuple[float | None, str, str]:
        before = World.telegram.inbox.count(self.uid)
        start = time.perf_counter()
        response = self.client.post("/webhooks/telegram", json=telegram_text(self.chat, text), name="telegram webhook",
                                    headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
        if response.status_code != 200:
            return None, f"webhook {response.status_code} {getattr(response, 'error', None) or ''}"[:160], ""
        first = World.telegram.inbox.wait([self.uid], after=before)
        if first is None:
            return None, "no answer", ""
        return (first[0] - start) * 1000, "", first[1]

    @task
    def talk(self) -> None:
        self.run_one()


class WebUser(ChatUser):
    abstract = False
    channel = "web"

    def on_start(self) -> None:
        super().on_start()
        self.uid = "burst" + line_user()[1:25]

    def ask(self, text: str) -> tuple[float | None, str, str]:
        start = time.perf_counter()
        response = self.client.post("/chat/api/messages", json={"user": self.uid, "text": text},
                                    name="web chat")
        latency = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            return None, f"web {response.status_code} {getattr(response, 'error', None) or ''}"[:160], ""
        messages = response.json().get("messages") or []
        if not messages:
            return None, "empty answer", ""
        return latency, "", " ".join(m.get("text") or "" for m in messages)

    @task
    def talk(self) -> None:
        self.run_one()


# ---- running ----------------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def _tree_total(pid: int, measure: Callable[[psutil.Process], float]) -> float:
    """`measure` summed over a process and its children (NaN when the process is gone)."""
    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return float("nan")
    total = 0.0
    for p in procs:
        try:
            total += measure(p)
        except psutil.NoSuchProcess:
            pass
    return total


def rss_mib(pid: int) -> float:
    return _tree_total(pid, lambda p: p.memory_info().rss) / 2**20


def prepare_data() -> None:
    """The statutes and the search index in the private data folder (copied from the tests' when there)."""
    DATA.mkdir(parents=True, exist_ok=True)
    source = ROOT / "var" / "test-stack"
    for name in ("laws", "index"):
        if (source / name).exists() and not (DATA / name).exists():
            shutil.copytree(source / name, DATA / name)
    if not (DATA / "index").exists():
        env = {**__import__("os").environ, "LABOURBOT_DATA_DIR": str(DATA)}
        law = ROOT.parent / "shared" / "law" / "ChLaw-labour.json"
        cli = [sys.executable, "-m", "cli.main", "kb"]
        subprocess.run([*cli, "import-law", str(law)], check=True, capture_output=True, env=env, cwd=ROOT)
        subprocess.run([*cli, "build"], check=True, capture_output=True, env=env, cwd=ROOT)
    for old in DATA.glob("rasa_tracker.db*"):
        old.unlink()


def run_phase(host: str, name: str, users: int, spawn_s: float, messages: int | None,
              think: tuple[float, float], duration_s: float | None, limit_s: float) -> Phase:
    phase = Phase(name)
    World.phase, World.messages, World.think = phase, messages, think
    World.counter, World.max_users = itertools.count(), (users if messages is not None else None)
    env = Environment(user_classes=[LineUser, TelegramUser, WebUser], host=host)
    runner = env.create_local_runner()
    phase.began = time.perf_counter()
    runner.start(users, spawn_rate=max(1.0, users / spawn_s))
    started = time.monotonic()
    deadline = started + limit_s
    stop_at = time.monotonic() + duration_s if duration_s else None
    while True:
        gevent.sleep(0.5)
        now = time.monotonic()
        if stop_at and now >= stop_at:
            break
        if messages is not None and now > started + spawn_s + 2 and runner.user_count == 0:
            break  # every user has sent its messages and had its answers (or given up)
        if now >= deadline:
            print(f"  {name}: stopped at the time limit ({limit_s:.0f} s)")
            break
    runner.quit()
    phase.ended = time.perf_counter()
    return phase


def summarise(phase: Phase, expected: int | None) -> list[str]:
    done = phase.outcomes
    answered = [o for o in done if o.latency_ms is not None]
    lat = [o.latency_ms for o in answered]  # type: ignore[misc]
    wall = max(phase.ended - phase.began, 1e-9)
    lines = [
        f"{phase.name}: {len({o.user for o in done})} users, {len(done)} sent, {len(answered)} answered"
        + (f" (expected {expected})" if expected is not None else "")
        + f", {len(done) - len(answered)} errors, {sum(o.busy for o in answered)} answered 'busy, send again'"
        + f", {sum(o.limited for o in answered)} rate-limited"
        + f"; {len(answered) / wall:.1f} answers/s over {wall:.1f} s"
        + (f"; sent within {max(o.started for o in done) - min(o.started for o in done):.1f} s" if done else ""),
        f"  latency webhook in -> outgoing call: p50 {pct(lat, .5):.0f} ms  p95 {pct(lat, .95):.0f} ms  "
        f"p99 {pct(lat, .99):.0f} ms  max {max(lat, default=float('nan')):.0f} ms  "
        f"mean {statistics.mean(lat) if lat else float('nan'):.0f} ms",
    ]
    for channel in ("line", "telegram", "web"):
        mine = [o.latency_ms for o in answered if o.channel == channel]
        total = sum(o.channel == channel for o in done)
        lines.append(f"  {channel:<8} {len(mine)}/{total} answered, p50 {pct(mine, .5):.0f} ms  "  # type: ignore[arg-type]
                     f"p95 {pct(mine, .95):.0f} ms  p99 {pct(mine, .99):.0f} ms")  # type: ignore[arg-type]
    missing = [o for o in done if o.latency_ms is None]
    for o in missing[:10]:
        lines.append(f"  missing: {o.channel} {o.user[:12]} {o.text!r}: {o.error}")
    if expected is not None and len(done) != expected:
        lines.append(f"  not sent at all: {expected - len(done)} (time limit)")
    return lines


def duplicates(line: IndexedLine) -> int:
    """LINE reply tokens used twice (the fake refuses the second use: 400 Invalid reply token)."""
    tokens = [r.json().get("replyToken") for r in line.matching(lambda r: r.path.endswith("/reply"))]
    return len(tokens) - len(set(tokens))


def rasa_direct(rasa_url: str, n: int = 60) -> list[str]:
    """Straight to Rasa: REST only, REST + tracker GET (the gateway before), rest_parse (the gateway now)."""
    results: dict[str, list[float]] = {"post": [], "post+tracker": [], "rest_parse": []}
    lock = threading.Lock()

    def one(mode: str, i: int) -> None:
        sender = f"direct-{mode.replace(' ', '')}-{i}"
        with httpx.Client(base_url=rasa_url, timeout=60) as client:
            start = time.perf_counter()
            path = "/webhooks/rest_parse/webhook" if mode == "rest_parse" else "/webhooks/rest/webhook"
            client.post(path, json={"sender": sender, "message": QUESTIONS[i % 12]}).raise_for_status()
            if mode == "post+tracker":
                client.get(f"/conversations/{sender}/tracker",
                           params={"include_events": "NONE", "token": rasa_token(DATA)})
            with lock:
                results[mode].append((time.perf_counter() - start) * 1000)

    out = []
    for mode in ("post", "post+tracker", "rest_parse"):
        workers = [gevent.spawn(one, mode, i) for i in range(n)]
        began = time.perf_counter()
        gevent.joinall(workers)
        wall = time.perf_counter() - began
        lat = results[mode]
        out.append(f"  {mode:<13} n={n} x{n} at once: p50 {pct(lat, .5):.0f} ms  p95 {pct(lat, .95):.0f} ms  "
                   f"{n / wall:.1f} msg/s")
    return out


def start_databases() -> tuple[dict[str, str], list[subprocess.Popen]]:
    """A throw-away PostgreSQL (as the postgres user: it refuses root) and Redis on free ports."""
    from cli.serve import free_port

    pg_dir, pg_port, redis_port = Path("/tmp/labourbot-burst-pg"), free_port(), free_port()
    shutil.rmtree(pg_dir, ignore_errors=True)
    pg_dir.mkdir()
    shutil.chown(pg_dir, "postgres", "postgres")
    as_pg = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_pg, "initdb", "-D", str(pg_dir / "data"), "-A", "trust", "-U", "rasa"],
                   check=True, capture_output=True)
    procs = [
        subprocess.Popen([*as_pg, "postgres", "-D", str(pg_dir / "data"), "-p", str(pg_port), "-k", str(pg_dir),
                          "-c", "listen_addresses=127.0.0.1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    deadline = time.monotonic() + 30
    while subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(pg_port), "-U", "rasa", "-d", "postgres", "-c",
                          "CREATE DATABASE rasa"], capture_output=True).returncode != 0:
        if time.monotonic() > deadline:
            raise SystemExit("PostgreSQL did not start")
        time.sleep(0.5)
    env = {"RASA_PG_HOST": "127.0.0.1", "RASA_PG_PORT": str(pg_port), "RASA_PG_DB": "rasa", "RASA_PG_USER": "rasa",
           "RASA_PG_PASSWORD": "", "RASA_REDIS_HOST": "127.0.0.1", "RASA_REDIS_PORT": str(redis_port)}
    return env, procs


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children."""
    return _tree_total(pid, lambda p: sum(p.cpu_times()[:2]))


def cpu_snapshot(stack: Stack) -> dict[str, float]:
    """CPU seconds of each stack process, and of this process (load generator + platform fakes)."""
    snap = {s.name: cpu_s(s.process.pid) for s in stack.services if s.process}
    own = psutil.Process().cpu_times()  # not cpu_s(): the stack's processes are this process's children
    snap["bench (locust + fakes)"] = own.user + own.system
    return snap


def cpu_per_message(before: dict[str, float], after: dict[str, float], answered: int) -> str:
    """Where the two cores went: CPU milliseconds per answered message, per process."""
    parts = [f"{name} {(after[name] - before[name]) * 1000 / max(answered, 1):.1f}" for name in before]
    return "CPU ms per answered message: " + ", ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--messages", type=int, default=3)
    parser.add_argument("--spawn-s", type=float, default=10.0)
    parser.add_argument("--think", default="4,10", help="seconds a burst user thinks between messages: LO,HI")
    parser.add_argument("--steady-users", type=int, default=20)
    parser.add_argument("--steady-s", type=float, default=20.0)
    parser.add_argument("--direct", action="store_true", help="also compare Rasa REST with REST + tracker GET")
    parser.add_argument("--env", action="append", default=[], help="extra KEY=VALUE for the stack")
    parser.add_argument("--rasa-processes", type=int, default=1, metavar="N",
                        help="N Rasa processes on the one SQLite tracker file, conversations split by sender")
    parser.add_argument("--scaled", type=int, default=0, metavar="N",
                        help="N Rasa workers on PostgreSQL trackers + Redis locks, N action-server workers")
    args = parser.parse_args()

    prepare_data()
    World.line, World.telegram = IndexedLine(LINE_TOKEN).start(), IndexedTelegram(TELEGRAM_TOKEN).start()
    extra = channel_env(World.line.url, World.telegram.url)
    # Every simulated student comes from 127.0.0.1, like a lecture hall behind one school NAT: the
    # per-address limits are raised for the hall, as docs/deployment.md says to do for a campus session.
    extra.update(LABOURBOT_ADDRESS_BURST="100000", LABOURBOT_ADDRESS_MAX_IN_FLIGHT="100000")
    extra.update(dict(kv.split("=", 1) for kv in args.env))
    databases: list[subprocess.Popen] = []
    config = StackConfig.ephemeral(DATA, rasa_processes=args.rasa_processes, extra_env=extra)
    if args.rasa_processes > 1:
        args.env.append(f"{args.rasa_processes} Rasa processes (SQLite, by sender)")
    if args.scaled:
        db_env, databases = start_databases()
        extra.update(db_env, SANIC_WORKERS=str(args.scaled), ACTION_SERVER_SANIC_WORKERS=str(args.scaled))
        config.endpoints = ROOT / "endpoints.postgres.yml"
        args.env.append(f"scaled: {args.scaled} Rasa workers (PostgreSQL + Redis), {args.scaled} action workers")
    stack = Stack(config)
    report: list[str] = []
    t0 = time.perf_counter()
    try:
        with stack:
            print(f"stack ready in {time.perf_counter() - t0:.1f} s; settings: {args.env or 'defaults'}")
            with httpx.Client(base_url=stack.config.gateway_url, timeout=60) as client:
                deadline = time.monotonic() + 30
                while client.post("/webhooks/telegram", content=b"{}",
                                  headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}).status_code == 503:
                    if time.monotonic() > deadline:
                        raise SystemExit("the Telegram channel did not start")
                    time.sleep(0.2)
                for warm in QUESTIONS[:4]:
                    client.post("/api/messages", json={"user": "warm-up", "text": warm})
            memory_idle = {s.name: rss_mib(s.process.pid) for s in stack.services if s.process}
            host = stack.config.gateway_url
            cpu_before = cpu_snapshot(stack)
            think = tuple(float(x) for x in args.think.split(","))
            burst = run_phase(host, f"burst ({args.users} users x {args.messages} messages, think {args.think} s)",
                              args.users, args.spawn_s, args.messages, think, None, limit_s=180)
            report += summarise(burst, args.users * args.messages)
            report.append("  " + cpu_per_message(cpu_before, cpu_snapshot(stack),
                                                 sum(1 for o in burst.outcomes if o.latency_ms is not None)))
            memory_peak = {s.name: rss_mib(s.process.pid) for s in stack.services if s.process}
            if args.steady_s > 0:
                steady = run_phase(host, f"steady ({args.steady_users} users, think 2-4 s, {args.steady_s:.0f} s)",
                                   args.steady_users, 5.0, None, (2.0, 4.0), args.steady_s, limit_s=args.steady_s + 60)
                gevent.sleep(3)  # answers still in flight are counted by the users themselves
                report += summarise(steady, None)
            if args.direct:
                report.append("Rasa direct (no gateway):")
                report += rasa_direct(stack.config.rasa_url)
            dup = duplicates(World.line)
            report.append(f"LINE reply tokens used twice: {dup}; LINE calls refused: "
                          f"{len(World.line.matching(lambda r: r.status not in (0, 200)))}; Telegram sends refused: "
                          f"{len(World.telegram.matching(lambda r: r.path.endswith('/sendMessage') and r.status != 200))}")
            report.append("resident memory (MiB, with children): idle " +
                          ", ".join(f"{k} {v:.0f}" for k, v in memory_idle.items()) + "; after burst " +
                          ", ".join(f"{k} {v:.0f}" for k, v in memory_peak.items()))
    finally:
        World.line.stop()
        World.telegram.stop()
        for proc in databases:
            proc.terminate()
            proc.wait(timeout=15)
    print("\n".join(report))
    print(f"whole run {time.perf_counter() - t0:.0f} s")
    (DATA / "last_report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
