"""The gateway's language metadata for Rasa (channels/language.py; detection: tests/unit/test_language.py)."""

import pytest

from channels.language import language_metadata, with_language


@pytest.mark.parametrize("text,lang,switch", [
    ("My boss has not paid my salary for two months", "en", True),
    ("นายจ้างไม่จ่ายเงินเดือนมาสองเดือนแล้ว", "th", True),
    ("Chủ không trả lương cho tôi", "vi", True),
    ("Majikan saya tidak bayar gaji", "id", True),
    ("老闆不給加班費怎麼辦", "zh", True),
    ("hello", "en", False),            # short: keeps the conversation's language
    ("ok thanks", "en", False),
])
def test_language_metadata(text, lang, switch):
    found = language_metadata(text)["language"]
    assert (found["lang"], found["switch"]) == (lang, switch)


@pytest.mark.parametrize("text", ["", "12345 678", '/choose_topic{"topic": "annual_leave"}', "😀"])
def test_nothing_to_tell_adds_nothing(text):
    assert language_metadata(text) == {}


def test_the_channels_own_metadata_is_kept():
    merged = with_language({"line": {"reply_token": "x"}}, "saya tidak dapat gaji bulan ini")
    assert merged["line"] == {"reply_token": "x"} and merged["language"]["lang"] == "id"
