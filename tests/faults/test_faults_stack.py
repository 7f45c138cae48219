"""Faults in the middle of traffic, on a private real stack (its own fakes, ports and data folder):
kill -9 of the action server, of the Rasa server and of the gateway; chat platforms answering 500 or
not answering in time. Afterwards every accepted message was answered, or the user was told to send it
again (UNAVAILABLE_REPLY, with a "再試一次" button), and nothing was sent twice. Messages the gateway had
accepted (200) when it was killed are answered after its restart, from the webhook inbox.
"""

from __future__ import annotations

import shutil
import signal
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterator

import httpx
import pytest
from fakes.fake_line import PUSH, REPLY, FakeLineApi, accepted_for
from fakes.fake_telegram import FakeTelegramApi, params, sends_to
from fakes.payloads import line_body, line_event, line_user, sign, telegram_chat, telegram_text
from fakes.plugin import channel_env
from fakes.secrets import LINE_SECRET, LINE_TOKEN, TELEGRAM_SECRET, TELEGRAM_TOKEN
from fakes.server import Recorded

from channels.conversation import UNAVAILABLE_REPLY
from labourbot.config import PROJECT_ROOT

pytestmark = pytest.mark.e2e

DATA = PROJECT_ROOT / "var" / "test-faults"
RETRY_HINT = "請過一會兒再傳一次"
INBOX_LEASE_S = 10  # a killed gateway's inbox rows are replayed this long after they were taken


class Stalling:
    """Mixin for the fakes: hold matching requests `seconds` (other requests go on), then fail them.

    (FakeLineApi's own `stall_next` holds a request and then handles it normally: a different fault.)"""

    def stall_then_fail(self, seconds: float, when: Callable[[Recorded], bool], status: int = 500) -> None:
        self._held = getattr(self, "_held", []) + [(when, seconds, status)]

    def respond(self, r: Recorded) -> tuple[int, Any]:
        for i, (when, seconds, status) in enumerate(getattr(self, "_held", [])):
            if when(r):
                del self._held[i]
                self._cond.wait(seconds)  # releases the fake's lock while waiting
                return status, self.error_body(status)
        return super().respond(r)  # type: ignore[misc]


class SlowLine(Stalling, FakeLineApi):
    pass


class SlowTelegram(Stalling, FakeTelegramApi):
    pass


@pytest.fixture(scope="module")
def faults(stack) -> Iterator[Any]:
    """A private stack (the session `stack` prepared the knowledge base it copies)."""
    from cli.serve import Stack, StackConfig

    if DATA.exists():
        shutil.rmtree(DATA)
    DATA.mkdir(parents=True)
    for name in ("laws", "index"):
        shutil.copytree(stack.config.data_dir / name, DATA / name)
    line, telegram = SlowLine(LINE_TOKEN).start(), SlowTelegram(TELEGRAM_TOKEN).start()
    env = {**channel_env(line.url, telegram.url), "LABOURBOT_INBOX_LEASE_S": str(INBOX_LEASE_S)}
    private = Stack(StackConfig.ephemeral(DATA, extra_env=env))
    private.line, private.telegram = line, telegram  # type: ignore[attr-defined]
    with private:
        private.client = httpx.Client(base_url=private.config.gateway_url, timeout=60)  # type: ignore[attr-defined]
        wait_telegram(private.client)
        yield private
        private.client.close()
    line.stop()
    telegram.stop()


def wait_telegram(client: httpx.Client) -> None:
    deadline = time.monotonic() + 30
    while client.post("/webhooks/telegram", content=b"{}",
                      headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}).status_code == 503:
        assert time.monotonic() < deadline, "Telegram channel did not start"
        time.sleep(0.2)


def kill9(stack, name: str) -> None:
    stack.stop_service(stack.service(name), timeout_s=5, sig=signal.SIGKILL)


def restart(stack, name: str) -> None:
    stack.start_service(stack.service(name))
    stack.wait_ready(timeout_s=120, names=(name,))


def line_send(stack, text: str, user: str | None = None, token: str | None = None) -> tuple[str, str]:
    user, token = user or line_user(), token or "f-" + uuid.uuid4().hex
    body = line_body(line_event(user, text, reply_token=token))
    response = stack.client.post("/webhooks/line", content=body, headers={"X-Line-Signature": sign(body, LINE_SECRET)})
    assert response.status_code == 200
    return user, token


def line_texts(record: Recorded) -> str:
    return " ".join(m.get("text") or m.get("altText") or "" for m in record.json()["messages"])


def rest(stack, user: str, text: str) -> dict:
    response = stack.client.post("/api/messages", json={"user": user, "text": text})
    assert response.status_code == 200, response.text
    return response.json()


def test_action_server_killed_mid_traffic_every_message_is_answered_or_told_to_retry(faults):
    questions = ["休息日加班費怎麼算", "特休沒休完可以換錢嗎", "資遣費怎麼算", "工讀生時薪最低多少"] * 2
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(rest, faults, f"f-act-{i}", q) for i, q in enumerate(questions)]
        time.sleep(0.3)
        kill9(faults, "actions")
        answers = [f.result() for f in futures]
    for answer in answers:
        assert answer["messages"] and answer["text"].strip(), "never silent"
    during = rest(faults, "f-act-during", "休息日加班費怎麼算")
    assert during["messages"] and during["text"].strip()
    restart(faults, "actions")
    after = rest(faults, "f-act-after", "休息日加班費怎麼算")
    assert after["intent"] == "ask_overtime" and RETRY_HINT not in after["text"]
    assert after["citations"], "the knowledge-base answer is back"


def test_rasa_killed_mid_traffic_users_get_a_retry_hint_then_answers(faults):
    line, telegram = faults.line, faults.telegram
    sent = [line_send(faults, q) for q in ("休息日加班費怎麼算", "特休怎麼算", "資遣費怎麼算")]
    kill9(faults, "rasa")
    down = [line_send(faults, q) for q in ("加班費", "特休")]
    chat = telegram_chat()
    assert faults.client.post("/webhooks/telegram", json=telegram_text(chat, "加班費怎麼算"),
                              headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}).status_code == 200
    rest_answer = rest(faults, "f-rasa-down", "加班費怎麼算")
    assert rest_answer["text"] == UNAVAILABLE_REPLY and rest_answer["buttons"] == ["再試一次"]
    for user, token in sent + down:
        [first] = line.wait_for(accepted_for(user, token), timeout=45)[:1]
        assert line_texts(first).strip()
    for user, token in down:
        assert RETRY_HINT in " ".join(line_texts(r) for r in line.matching(accepted_for(user, token)))
    assert RETRY_HINT in str(params(telegram.wait_for(sends_to(chat), timeout=45)[0]).get("text"))
    restart(faults, "rasa")
    again = rest(faults, "f-rasa-down", "加班費怎麼算")
    assert again["intent"] == "ask_overtime"
    for user, token in sent + down:
        assert len(line.quiet_for(accepted_for(user, token), 0)) == 1, "nothing sent twice"


def telegram_send(stack, chat: int, text: str) -> None:
    response = stack.client.post("/webhooks/telegram", json=telegram_text(chat, text),
                                 headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    assert response.status_code == 200


def test_gateway_killed_mid_traffic_restarts_and_never_answers_twice(faults):
    """Every message accepted (200) before the kill -9 is answered exactly once after the restart."""
    line, telegram = faults.line, faults.telegram
    # In flight for sure: their answers are held by the fakes until the gateway is dead.
    stalled = [(line_user(), "f-" + uuid.uuid4().hex) for _ in range(3)]
    for user, token in stalled:
        line.stall_then_fail(15.0, when=lambda r, t=token: r.path == REPLY and t in r.body.decode())
    chats = [telegram_chat() for _ in range(2)]
    for chat in chats:
        telegram.stall_then_fail(15.0, when=lambda r, c=chat: r.path.endswith("/sendMessage")
                            and str(c) in r.body.decode())
    before = [line_send(faults, "特休怎麼算", user, token) for user, token in stalled]
    for chat in chats:
        telegram_send(faults, chat, "/help")
    time.sleep(1.0)  # the stalled answers are on their way to the fakes
    before += [line_send(faults, "特休怎麼算") for _ in range(3)]  # still with Rasa when the gateway dies
    kill9(faults, "gateway")
    assert all(line.matching(accepted_for(user, token)) == [] for user, token in stalled), "killed in flight"
    assert all(telegram.sent_to(chat) == [] for chat in chats)
    restart(faults, "gateway")
    wait_telegram(faults.client)
    after = [line_send(faults, "特休怎麼算") for _ in range(3)]
    late_chat = telegram_chat()
    telegram_send(faults, late_chat, "/help")
    deadline = time.monotonic() + 60
    for user, token in before + after:
        line.wait_for(accepted_for(user, token), timeout=max(1.0, deadline - time.monotonic()))
    for chat in chats + [late_chat]:
        telegram.wait_for(sends_to(chat), timeout=max(1.0, deadline - time.monotonic()))
    time.sleep(2 + INBOX_LEASE_S / 3)  # a lease beat later: nothing is replayed again
    for user, token in before + after:
        assert len(line.matching(accepted_for(user, token))) == 1, "answered exactly once"
    one_answer = [p.get("text") for p in telegram.sent_to(late_chat)]
    for chat in chats:
        assert [p.get("text") for p in telegram.sent_to(chat)] == one_answer, "answered exactly once"


def test_line_reply_500_falls_back_to_one_push(faults):
    line = faults.line
    line.fail_next(500, when=lambda r: r.path == REPLY)
    user, token = line_send(faults, "加班費怎麼算")
    [first] = line.wait_for(accepted_for(user, token), timeout=45)
    assert first.path == PUSH
    assert len(line.quiet_for(accepted_for(user, token), 2.0)) == 1


def test_line_reply_timing_out_falls_back_to_push_and_the_user_is_answered(faults):
    line = faults.line
    line.stall_then_fail(11.0, when=lambda r: r.path == REPLY)  # the gateway gives up after 10 s
    user, token = line_send(faults, "加班費怎麼算")
    [first] = line.wait_for(accepted_for(user, token), timeout=45)
    assert first.path == PUSH and line_texts(first).strip()


def test_telegram_send_500_is_retried_and_the_answer_sent_once(faults):
    telegram = faults.telegram
    chat = telegram_chat()
    telegram.fail_next(500, when=lambda r: r.path.endswith("/sendMessage") and str(chat) in r.body.decode())
    assert faults.client.post("/webhooks/telegram", json=telegram_text(chat, "/help"),
                              headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}).status_code == 200
    telegram.wait_for(sends_to(chat), timeout=45)
    texts = [p.get("text") for p in telegram.sent_to(chat)]
    time.sleep(1.5)
    texts = [p.get("text") for p in telegram.sent_to(chat)]
    assert len(texts) == len(set(texts)), "no message sent twice"


def test_telegram_send_timing_out_is_retried(faults):
    telegram = faults.telegram
    chat = telegram_chat()
    telegram.stall_then_fail(16.0, when=lambda r: r.path.endswith("/sendMessage") and str(chat) in r.body.decode())
    assert faults.client.post("/webhooks/telegram", json=telegram_text(chat, "/help"),
                              headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}).status_code == 200
    telegram.wait_for(sends_to(chat), timeout=50)
