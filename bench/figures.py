"""How long the analytics page and `labourbot stats --json` take over many conversations (SQLite).

Builds synthetic message events (no text: what figures/record.py writes) and cases in a fresh SQLite file:
`--conversations` conversations (default 100,000) of 2-8 messages each over the last 90 days, on four
channels, with KB answers, "did you mean", calculators, job search, scam checks, quiz rounds, feedback taps
and handoffs (5% of conversations, each a case with staff replies); then times, over the last 90 days:
  * page: compute + public figures + the page's HTML + its five SVG plots (what one visit costs);
  * stats --json: the command in a subprocess (start-up included).
The same for a 10x smaller baseline (`--baseline`, default 10,000) in the same run, and the ratio.
Usage: .venv/bin/python bench/figures.py [--conversations 100000] [--baseline 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from sqlalchemy import insert  # noqa: E402

from cases.config import CaseSettings  # noqa: E402
from cases.db import CaseStore  # noqa: E402
from cases.models import Case, CaseMessage  # noqa: E402
from figures.compute import compute, last_days  # noqa: E402
from figures.models import MessageEvent  # noqa: E402
from labourbot.topics import TOPICS  # noqa: E402

CHANNELS = (("line", 0.55), ("web", 0.3), ("telegram", 0.1), ("rest", 0.05))
KINDS = (("kb_answer", 0.45), ("did_you_mean", 0.12), ("not_answered", 0.05), ("calculator", 0.08),
         ("job_search", 0.05), ("scam_check", 0.03), ("menu", 0.1), ("chitchat", 0.07), ("feedback", 0.05))
ENTRIES = [f"entry-{i:03d}" for i in range(120)]
QUESTIONS = [f"q{i:02d}" for i in range(1, 21)]


def pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def build(store: CaseStore, conversations: int, seed: int = 7) -> int:
    """Write the synthetic data; returns how many message events."""
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    events: list[dict[str, Any]] = []
    cases: list[tuple[datetime, str, str, float]] = []
    written = 0

    def flush() -> None:
        nonlocal written
        if events:
            with store.session() as session:
                session.execute(insert(MessageEvent), events)
            written += len(events)
            events.clear()

    for n in range(conversations):
        who = f"{n:032x}"
        channel = pick(rng, CHANNELS)
        at = now - timedelta(days=rng.uniform(0, 89.5))
        topic = rng.choice(TOPICS)
        quiz = channel == "web" and rng.random() < 0.15
        for i in range(rng.randint(2, 8)):
            at += timedelta(seconds=rng.uniform(5, 120))
            row: dict[str, Any] = {"at": at, "channel": channel, "conversation": who, "topic": topic, "intent": "",
                                   "language": "zh", "entry_id": None, "case_id": None, "detail": None}
            if quiz:
                row["kind"] = "quiz"
                row["detail"] = {"start": True} if i == 0 else {"question": rng.choice(QUESTIONS),
                                                                "correct": rng.random() < 0.7}
            else:
                row["kind"] = pick(rng, KINDS)
                if row["kind"] in ("kb_answer", "feedback"):
                    row["entry_id"] = rng.choice(ENTRIES)
                if row["kind"] == "feedback":
                    row["detail"] = {"helpful": rng.random() < 0.8}
            events.append(row)
        if quiz:
            events.append({**events[-1], "detail": {"finished": True, "score": rng.randint(3, 10), "answered": 10}})
        elif rng.random() < 0.05:
            events.append({**events[-1], "kind": "handoff", "entry_id": None, "detail": None})
            cases.append((at, channel, who, rng.uniform(2, 600)))
        if len(events) >= 20_000:
            flush()
    flush()
    with store.session() as session:
        for i, (at, channel, who, minutes) in enumerate(cases):
            case = Case(channel=channel, channel_user=who, sender=f"{channel}:{who}", created_at=at,
                        priority="high" if i % 20 == 0 else "normal", status="closed",
                        closed_at=at + timedelta(minutes=minutes * 3))
            session.add(case)
            session.flush()
            session.add_all([CaseMessage(case_id=case.id, part="thread", author="staff", text="-",
                                         created_at=at + timedelta(minutes=minutes))])
    return written


def time_page(store: CaseStore, since: Any, until: Any) -> float:
    from channels.console import routes
    from figures.plots import CHANNEL_LABELS, OUTCOME_LABELS, PLOTS, drawable

    started = time.perf_counter()
    with store.read() as session:
        public = compute(session, since, until).public()
    routes._env.get_template("analytics.html").render(
        request=None, texts=None, viewer=None, f=public, query="", preset="90", presets={}, error=None,
        since=str(since), until=str(until), topics={}, channels=CHANNEL_LABELS, outcomes=OUTCOME_LABELS,
        services={"calculator": "", "job_search": "", "scam_check": "", "quiz": ""}, priorities={},
        pct=lambda v: "" if v is None else f"{v:.1%}", feedback_top=public["feedback"][:15],
        feedback_rest=public["feedback"][15:], drawable=drawable(public))
    for draw in PLOTS.values():
        draw(public)
    return time.perf_counter() - started


def time_stats(url: str, data_dir: Path, since: Any, until: Any) -> float:
    env = {**os.environ, "DATABASE_URL": url, "LABOURBOT_DATA_DIR": str(data_dir)}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "cli.main", "stats", "--json", "--since", str(since),
                             "--until", str(until)], capture_output=True, text=True, cwd=ROOT, env=env)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"stats failed: {result.stderr}")
    return elapsed


def run(conversations: int, folder: Path) -> dict[str, float]:
    url = f"sqlite:///{folder / 'cases.db'}"
    store = CaseStore(CaseSettings(_env_file=None, database_url=url, data_dir=folder))  # type: ignore[call-arg]
    store.ensure_schema()
    started = time.perf_counter()
    events = build(store, conversations)
    built = time.perf_counter() - started
    since, until = last_days(90)
    time_page(store, since, until)  # warm: imports, matplotlib's font cache
    page = min(time_page(store, since, until) for _ in range(3))
    stats = min(time_stats(url, folder, since, until) for _ in range(2))
    store.dispose()
    size = (folder / "cases.db").stat().st_size / 2**20
    print(f"{conversations:>7} conversations, {events:>7} events, db {size:.0f} MiB, built in {built:.1f} s: "
          f"page {page:.2f} s, stats --json {stats:.2f} s", flush=True)
    return {"page": page, "stats": stats}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="figures-bench-") as tmp:
        root = args.keep or Path(tmp)
        results = {}
        for size in (args.baseline, args.conversations):
            folder = root / str(size)
            folder.mkdir(parents=True, exist_ok=True)
            results[size] = run(size, folder)
    base, big = results[args.baseline], results[args.conversations]
    print(f"ratio {args.conversations // args.baseline}x conversations: page {big['page'] / base['page']:.1f}x, "
          f"stats --json {big['stats'] / base['stats']:.1f}x")


if __name__ == "__main__":
    main()
