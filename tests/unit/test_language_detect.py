"""Language detection (labourbot/language.py): per language, short and mixed messages, the switch rule."""

from __future__ import annotations

import pytest

from labourbot.language import NONE, Detection, conversation_language, detect

# Messages of 4+ words written for this test (not taken from any dev or bench set).
LONG = {
    "zh": ["老闆不給加班費怎麼辦", "我的ARC被老闆拿走", "仲介每個月扣我一千五的服務費合法嗎",
           "我想換雇主要怎麼申請", "工作受傷了公司不幫我保勞保"],
    "en": ["my boss keep my ARC 怎麼辦", "can my employer keep my passport",
           "how is overtime pay calculated for caregivers", "the broker takes money from my salary every month",
           "I want to change my employer, what should I do", "do I get a day off every week",
           "my contract ends next month can I renew it", "is it legal to deduct food from wages"],
    "id": ["saya tidak dapat gaji bulan ini", "majikan potong gaji saya tanpa alasan",
           "bos saya tidak kasih libur sama sekali", "gw udah kerja 3 bulan blm digaji",
           "paspor saya dipegang majikan, boleh tidak?", "berapa biaya agen yang boleh dipotong",
           "apakah saya bisa pindah majikan", "kalau kabur dari majikan apa akibatnya"],
    "vi": ["nhà tuyển dụng giữ hộ chiếu của tôi", "toi bi ong chu giu ho chieu",
           "chu khong tra luong lam them gio", "lam them gio duoc tinh the nao",
           "tôi muốn đổi chủ thì phải làm sao", "công ty trừ tiền lương của tôi mỗi tháng",
           "em bi tai nan lao dong thi lam sao", "moi gioi thu phi co hop phap khong"],
    "th": ["นายจ้างยึดหนังสือเดินทางของฉัน", "ค่าล่วงเวลาคิดอย่างไรครับ", "ฉันอยากเปลี่ยนนายจ้างต้องทำอย่างไร",
           "บริษัทหักเงินเดือนทุกเดือนถูกกฎหมายไหม"],
}


@pytest.mark.parametrize("lang,text", [(lang, t) for lang, texts in LONG.items() for t in texts])
def test_long_messages_are_detected_and_switch(lang: str, text: str) -> None:
    found = detect(text)
    assert found.lang == lang, (text, found)
    assert found.switches(), found


def test_mixed_chinese_and_english_goes_by_the_larger_part() -> None:
    assert detect("我的ARC被老闆拿走").lang == "zh"
    assert detect("my boss keep my ARC 怎麼辦").lang == "en"
    assert detect("請問 overtime 怎麼算").lang == "zh"


def test_short_messages_and_payloads_keep_the_conversation_language() -> None:
    assert detect('/set_language{"language":"en"}') is NONE
    assert detect("/greet") is NONE
    for short in ("ok", "hi", "thanks", "yes"):
        found = detect(short)
        assert not found.switches() and not found.hints(), (short, found)
        assert conversation_language("vi", found) == "vi"
        assert conversation_language(None, found) is None


def test_short_telling_greetings_set_a_new_conversation_only() -> None:
    for text, lang in (("halo selamat pagi", "id"), ("xin chào", "vi"), ("สวัสดีครับ", "th")):
        found = detect(text)
        assert found.lang == lang and found.hints(), (text, found)
        assert conversation_language(None, found) == lang
        assert conversation_language("en", found) == "en"


def test_a_long_message_in_another_language_switches() -> None:
    assert conversation_language("en", detect("saya tidak dapat gaji bulan ini")) == "id"
    assert conversation_language("id", detect("can my employer keep my passport")) == "en"


def test_nothing_to_tell_by() -> None:
    for text in ("", "   ", "12345", "😀😀", "ARC"):
        found = detect(text)
        assert not found.switches()
    assert detect("12345").lang is None
    assert isinstance(detect("hello"), Detection)


def test_accented_loanword_in_english_is_not_vietnamese() -> None:
    assert detect("we met at a café near the factory after work").lang == "en"
