"""The curation queue: questions the bot could not answer, grouped by similarity for staff.

Grouping is greedy and deterministic: questions in the order they were asked, each joins the group
whose centroid is most similar to it when that similarity reaches the threshold, else starts a group.
Similarity is the cosine of the knowledge base's own encoder (what the bot searches with), or, when
the encoder cannot be loaded, of the BM25 tokens of knowledge_base/tokens.py.

Thresholds, measured on the 30 paraphrase pairs and 30 pairs of different questions (most on the same
topic: 產假/陪產假, 例假日/休息日) in tests/unit/curation/curation_paraphrases.py, best accuracy:
  use-m cosine 0.78 -> 78% (paraphrase cosines: min 0.53, median 0.81; others: median 0.63, max 0.86)
  token cosine 0.31 -> 70% (bigrams weighted 0.5; 0.73 at best weight, 0.70 at 0.5)
  half each 0.54 -> 78% (no better than the encoder alone)
Errors are mostly near-twins (產假 vs 陪產假 merge; 押金 vs 保證金 stay apart): a group is a hint for
staff, who still read every question, so a missed merge costs a second row, not a wrong answer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Callable, Optional, Sequence

import numpy as np

from cases.masking import mask_personal_data

ENCODER_THRESHOLDS = {"use-m": 0.78}  # by encoder family (the part of its name before ":")
TOKEN_THRESHOLD = 0.31
BIGRAM_WEIGHT = 0.5
QUEUE_LIMIT = 500  # newest queued questions grouped on one page
EMBED_CACHE = 5000  # question vectors kept between page views (use-m: 2 KB each)

Embed = Callable[[Sequence[str]], np.ndarray]  # texts -> L2-normalised rows


@dataclass(frozen=True)
class Similarity:
    """How questions are compared: an embedding of texts into unit vectors and the threshold to group."""

    name: str
    embed: Embed
    threshold: float


def token_vectors(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors of the texts' BM25 tokens (character bigrams at half weight) over their own vocabulary."""
    from knowledge_base.tokens import tokenize

    bags = [Counter({t: (BIGRAM_WEIGHT if t.startswith("~") else 1.0) * n for t, n in Counter(tokenize(x)).items()})
            for x in texts]
    vocab: dict[str, int] = {}
    for bag in bags:
        for t in bag:
            vocab.setdefault(t, len(vocab))
    out = np.zeros((len(texts), max(len(vocab), 1)), dtype=np.float32)
    for i, bag in enumerate(bags):
        for t, w in bag.items():
            out[i, vocab[t]] = w
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms


TOKENS = Similarity("tokens", token_vectors, TOKEN_THRESHOLD)


@lru_cache(maxsize=2)
def encoder_similarity(spec: str) -> Similarity:
    """The encoder named by `spec` with its measured threshold; tokens when it has none or fails to load."""
    family = spec.split(":", 1)[0]
    if family not in ENCODER_THRESHOLDS:
        return TOKENS
    try:
        from labourbot.encoders import encode_query, load_encoder

        encoder = load_encoder(spec)
    except Exception:  # no model on this machine: the queue still works, grouped by words
        return TOKENS
    from labourbot.textnorm import normalize

    seen: dict[str, np.ndarray] = {}  # the page is opened again and again over the same questions

    def embed(texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in seen]
        if todo:
            if len(seen) + len(todo) > EMBED_CACHE:
                seen.clear()
            seen.update(zip(todo, np.asarray(encode_query(encoder, [normalize(t) for t in todo]), dtype=np.float32)))
        dim = int(encoder.dim)
        return np.stack([seen[t] for t in texts]) if texts else np.zeros((0, dim), dtype=np.float32)

    return Similarity(family, embed, ENCODER_THRESHOLDS[family])


def group_indices(vectors: np.ndarray, threshold: float) -> list[list[int]]:
    """Greedy centroid clustering of unit row vectors, in row order (deterministic)."""
    groups: list[list[int]] = []
    sums: list[np.ndarray] = []
    for i, v in enumerate(vectors):
        best, best_sim = -1, threshold
        for g, total in enumerate(sums):
            norm = float(np.linalg.norm(total))
            sim = float(total @ v) / norm if norm else 0.0
            if sim >= best_sim and (best < 0 or sim > best_sim):
                best, best_sim = g, sim
        if best < 0:
            groups.append([i])
            sums.append(v.astype(np.float64).copy())
        else:
            groups[best].append(i)
            sums[best] += v
    return groups


@dataclass
class Group:
    """Queued questions that ask about the same thing, as the curation page shows them."""

    question_ids: list[int]
    representative: str  # masked again: the member closest to the group's centre
    texts: list[str]  # every member, masked again, oldest first
    reasons: dict[str, int]
    offered: list[str]  # entry ids the bot offered, most often offered first
    first_at: datetime
    last_at: datetime
    languages: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.question_ids)


def group_questions(rows: Sequence[Any], similarity: Similarity = TOKENS) -> list[Group]:
    """Groups of UnansweredQuestion-like rows (id, at, reason, text, offered, language): largest first,
    then the most recently asked. Texts are masked again here, whatever the recorder did."""
    rows = sorted(rows, key=lambda r: (r.at, r.id))
    if not rows:
        return []
    texts = [mask_personal_data(r.text or "") for r in rows]
    vectors = similarity.embed(texts)
    out: list[Group] = []
    for members in group_indices(vectors, similarity.threshold):
        centre = vectors[members].sum(axis=0)
        # closest to the centre, preferring a text with nothing masked (staff start the rewrite from it)
        rep = max(members, key=lambda i: ("*" not in texts[i], float(vectors[i] @ centre), -i))
        offered: Counter = Counter()
        for i in members:
            for eid in rows[i].offered or []:
                offered[str(eid)] += 1
        out.append(Group(
            question_ids=[rows[i].id for i in members],
            representative=texts[rep],
            texts=[texts[i] for i in members],
            reasons=dict(Counter(rows[i].reason for i in members).most_common()),
            offered=[eid for eid, _ in sorted(offered.items(), key=lambda kv: (-kv[1], kv[0]))],
            first_at=rows[members[0]].at,
            last_at=rows[members[-1]].at,
            languages=sorted({rows[i].language for i in members}),
        ))
    out.sort(key=lambda g: (-g.count, -g.last_at.timestamp()))
    return out


def queued(session: Any, limit: int = QUEUE_LIMIT, ids: Optional[Sequence[int]] = None) -> list[Any]:
    """The newest questions still waiting for staff (status "new"), or the given ones of them."""
    from sqlalchemy import select

    from figures.models import QUEUED, UnansweredQuestion

    query = select(UnansweredQuestion).where(UnansweredQuestion.status == QUEUED)
    if ids is not None:
        query = query.where(UnansweredQuestion.id.in_(list(ids)))
    return list(session.scalars(query.order_by(UnansweredQuestion.at.desc(), UnansweredQuestion.id.desc())
                                .limit(limit)))

