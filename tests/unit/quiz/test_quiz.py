"""Campus quiz: the question bank against the official statute texts, rounds, reading answers, grading."""

from __future__ import annotations

import json
import random
import re
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

import quiz
from labourbot.calc import minimum_wage_on

CITATION = re.compile(r"^(?P<law>.+?)第(?P<num>\d+)條(?:之(?P<sub>\d+))?$")
# What each cited article must say for the question to be right (words of the official text).
ARTICLE_MUST_SAY = {
    "q01": ["保證金"], "q02": ["財物"], "q03": ["國民身分證", "留置"], "q04": ["年齡"], "q05": ["性別"],
    "q06": ["懷孕", "離職"], "q07": ["不得低於最低工資"], "q08": ["每月最低工資", "每小時最低工資"],
    "q09": ["三分之一"], "q10": ["預扣"], "q11": ["法定代理人同意書"], "q12": ["午後八時至翌晨六時"],
    "q13": ["十五歲"], "q14": ["五人以上", "六十五歲"], "q15": ["四萬元"],
}


def statute_articles(law_dir: Path) -> dict[str, str]:
    """'勞動基準法第24條' -> article text, from the official MOJ files."""
    out: dict[str, str] = {}
    for path in (law_dir / "zh").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        name = re.sub(r"（.*?）$", "", data["法規名稱"])
        for item in data["法規內容"]:
            number = item.get("條號")
            if not number:
                continue
            match = re.match(r"第\s*(\d+)(?:-(\d+))?\s*條", number)
            if match:
                key = f"{name}第{match.group(1)}條" + (f"之{match.group(2)}" if match.group(2) else "")
                out[key] = item["條文內容"].replace("\r\n", "")
    return out


def longest_common_run(a: str, b: str) -> int:
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def test_every_question_is_well_formed_and_fits_a_line_quick_reply():
    qs = quiz.questions()
    assert len(qs) >= quiz.ROUND_SIZE
    assert {q.category for q in qs} == set(quiz.QUOTA)
    for q in qs:
        assert len(q.options) == 4 and q.answer in quiz.LETTERS and len(set(q.options)) == 4
        assert all(len(f"A. {o}") <= 20 for o in q.options), q.id  # LINE quick-reply label limit
        assert q.citations and all(CITATION.match(c) for c in q.citations), q.id
    answers = [q.answer for q in qs]
    assert all(answers.count(letter) >= 2 for letter in quiz.LETTERS), "answers spread over A-D"


def test_citations_exist_say_what_the_question_relies_on_and_are_not_copied(law_dir):
    articles = statute_articles(law_dir)
    for q in quiz.questions():
        texts = []
        for citation in q.citations:
            assert citation in articles, f"{q.id}: {citation} not in the official texts"
            texts.append(articles[citation])
        body = "".join(texts)
        for words in ARTICLE_MUST_SAY[q.id]:
            assert words in body, f"{q.id}: {q.citations} does not say {words}"
        for text in texts:
            assert longest_common_run(q.explanation, text) < 30, f"{q.id} copies the statute"


def test_minimum_wage_numbers_match_the_announcements():
    q07, q08 = quiz.question("q07"), quiz.question("q08")
    in_2026 = minimum_wage_on(date(2026, 1, 1))
    assert q07.option_text(q07.answer) == f"{in_2026.hourly} 元" == "196 元"
    assert q08.option_text(q08.answer) == f"{in_2026.monthly:,} 元" == "29,500 元"
    assert f"{minimum_wage_on(date(2025, 1, 1)).hourly} 元" in q07.explanation
    assert f"{minimum_wage_on(date(2024, 1, 1)).monthly:,} 元" in q08.explanation
    assert f"{minimum_wage_on(date(2025, 1, 1)).monthly:,} 元" in q08.explanation


def test_overtime_question_matches_article_24():
    q09 = quiz.question("q09")
    expected = round(200 * (1 + Fraction(1, 3)))  # 勞動基準法第24條第1項第1款: one third more
    assert q09.option_text(q09.answer) == f"約 {expected} 元"


def test_a_round_has_the_quota_of_each_category_in_random_order():
    order = quiz.new_round(random.Random(7))
    assert len(order) == len(set(order)) == quiz.ROUND_SIZE
    counts = {c: sum(quiz.question(i).category == c for i in order) for c in quiz.QUOTA}
    assert counts == quiz.QUOTA
    assert quiz.new_round(random.Random(7)) == order and quiz.new_round(random.Random(8)) != order
    assert quiz.order_of(order + ["nope"]) == order and quiz.order_of(None) == []


@pytest.mark.parametrize("typed,letter", [
    ("A", "A"), ("b", "B"), ("Ｃ", "C"), ("(D)", "D"), ("B.", "B"), ("1", "A"), ("４", "D"), ("選B", "B"),
    ("答案是 c", "C"), ("我選 D 吧", "D"), ("乙", "B"), ("三", "C"), ("不可以，除非工作只適合單一性別", "A"),
    ("加班費怎麼算", None), ("", None), ("AB", None), ("5", None),
])
def test_typed_answers(typed, letter):
    assert quiz.parse_choice(typed, quiz.question("q05")) == letter


def test_grading_and_feedback_cite_the_article():
    q = quiz.question("q01")
    right, wrong = quiz.grade(q, "B"), quiz.grade(q, "A")
    assert right.correct and right.feedback.startswith("✅") and "依據：就業服務法第5條" in right.feedback
    assert not wrong.correct and "正確答案是 B. 不合法，雇主不可收保證金" in wrong.feedback


def test_stop_words_and_texts():
    assert quiz.wants_to_stop("結束測驗") and quiz.wants_to_stop("不玩了") and not quiz.wants_to_stop("B")
    assert quiz.ask_text(quiz.question("q07"), 3, 10).splitlines()[0].startswith("第 3／10 題：")
    assert quiz.result_text(8, 10, 10).startswith("測驗結束！你答對 8／10 題。")
    assert quiz.result_text(2, 3, 10).startswith("測驗已結束。你回答了 3 題，答對 2 題。")
