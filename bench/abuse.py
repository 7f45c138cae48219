"""What a lying client can do to the gateway, measured on loopback (issue 15). Prints numbers; not a test.

Starts an in-process gateway (`channels.app.create_app`, a fresh SQLite case database in a temporary
folder) in front of a fake Rasa that answers at once, and clients at chosen addresses (httpx's
ASGITransport sets the peer address, so no proxy header is needed and nothing leaves the process):

  (a) a 2,000-digit "job ad" through the scam check (`scam.check_text`, the action server's path, run
      offline without the semantic matcher), in a child process killed after --scam-timeout seconds;
  (b) a flood of web chat messages under a fresh id each, from one address, while --users other
      users (each at their own address) send normally: their answer times, p50 and p95;
  (c) how many of the flood's messages were admitted (answered by the bot) and how many were refused
      (rate limited, busy);
  (d) --passwords wrong passwords against one staff account on the console, from one address and
      from a fresh address each time: how many were answered by an argon2 check (counted by wrapping
      argon2's own verify), how many were refused as locked, and after how many the account locked.

Usage: .venv/bin/python bench/abuse.py [--flood 600] [--users 10] [--rounds 5] [--passwords 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakes.server import FakeServer, Recorded  # noqa: E402

from channels.app import create_app  # noqa: E402
from channels.settings import ChannelSettings  # noqa: E402
from labourbot.config import Settings  # noqa: E402

ANSWER = "好的，我來說明加班費的算法。"
FLOODER = "203.0.113.66"


class FastRasa(FakeServer):
    """Rasa's rest_parse channel answering at once (so the gateway's own limits are what is measured)."""

    def respond(self, record: Recorded) -> tuple[int, Any]:
        if record.path == "/webhooks/rest_parse/webhook":
            return 200, {"messages": [{"text": ANSWER}], "intent": {"name": "ask_overtime", "confidence": 0.9}}
        return 200, {}


def _scam_check(text: str, out: Any) -> None:
    from scam import check_text

    started = time.perf_counter()
    report = check_text(text, semantic=False)
    out.put((time.perf_counter() - started, type(report).__name__))


def measure_scam(digits: int, timeout_s: float) -> str:
    """(a): the scam check on an ad with a `digits`-digit pay figure, bounded by a child process."""
    ad = f"高薪誠徵 日領現金 月薪{'9' * digits}元 免經驗 加LINE"
    out: Any = multiprocessing.Queue()
    child = multiprocessing.Process(target=_scam_check, args=(ad, out), daemon=True)
    child.start()
    child.join(timeout_s)
    if child.is_alive():
        child.kill()
        child.join()
        return f"(a) scam check, {digits}-digit ad ({len(ad)} chars): not finished after {timeout_s:.0f} s (killed)"
    if out.empty():
        return f"(a) scam check, {digits}-digit ad: the check failed (exit code {child.exitcode})"
    seconds, kind = out.get()
    return f"(a) scam check, {digits}-digit ad ({len(ad)} chars): {seconds * 1000:.1f} ms -> {kind}"


async def send(client: httpx.AsyncClient, user: str, text: str) -> tuple[float, str]:
    started = time.perf_counter()
    response = await client.post("/chat/api/messages", json={"text": text}, headers={"X-Chat-Id": user})
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        return elapsed, f"http {response.status_code}"
    return elapsed, response.json()["messages"][0]["kind"]


async def flood(app: Any, count: int, concurrency: int) -> Counter[str]:
    """A fresh id per message from one address, `concurrency` at a time."""
    kinds: Counter[str] = Counter()
    transport = httpx.ASGITransport(app=app, client=(FLOODER, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://gw", timeout=60) as client:
        queue = iter(range(count))

        async def worker() -> None:
            for _ in queue:
                kinds[(await send(client, "w-" + uuid.uuid4().hex, "加班費怎麼算"))[1]] += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return kinds


async def normal_user(app: Any, index: int, rounds: int) -> list[tuple[float, str]]:
    """One person at their own address: a question, a pause, the next one."""
    transport = httpx.ASGITransport(app=app, client=(f"198.51.100.{index + 1}", 40000 + index))
    user = f"w-normal{index:04d}"
    results = []
    async with httpx.AsyncClient(transport=transport, base_url="http://gw", timeout=60) as client:
        for _ in range(rounds):
            results.append(await send(client, user, "特休怎麼算"))
            await asyncio.sleep(0.2)
    return results


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


async def measure_flood(args: argparse.Namespace, rasa_url: str, data_dir: Path) -> list[str]:
    settings = Settings(_env_file=None, rasa_url=rasa_url, data_dir=data_dir)
    app = create_app(settings, ChannelSettings(_env_file=None))
    async with app.router.lifespan_context(app):
        quiet = await asyncio.gather(*(normal_user(app, i, args.rounds) for i in range(args.users)))
        started = time.perf_counter()
        flooded, *busy = await asyncio.gather(
            flood(app, args.flood, args.concurrency),
            *(normal_user(app, i, args.rounds) for i in range(args.users)),
        )
        seconds = time.perf_counter() - started
    lines = []
    for label, runs in (("alone", quiet), ("during the flood", busy)):
        times = [ms for run in runs for ms, _ in run]
        kinds = Counter(kind for run in runs for _, kind in run)
        lines.append(f"(b) {args.users} normal users {label}: p50 {percentile(times, 50):.1f} ms, "
                     f"p95 {percentile(times, 95):.1f} ms, answers {dict(kinds)}")
    admitted = flooded.get("text", 0)
    lines.append(f"(c) flood: {args.flood} messages with fresh ids from one address in {seconds:.1f} s: "
                 f"{admitted} admitted, {args.flood - admitted} refused {dict(flooded)}")
    return lines


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def guess(app: Any, name: str, attempts: int, fresh_addresses: bool) -> str:
    """(d): `attempts` wrong passwords for `name`; one address, or a fresh one per attempt."""
    import argon2

    checks = 0
    verify = argon2.PasswordHasher.verify

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal checks
        checks += 1
        return verify(self, *args, **kwargs)

    argon2.PasswordHasher.verify = counted  # type: ignore[method-assign]
    statuses: Counter[int] = Counter()
    first_locked = None
    started = time.perf_counter()
    try:
        for i in range(attempts):
            peer = (f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}" if fresh_addresses else "192.0.2.50", 40000)
            transport = httpx.ASGITransport(app=app, client=peer)
            async with httpx.AsyncClient(transport=transport, base_url="https://gw") as client:
                form = await client.get("/console/login")
                token = CSRF.search(form.text).group(1)  # type: ignore[union-attr]
                before = checks
                response = await client.post("/console/login",
                                             data={"name": name, "password": f"wrong-{i}", "csrf": token})
                statuses[response.status_code] += 1
                if first_locked is None and checks == before and response.status_code == 401:
                    first_locked = i + 1
    finally:
        argon2.PasswordHasher.verify = verify  # type: ignore[method-assign]
    where = "a fresh address each" if fresh_addresses else "one address"
    return (f"(d) {attempts} wrong passwords for one account from {where}: {checks} argon2 checks, "
            f"account locked from attempt {first_locked}, answers {dict(statuses)}, "
            f"{time.perf_counter() - started:.1f} s")


async def measure_passwords(args: argparse.Namespace, rasa_url: str, data_dir: Path) -> list[str]:
    import os

    from cases.db import CaseStore
    from cases.service import add_staff_user

    os.environ.update(LABOURBOT_CONSOLE_SECRET="b" * 40)  # Secure cookies: the peers are not loopback
    os.environ.pop("LABOURBOT_CONSOLE_COOKIE_SECURE", None)
    settings = Settings(_env_file=None, rasa_url=rasa_url, data_dir=data_dir)
    app = create_app(settings, ChannelSettings(_env_file=None))
    lines = []
    async with app.router.lifespan_context(app):
        store: CaseStore = app.state.cases.store
        with store.session() as session:
            add_staff_user(session, "alice", "staff", "correct horse battery staple")
            add_staff_user(session, "bob", "staff", "correct horse battery staple")
        lines.append(await guess(app, "alice", args.passwords, fresh_addresses=False))
        lines.append(await guess(app, "bob", args.passwords, fresh_addresses=True))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--flood", type=int, default=600, help="messages in the flood (fresh id each)")
    parser.add_argument("--concurrency", type=int, default=20, help="flood messages sent at once")
    parser.add_argument("--users", type=int, default=10, help="normal users beside the flood")
    parser.add_argument("--rounds", type=int, default=5, help="messages per normal user")
    parser.add_argument("--digits", type=int, default=2000, help="digits of the scam ad's pay figure")
    parser.add_argument("--scam-timeout", type=float, default=30.0)
    parser.add_argument("--passwords", type=int, default=1000, help="wrong console passwords to try")
    args = parser.parse_args()
    args.flood = min(args.flood, 5000)  # bounded: this is a measurement, not a load test
    print(measure_scam(args.digits, args.scam_timeout), flush=True)
    rasa = FastRasa().start()
    try:
        with tempfile.TemporaryDirectory(prefix="labourbot-abuse-") as folder:
            import os

            os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'cases.db'}"
            for line in asyncio.run(measure_flood(args, rasa.url, Path(folder))):
                print(line, flush=True)
        with tempfile.TemporaryDirectory(prefix="labourbot-abuse-") as folder:
            os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'cases.db'}"
            for line in asyncio.run(measure_passwords(args, rasa.url, Path(folder))):
                print(line, flush=True)
    finally:
        rasa.stop()


if __name__ == "__main__":
    main()
