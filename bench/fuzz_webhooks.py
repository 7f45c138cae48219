"""A short coverage-guided fuzz run (atheris) over the LINE and Telegram webhook payload parsing.

Each input is a correctly signed body (so the fuzzer gets past the signature check) going through what
the webhook handlers run: LINE's WebhookParser.parse, the webhook's own body checks and inbox rows
(channels/line/channel.py `inbox_events`: `events` entries that are not objects are a 400), the stored
event read back as a replay would (`event_from_json`) and the event dispatch (channels/line/events.py,
with a stand-in conversation); Telegram's Update.de_json + the per-chat ordering key. The exceptions the handlers turn into a 400 are expected; any other exception is a crash
(it would be a 500) and stops the run with the input saved by libFuzzer.
Usage: .venv/bin/python bench/fuzz_webhooks.py [--seconds 60]   (atheris==3.0.0)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

with atheris.instrument_imports():
    from linebot.v3 import WebhookParser
    from linebot.v3.exceptions import InvalidSignatureError
    from telegram import Bot, Update

    from channels.line.channel import event_from_json, inbox_events
    from channels.line.events import EventContext, reply_for
    from channels.payloads import PayloadStore
    from channels.replies import BotReply, OutMessage
    from channels.telegram.processor import chat_key

from fakes.payloads import FIXTURES, sign  # noqa: E402
from fakes.secrets import LINE_SECRET, TELEGRAM_TOKEN  # noqa: E402

LINE_HANDLED = (ValueError, KeyError, TypeError)  # channels/line/channel.py answers these with 400
REPLAY_HANDLED = (ValueError, KeyError, TypeError)  # LineChannel.replay marks such a stored event failed
TELEGRAM_HANDLED = (ValueError, TypeError, KeyError, AttributeError)  # channels/telegram/channel.py: 400


class Conversations:
    async def handle(self, message: object) -> BotReply:
        return BotReply(messages=[OutMessage(text="好的")])


PARSER = WebhookParser(LINE_SECRET)
BOT = Bot(TELEGRAM_TOKEN)
CONTEXT = EventContext(conversations=Conversations(), payloads=PayloadStore(max_bytes=300))  # type: ignore[arg-type]
LOOP = asyncio.new_event_loop()
COUNTS = {"line_ok": 0, "line_400": 0, "telegram_ok": 0, "telegram_400": 0}


def line_target(text: str) -> None:
    try:
        payload = PARSER.parse(text, sign(text.encode(), LINE_SECRET), as_payload=True)
    except InvalidSignatureError:
        raise AssertionError("a correctly signed body was refused")
    except LINE_HANDLED:
        COUNTS["line_400"] += 1
        return
    events = payload.events or []
    rows = inbox_events(text, events)  # what the webhook stores before its 200 (None: a 400)
    if rows is None:
        COUNTS["line_400"] += 1
        return
    COUNTS["line_ok"] += 1
    for event, row in zip(events, rows, strict=True):
        try:
            event_from_json(row.body)  # a replay after a crash reads the stored event back
        except REPLAY_HANDLED:
            pass
        try:
            LOOP.run_until_complete(reply_for(event, CONTEXT))
        except Exception as exc:  # the channel logs these and sends UNAVAILABLE_REPLY: still worth knowing
            raise AssertionError(f"reply_for raised {type(exc).__name__}") from exc


def telegram_target(text: str) -> None:
    try:
        update = Update.de_json(json.loads(text), BOT)
    except TELEGRAM_HANDLED:
        COUNTS["telegram_400"] += 1
        return
    COUNTS["telegram_ok"] += 1
    if update is not None:
        chat_key(update)


def one_input(data: bytes) -> None:
    if not data:
        return
    text = data[1:].decode("utf-8", errors="replace")
    (line_target if data[0] % 2 == 0 else telegram_target)(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    args, rest = parser.parse_known_args()
    corpus = Path(tempfile.mkdtemp(prefix="fuzz-webhooks-"))
    for i, path in enumerate(sorted(FIXTURES.glob("line/*.json"))):
        (corpus / f"line{i}").write_bytes(b"\x00" + path.read_bytes())
    for i, path in enumerate(sorted(FIXTURES.glob("telegram/*.json"))):
        (corpus / f"tg{i}").write_bytes(b"\x01" + path.read_bytes())
    import atexit

    atexit.register(lambda: print(f"fuzz inputs by outcome: {COUNTS}", flush=True))
    atheris.Setup([sys.argv[0], f"-max_total_time={args.seconds}", "-rss_limit_mb=4096", *rest, str(corpus)],
                  one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
