"""Find the questions in a message: real posts tell a story and ask one or several things at the end.

Pure functions, no dependencies beyond the standard library, so the Rasa venv (3.10) and the action
server (3.11) use the same splitting. A message is cut into sentences at Chinese and Western sentence
ends, line breaks and list markers (1. 2、 (3) 一、 第二); a sentence is a question when it ends with a
question mark or carries an interrogative (嗎 呢 怎麼 如何 是否 可不可以 多少 ...).

Why: retrieval over a whole story lets the story's nouns outvote the question ("I worked in a bakery
for ten years, my boss... can I get severance?" is about severance, not bakeries). Searching with the
question sentences, and with the whole text as a second opinion, keeps the point of the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Sentence ends; a list marker at the start of a line or after a sentence end also starts a new part.
_SPLIT = re.compile(r"(?<=[。！？?!；;])|\n+|\r+")
# An optional character takes the whitespace after it ("(?:[(（]\s*)?", not "[(（]?\s*"), so that a run of
# spaces cannot be split between two \s* in every way (quadratic on a line of spaces).
_LIST_MARKER = re.compile(
    r"^\s*(?:(?:[(（]\s*)?(?:\d{1,2}|[一二三四五六七八九十])\s*[)）、.．:：]|第[一二三四五六七八九十\d]+[、，,:：]?|[①②③④⑤⑥⑦⑧⑨]|Q\d+[.:：]?)\s*"
)
_INLINE_MARKER = re.compile(r"(?<=[^\d\s])\s*(?=(?:[(（]\s*\d{1,2}\s*[)）]|(?<![\d.])\d{1,2}\s*[、．.](?!\d)|[①②③④⑤⑥⑦⑧⑨]))")
# Strong: a question mark, a final particle, or a leading 請問. Weak: interrogative words that also occur
# inside statements ("也沒說有沒有錢可以拿"); they count only when no sentence has a strong marker. The closing
# punctuation takes the whitespace after it, as the bracket does in _LIST_MARKER.
_STRONG = re.compile(r"[嗎吗呢]\s*(?:[。！!…~～]+\s*)?$|[？?]|^\s*(?:請問|想請問|想問|請教)")
_WEAK = re.compile(
    r"怎麼|怎么|如何|是否|可否|可不可以|能不能|會不會|有沒有|要不要|算不算|多少|幾[天個年月次小週周]|几|何時|"
    r"什麼時候|哪裡|哪些|哪個|為什麼|為何|合法|違法|該怎|是不是|有無|有何|需不需要"
)
_META = re.compile(r"^(?:有|我有|以下|下列)?[幾几兩两二三四五\d]*(?:個|点|點)?(?:問題|疑問|事情)(?:想|要)?(?:請教|問)?[：:，,。]?$")
_FILLER = re.compile(r"^(?:你好|您好|哈囉|嗨|hi|hello|不好意思|打擾了|謝謝|感謝|麻煩了|請問一下|請問|想請問|想問一下|想問|請教)[，,。!！~～\s]*", re.I)
MIN_QUESTION_CHARS = 4


@dataclass(frozen=True)
class Parsed:
    """The parts of one message."""

    questions: tuple[str, ...]  # question sentences, in order, list markers and fillers removed
    story: str  # everything else
    numbered: bool  # the writer numbered the questions (1. 2. / (1) (2) / 一、二、)

    @property
    def is_multi(self) -> bool:
        return len(self.questions) > 1


def _clean(part: str) -> str:
    part = _LIST_MARKER.sub("", part.strip())
    previous = None
    while previous != part:
        previous, part = part, _FILLER.sub("", part).strip()
    return part.strip(" ，,、:：")


def sentences(text: str) -> list[tuple[str, bool]]:
    """(sentence, started with a list marker) in order; empty pieces dropped."""
    text = _INLINE_MARKER.sub("\n", text)
    out = []
    for piece in _SPLIT.split(text):
        if piece and piece.strip():
            out.append((piece.strip(), bool(_LIST_MARKER.match(piece))))
    return out


def is_question(sentence: str, strong_only: bool = False) -> bool:
    return bool(_STRONG.search(sentence) or (not strong_only and _WEAK.search(sentence)))


def parse(text: str) -> Parsed:
    """Question sentences and story of `text`. A message with no interrogative at all is one question."""
    parts = sentences(text or "")
    questions: list[str] = []
    story: list[str] = []
    numbered = sum(1 for _, marked in parts if marked) >= 2
    strong_only = any(is_question(s, strong_only=True) for s, _ in parts)
    for sentence, marked in parts:
        cleaned = _clean(sentence)
        if _META.match(cleaned) or (len(cleaned) < MIN_QUESTION_CHARS and not is_question(sentence)):
            story.append(sentence)
            continue
        if is_question(sentence, strong_only) or (numbered and marked):
            if len(cleaned) >= MIN_QUESTION_CHARS:
                questions.append(cleaned)
            elif questions:  # "可以嗎？" after a statement: the statement is the question
                questions[-1] = questions[-1] + cleaned
        else:
            story.append(sentence)
    if not questions:
        whole = _clean(text or "")
        return Parsed((whole,) if whole else (), "", False)
    # A bare follow-up ("那資遣費呢？") leans on the sentence before it: keep them together.
    merged: list[str] = []
    for q in questions:
        if merged and len(q) <= 8 and not numbered:
            merged[-1] = merged[-1] + "，" + q
        else:
            merged.append(q)
    return Parsed(tuple(dict.fromkeys(merged)), "".join(story), numbered)


def focus_query(text: str, max_chars: int = 160) -> str:
    """The text to search with: the question sentences (with the sentence before the first one when
    the question alone is short), or the message itself when it asks nothing explicitly."""
    parsed = parse(text)
    if not parsed.questions:
        return (text or "").strip()[:max_chars]
    query = "。".join(parsed.questions)
    if len(query) < 14 and parsed.story:
        tail = parsed.story[-60:]
        query = tail + "。" + query
    return query[:max_chars]
