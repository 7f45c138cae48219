"""What to say to a free-text question: the plan behind every knowledge-base reply.

A plan has one part per question in the message (up to MAX_PARTS; the rest come back as follow-up
questions the user can send with one tap). Each part has the entry that answers it when the search is
confident, and the closest other entries as alternatives. When no part has a confident entry, the plan
carries the one or two statute articles that fit best, so a question about a law we hold never ends with
no law shown. Pure over a KnowledgeBase: the rasa-sdk actions render plans, the benches and tests check them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from labourbot.questions import Parsed, parse

if TYPE_CHECKING:
    from .kb import Hit, KnowledgeBase

MAX_PARTS = 3  # questions answered in one reply; more become buttons
ALTERNATIVES = 3  # closest entries offered with an answer or instead of one
STATUTE_ARTICLES = 2  # articles shown when no entry fits
MIN_PART_CHARS = 6
# An unnumbered second question gets its own answer only when this sure of it (best cosine): posts often
# ask the same thing twice (title and body), and a neighbouring entry there is noise, not an answer.
EXTRA_PART_MIN_DENSE = 0.7
# ... and only when that entry is among the whole message's first CONTEXT entries: a side question read
# alone ("可以不用先跟公司講嗎") finds entries the story rules out. Long messy messages
# (bench/data/retrieval_long.yml): 22 -> 18 answers shown outside the expected entries, none of the right
# ones lost; real posts: 201 -> 195 answers shown, one more reply citing a labelled article.
CONTEXT = 10


@dataclass(frozen=True)
class ArticleGate:
    """When an article is relevant enough to show on its own (no entry fits): the question names it,
    or its best cosine is at least `min_dense`, or its cosine is at least `min_dense_with_coverage` and
    the article holds `min_coverage` of the question's words (IDF-weighted)."""

    min_dense: float = 0.45
    min_dense_with_coverage: float = 0.3
    min_coverage: float = 0.5


ARTICLE_GATE = ArticleGate()


@dataclass
class Part:
    question: str
    answer: "Hit | None"  # a confident entry
    alternatives: list["Hit"] = field(default_factory=list)  # other close entries, best first


@dataclass
class Plan:
    parts: list[Part]
    statutes: list["Hit"] = field(default_factory=list)  # articles shown when no part has an answer
    more_questions: list[str] = field(default_factory=list)  # questions beyond MAX_PARTS
    topic: str = "other"

    @property
    def answered(self) -> bool:
        return any(p.answer for p in self.parts)

    @property
    def alternatives(self) -> list["Hit"]:
        """Alternatives of all parts, without the answers and without repeats."""
        shown = {p.answer.id for p in self.parts if p.answer}
        out: list["Hit"] = []
        for p in self.parts:
            for h in p.alternatives:
                if h.id not in shown:
                    shown.add(h.id)
                    out.append(h)
        return out


def article_relevant(hit: "Hit", gate: ArticleGate = ARTICLE_GATE) -> bool:
    if hit.named:
        return True
    return hit.dense >= gate.min_dense or (hit.dense >= gate.min_dense_with_coverage
                                           and hit.coverage >= gate.min_coverage)


def split_parts(text: str, parsed: Parsed | None = None) -> list[str]:
    """The questions to answer separately: numbered questions, or several separate question sentences;
    one question (the whole message) otherwise. `parsed` is `parse(text)` when the caller has it."""
    parsed = parsed or parse(text)
    questions = [q for q in parsed.questions if len(q) >= MIN_PART_CHARS]
    if len(questions) >= 2 and (parsed.numbered or all(len(q) >= 8 for q in questions)):
        return questions
    return [text]


def _part(kb: "KnowledgeBase", question: str, exclude: set[str], found: "list[Hit] | None" = None) -> Part:
    """The part for `question`; `found` is its search when the caller already has it."""
    if found is None:
        found = kb.search(question, k=ALTERNATIVES + 2 + len(exclude), kinds=("entry",))
    hits = [h for h in found if h.id not in exclude]
    answer = hits[0] if hits and kb.is_confident(hits) else None
    return Part(question, answer, [h for h in hits if answer is None or h.id != answer.id][:ALTERNATIVES])


def plan(kb: "KnowledgeBase", text: str, *, topic_hint: str = "other") -> Plan:
    """The reply plan for `text` (one or more questions).

    Numbered questions are answered one by one. Otherwise the whole message is searched first (a post's
    story carries facts its question sentence leaves out: measured on real posts, the whole text finds a
    labelled article more often than the question sentences alone), and further question sentences add
    a part only when they find a different entry with confidence.
    """
    parsed = parse(text)
    questions = split_parts(text, parsed)
    parts: list[Part] = []
    seen: set[str] = set()
    context: set[str] = set()
    if not (len(questions) > 1 and parsed.numbered):
        whole = kb.search(text, k=max(CONTEXT, ALTERNATIVES + 2), kinds=("entry",))
        context = {h.id for h in whole[:CONTEXT]}
        parts.append(_part(kb, text, seen, whole))
        if parts[0].answer:
            seen.add(parts[0].answer.id)
        extra = questions if len(questions) > 1 else []
    else:
        extra = questions
    more: list[str] = []
    for q in extra:
        if len(parts) >= MAX_PARTS:
            more.append(q)
            continue
        part = _part(kb, q, seen)
        if not parsed.numbered and (part.answer is None or part.answer.dense < EXTRA_PART_MIN_DENSE
                                    or part.answer.id not in context):
            continue  # an unnumbered side question without a clear answer of its own: the first part covers it
        if part.answer:
            seen.add(part.answer.id)
        parts.append(part)
    result = Plan(parts, more_questions=more)
    if not result.answered:
        articles = kb.search(text, k=STATUTE_ARTICLES + 3, kinds=("article",))
        result.statutes = [a for a in articles if article_relevant(a)][:STATUTE_ARTICLES]
    result.topic = _topic(result, topic_hint)
    return result


def _topic(p: Plan, hint: str) -> str:
    for part in p.parts:
        if part.answer:
            return part.answer.topic
    firsts: Sequence["Hit"] = [part.alternatives[0] for part in p.parts if part.alternatives]
    return firsts[0].topic if firsts else hint
