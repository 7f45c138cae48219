"""Which of the five languages the bot answers in a message is written in (docs/languages.md).

zh, th and accented Vietnamese are told by their script; Latin-script messages (English, Indonesian,
Vietnamese typed without diacritics) by their words, each scored against a list of that language's
common and labour-topic words. No model: a few microseconds and no memory per message. A packaged
statistical detector (lingua-language-detector 2.1.1, restricted to the five languages) was measured
against this and not taken: about 125 MB resident, and it reads unaccented Vietnamese as English.

Mixed messages count words: each two Chinese characters (four Thai) count as one word, and the side
with more words wins: 「我的ARC被老闆拿走」 is Chinese, "my boss keep my ARC 怎麼辦" is English (the
person writes English and quotes a Chinese phrase they were told). Pure functions; used by the gateway
(channels/language.py), which passes the result to Rasa as message metadata.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final, Optional

LANGUAGES: Final[tuple[str, ...]] = ("zh", "en", "id", "vi", "th")
DEFAULT_LANGUAGE: Final[str] = "zh"
# A message of at least this many words sets (or switches) the conversation's language.
MIN_SWITCH_WORDS: Final[int] = 4
MIN_SWITCH_CONFIDENCE: Final[float] = 0.6
# Shorter messages only set a language the conversation does not have yet, and only in these languages
# (a short "hi" or "ok" is typed by Chinese speakers as well).
SHORT_HINT_LANGUAGES: Final[frozenset[str]] = frozenset({"id", "vi", "th"})
MIN_HINT_CONFIDENCE: Final[float] = 0.8

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
# Letters only Vietnamese uses among the five (Indonesian and English are written without diacritics).
_VIET_LETTERS = re.compile(
    "[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
    "ĂÂĐÊÔƠƯẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸàáèéìíòóùúýÀÁÈÉÌÍÒÓÙÚÝ]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]+(?:'[A-Za-z]+)?")

_EN: Final = frozenset("""
i i'm im my me mine the a an is are was were be been being do does did don't dont doesn't didn't not no can
can't cannot could will would should must have has had what how why when where who which whom to of for in on
at with from about and or but if this that these those it its you your he she they we our us their him her
them boss employer employers salary pay paid pays payment wage wages overtime passport passports agency agent
broker work working worked job jobs leave holiday holidays hours hour day days week month months year years
money help please hello hi thanks thank contract fired quit sick injured injury insurance change company
factory worker workers get got keep keeps kept take took taken want need much many any there here after before
still yet just also only am per caregiver care rest off sunday weekend deduct deducted deduction fee fees
allowed legal illegal law right rights complain complaint report hotline police runaway missing document
documents card arc resident permit visa home country return go going back new old same every each than more
less minimum basic hire hired hiring dismiss dismissed terminate terminated termination end renew renewal
sexual harassment harass touch accident hospital doctor medical compensation free call number phone time
did say said tell told ask asked give gave late early night shift tired sleep eat food room dormitory
""".split())

_ID: Final = frozenset("""
saya aku gue gw gua tidak nggak gak ga enggak tdk gk gaji gajinya majikan majikanku kerja bekerja kerjaan
pekerjaan bagaimana gimana bgmn apa apakah yang yg dan dengan dgn untuk utk ini itu ada bisa bisakah boleh
tolong agen agensi paspor libur liburan lembur sakit bos uang duit belum blm sudah udah sdh mau dari di ke
karena krn kapan berapa brp bulan hari jam kontrak pulang dipotong potong potongan pindah mbak mas pak bu ibu
bapak halo hallo selamat pagi siang sore malam terima kasih makasih iya tak juga kalau kalo saja aja sama
lagi minta dong kok sih nih banget sekali saat waktu sampai sampe tapi atau jadi harus tanpa kami kita
mereka dia anda kamu punya tinggal rumah sakit majikan nenek kakek jaga dibayar bayar membayar gajian
diambil ambil pegang dipegang ditahan tahan kabur lari hilang lapor melapor polisi pelecehan seksual
dipukul kecelakaan asuransi berhenti dipecat pecat perusahaan pabrik pekerja tki pmi buruh teman masih
bagaimanakah tentang bahasa indonesia hak aturan hukum sah ilegal biaya mahal murah tiap setiap
""".split())

_VI: Final = frozenset("""
toi tôi khong không duoc được cua của la là va và co có cho lam làm tien tiền luong lương ong ông chu chủ
bi bị giu giữ ho hộ chieu chiếu nao nào gi gì sao viec việc ngay ngày thang tháng nam năm em anh chi chị
xin chao chào cam cảm hop hợp dong đồng nghi nghỉ phep phép tang tăng ca gio giờ bao bảo hiem hiểm
nan nạn cong công ty muon muốn doi đổi ve về nuoc nước dang đang da đã se sẽ nhung nhưng neu nếu thi thì
roi rồi voi với minh mình ban bạn nguoi người mot một phai phải nhieu nhiều tra trả tru trừ moi môi gioi giới
phi phí bo bỏ tron trốn bat bắt quay ruoi dau đau benh bệnh vien viện sep sếp xuong xưởng nha nhà bay giờ
the thế nhu như dau đâu khi gia gian hanh hành quấy roi quay hieu hiểu giup giúp vay vậy ah ạ oi ơi
""".split()) - {"the", "a", "an", "ban"}  # common in English or Indonesian too


@dataclass(frozen=True)
class Detection:
    """The language of one message (None: none of the five, or nothing to tell by) and how sure."""

    lang: Optional[str]
    confidence: float
    words: int = 0  # words in the message (two Chinese or four Thai characters count as one)
    by_script: bool = False  # told by its letters (Chinese, Thai, Vietnamese diacritics), not by word lists

    def switches(self) -> bool:
        """Long and sure enough to set the conversation's language, replacing a previous one."""
        return self.lang is not None and self.words >= MIN_SWITCH_WORDS and self.confidence >= MIN_SWITCH_CONFIDENCE

    def hints(self) -> bool:
        """Short but telling ("halo", "xin chào", "สวัสดีครับ"): sets the language of a conversation that
        has none yet, never replaces one."""
        return (self.lang in SHORT_HINT_LANGUAGES and self.confidence >= MIN_HINT_CONFIDENCE
                and self.words >= 1)


NONE: Final = Detection(None, 0.0)


def is_payload(text: str) -> bool:
    """A button payload (/intent or /intent{...}): it keeps the conversation's language."""
    return text.lstrip().startswith("/")


def _word_scores(words: list[str]) -> dict[str, float]:
    """Each word votes for the languages whose list has it, split evenly between them."""
    scores = {"en": 0.0, "id": 0.0, "vi": 0.0}
    for word in words:
        w = word.lower()
        found = [lang for lang, vocab in (("en", _EN), ("id", _ID), ("vi", _VI)) if w in vocab]
        if not found and w.endswith("nya") and len(w) > 4:  # Indonesian possessive: gajinya, majikannya
            found = ["id"]
        for lang in found:
            scores[lang] += 1.0 / len(found)
    return scores


def _latin(words: list[str], text: str) -> Detection:
    if _VIET_LETTERS.search(text) and len(_VIET_LETTERS.findall(text)) >= 1:
        viet_words = sum(1 for w in words if _VIET_LETTERS.search(w))
        # one accented loanword ("café") in an English sentence is not Vietnamese
        if viet_words >= 2 or viet_words >= len(words) / 3:
            return Detection("vi", 1.0, len(words), by_script=True)
    scores = _word_scores(words)
    total = sum(scores.values())
    if total == 0:
        return Detection(None, 0.0, len(words))
    lang = max(scores, key=lambda k: (scores[k], k == "en"))
    share = scores[lang] / total
    known = min(1.0, total / max(1, len(words)))  # how many of the words the lists know at all
    return Detection(lang, round(share * (0.5 + 0.5 * known), 3), len(words))


def detect(text: str) -> Detection:
    """The language of `text`: zh, en, id, vi, th, or None (empty, digits only, a payload, or unknown)."""
    if not text or not text.strip() or is_payload(text):
        return NONE
    cjk = len(_CJK.findall(text))
    thai = len(_THAI.findall(text))
    words = _LATIN_WORD.findall(text)
    cjk_words = math.ceil(cjk / 2)
    thai_words = math.ceil(thai / 4)
    total = cjk_words + thai_words + len(words)
    if total == 0:
        return NONE
    if cjk_words >= thai_words and cjk_words >= len(words) and cjk:
        return Detection("zh", round(cjk_words / total, 3), total, by_script=True)
    if thai_words > len(words) and thai_words >= cjk_words:
        return Detection("th", round(thai_words / total, 3), total, by_script=True)
    latin = _latin(words, text)
    if latin.lang is None:
        return Detection(None, 0.0, total)
    return Detection(latin.lang, round(latin.confidence * len(words) / total, 3), total, latin.by_script)


def conversation_language(current: Optional[str], detection: Detection) -> Optional[str]:
    """The conversation's language after a message: a long, sure message sets it; a short telling one
    sets it only when there is none yet; anything else keeps it."""
    if detection.switches():
        return detection.lang
    if current is None and detection.hints():
        return detection.lang
    return current
