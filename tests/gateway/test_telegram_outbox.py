"""The case outbox's Telegram sender against the fake Bot API: staff replies and alerts are rendered like
bot replies (HTML escaped, split below Telegram's limit, long button payloads as short ids), and every
way Telegram fails maps to a DeliveryError the outbox worker can act on (retry later, or give up)."""

from __future__ import annotations

import uuid

import pytest
from fakes.fake_telegram import params, visible_text
from fakes.payloads import telegram_chat
from fakes.secrets import TELEGRAM_TOKEN
from telegram import Bot
from telegram.request import HTTPXRequest

from cases.outbox import DeliveryError, Outgoing
from channels.payloads import PayloadStore
from channels.settings import ChannelSettings
from channels.telegram.bot import make_bot
from channels.telegram.outbox import TelegramOutboxSender
from channels.telegram.render import MAX_CALLBACK_BYTES

LONG_PAYLOAD = '/choose_topic{"topic": "severance_and_termination_of_labour_contracts"}'
STAFF_REPLY = "<同仁回覆> 您好，關於資遣費：" + "依勞動基準法第17條及勞工退休金條例第12條，資遣費依工作年資計算。" * 160


def outgoing(chat: int, text: str = "您好，您的案件已由同仁處理。",
             buttons: tuple[tuple[str, str], ...] = ()) -> Outgoing:
    return Outgoing("telegram", str(chat), text, buttons, uuid.uuid4().hex)


@pytest.fixture()
async def sender(telegram_api):
    settings = ChannelSettings(_env_file=None, telegram_bot_token=TELEGRAM_TOKEN,
                               telegram_api_base=telegram_api.url)
    sender = TelegramOutboxSender(make_bot(settings), PayloadStore(MAX_CALLBACK_BYTES))
    yield sender
    await sender.close()


async def test_a_long_chinese_reply_with_a_long_button_payload_is_delivered_in_pieces(sender, telegram_api):
    chat = telegram_chat()
    await sender.send(outgoing(chat, STAFF_REPLY, (("看資遣費怎麼算", LONG_PAYLOAD),)))
    sent = telegram_api.sent_to(chat)
    assert len(sent) >= 2, "longer than one Telegram message: split"
    assert all(p["parse_mode"] == "HTML" and len(visible_text(p["text"])) <= 4096 for p in sent)
    assert sent[0]["text"].startswith("&lt;同仁回覆&gt;"), "HTML escaped"
    assert "".join(visible_text(p["text"]) for p in sent) == STAFF_REPLY, "nothing clipped"
    assert [("reply_markup" in p) for p in sent] == [False] * (len(sent) - 1) + [True]
    [[key]] = sent[-1]["reply_markup"]["inline_keyboard"]
    assert key["text"] == "看資遣費怎麼算"
    assert len(key["callback_data"].encode()) <= 64
    assert await sender.payloads.unpack_async(key["callback_data"]) == LONG_PAYLOAD


async def test_it_sends_telegram_only(sender):
    assert sender.can_send("telegram") and not sender.can_send("line")
    with pytest.raises(DeliveryError) as refused:
        await sender.send(Outgoing("line", "U123", "您好", (), "k"))
    assert not refused.value.retriable


@pytest.mark.parametrize(("status", "retry_after", "retriable", "reason"), [
    (429, 60, True, "RetryAfter"),
    (500, None, True, "NetworkError"),
    (403, None, False, "Forbidden"),
    (400, None, False, "BadRequest"),
])
async def test_telegram_failures_map_to_retriable_or_final_delivery_errors(
    sender, telegram_api, status, retry_after, retriable, reason
):
    chat = telegram_chat()
    telegram_api.refuse_sends(status, retry_after=retry_after)
    with pytest.raises(DeliveryError) as failed:
        await sender.send(outgoing(chat))
    assert failed.value.retriable is retriable
    assert reason in failed.value.reason
    sends = telegram_api.matching(lambda r: r.path.endswith("/sendMessage"))
    assert [int(params(r)["chat_id"]) for r in sends] == [chat], "one attempt: the worker owns the retries"


async def test_a_send_that_times_out_is_retriable(telegram_api):
    request = HTTPXRequest(connect_timeout=2.0, read_timeout=0.3)
    bot = Bot(TELEGRAM_TOKEN, base_url=f"{telegram_api.url}/bot", request=request)
    sender = TelegramOutboxSender(bot, PayloadStore(MAX_CALLBACK_BYTES))
    telegram_api.stall_sends(1.5)
    try:
        with pytest.raises(DeliveryError) as failed:
            await sender.send(outgoing(telegram_chat()))
    finally:
        telegram_api.accept_sends()
        await sender.close()
    assert failed.value.retriable and "TimedOut" in failed.value.reason


async def test_a_refused_token_is_retriable_and_never_written_down(telegram_api):
    wrong = "7000001:AAWrongTokenForTheLabourbotTests_99"
    sender = TelegramOutboxSender(Bot(wrong, base_url=f"{telegram_api.url}/bot"), PayloadStore(64))
    try:
        with pytest.raises(DeliveryError) as failed:
            await sender.send(outgoing(telegram_chat()))
    finally:
        await sender.close()
    assert failed.value.retriable, "the configuration can be fixed: the row waits"
    assert "InvalidToken" in failed.value.reason and wrong not in failed.value.reason
