"""The gateway's own labels in the five languages (channels/labels.py): complete, the Chinese unchanged,
and used by the LINE and Telegram renderings, the canned replies and the emergency reply."""

from __future__ import annotations

import json
import re
import string

import pytest
from fakes.fake_line import problems
from fakes.payloads import fixture

from channels import canned
from channels.conversation import EMPTY_TEXT_REPLY, TOO_LONG_NOTE
from channels.emergency import EMERGENCY, danger_reply
from channels.labels import LABELS, label, message_language, reply_language
from channels.limits import BUSY_REPLY, RATE_LIMITED_REPLY
from channels.line import render as line_render
from channels.payloads import PayloadStore
from channels.replies import BotReply, build_reply
from channels.telegram import render as telegram_render
from labourbot.language import LANGUAGES
from labourbot.topics import TOPIC_LABELS

OTHERS = ("en", "id", "vi", "th")
CJK = re.compile(r"[\u3400-\u9fff]")
# Labels a LINE button or quick reply carries (LINE cuts at 20 characters, clip() adds …).
BUTTON_KEYS = ("show_article", "human", "retry", "find_job", "job_details", "ask_about_job",
               "menu_law", "menu_calculator", "menu_scam", "menu_jobs", "menu_human", "menu_language")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_label_has_the_five_languages_with_the_same_placeholders():
    assert set(LANGUAGES) == {"zh", *OTHERS}
    for key, texts in LABELS.items():
        assert set(texts) == set(LANGUAGES), key
        for lang, text in texts.items():
            assert text.strip(), (key, lang)
            assert fields(text) == fields(texts["zh"]), (key, lang)
        for lang in OTHERS:
            if not key.startswith("menu_language"):  # the language menu names the other languages
                assert not CJK.search(texts[lang]), (key, lang)


def test_button_labels_fit_line_without_being_cut():
    for key in BUTTON_KEYS:
        for lang, text in LABELS[key].items():
            assert line_render.line_len(text) <= line_render.MAX_LABEL_CHARS, (key, lang, text)


def test_the_chinese_labels_are_the_texts_the_gateway_always_sent():
    assert label("busy", "zh") == BUSY_REPLY and label("rate_limited", "zh") == RATE_LIMITED_REPLY
    assert label("empty_input", "zh") == EMPTY_TEXT_REPLY and label("too_long_note", "zh") == TOO_LONG_NOTE
    assert label("emergency", "zh") == EMERGENCY
    for topic in canned.SHORTCUT_TOPICS:
        assert label(f"topic_{topic}", "zh") == TOPIC_LABELS[topic]
    assert canned.media_reply("sticker").messages[0].text == canned.STICKER_REPLY
    assert [b.title for b in canned.topic_shortcuts()][-1] == "找真人"
    assert label("legal_basis", None) == label("legal_basis", "xx") == "法源依據"


def kb_reply(lang: str | None) -> BotReply:
    raw = fixture("rasa/kb_answer.json")
    if lang:  # as actions/knowledge.py answers a translated entry: its buttons in the language
        raw[1]["custom"]["meta"]["language"] = lang
        buttons = raw[0]["buttons"]
        for b in buttons[:2]:
            b["title"] = label("show_article_of", lang, citation=json.loads(b["payload"][len("/show_article"):])["citation"])
        buttons[2]["title"], buttons[3]["title"] = label("human", lang), "👍"
    return build_reply(raw, "ask_overtime", 0.9)


def test_the_reply_language_is_the_first_language_an_action_put_in_a_meta_block():
    assert reply_language(kb_reply(None)) == "zh"
    assert reply_language(kb_reply("th")) == "th"
    assert reply_language(kb_reply("xx")) == "zh"


@pytest.mark.parametrize("lang", OTHERS)
def test_a_line_answer_card_has_its_labels_in_the_reply_language(lang):
    messages = line_render.render(kb_reply(lang), PayloadStore(300))
    assert problems(messages) == []
    card = messages[0]
    shown = json.dumps(card["contents"], ensure_ascii=False)
    for key in ("legal_basis", "show_article", "human", "helpful", "app_name"):
        assert label(key, lang) in shown, key
    for chinese in ("法源依據", "看法條原文", "找真人", "有幫助嗎", "勞動法令小幫手"):
        assert chinese not in shown
    assert "📖 勞動基準法第24條" in shown  # the citation stays Chinese (the law is Chinese)
    assert card["altText"].startswith("休息日加班費怎麼算？: ")
    assert label("alt_citations", lang, citations="勞動基準法第24條, 勞動基準法第36條") in card["altText"]


def test_a_chinese_reply_renders_exactly_as_when_asked_in_chinese():
    payloads = PayloadStore(300)
    assert line_render.render(kb_reply(None), payloads) == line_render.render(kb_reply(None), payloads, "zh")
    shown = json.dumps(line_render.render(kb_reply(None), payloads)[0], ensure_ascii=False)
    assert "法源依據" in shown and "有幫助嗎？" in shown and "（依據：勞動基準法第24條、勞動基準法第36條）" in shown


@pytest.mark.parametrize("lang", OTHERS)
def test_a_telegram_answer_has_its_labels_in_the_reply_language(lang):
    [message] = telegram_render.render(kb_reply(lang), PayloadStore(64))
    assert f"📖 <b>{label('legal_basis', lang)}</b>" in message.html
    assert message.html.endswith(label("helpful_answer", lang).replace("&", "&amp;"))
    assert "法源依據" not in message.html and "有幫助嗎" not in message.html
    chinese = telegram_render.render(kb_reply(None), PayloadStore(64))[0].html
    assert "📖 <b>法源依據</b>" in chinese and chinese.endswith("這個回答有幫助嗎？")


def test_an_empty_reply_asks_to_choose_in_the_language():
    from channels.replies import Button, OutMessage
    reply = BotReply(messages=[OutMessage(text="", buttons=[Button("OK", "/affirm")], meta={"language": "vi"})])
    assert line_render.render(reply, PayloadStore(300))[0]["text"] == label("choose", "vi")
    assert telegram_render.render(reply, PayloadStore(64))[0].html == label("choose", "vi")


@pytest.mark.parametrize(("text", "current", "expected"), [
    ("hi", None, "zh"),                       # typed by Chinese speakers too
    ("ok", "en", "en"),                       # keeps the conversation's language
    ("halo", None, "id"),                     # short but clearly Indonesian
    ("xin chào", None, "vi"),
    ("สวัสดีครับ", None, "th"),
    ("my boss keeps my passport what can I do", None, "en"),
    ("加班費怎麼算", "en", "zh"),              # a Chinese sentence switches back
    ("", "th", "th"),                          # a sticker: the conversation's language
])
def test_the_language_of_a_reply_the_gateway_gives_itself(text, current, expected):
    assert message_language(text, current) == expected


@pytest.mark.parametrize("lang", OTHERS)
def test_canned_replies_come_in_the_language(lang):
    for kind in ("sticker", "image", "audio", "video", "file"):
        reply = canned.media_reply(kind, lang)
        assert reply.messages[0].text == label(kind, lang)
        assert all(not CJK.search(b.title) for b in reply.messages[0].buttons)
    assert canned.gateway_reply("rate_limited", lang).messages[0].text == label("rate_limited", lang)
    assert canned.too_long_note(2000, lang).text == label("too_long_note", lang, limit=2000)
    retry = canned.try_again_reply("hello", lang).messages[0]
    assert retry.text == label("unavailable", lang) and [b.title for b in retry.buttons] == [label("retry", lang)]
    assert canned.expired_button_reply(lang).messages[0].text == label("expired_button", lang)
    assert canned.unsupported_reply(lang).messages[0].text == label("unsupported", lang)
    located = canned.location_reply("臺南市東區大學路1號", lang)
    assert located.messages[0].text.startswith(label("location", lang, where=" (東區)")[:10])
    with pytest.raises(ValueError):
        canned.gateway_reply("nonsense", lang)


@pytest.mark.parametrize("lang", OTHERS)
def test_the_emergency_reply_keeps_the_chinese_and_adds_the_language(lang):
    reply = danger_reply(12, lang)
    numbers, follow = reply.messages
    assert numbers.text.startswith(EMERGENCY) and numbers.text.endswith(label("emergency", lang))
    for number in ("110", "119", "113", "1925", "1955"):
        assert numbers.text.count(number) == 2
    assert follow.text.count("#12") == 2 and reply.handoff
    assert danger_reply(12).messages[0].text == EMERGENCY


def test_the_web_chat_page_gets_its_own_texts_in_the_reply_language():
    from channels.webchat.routes import to_web

    thai = to_web(kb_reply("th"))
    assert thai["language"] == "th" and thai["labels"]["legal_basis"] == label("legal_basis", "th")
    assert "{citation}" in thai["labels"]["show_article_of"]
    chinese = to_web(kb_reply(None))
    assert chinese["labels"]["web_send"] == "送出" and chinese["labels"]["legal_basis"] == "法源依據"


def test_a_translated_answer_card_drops_the_title_and_citations_lines_it_shows_itself():
    text = ("Can my employer keep my passport?\nNo. An employer must not keep it.\n"
            "Legal basis: 就業服務法第57條、就業服務法第40條 (The law is in Chinese; the Chinese text prevails.)")
    citations = ["就業服務法第57條", "就業服務法第40條"]
    body = canned.card_body(text, citations, "Can my employer keep my passport?", "en")
    assert body == "No. An employer must not keep it.\n\n(The law is in Chinese; the Chinese text prevails.)"
    assert canned.card_body(text, citations, "Another title", "en").startswith("Can my employer")
    kept = "No.\nLegal basis: 勞動基準法第24條"  # other citations than the card's: the line stays
    assert canned.card_body(kept, citations, None, "en") == kept


def test_the_gateway_remembers_a_conversations_language_from_what_each_turn_tells():
    from channels.labels import ConversationLanguages, turn_language
    from channels.replies import OutMessage

    stated = BotReply(messages=[OutMessage(text="OK", meta={"language": "zh"})])
    silent = BotReply(messages=[OutMessage(text="30000")])
    assert turn_language(kb_reply("vi"), "ok") == "vi"
    assert turn_language(silent, "my boss keeps my passport what can I do") == "en"
    assert turn_language(silent, "ok") is None
    memory = ConversationLanguages(capacity=2)
    assert memory.remember("line:a", kb_reply("th"), "x") == "th"
    assert memory.remember("line:a", silent, "30000") == "th"  # a form answer says nothing
    assert memory.remember("line:a", stated, "/set_language") == "zh"  # the language menu back to Chinese
    memory.remember("line:b", kb_reply("id"), "x")
    memory.remember("line:c", kb_reply("en"), "x")
    assert memory.of("line:a") is None and memory.of("line:c") == "en"  # the oldest is forgotten
