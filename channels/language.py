"""Recognise messages written in a language the assistant does not answer in.

The assistant answers in Chinese. Migrant workers often write in English, Thai, Vietnamese or
Indonesian; they get a short reply in their language that points to the Ministry of Labor's 1955
hotline, which serves those languages. Anything with Chinese characters goes to Rasa as usual, as do
one- or two-word messages ("hello", "ok", "human"), which the NLU model knows.
"""

from __future__ import annotations

import re
from typing import Final

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
_WORD = re.compile(r"[A-Za-z']+")

_INDONESIAN: Final = frozenset(
    "saya aku tidak gaji majikan kerja bekerja bagaimana apa yang dan dengan untuk ini itu ada bisa "
    "tolong agen paspor libur lembur sakit bos uang belum sudah mau dari di ke karena kapan berapa".split()
)
_ENGLISH: Final = frozenset(
    "i my me the a an is are was my boss salary pay wage how what why when can do does not no my "
    "employer work working job leave overtime passport agency help please you your have has to of for "
    "and in on with fired quit contract holiday hours day days month money".split()
)

REPLIES: Final[dict[str, str]] = {
    "en": "This assistant answers in Chinese. For help in English, please call the Ministry of Labor's "
          "1955 hotline (free, 24 hours), which also serves Thai, Vietnamese and Indonesian speakers. "
          "（本服務以中文回答；外語協助請撥 1955。）",
    "th": "ผู้ช่วยนี้ตอบเป็นภาษาจีน หากต้องการความช่วยเหลือเป็นภาษาไทย กรุณาโทรสายด่วน 1955 "
          "ของกระทรวงแรงงาน (โทรฟรี 24 ชั่วโมง) （本服務以中文回答；泰語協助請撥 1955。）",
    "vi": "Trợ lý này trả lời bằng tiếng Trung. Để được hỗ trợ bằng tiếng Việt, vui lòng gọi đường dây "
          "nóng 1955 của Bộ Lao động (miễn phí, 24 giờ). （本服務以中文回答；越南語協助請撥 1955。）",
    "id": "Asisten ini menjawab dalam bahasa Mandarin. Untuk bantuan dalam bahasa Indonesia, silakan "
          "hubungi hotline 1955 Kementerian Tenaga Kerja (gratis, 24 jam). （本服務以中文回答；印尼語協助請撥 1955。）",
}


def foreign_language(text: str) -> str | None:
    """'en', 'th', 'vi' or 'id' when the message is in that language and has no Chinese; else None."""
    if not text or text.lstrip().startswith("/") or _CJK.search(text):
        return None  # button payloads (/intent{...}) and Chinese go to Rasa
    if len(_THAI.findall(text)) >= 2:
        return "th"
    if _VIETNAMESE.search(text):
        return "vi"
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 3:
        return None
    indonesian = sum(w in _INDONESIAN for w in words)
    english = sum(w in _ENGLISH for w in words)
    if indonesian >= 2 and indonesian >= english:
        return "id"
    if english >= 1:
        return "en"
    return None
