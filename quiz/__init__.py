"""Campus quiz: questions, the order of a round, reading an answer, grading. Pure (no Rasa).

A round has ROUND_SIZE questions, a fixed number from each category (QUOTA), in random order.
Answers are read from button payload entities ("B") or typed text ("b", "2", "(B)", "答案是B",
"乙", or the option's own words).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import yaml

from labourbot.textnorm import normalize

QUESTIONS_FILE = Path(__file__).resolve().parent / "questions.yml"
# The same questions in the other languages the bot speaks (docs/languages.md): texts only.
TRANSLATIONS_FILE = Path(__file__).resolve().parent / "questions_i18n.yml"
TRANSLATED_LANGUAGES: tuple[str, ...] = ("en", "id", "vi", "th")
LETTERS = "ABCD"
QUOTA: dict[str, int] = {"scam": 2, "discrimination": 2, "part_time": 2, "min_wage": 2, "insurance": 2}
ROUND_SIZE = sum(QUOTA.values())

_STOP = re.compile(r"(結束|停止|不玩|不想玩|不要玩|退出|離開|先不要|算了|不答了|stop|quit|exit)")
_CHINESE_ORDINALS = {"甲": "A", "乙": "B", "丙": "C", "丁": "D"}


@dataclass(frozen=True)
class Question:
    id: str
    category: str
    question: str
    options: tuple[str, ...]
    answer: str
    explanation: str
    citations: tuple[str, ...]

    def option_text(self, letter: str) -> str:
        return self.options[LETTERS.index(letter)]


@dataclass(frozen=True)
class Grade:
    question: Question
    choice: str
    correct: bool

    @property
    def feedback(self) -> str:
        q = self.question
        head = "✅ 答對了！" if self.correct else f"❌ 答錯了，正確答案是 {q.answer}. {q.option_text(q.answer)}"
        return f"{head}\n{q.explanation}\n依據：{'、'.join(q.citations)}"


def _load(path: Path) -> tuple[Question, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = []
    for item in raw:
        options = tuple(str(o) for o in item["options"])
        answer = str(item["answer"]).strip().upper()
        if len(options) != 4 or answer not in tuple(LETTERS):
            raise ValueError(f"questions.yml {item.get('id')}: need 4 options and an answer A-D")
        questions.append(Question(str(item["id"]), str(item["category"]), str(item["question"]), options, answer,
                                  str(item["explanation"]), tuple(str(c) for c in item["citations"])))
    if len({q.id for q in questions}) != len(questions):
        raise ValueError("questions.yml: duplicate ids")
    return tuple(questions)


@lru_cache(maxsize=1)
def questions() -> tuple[Question, ...]:
    return _load(QUESTIONS_FILE)


def question(qid: str) -> Question:
    for q in questions():
        if q.id == qid:
            return q
    raise KeyError(qid)


@dataclass(frozen=True)
class Translation:
    question: str
    options: tuple[str, ...]
    explanation: str


def _load_translations(path: Path) -> dict[str, dict[str, Translation]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found: dict[str, dict[str, Translation]] = {}
    for qid, langs in raw.items():
        found[str(qid)] = {}
        for lang, item in (langs or {}).items():
            options = tuple(str(o) for o in item["options"])
            if len(options) != 4:
                raise ValueError(f"questions_i18n.yml {qid} {lang}: need 4 options")
            found[str(qid)][str(lang)] = Translation(str(item["question"]), options, str(item["explanation"]))
    return found


@lru_cache(maxsize=1)
def translations() -> dict[str, dict[str, Translation]]:
    """Question id -> language -> its texts (questions_i18n.yml)."""
    return _load_translations(TRANSLATIONS_FILE)


def localized(qid: str, lang: str | None) -> Question:
    """Question `qid` with its texts in `lang` (same id, answer letter and citations); the Chinese question
    for Chinese, an unknown language or a question not translated."""
    q = question(qid)
    found = translations().get(qid, {}).get(lang or "")
    if found is None:
        return q
    return replace(q, question=found.question, options=found.options, explanation=found.explanation)


def new_round(rng: random.Random | None = None) -> list[str]:
    """Question ids of one round: QUOTA[c] questions of each category, shuffled."""
    rng = rng or random.Random()
    chosen: list[str] = []
    for category, count in QUOTA.items():
        pool = [q.id for q in questions() if q.category == category]
        chosen += rng.sample(pool, min(count, len(pool)))
    rng.shuffle(chosen)
    return chosen


def parse_choice(text: str, q: Question | None = None) -> str | None:
    """The letter a typed answer means, or None: "B", "b", "(B)", "B.", "2", "選B", "答案是 C", "乙",
    or (with the question) the text of an option."""
    raw = normalize(text or "")
    if not raw:
        return None
    compact = re.sub(r"[\s()（）\[\]【】.。、:：,，!！]", "", raw)
    compact = re.sub(r"^(我選|我猜|選|答案是|答案|我覺得是|應該是|是)", "", compact)
    compact = re.sub(r"(吧|啦|呢|喔|哦|選項)$", "", compact)
    if len(compact) == 1:
        upper = compact.upper()
        if upper in LETTERS:
            return upper
        if compact in "1234":
            return LETTERS[int(compact) - 1]
        if compact in _CHINESE_ORDINALS:
            return _CHINESE_ORDINALS[compact]
        if compact in "一二三四":
            return LETTERS["一二三四".index(compact)]
    if q is not None:
        for letter, option in zip(LETTERS, q.options):
            if normalize(option) in raw or re.sub(r"\s", "", normalize(option)) == compact:
                return letter
    return None


def wants_to_stop(text: str) -> bool:
    return bool(_STOP.search(normalize(text or "")))


def grade(q: Question, choice: str) -> Grade:
    return Grade(q, choice, choice == q.answer)


def ask_text(q: Question, number: int, total: int) -> str:
    lines = [f"第 {number}／{total} 題：{q.question}"]
    lines += [f"{letter}. {option}" for letter, option in zip(LETTERS, q.options)]
    return "\n".join(lines)


def result_text(score: int, answered: int, total: int) -> str:
    if answered < total:
        head = f"測驗已結束。你回答了 {answered} 題，答對 {score} 題。"
    else:
        head = f"測驗結束！你答對 {score}／{total} 題。"
    ratio = score / total if total else 0
    if answered == total and score == total:
        comment = "全部答對，太厲害了！打工求職時也記得保護自己 💪"
    elif ratio >= 0.7:
        comment = "很不錯！對勞動權益已經有基本的認識。"
    else:
        comment = "可以再多了解一點：打工前先確認薪資、工時和保險，遇到要先付錢或交證件的工作要提高警覺。"
    return f"{head}{comment}\n有問題隨時問我，或撥 1955 勞工諮詢專線。"


def order_of(value: Sequence[str] | None) -> list[str]:
    """A stored round (slot value) with unknown ids dropped."""
    known = {q.id for q in questions()}
    return [qid for qid in (value or []) if qid in known]
