"""Second-stage ranking: re-order the first fused candidates by a linear model over entry-level signals.

Reciprocal-rank fusion only sees two ranks per document. Between neighbouring entries (the granular entries
of issue 13 sit close together) what tells them apart is finer: which of an entry's rows the question is
close to (title, answer, keywords), how much of the question's weight the title and keywords carry, the
title's own words found in the question, whether the statute articles the question ranks high are the ones
the entry cites. `features` turns each candidate into those numbers; `Reranker` scores them with weights
fitted by `bench/retrieval.py --fit-rerank` (logistic regression on the entries' own questions against an
index built without them; the bench reports the held-out figure by 5-fold cross-validation over entries,
so no entry's questions judge weights fitted on them). At search time it is a dot product: no model file,
no extra dependency.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import numpy as np

if TYPE_CHECKING:
    from .entries import Entry
    from .index import Doc

WEIGHTS_FILE = Path(__file__).with_name("rerank_weights.json")
DEPTH = 30  # fused candidates re-ordered (the right entry is in the first 30 for 98% of held-out questions)
ARTICLE_DEPTH = 10  # articles whose citation by a candidate counts as support
TOPIC_DEPTH = 10  # candidates whose topics are counted

BASE = ("fused", "log_fused_rank", "dense", "log_dense_rank", "bm25_share", "log_bm25_rank",
        "cos_title", "cos_answer", "cos_keywords", "dense_gap", "cover_title", "cover_keywords",
        "cover_answer", "title_recall", "is_article", "title_bigrams", "keyword_phrases",
        "keyword_bigrams", "log_length", "bm25_gap", "cited_by_fused", "cited_by_dense", "topic_share",
        "distinct_cover", "query_bigrams_in_heads")
RELATIVE = ("cos_title", "cos_answer", "cos_keywords", "cover_title", "cover_keywords", "cover_answer",
            "title_recall", "title_bigrams", "keyword_phrases", "keyword_bigrams", "distinct_cover",
            "query_bigrams_in_heads")
FEATURES = BASE + tuple(f"{name}_vs_best" for name in RELATIVE)
_REL = [BASE.index(name) for name in RELATIVE]
_SPACE = re.compile(r"\s+")


def bigrams(text: str) -> frozenset[str]:
    s = _SPACE.sub("", text)
    return frozenset(s[i:i + 2] for i in range(len(s) - 1))


@dataclass(frozen=True)
class EntryWords:
    """What the lexical features read of one entry."""

    title: frozenset[str]
    keywords: frozenset[str]
    answer: frozenset[str]
    title_bigrams: frozenset[str]
    phrases: tuple[str, ...]  # the keywords as written
    phrase_bigrams: tuple[frozenset[str], ...]
    heads: frozenset[str] = frozenset()  # title and keyword words
    head_bigrams: frozenset[str] = frozenset()  # title and keyword bigrams

    @classmethod
    def of(cls, e: "Entry", tokenize: Callable[[str], list[str]]) -> "EntryWords":
        title, keywords = frozenset(tokenize(e.title)), frozenset(t for k in e.keywords for t in tokenize(k))
        phrase_bigrams = tuple(bigrams(k) for k in e.keywords if k)
        return cls(title, keywords, frozenset(tokenize(e.answer)), bigrams(e.title),
                   tuple(k for k in e.keywords if k), phrase_bigrams, title | keywords,
                   bigrams(e.title).union(*phrase_bigrams))


class RowCosines:
    """The cosine of a question with each entry's title, answer and keyword rows (the index's own vectors).

    `types[i]` names row i of the index ("title" | "question" | "answer" | "keywords"); only entry rows
    are typed, articles come after them in the index.
    """

    def __init__(self, vectors: np.ndarray, row_doc: np.ndarray, types: Sequence[str], n_docs: int) -> None:
        self.n_docs = n_docs
        self.parts = {}
        for kind in ("title", "answer", "keywords"):
            rows = np.array([i for i, t in enumerate(types) if t == kind], dtype=np.int64)
            self.parts[kind] = (np.ascontiguousarray(vectors[rows], dtype=np.float32), row_doc[rows])

    def __call__(self, vec: np.ndarray, dense: np.ndarray) -> dict[str, np.ndarray]:
        """Per kind, one cosine per document (-1 where the document has no such row; documents beyond the
        index, the console's entries, take their best cosine)."""
        out = {}
        vec = np.asarray(vec, dtype=np.float32)
        for kind, (rows, docs) in self.parts.items():
            cos = np.full(dense.shape[0], -1.0, dtype=np.float32)
            cos[docs] = rows @ vec
            cos[self.n_docs:] = dense[self.n_docs:]
            out[kind] = cos
        return out


def entry_row_types(entries: Sequence["Entry"], rows_of: Callable[["Entry"], list[str]]) -> list[str]:
    """The type of each entry row, in index order (title, questions, answer, [sentences], keywords)."""
    types: list[str] = []
    for e in entries:
        rows = rows_of(e)
        n_q = len(e.questions)
        kinds = ["title"] + ["question"] * n_q + ["answer"]
        kinds += ["sentence"] * (len(rows) - len(kinds) - (1 if e.keywords else 0))
        kinds += ["keywords"] if e.keywords else []
        types += kinds[:len(rows)]
    return types


class IdfTable:
    """Inverse document frequency of a word over the entries (title, keywords and answer together)."""

    def __init__(self, words: Mapping[str, EntryWords]) -> None:
        df: Counter = Counter()
        for w in words.values():
            df.update(w.title | w.keywords | w.answer)
        self.n = max(1, len(words))
        self.unseen = math.log(1.0 + (self.n + 0.5) / 0.5)
        self.idf = {t: math.log(1.0 + (self.n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self._totals: dict[int, float] = {}

    def __call__(self, token: str) -> float:
        return self.idf.get(token, self.unseen)

    def total(self, tokens: frozenset[str]) -> float:
        """Summed IDF of a word set that lives as long as the table (an entry's title), remembered."""
        key = id(tokens)
        if key not in self._totals:
            self._totals[key] = sum(self(t) for t in tokens) or 1.0
        return self._totals[key]


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of every document in a stable descending sort of `scores`."""
    out = np.empty(scores.shape[0], dtype=np.float64)
    out[np.argsort(-scores, kind="stable")] = np.arange(1, scores.shape[0] + 1)
    return out


def _top_articles(scores: np.ndarray, is_article: np.ndarray, docs: Sequence["Doc"], take: int) -> dict[str, int]:
    art = np.flatnonzero(is_article)
    order = art[np.argsort(-scores[art], kind="stable")][:take]
    return {docs[p].id: r + 1 for r, p in enumerate(order)}


def features(query: str, tokens: Sequence[str], dense: np.ndarray, bm25: np.ndarray, fused: np.ndarray,
             cand: np.ndarray, cos: Mapping[str, np.ndarray], docs: Sequence["Doc"], is_article: np.ndarray,
             words: Callable[[str], EntryWords | None], idf: IdfTable) -> np.ndarray:
    """One row of FEATURES per candidate position in `cand` (ordered by `fused`, over every document)."""
    fused_rank, dense_rank, bm25_rank = (_ranks(x)[cand] for x in (fused, dense, bm25))
    bmax = float(bm25.max()) if bm25.size and bm25.max() > 0 else 1.0
    q_weight = {t: idf(t) for t in tokens}
    q_total = sum(q_weight.values()) or 1.0
    q_set = q_weight.keys()
    q_bigrams = bigrams(query)
    by_fused = _top_articles(fused, is_article, docs, ARTICLE_DEPTH)
    by_dense = _top_articles(dense, is_article, docs, ARTICLE_DEPTH)
    topics = Counter(docs[p].topic for p in cand[:TOPIC_DEPTH])
    top_words = [words(docs[p].id) for p in cand[:TOPIC_DEPTH] if not is_article[p]]
    head_count = Counter(t for w in top_words if w is not None for t in w.heads & q_set)
    in_top = {int(p) for p in cand[:TOPIC_DEPTH]}
    first = int(cand[0])
    second = int(cand[1]) if cand.size > 1 else first
    rows = []
    for i, p in enumerate(cand):
        p = int(p)
        d = docs[p]
        w = None if is_article[p] else words(d.id)
        if w is not None:
            cover = [sum(q_weight[t] for t in part & q_set) / q_total for part in (w.title, w.keywords, w.answer)]
            title_recall = sum(q_weight[t] for t in w.title & q_set) / idf.total(w.title)
            title_bigrams = len(q_bigrams & w.title_bigrams) / (len(w.title_bigrams) or 1)
            phrases = min(3, sum(1 for k in w.phrases if k in query))
            phrase_bigrams = max([len(q_bigrams & b) / (len(b) or 1) for b in w.phrase_bigrams] or [0.0])
            cited_fused = max([1.0 / by_fused[c] for c in d.citations if c in by_fused] or [0.0])
            cited_dense = max([1.0 / by_dense[c] for c in d.citations if c in by_dense] or [0.0])
            mine = 1 if p in in_top else 0  # the query's words in this entry's title and keywords only
            distinct = sum(q_weight[t] for t in w.heads & q_set if head_count[t] - mine == 0) / q_total
            in_heads = len(q_bigrams & w.head_bigrams) / (len(q_bigrams) or 1)
        else:
            cover = [0.0, 0.0, 0.0]
            title_recall = title_bigrams = phrases = phrase_bigrams = cited_fused = cited_dense = 0.0
            distinct = in_heads = 0.0
        rows.append([
            fused[p] * 10, math.log(fused_rank[i]), dense[p], math.log(dense_rank[i]), bm25[p] / bmax,
            math.log(bm25_rank[i]) if bm25[p] > 0 else 6.0,
            cos["title"][p], cos["answer"][p], cos["keywords"][p], dense[p] - dense[first],
            *cover, title_recall, float(is_article[p]), title_bigrams, float(phrases), phrase_bigrams,
            math.log(len(query) + 1), (bm25[p] - bm25[second]) / bmax, cited_fused, cited_dense,
            topics[d.topic] / TOPIC_DEPTH, distinct, in_heads,
        ])
    x = np.asarray(rows, dtype=np.float64)
    return np.hstack([x, x[:, _REL] - x[:, _REL].max(axis=0, keepdims=True)])


@dataclass(frozen=True)
class Reranker:
    """A linear score over FEATURES (weights in the order of `names`)."""

    names: tuple[str, ...]
    weights: np.ndarray
    bias: float = 0.0
    depth: int = DEPTH

    def score(self, x: np.ndarray) -> np.ndarray:
        return x @ self.weights + self.bias

    def to_json(self, **about) -> str:
        return json.dumps({"features": list(self.names), "weights": [round(float(w), 6) for w in self.weights],
                           "bias": round(float(self.bias), 6), "depth": self.depth, **about},
                          ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> "Reranker | None":
        """The fitted weights, or None when there are none or they were fitted for other features."""
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if tuple(doc.get("features", ())) != FEATURES:
            return None
        return cls(FEATURES, np.asarray(doc["weights"], dtype=np.float64), float(doc.get("bias", 0.0)),
                   int(doc.get("depth", DEPTH)))
