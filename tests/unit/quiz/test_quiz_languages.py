"""The quiz's translations (quiz/questions_i18n.yml): complete, short enough for LINE, the same numbers as
the Chinese, and the Chinese answer letters and citations (quiz.localized)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import quiz

OTHER = quiz.TRANSLATED_LANGUAGES
_NUMBER = re.compile(r"\d+(?:[.,]\d{3})*(?:\s*萬)?")
_CJK = re.compile(r"[\u3400-\u9fff]")
_THAI = re.compile(r"[\u0e00-\u0e7f]")


def numbers(text: str) -> set[int]:
    """The numbers a text states, whatever the thousands separator: 「4 萬」 = "40,000" = "40.000"."""
    found = set()
    for raw in _NUMBER.findall(text):
        value = int(re.sub(r"[.,\s萬]", "", raw))
        found.add(value * 10000 if raw.endswith("萬") else value)
    return found


def test_the_number_reader_reads_every_way_of_writing_an_amount() -> None:
    assert numbers("未達 4 萬元") == numbers("below NT$40,000") == numbers("di bawah NT$40.000") == {40000}
    assert numbers("200 ×（1＋1/3）≈ 267 元") == {200, 1, 3, 267}


def test_every_question_has_all_four_languages_and_nothing_else() -> None:
    table = quiz.translations()
    assert set(table) == {q.id for q in quiz.questions()}
    for qid, langs in table.items():
        assert set(langs) == set(OTHER), qid


@pytest.mark.parametrize("lang", OTHER)
def test_options_fit_a_line_quick_reply_and_differ(lang: str) -> None:
    for q in quiz.questions():
        local = quiz.localized(q.id, lang)
        assert len(local.options) == 4 and len(set(local.options)) == 4, (q.id, lang)
        assert all(len(f"A. {o}") <= 20 for o in local.options), (q.id, lang, local.options)


@pytest.mark.parametrize("lang", OTHER)
def test_explanations_state_the_chinese_numbers(lang: str) -> None:
    for q in quiz.questions():
        local = quiz.localized(q.id, lang)
        assert numbers(local.explanation) == numbers(q.explanation), (q.id, lang, local.explanation)


@pytest.mark.parametrize("lang", OTHER)
def test_amount_options_are_the_chinese_amounts(lang: str) -> None:
    """Where the options are amounts (「196 元」), the translated option states the same amount."""
    for q in quiz.questions():
        local = quiz.localized(q.id, lang)
        for zh, other in zip(q.options, local.options):
            if "元" in zh and numbers(zh):  # 「196 元」, not 「一萬元」 in words
                assert numbers(other) == numbers(zh), (q.id, lang, zh, other)


@pytest.mark.parametrize("lang", OTHER)
def test_the_answer_letter_category_and_citations_are_the_chinese_ones(lang: str) -> None:
    for q in quiz.questions():
        local = quiz.localized(q.id, lang)
        assert (local.id, local.category, local.answer, local.citations) == (q.id, q.category, q.answer,
                                                                             q.citations)
        assert local.question != q.question and local.explanation != q.explanation


@pytest.mark.parametrize("lang", OTHER)
def test_texts_are_in_their_language(lang: str) -> None:
    for q in quiz.questions():
        local = quiz.localized(q.id, lang)
        for text in (local.question, local.explanation, *local.options):
            assert not _CJK.search(text), (q.id, lang, text)
        assert bool(_THAI.search(local.question + local.explanation)) == (lang == "th"), (q.id, lang)


@pytest.mark.parametrize("lang", OTHER)
def test_a_typed_option_is_read_as_its_letter(lang: str) -> None:
    for q in quiz.questions():
        local = quiz.localized(q.id, lang)
        for letter, option in zip(quiz.LETTERS, local.options):
            assert quiz.parse_choice(option, local) == letter, (q.id, lang, option)


def test_chinese_and_unknown_languages_get_the_chinese_question() -> None:
    q = quiz.question("q07")
    assert quiz.localized("q07", "zh") == q == quiz.localized("q07", None) == quiz.localized("q07", "fr")
    with pytest.raises(KeyError):
        quiz.localized("q99", "en")


def test_a_translation_without_four_options_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "questions_i18n.yml"
    bad.write_text("q01:\n  en:\n    question: Q?\n    options: [a, b, c]\n    explanation: E.\n", "utf-8")
    with pytest.raises(ValueError, match="4 options"):
        quiz._load_translations(bad)


@pytest.mark.parametrize("text", ["can you give me a quiz about my labour rights please",
                                  "saya ingin main kuis tentang hak pekerja",
                                  "tôi muốn thử câu đố về luật lao động",
                                  "อยากเล่นแบบทดสอบเรื่องสิทธิแรงงาน"])
def test_a_quiz_asked_for_in_another_language_starts_the_quiz(text: str) -> None:
    from labourbot.routing import KB_INTENT, route

    assert route(text, "start_quiz", 0.9).intent == "start_quiz"  # the quiz speaks the language now
    assert route(text, "search_job", 0.9).intent == KB_INTENT  # job search still speaks Chinese only
