"""kill -9 of each process in the middle of LINE traffic, with numbers: accepted, answered, told to retry,
lost, answered twice, and how long until the process answered again.

Starts the fake LINE/Telegram APIs and the real stack (var/faults). Per scenario, 40 LINE users each send
one message (about 8 per second); after 2 s the named process gets SIGKILL and is restarted at once.
A message is *accepted* when the webhook answered 200; it is *answered* when the fake LINE API accepted a
reply or push for it; *told to retry* when that answer carries the retry hint. *Accepted but lost* should
be 0 in every scenario: the gateway stores each event before its 200 (webhook inbox), and when it is the
one killed, the restarted gateway answers what it had taken at once (the dead process's leases are
freed on start), within the 60 s this bench waits. Bounded (< 5 minutes).
Usage: .venv/bin/python bench/faults.py [--users 40]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakes.fake_line import FakeLineApi, accepted_for  # noqa: E402
from fakes.fake_telegram import FakeTelegramApi  # noqa: E402
from fakes.payloads import line_body, line_event, line_user, sign  # noqa: E402
from fakes.plugin import channel_env  # noqa: E402
from fakes.secrets import LINE_SECRET, LINE_TOKEN, TELEGRAM_TOKEN  # noqa: E402

from cli.serve import Stack, StackConfig  # noqa: E402

DATA = ROOT / "var" / "faults"
RETRY_HINT = "請過一會兒再傳一次"
QUESTIONS = ["休息日加班費怎麼算", "特休沒休完可以換錢嗎", "資遣費怎麼算", "工讀生時薪最低多少"]


def prepare() -> None:
    if DATA.exists():
        shutil.rmtree(DATA)
    DATA.mkdir(parents=True)
    for name in ("laws", "index"):
        shutil.copytree(ROOT / "var" / "test-stack" / name, DATA / name)


def texts(record) -> str:  # type: ignore[no-untyped-def]
    return " ".join(m.get("text") or m.get("altText") or "" for m in record.json()["messages"])


def scenario(stack: Stack, line: FakeLineApi, victim: str, users: int) -> str:
    sent: list[tuple[str, str, int]] = []
    recovered: list[float] = []

    def killer() -> None:
        time.sleep(2.0)
        service = stack.service(victim)
        stack.stop_service(service, timeout_s=5, sig=signal.SIGKILL)
        killed = time.monotonic()
        stack.start_service(service)
        stack.wait_ready(timeout_s=120, names=(victim,))
        recovered.append(time.monotonic() - killed)

    thread = threading.Thread(target=killer)
    thread.start()
    with httpx.Client(base_url=stack.config.gateway_url, timeout=10) as client:
        for i in range(users):
            user, token = line_user(), "f-" + uuid.uuid4().hex
            body = line_body(line_event(user, QUESTIONS[i % len(QUESTIONS)], reply_token=token))
            try:
                status = client.post("/webhooks/line", content=body,
                                     headers={"X-Line-Signature": sign(body, LINE_SECRET)}).status_code
            except httpx.HTTPError:
                status = 0
            sent.append((user, token, status))
            time.sleep(0.125)
    thread.join()
    deadline = time.monotonic() + 60
    accepted = [(u, t) for u, t, s in sent if s == 200]
    while time.monotonic() < deadline and not all(line.matching(accepted_for(u, t)) for u, t in accepted):
        time.sleep(0.5)
    time.sleep(2)
    answers = {(u, t): line.matching(accepted_for(u, t)) for u, t in accepted}
    answered = [k for k, v in answers.items() if v]
    retry = [k for k, v in answers.items() if any(RETRY_HINT in texts(r) for r in v)]
    twice = [k for k, v in answers.items() if len(v) > 1]
    return (f"kill -9 {victim:<8}: {len(sent)} sent, {len(accepted)} accepted (200), "
            f"{len(sent) - len(accepted)} refused while down, {len(answered)} answered "
            f"({len(retry)} with the retry hint), {len(accepted) - len(answered)} accepted but lost, "
            f"{len(twice)} answered twice; back in {recovered[0] if recovered else float('nan'):.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=40)
    args = parser.parse_args()
    prepare()
    line, telegram = FakeLineApi(LINE_TOKEN).start(), FakeTelegramApi(TELEGRAM_TOKEN).start()
    stack = Stack(StackConfig.ephemeral(DATA, extra_env=channel_env(line.url, telegram.url)))
    lines = []
    try:
        with stack:
            with httpx.Client(base_url=stack.config.gateway_url, timeout=60) as client:
                client.post("/api/messages", json={"user": "warm", "text": "加班費怎麼算"})
            for victim in ("actions", "rasa", "gateway"):
                lines.append(scenario(stack, line, victim, args.users))
                print(lines[-1], flush=True)
    finally:
        line.stop()
        telegram.stop()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
