"""LINE rendering and event parsing on recorded payloads (no stack needed)."""

from __future__ import annotations

import asyncio
import json

import pytest
from fakes.fake_line import problems
from fakes.payloads import fixture, fixture_bytes, sign
from fakes.secrets import LINE_SECRET as SECRET
from hypothesis import given, settings
from hypothesis import strategies as st
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import ReplyMessageRequest

from channels.conversation import Incoming
from channels.line import render as line_render
from channels.line.events import EventContext, reply_for
from channels.payloads import PayloadStore
from channels.replies import BotReply, Button, OutMessage, build_reply


def rasa_reply(name: str) -> BotReply:
    return build_reply(fixture(f"rasa/{name}.json"), "ask_overtime", 0.93)


def texts_of(node) -> list[str]:
    """Every `text` of a Flex tree, in order."""
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "text" else []
        return own + [t for v in node.values() for t in texts_of(v)]
    if isinstance(node, list):
        return [t for v in node for t in texts_of(v)]
    return []


def test_signature_has_the_known_answer_and_a_wrong_one_is_refused():
    body = fixture_bytes("line/text_message.json")
    signature = sign(body, SECRET)
    assert signature == "ajkD65pwxLI0biOVHqmhEfx0dvdMNqtXQ5xfHfp1bSc="  # openssl dgst -sha256 -hmac
    parser = WebhookParser(SECRET)
    events = parser.parse(body.decode(), signature)
    assert events[0].message.text == "休息日加班費怎麼算"
    with pytest.raises(InvalidSignatureError):
        parser.parse(body.decode(), sign(body, "another-secret"))
    with pytest.raises(InvalidSignatureError):
        parser.parse(body.decode().replace("怎麼算", "怎麼辦"), signature)


def test_kb_answer_is_a_flex_bubble_with_title_citations_and_the_three_buttons():
    payloads = PayloadStore(300)
    messages = line_render.render(rasa_reply("kb_answer"), payloads)
    assert len(messages) == 1 and messages[0]["type"] == "flex"
    bubble = messages[0]["contents"]
    assert bubble["type"] == "bubble"
    header, body = texts_of(bubble["header"]), texts_of(bubble["body"])
    assert "休息日加班費怎麼算？" in header
    assert any("勞動基準法第24條" in t for t in body) and any("勞動基準法第36條" in t for t in body)
    assert not any(t.rstrip().endswith("勞動基準法第36條") and "依據：" in t for t in body), (
        "the 依據 line is shown as citations, not repeated in the answer"
    )
    footer = bubble["footer"]["contents"]
    labels = [c["action"]["label"] for c in footer if c["type"] == "button"]
    assert labels == ["看法條原文", "找真人"]
    feedback_row = footer[-1]
    assert "有幫助嗎？" in texts_of(feedback_row)
    assert feedback_row["contents"][1]["action"]["data"].startswith("/feedback")
    # Citations are tappable and open the article.
    taps = [c["action"]["data"] for c in bubble["body"]["contents"] if "action" in c]
    assert taps == [
        '/show_article{"citation": "勞動基準法第24條"}',
        '/show_article{"citation": "勞動基準法第36條"}',
    ]
    assert problems(messages) == []
    assert ReplyMessageRequest.from_dict({"replyToken": "x", "messages": messages}).messages[0].type == "flex"


def test_short_buttons_become_quick_replies_within_line_limits():
    payloads = PayloadStore(300)
    messages = line_render.render(rasa_reply("greet"), payloads)
    assert [m["type"] for m in messages] == ["text"]
    items = messages[0]["quickReply"]["items"]
    assert [i["action"]["label"] for i in items][:3] == ["加班費", "工時與休假", "特休"]
    assert all(i["action"]["type"] == "postback" and i["action"]["displayText"] for i in items)
    assert items[-1]["action"]["data"] == "/request_human"


def test_more_than_thirteen_buttons_are_cut_to_thirteen_quick_replies_with_short_labels():
    buttons = [Button(f"第{i}個很長很長很長很長很長很長的選項標題", f"選項 {i}") for i in range(20)]
    reply = BotReply(messages=[OutMessage("請選擇", buttons=buttons[:1]), OutMessage("還有", buttons=[])])
    reply.messages[1].buttons = [Button(f"選項{i}", f"選項 {i}") for i in range(20)]
    messages = line_render.render(reply, PayloadStore(300))
    items = messages[-1]["quickReply"]["items"]
    assert len(items) == 13
    assert problems(messages) == []


def test_menu_with_long_titles_is_a_flex_list_showing_every_title_in_full():
    messages = line_render.render(
        build_reply(fixture("rasa/topic_menu.json"), "choose_topic", 1.0), PayloadStore(300)
    )
    assert len(messages) == 1 and messages[0]["type"] == "flex"
    shown = texts_of(messages[0]["contents"])
    assert "老闆說我們是責任制所以沒有加班費，這樣合法嗎？" in shown
    rows = [c for c in messages[0]["contents"]["body"]["contents"] if "action" in c]
    assert [r["action"]["data"] for r in rows][-1] == "/request_human"
    assert problems(messages) == []


def test_long_payloads_travel_as_short_ids_and_come_back():
    payloads = PayloadStore(300)
    long_text = "我在餐廳打工，" * 60
    action = line_render.action_for(Button("再試一次", long_text), payloads)
    assert action["type"] == "postback" and len(action["data"]) < 30
    assert payloads.unpack(action["data"]) == long_text
    plain = line_render.action_for(Button("我想找工作", "我想找工作"), payloads)
    assert plain == {"type": "message", "label": "我想找工作", "text": "我想找工作"}


def test_a_long_answer_is_split_under_5000_characters_and_extra_messages_are_batched_by_five():
    paragraph = "依照勞動基準法的規定，雇主應該按時給付工資。" * 20
    text = "\n\n".join([paragraph] * 30)  # about 13,000 characters
    reply = BotReply(
        messages=[OutMessage(text, buttons=[Button("找真人", "/request_human")])]
        + [OutMessage(f"補充 {i}") for i in range(6)]
    )
    messages = line_render.render(reply, PayloadStore(300))
    assert all(line_render.line_len(m["text"]) <= 5000 for m in messages)
    assert "".join(m["text"] for m in messages).replace("\n", "").startswith(paragraph)
    groups = line_render.batches(messages)
    assert all(1 <= len(g) <= 5 for g in groups)
    assert sum(len(g) for g in groups) <= len(messages)
    assert "quickReply" in groups[-1][-1]
    for group in groups:
        assert problems(group) == []


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("勞工局加班費。\n 😀ab"), min_size=0, max_size=400),
    st.integers(min_value=10, max_value=80),
)
def test_split_text_keeps_every_character_within_the_limit(text, limit):
    pieces = line_render.split_text(text, limit)
    assert all(1 <= line_render.line_len(p) <= limit for p in pieces)
    assert "".join(pieces).replace("\n", "").replace(" ", "") == text.strip().replace("\n", "").replace(
        " ", ""
    )


def test_job_list_is_a_carousel_with_one_bubble_per_job():
    jobs = [
        {
            "title": "門市兼職人員",
            "employer": "某某超商永康店",
            "district": "永康區",
            "wage": "時薪 196 元",
            "url": "https://example.org/jobs/1",
        },
        {"title": "餐廳外場", "company": "某某餐廳", "location": "東區", "salary": "月薪 30,000 元"},
    ]
    reply = BotReply(
        messages=[
            OutMessage(
                "找到 2 筆職缺：\n1. 門市兼職人員\n2. 餐廳外場",
                kind="job_list",
                meta={"jobs": jobs, "lead": "找到 2 筆職缺："},
                buttons=[Button("找真人", "/request_human")],
            )
        ]
    )
    messages = line_render.render(reply, PayloadStore(300))
    assert [m["type"] for m in messages] == ["text", "flex"]
    assert messages[0]["text"] == "找到 2 筆職缺："  # the lead only: the carousel lists the jobs
    carousel = messages[1]["contents"]
    assert carousel["type"] == "carousel" and len(carousel["contents"]) == 2
    assert "門市兼職人員" in texts_of(carousel["contents"][0])
    assert carousel["contents"][0]["footer"]["contents"][0]["action"]["uri"] == "https://example.org/jobs/1"
    assert "footer" not in carousel["contents"][1]
    assert messages[-1]["quickReply"]["items"][0]["action"]["data"] == "/request_human"
    assert problems(messages) == []


class RecordingConversations:
    """Stands in for ConversationService: records what it was asked, answers with a recorded reply."""

    def __init__(self) -> None:
        from channels.labels import ConversationLanguages

        self.asked: list[Incoming] = []
        self.languages = ConversationLanguages()  # what the service knows of each sender's language

    async def handle(self, message: Incoming) -> BotReply:
        self.asked.append(message)
        return rasa_reply("greet")


def parse(name: str) -> list:
    body = fixture_bytes(name)
    return WebhookParser(SECRET).parse(body.decode(), sign(body, SECRET))


def test_each_kind_of_media_gets_a_sensible_reply_without_asking_the_bot():
    conversations = RecordingConversations()
    context = EventContext(conversations, PayloadStore(300))  # type: ignore[arg-type]
    replies = [asyncio.run(reply_for(e, context)) for e in parse("line/media_messages.json")]
    sticker, image, audio, location, video, file = replies
    assert conversations.asked == []
    assert "貼圖" in sticker.text and "找真人" in [b.title for b in sticker.buttons]
    assert "圖片" in image.text and audio.text.count("1955") == 1 and "語音" in audio.text
    assert "永康區" in location.text and "幫我找永康區的工作" in [b.payload for b in location.buttons]
    assert "影片" in video.text and "檔案" in file.text
    for reply in replies:
        assert problems(line_render.render(reply, PayloadStore(300))) == []


def test_text_postback_follow_and_unfollow_are_dispatched():
    conversations = RecordingConversations()
    context = EventContext(conversations, PayloadStore(300))  # type: ignore[arg-type]
    [text] = parse("line/text_message.json")
    [postback] = parse("line/postback.json")
    follow, unfollow = parse("line/follow_unfollow.json")
    asyncio.run(reply_for(text, context))
    asyncio.run(reply_for(postback, context))
    welcome = asyncio.run(reply_for(follow, context))
    assert asyncio.run(reply_for(unfollow, context)) is None
    assert [(m.channel, m.user_id, m.text) for m in conversations.asked] == [
        ("line", "U4af4980629a1b2c3d4e5f60718293a4b", "休息日加班費怎麼算"),
        ("line", "U4af4980629a1b2c3d4e5f60718293a4b", '/choose_topic{"topic": "overtime"}'),
        ("line", "U91eeaf62d901b2c3d4e5f60718293a4b", "/greet"),
    ]
    assert "加入" in welcome.messages[0].text
    rendered = line_render.render(welcome, PayloadStore(300))
    assert len(rendered[-1]["quickReply"]["items"]) >= 6


def test_a_forgotten_short_id_asks_the_user_to_type_instead():
    conversations = RecordingConversations()
    context = EventContext(conversations, PayloadStore(300))  # type: ignore[arg-type]
    [postback] = parse("line/postback.json")
    postback.postback.data = "~p0123456789abcdef"
    reply = asyncio.run(reply_for(postback, context))
    assert conversations.asked == [] and "失效" in reply.text


def test_events_of_a_channel_in_standby_are_not_answered():
    conversations = RecordingConversations()
    [event] = parse("line/text_message.json")
    event.mode = "standby"
    context = EventContext(conversations, PayloadStore(300))  # type: ignore[arg-type]
    assert asyncio.run(reply_for(event, context)) is None
    assert conversations.asked == []


def test_recorded_redelivery_and_verify_payloads_parse():
    [event] = parse("line/redelivery.json")
    assert event.delivery_context.is_redelivery is True
    assert (
        event.webhook_event_id
        == json.loads(fixture_bytes("line/text_message.json"))["events"][0]["webhookEventId"]
    )
    assert parse("line/verify.json") == []
