"""Cold start, resident memory and `labourbot ask` round trips against the real stack.

Starts Rasa + action server + gateway on free ports (private data folder under var/bench), then:
  * cold start: seconds from launch until all three answer their health checks;
  * round trips through the gateway with a reused HTTP client (what a channel costs);
  * round trips of the `labourbot ask` command itself (a new Python process each time);
  * resident memory (RSS, MiB) of each process after the run.
Usage: .venv/bin/python bench/ask_latency.py [--n 60] [--cli-n 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cli.client import GatewayClient  # noqa: E402
from labourbot.config import PROJECT_ROOT  # noqa: E402
from cli.serve import Stack, StackConfig  # noqa: E402

QUESTIONS = [
    "你好", "老闆都不給加班費", "特休沒休完可以換錢嗎", "我被資遣了資遣費怎麼算", "面試要先交保證金正常嗎",
    "上下班路上出車禍算職災嗎", "懷孕被公司逼退", "工讀生時薪最低多少", "勞基法第24條是什麼", "謝謝",
]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def rss_mib(pid: int) -> float:
    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--cli-n", type=int, default=10)
    args = parser.parse_args()

    stack = Stack(StackConfig.ephemeral(PROJECT_ROOT / "var" / "test-stack"))
    t0 = time.perf_counter()
    with stack:
        cold = time.perf_counter() - t0
        with GatewayClient(stack.config.gateway_url) as client:
            client.ask("暖機")
            times = []
            for i in range(args.n):
                start = time.perf_counter()
                client.ask(QUESTIONS[i % len(QUESTIONS)])
                times.append((time.perf_counter() - start) * 1000)
        env = {**os.environ, "LABOURBOT_GATEWAY_URL": stack.config.gateway_url}
        cli_times = []
        for i in range(args.cli_n):
            start = time.perf_counter()
            subprocess.run([str(PROJECT_ROOT / ".venv" / "bin" / "labourbot"), "ask", "--json",
                            QUESTIONS[i % len(QUESTIONS)]], env=env, check=True, capture_output=True)
            cli_times.append((time.perf_counter() - start) * 1000)
        memory = {s.name: rss_mib(s.process.pid) for s in stack.services if s.process}

    print(f"cold start to ready: {cold:.1f} s")
    print(f"gateway round trip (reused client, n={args.n}): p50 {pct(times, .5):.0f} ms, "
          f"p95 {pct(times, .95):.0f} ms, mean {statistics.mean(times):.0f} ms")
    print(f"`labourbot ask --json` command (n={args.cli_n}): p50 {pct(cli_times, .5):.0f} ms, "
          f"p95 {pct(cli_times, .95):.0f} ms")
    print("resident memory: " + ", ".join(f"{k} {v:.0f} MiB" for k, v in memory.items()))


if __name__ == "__main__":
    main()
