"""Translated entries: loader and validator, per-language tokens, and search in en / id / vi / th.

Synthetic statutes (knowledge_base.testing) and placeholder entries written here; a fast hash encoder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge_base import config
from knowledge_base.entries import Entry, load_entries
from knowledge_base.kb import KnowledgeBase
from knowledge_base.laws import LawStore, import_laws
from knowledge_base.multilingual import fusion_for, open_language_indexes
from knowledge_base.testing import SAMPLE_ITEMS, SAMPLE_LAW, HashEncoder, entry, write_entries, write_law_json
from knowledge_base.tokens import fold, tokenize_language
from knowledge_base.translations import (
    chinese_numeral,
    load_translations,
    numbers_in_translation,
    unbacked_translated_numbers,
    validate_translations,
)

DEV = Path(__file__).resolve().parents[3] / "bench" / "data" / "languages"


def _citation(label: str) -> str:
    """"第 9-1 條" -> "勞動基準法第9條之1"."""
    number, _, sub = label.split()[1].partition("-")
    return f"{SAMPLE_LAW}第{number}條" + (f"之{sub}" if sub else "")


ARTICLES = {_citation(label): text for label, text in SAMPLE_ITEMS if label != "C"}
PAD = "若有疑問可以撥打1955專線詢問，或向臺南市政府勞工局申訴，勞工局會協助處理。"

# Chinese entries (ids of real entries, synthetic text) and their placeholder translations.
ZH = [
    entry("overtime-weekday-pay", "平日加班費怎麼算", "延長工作時間前2小時加給三分之一以上，再延長加給三分之二以上。" + PAD,
          ["加班費怎麼算", "平日加班費", "延長工時工資"], ["勞動基準法第24條"], [("勞動基準法第24條", "前二小時加給三分之一以上")],
          topic="overtime"),
    entry("fw-passport-kept", "雇主可以保管移工的護照和居留證嗎", "雇主不可以扣留移工的護照或居留證，違者會被處罰，可以打1955申訴。" + PAD,
          ["雇主扣護照", "仲介拿走居留證", "護照被老闆收走"], ["勞動基準法第1條"], topic="foreign_workers"),
    entry("leave-sick-leave", "病假可以請幾天？有薪水嗎", "普通傷病假一年未超過30日部分，工資折半發給，住院者另計。" + PAD,
          ["病假幾天", "病假有薪水嗎", "生病請假扣薪"], ["勞動基準法第38條"], topic="leave"),
    entry("wages-minimum-wage-2026", "2026年最低工資是多少", "2026年1月1日起每月最低工資29,500元，每小時196元。" + PAD,
          ["最低工資多少", "基本工資", "時薪最低多少"], ["勞動基準法第1條"], topic="wages"),
    entry("other-1955", "1955專線是什麼", "1955是勞動部的勞工諮詢申訴專線，免付費，有多國語言服務。" + PAD,
          ["1955是什麼", "申訴專線", "外勞專線"], topic="other"),
]
ZH_TOPICS = {"overtime": ZH[:1], "foreign_workers": ZH[1:2], "leave": ZH[2:3], "wages": ZH[3:4], "other": ZH[4:5]}

PLACEHOLDERS: dict[str, dict[str, tuple[str, list[str], str]]] = {
    "en": {
        "overtime-weekday-pay": ("How is weekday overtime pay calculated?",
                                 ["overtime pay on a normal workday", "OT rate after 8 hours", "extra hours pay"],
                                 "For the first 2 hours of overtime on a workday you get at least one third more."),
        "fw-passport-kept": ("Can my employer keep my passport and ARC?",
                             ["boss keeps my passport", "broker took my residence card", "employer holds my ARC"],
                             "No. An employer or broker may not keep a migrant worker's passport or residence card."),
        "leave-sick-leave": ("How many days of sick leave, and is it paid?",
                             ["sick leave days", "is sick leave paid", "salary when I am sick"],
                             "Ordinary sick leave up to 30 days a year is paid at half the wage."),
        "wages-minimum-wage-2026": ("What is the minimum wage in 2026?",
                                    ["minimum salary per month", "minimum hourly wage", "lowest legal pay"],
                                    "From 2026-01-01 the minimum wage is NT$29,500 a month and NT$196 an hour."),
        "other-1955": ("What is the 1955 hotline?", ["1955 number", "free hotline for workers", "call 1955"],
                       "1955 is the Ministry of Labor's free hotline for advice and complaints, 24 hours."),
    },
    "id": {
        "overtime-weekday-pay": ("Bagaimana menghitung uang lembur hari kerja?",
                                 ["uang lembur hari biasa", "lembur 2 jam dibayar berapa", "upah lembur"],
                                 "Untuk 2 jam lembur pertama di hari kerja dibayar paling sedikit sepertiga lebih."),
        "fw-passport-kept": ("Bolehkah majikan menahan paspor dan ARC?",
                             ["majikan menahan paspor", "agensi simpan ARC", "paspor dipegang majikan"],
                             "Tidak boleh. Majikan atau agensi tidak boleh menahan paspor atau ARC pekerja migran."),
        "leave-sick-leave": ("Cuti sakit berapa hari, digaji atau tidak?",
                             ["cuti sakit berapa hari", "sakit gaji dipotong", "izin sakit dibayar"],
                             "Cuti sakit biasa sampai 30 hari setahun dibayar setengah gaji."),
        "wages-minimum-wage-2026": ("Berapa upah minimum tahun 2026?",
                                    ["gaji minimum sebulan", "upah minimum per jam", "UMR taiwan"],
                                    "Mulai 2026-01-01 upah minimum NT$29.500 sebulan dan NT$196 per jam."),
        "other-1955": ("Apa itu nomor 1955?", ["nomor 1955", "hotline pengaduan gratis", "telepon 1955"],
                       "1955 adalah hotline gratis Kementerian Tenaga Kerja untuk konsultasi dan pengaduan."),
    },
    "vi": {
        "overtime-weekday-pay": ("Tiền tăng ca ngày thường tính thế nào?",
                                 ["tiền tăng ca ngày thường", "tăng ca 2 tiếng được bao nhiêu", "lương làm thêm giờ"],
                                 "2 giờ tăng ca đầu tiên trong ngày làm việc được trả thêm ít nhất một phần ba."),
        "fw-passport-kept": ("Chủ có được giữ hộ chiếu và thẻ cư trú không?",
                             ["chủ giữ hộ chiếu", "môi giới giữ thẻ cư trú", "không trả hộ chiếu"],
                             "Không. Chủ hoặc môi giới không được giữ hộ chiếu hay thẻ cư trú của lao động."),
        "leave-sick-leave": ("Nghỉ ốm được bao nhiêu ngày, có lương không?",
                             ["nghỉ ốm mấy ngày", "nghỉ ốm có lương không", "bị ốm trừ lương"],
                             "Nghỉ ốm thông thường tối đa 30 ngày một năm được trả một nửa lương."),
        "wages-minimum-wage-2026": ("Lương tối thiểu năm 2026 là bao nhiêu?",
                                    ["lương tối thiểu một tháng", "lương tối thiểu theo giờ", "mức lương thấp nhất"],
                                    "Từ 2026-01-01 lương tối thiểu là 29.500 Đài tệ một tháng và 196 một giờ."),
        "other-1955": ("Đường dây 1955 là gì?", ["số 1955", "đường dây khiếu nại miễn phí", "gọi 1955"],
                       "1955 là đường dây miễn phí của Bộ Lao động để tư vấn và khiếu nại."),
    },
    "th": {
        "overtime-weekday-pay": ("ค่าโอทีวันธรรมดาคิดอย่างไร",
                                 ["ค่าล่วงเวลาวันทำงาน", "ทำโอที 2 ชั่วโมงได้เท่าไร", "ค่าทำงานล่วงเวลา"],
                                 "ทำงานล่วงเวลา 2 ชั่วโมงแรกในวันทำงานได้ค่าจ้างเพิ่มอย่างน้อยหนึ่งในสาม"),
        "fw-passport-kept": ("นายจ้างยึดพาสปอร์ตและบัตร ARC ได้ไหม",
                             ["นายจ้างยึดพาสปอร์ต", "นายหน้าเก็บบัตรถิ่นที่อยู่", "ไม่คืนหนังสือเดินทาง"],
                             "ไม่ได้ นายจ้างหรือนายหน้าไม่มีสิทธิ์ยึดพาสปอร์ตหรือบัตรถิ่นที่อยู่ของแรงงาน"),
        "leave-sick-leave": ("ลาป่วยได้กี่วัน ได้ค่าจ้างไหม",
                             ["ลาป่วยได้กี่วัน", "ลาป่วยได้เงินไหม", "ป่วยโดนหักเงิน"],
                             "ลาป่วยธรรมดาไม่เกิน 30 วันต่อปี ได้ค่าจ้างครึ่งหนึ่ง"),
        "wages-minimum-wage-2026": ("ค่าแรงขั้นต่ำปี 2026 เท่าไร",
                                    ["ค่าแรงขั้นต่ำรายเดือน", "ค่าแรงขั้นต่ำรายชั่วโมง", "เงินเดือนต่ำสุด"],
                                    "ตั้งแต่ 2026-01-01 ค่าแรงขั้นต่ำเดือนละ 29,500 ดอลลาร์ไต้หวัน ชั่วโมงละ 196"),
        "other-1955": ("สายด่วน 1955 คืออะไร", ["เบอร์ 1955", "สายด่วนร้องเรียนฟรี", "โทร 1955"],
                       "1955 คือสายด่วนฟรีของกระทรวงแรงงานสำหรับปรึกษาและร้องเรียน"),
    },
}


def _translated(lang: str, zh: dict[str, Any], title: str, questions: list[str], answer: str) -> dict[str, Any]:
    return {"id": f"{lang}-{zh['id']}", "translates": zh["id"], "title": title, "questions": questions,
            "answer": answer, "citations": list(zh["citations"]), "evidence": list(zh["evidence"]),
            "audience": ["migrant"], "updated": "2026-12-05"}


def write_translations(root: Path, langs: tuple[str, ...] = ("en", "id", "vi", "th")) -> Path:
    for lang in langs:
        for topic, items in ZH_TOPICS.items():
            rows = [_translated(lang, z, *PLACEHOLDERS[lang][z["id"]]) for z in items]
            folder = root / lang
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{topic}.yml").write_text(
                yaml.safe_dump({"language": lang, "topic": topic, "entries": rows}, allow_unicode=True,
                               sort_keys=False), encoding="utf-8")
    return root


def _make_dirs(root: Path) -> tuple[Path, Path]:
    data, entries = root / "var", root / "entries"
    for topic, items in ZH_TOPICS.items():
        write_entries(entries, topic, items)
    write_translations(entries / "lang")
    import_laws([write_law_json(root / "law.json", SAMPLE_LAW, "20240731", SAMPLE_ITEMS)], LawStore(data / "laws"))
    return data, entries


@pytest.fixture()
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    return _make_dirs(tmp_path)


def _problems(entries: Path) -> list[str]:
    return validate_translations(load_translations(entries / "lang"), load_entries(entries), ARTICLES)


def _edit(entries: Path, lang: str, topic: str, **changes: Any) -> None:
    path = entries / "lang" / lang / f"{topic}.yml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["entries"][0].update(changes)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


# ---------------------------------------------------------------- loader and validator


def test_loader_reads_language_and_translates(dirs: tuple[Path, Path]) -> None:
    _, entries = dirs
    t = load_translations(entries / "lang")
    assert t.languages() == ["en", "id", "vi", "th"]
    e = t.by_id()["vi-fw-passport-kept"]
    assert (e.language, e.translates, e.topic, e.source) == ("vi", "fw-passport-kept", "foreign_workers",
                                                             "vi/foreign_workers.yml")
    assert {z.language for z in load_entries(entries).entries} == {"zh"}  # lang/ is not read as Chinese


def test_valid_placeholders_have_no_problems(dirs: tuple[Path, Path]) -> None:
    assert _problems(dirs[1]) == []


def test_unknown_translates_id(dirs: tuple[Path, Path]) -> None:
    _, entries = dirs
    _edit(entries, "en", "leave", translates="leave-sick-days", id="en-leave-sick-days")
    assert any("not a Chinese entry id" in p for p in _problems(entries))


def test_non_verbatim_quote(dirs: tuple[Path, Path]) -> None:
    _, entries = dirs
    _edit(entries, "id", "overtime", evidence=[{"citation": "勞動基準法第24條", "quote": "前兩小時加給一半"}])
    assert any("does not occur in 勞動基準法第24條" in p for p in _problems(entries))


def test_citation_outside_the_chinese_entry(dirs: tuple[Path, Path]) -> None:
    _, entries = dirs
    _edit(entries, "th", "overtime", citations=["勞動基準法第24條", "勞動基準法第38條"])
    assert any("not among overtime-weekday-pay's citations" in p for p in _problems(entries))


def test_unbacked_number(dirs: tuple[Path, Path]) -> None:
    _, entries = dirs
    _edit(entries, "en", "leave", answer="Ordinary sick leave up to 45 days a year is paid at half the wage.")
    problems = _problems(entries)
    assert any("['45']" in p and "en-leave-sick-leave" in p for p in problems), problems


def test_folder_and_declared_language_must_agree(dirs: tuple[Path, Path]) -> None:
    _, entries = dirs
    src = entries / "lang" / "vi" / "other.yml"
    (entries / "lang" / "id" / "other.yml").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    problems = _problems(entries)
    assert any("does not match its folder 'id'" in p for p in problems)
    assert any("duplicate id" in p for p in problems)


def test_numbers_thousands_groups_and_chinese_numerals() -> None:
    zh = Entry(id="x", title="罰鍰", topic="wages", questions=(),
                                           answer="處新臺幣6萬元以上30萬元以下罰鍰，前2小時加給三分之一。")
    ok = "A fine of NT$60,000 to NT$300.000; 2 hours; one third (1/3)."
    assert unbacked_translated_numbers(ok, zh) == []
    assert unbacked_translated_numbers("a fine of NT$50,000", zh) == ["50,000"]
    assert unbacked_translated_numbers("ปรับ ๖๐,๐๐๐ บาท", zh) == []  # Thai digits
    assert chinese_numeral("四十六") == 46 and chinese_numeral("一百五十萬") == 1_500_000
    assert [v for _, v in numbers_in_translation("①1955, 1,5 kali")] == [1955.0, 1.5]


# ---------------------------------------------------------------- tokens


def test_thai_character_ngrams_match_inside_a_sentence() -> None:
    query = set(tokenize_language("นายจ้างยึดพาสปอร์ตของผม", "th"))
    doc = set(tokenize_language("พาสปอร์ต", "th"))
    assert doc and doc <= query


def test_vietnamese_without_diacritics_matches() -> None:
    doc = set(tokenize_language("Chủ giữ hộ chiếu của tôi", "vi"))
    plain = tokenize_language("chu giu ho chieu", "vi")
    assert {"chu", "giu", "ho", "chieu", "ho_chieu"} <= set(plain) <= doc
    assert "chiếu" in doc and fold("Đài Loan lương") == "dai loan luong"


def test_indonesian_suffixes_and_mixed_words() -> None:
    tokens = tokenize_language("Gajinya dipotong agensi, ARC ditahan", "id")
    assert {"gaji", "potong", "agensi", "arc", "tahan"} <= set(tokens)
    assert "加班费" in tokenize_language("boss not pay 加班費", "en")  # a Chinese word in an English message


# ---------------------------------------------------------------- search


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    data, entries = _make_dirs(tmp_path_factory.mktemp("kb-lang"))
    return KnowledgeBase.open(data, HashEncoder(), entries_dir=entries)


def _dev_questions(lang: str) -> list[dict]:
    wanted = set(PLACEHOLDERS[lang])
    items = [json.loads(line) for line in (DEV / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines()]
    return [q for q in items if q["expect"] in wanted]


@pytest.mark.parametrize("lang", ["en", "id", "vi", "th"])
def test_search_in_language_finds_the_entry(kb: KnowledgeBase, lang: str) -> None:
    questions = _dev_questions(lang)
    assert len(questions) >= 8
    right = 0
    for q in questions:
        own = kb.search(q["text"], 3, ("entry",), language=lang, scope="own")
        assert own and all(h.language == lang and h.id.startswith(lang + "-") for h in own)
        right += own[0].id == f"{lang}-{q['expect']}"
    assert right >= len(questions) - 1, f"{right}/{len(questions)}"


def test_prefer_returns_translations_and_chinese_search_is_unchanged(kb: KnowledgeBase) -> None:
    chinese = kb.search("加班費怎麼算", 5)
    assert chinese and all(h.language == "zh" and not h.id.startswith("en-") for h in chinese)
    assert kb.search("加班費怎麼算", 5) == kb.search("加班費怎麼算", 5, language="zh")
    hits = kb.search("boss keeps my passport", 5, ("entry",), language="en", scope="prefer")
    assert hits[0].id == "en-fw-passport-kept"
    assert len({kb.translated_entry(h.id).translates if h.language == "en" else h.id for h in hits}) == len(hits)
    assert kb.translation("fw-passport-kept", "th").id == "th-fw-passport-kept"
    assert kb.search("boss", 3, language="xx") == kb.search("boss", 3)  # unknown language: Chinese search


def test_broken_translation_file_does_not_stop_the_knowledge_base(dirs: tuple[Path, Path]) -> None:
    data, entries = dirs
    (entries / "lang" / "en" / "wages.yml").write_text("entries: [unclosed", encoding="utf-8")
    kb = KnowledgeBase.open(data, HashEncoder(), entries_dir=entries)
    assert kb.search("加班費", 1)
    assert kb.search("weekday overtime pay", 1, language="vi")  # other languages still load


def test_language_encoder_override_falls_back_to_the_main_encoder(dirs: tuple[Path, Path],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    data, entries = dirs
    monkeypatch.setenv("LABOURBOT_ENCODER_TH", "no-such-encoder")
    main = HashEncoder()
    langs = open_language_indexes(config.settings(data, "use-m", entries), main)
    assert sorted(langs) == ["en", "id", "th", "vi"]
    assert langs["th"].encoder is main and langs["en"].encoder is main
    assert fusion_for("use-m:embedding_model_quantized.onnx", "vi").w_dense < fusion_for("use-m:x", "en").w_dense
