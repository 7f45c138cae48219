"""Webhook-to-outgoing-call latency of the LINE and Telegram channels, through the fake platform APIs.

Starts the fake LINE and Telegram APIs (threads of this process) and the real stack (Rasa server, action
server, gateway on free ports, data in var/test-stack) with the gateway pointed at the fakes. Then, per
channel:
  * ack: time until the webhook POST is answered (the gateway answers before doing the work);
  * out: time from sending the webhook until the fake API receives the first outgoing call (reply / push
    or sendMessage), i.e. what a user waits for, minus the platform's own network time;
  * burst: the same with `--users` users writing at the same moment (they are served in parallel).
Usage: .venv/bin/python bench/channel_latency.py [--n 40] [--users 8]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakes.fake_line import FakeLineApi, accepted_for  # noqa: E402
from fakes.fake_telegram import FakeTelegramApi, sends_to  # noqa: E402
from fakes.payloads import line_body, line_event, line_user, sign, telegram_chat, telegram_text  # noqa: E402
from fakes.plugin import channel_env  # noqa: E402
from fakes.secrets import LINE_SECRET, LINE_TOKEN, TELEGRAM_SECRET, TELEGRAM_TOKEN  # noqa: E402

from cli.serve import Stack, StackConfig  # noqa: E402

QUESTIONS = [
    "你好",
    "休息日加班費怎麼算",
    "特休沒休完可以換錢嗎",
    "我被資遣了資遣費怎麼算",
    "面試要先交保證金正常嗎",
    "上下班路上出車禍算職災嗎",
    "工讀生時薪最低多少",
    "勞基法第24條是什麼",
    "/request_human",
    "謝謝",
]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def line_once(client: httpx.Client, fake: FakeLineApi, text: str) -> tuple[float, float]:
    user, token = line_user(), "bench-" + line_user()
    body = line_body(line_event(user, text, reply_token=token))
    start = time.perf_counter()
    response = client.post(
        "/webhooks/line", content=body, headers={"X-Line-Signature": sign(body, LINE_SECRET)}
    )
    ack = time.perf_counter() - start
    response.raise_for_status()
    [first] = fake.wait_for(accepted_for(user, token), timeout=60)[:1]
    return ack * 1000, (first.at - start) * 1000


def telegram_once(client: httpx.Client, fake: FakeTelegramApi, text: str) -> tuple[float, float]:
    chat = telegram_chat()
    start = time.perf_counter()
    response = client.post(
        "/webhooks/telegram",
        json=telegram_text(chat, text),
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
    )
    ack = time.perf_counter() - start
    response.raise_for_status()
    first = fake.wait_for(sends_to(chat), timeout=60)[0]
    return ack * 1000, (first.at - start) * 1000


def wait_telegram_ready(client: httpx.Client) -> None:
    deadline = time.monotonic() + 30
    while (
        client.post(
            "/webhooks/telegram", content=b"{}", headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
        ).status_code
        == 503
    ):
        if time.monotonic() > deadline:
            raise SystemExit("the Telegram channel did not start")
        time.sleep(0.2)


def report(name: str, results: list[tuple[float, float]]) -> str:
    acks, outs = [r[0] for r in results], [r[1] for r in results]
    return (
        f"{name:<26} n={len(results):<3} ack p50 {pct(acks, 0.5):5.0f} ms  p95 {pct(acks, 0.95):5.0f} ms | "
        f"out p50 {pct(outs, 0.5):5.0f} ms  p95 {pct(outs, 0.95):5.0f} ms  "
        f"mean {statistics.mean(outs):5.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40, help="sequential messages per channel")
    parser.add_argument("--users", type=int, default=8, help="users writing at the same moment in the burst")
    args = parser.parse_args()

    line, telegram = FakeLineApi(LINE_TOKEN).start(), FakeTelegramApi(TELEGRAM_TOKEN).start()
    stack = Stack(
        StackConfig.ephemeral(ROOT / "var" / "test-stack", extra_env=channel_env(line.url, telegram.url))
    )
    lines = []
    try:
        with stack, httpx.Client(base_url=stack.config.gateway_url, timeout=60) as client:
            wait_telegram_ready(client)
            for warm in ("暖機", "休息日加班費怎麼算"):
                line_once(client, line, warm)
                telegram_once(client, telegram, warm)
            for name, once, fake in (("LINE", line_once, line), ("Telegram", telegram_once, telegram)):
                sequential = [once(client, fake, QUESTIONS[i % len(QUESTIONS)]) for i in range(args.n)]
                lines.append(report(f"{name} sequential", sequential))
                questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(args.users * 3)]
                with ThreadPoolExecutor(args.users) as pool:
                    burst = list(pool.map(partial(once, client, fake), questions))
                lines.append(report(f"{name} burst x{args.users} users", burst))
    finally:
        line.stop()
        telegram.stop()
    print("webhook -> first outgoing API call, through the fakes on 127.0.0.1 (real Rasa + actions):")
    for text in lines:
        print(text)


if __name__ == "__main__":
    main()
