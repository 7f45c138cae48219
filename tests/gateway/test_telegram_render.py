"""Telegram rendering, recorded updates and handlers against the fake Bot API (no stack needed)."""

from __future__ import annotations

import asyncio

import pytest
from fakes.fake_telegram import FakeTelegramApi, params, visible_text
from fakes.payloads import fixture
from telegram import Update

from channels.payloads import PayloadStore
from channels.replies import BotReply, Button, OutMessage, build_reply
from channels.settings import ChannelSettings
from channels.telegram.channel import build_application
from channels.telegram.handlers import DEPS_KEY, TelegramDeps
from channels.telegram.processor import PerChatUpdateProcessor, chat_key
from channels.telegram.render import render, split_plain

TOKEN = "7000001:AAUnitTestToken"


def test_kb_answer_is_html_with_title_citations_and_an_inline_keyboard():
    reply = build_reply(fixture("rasa/kb_answer.json"), "ask_overtime", 0.9)
    [message] = render(reply, PayloadStore(64))
    assert message.html.startswith("<b>休息日加班費怎麼算？</b>")
    assert "📖 <b>法源依據</b>\n・勞動基準法第24條\n・勞動基準法第36條" in message.html
    assert message.html.count("勞動基準法第36條") == 1, "the 依據 line is not repeated"
    rows = message.keyboard.inline_keyboard
    assert [r[0].text for r in rows[:3]] == [
        "看法條原文：勞動基準法第24條",
        "看法條原文：勞動基準法第36條",
        "找真人",
    ]
    assert rows[-1][0].text == "有幫助"
    assert all(len(k.callback_data.encode()) <= 64 for row in rows for k in row)


def test_everything_from_the_bot_is_html_escaped():
    reply = BotReply(
        messages=[
            OutMessage(
                '<script>alert("x")</script> & <b>粗體</b>',
                kind="kb_answer",
                title="<i>標題</i>",
                citations=["勞動基準法第24條"],
            )
        ]
    )
    [message] = render(reply, PayloadStore(64))
    assert "<script>" not in message.html and "&lt;script&gt;" in message.html
    assert "&lt;i&gt;標題&lt;/i&gt;" in message.html and "&amp;" in message.html


def test_long_callback_payloads_use_short_ids_that_resolve():
    payloads = PayloadStore(64)
    long_payload = '/kb_entry{"entry_id": "termination-severance-calculation-for-part-time"}'
    reply = BotReply(
        messages=[
            OutMessage(
                "選一個：", buttons=[Button("資遣費怎麼算", long_payload), Button("找真人", "/request_human")]
            )
        ]
    )
    [message] = render(reply, payloads)
    data = [row[0].callback_data for row in message.keyboard.inline_keyboard]
    assert data[1] == "/request_human"
    assert data[0] != long_payload and payloads.unpack(data[0]) == long_payload


def test_a_long_answer_is_split_and_the_keyboard_is_under_the_last_piece():
    text = "\n\n".join(["勞工請假規則規定了各種假別。" * 40] * 12)
    reply = BotReply(messages=[OutMessage(text, buttons=[Button("找真人", "/request_human")])])
    pieces = render(reply, PayloadStore(64))
    assert len(pieces) >= 2
    assert all(len(visible_text(p.html)) <= 4096 for p in pieces)
    assert [p.keyboard is not None for p in pieces] == [False] * (len(pieces) - 1) + [True]
    assert split_plain("短訊息") == ["短訊息"]


def test_recorded_updates_parse_and_are_keyed_by_chat():
    bot = build_application(ChannelSettings(telegram_bot_token=TOKEN), webhook=True).bot
    text = Update.de_json(fixture("telegram/text_message.json"), bot)
    button = Update.de_json(fixture("telegram/callback_query.json"), bot)
    assert text.effective_message.text == "休息日加班費怎麼算"
    assert button.callback_query.data == "/request_human"
    assert chat_key(text) == chat_key(button) == "chat:5123456789"


async def test_per_chat_processor_keeps_order_within_a_chat():
    processor = PerChatUpdateProcessor(16)
    bot = build_application(ChannelSettings(telegram_bot_token=TOKEN), webhook=True).bot
    first = Update.de_json(fixture("telegram/text_message.json"), bot)
    second = Update.de_json(fixture("telegram/callback_query.json"), bot)
    log: list[str] = []

    async def work(name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        log.append(name)

    await asyncio.gather(
        processor.process_update(first, work("first", 0.1)),
        processor.process_update(second, work("second", 0.0)),
    )
    assert log == ["first", "second"]


class RecordingConversations:
    def __init__(self) -> None:
        from channels.labels import ConversationLanguages

        self.languages = ConversationLanguages()  # what the service knows of each sender's language
        self.asked: list[str] = []

    async def handle(self, message):
        self.asked.append(message.text)
        return build_reply(fixture("rasa/greet.json"), "greet", 1.0)


@pytest.fixture()
def application():
    server = FakeTelegramApi(TOKEN).start()
    settings = ChannelSettings(telegram_bot_token=TOKEN, telegram_api_base=server.url)
    app = build_application(settings, webhook=True)
    conversations = RecordingConversations()
    app.bot_data[DEPS_KEY] = TelegramDeps(conversations, PayloadStore(64))  # type: ignore[arg-type]
    yield app, server, conversations
    server.stop()


async def _process(app, update: dict) -> None:
    async with app:
        await app.process_update(Update.de_json(update, app.bot))


async def test_media_get_canned_replies_without_asking_the_bot(application):
    app, server, conversations = application
    async with app:
        for update in fixture("telegram/media_messages.json"):
            await app.process_update(Update.de_json(update, app.bot))
    sent = [params(r) for r in server.matching(lambda r: r.path.endswith("/sendMessage"))]
    assert conversations.asked == []
    assert ["貼圖" in s["text"] for s in sent] == [True, False, False, False]
    assert "圖片" in sent[1]["text"] and "1955" in sent[2]["text"] and "工作" in sent[3]["text"]


async def test_start_help_human_and_a_pressed_button(application):
    app, server, conversations = application
    chat = fixture("telegram/start_command.json")
    async with app:
        await app.process_update(Update.de_json(chat, app.bot))
        help_update = fixture("telegram/start_command.json")
        help_update["message"]["text"] = "/help"
        help_update["message"]["entities"][0]["length"] = 5
        await app.process_update(Update.de_json(help_update, app.bot))
        human_update = fixture("telegram/start_command.json")
        human_update["message"]["text"] = "/human"
        await app.process_update(Update.de_json(human_update, app.bot))
        await app.process_update(Update.de_json(fixture("telegram/callback_query.json"), app.bot))
    assert conversations.asked == ["/greet", "/request_human", "/request_human"]
    sent = [params(r) for r in server.matching(lambda r: r.path.endswith("/sendMessage"))]
    assert "歡迎" in sent[0]["text"]
    assert sent[1]["reply_markup"]["inline_keyboard"][0][0]["text"] == "加班費"
    help_text = next(s["text"] for s in sent if "指令" in s["text"])
    assert "/start" in help_text and "/human" in help_text
    assert len(sent[2]["reply_markup"]["inline_keyboard"]) >= 6, "help offers the topic buttons"
    assert server.matching(lambda r: r.path.endswith("/answerCallbackQuery"))


async def test_a_forgotten_short_id_asks_the_user_to_type(application):
    app, server, conversations = application
    update = fixture("telegram/callback_query.json")
    update["callback_query"]["data"] = "~p0123456789abcdef"
    await _process(app, update)
    assert conversations.asked == []
    [sent] = [params(r) for r in server.matching(lambda r: r.path.endswith("/sendMessage"))]
    assert "失效" in sent["text"]
