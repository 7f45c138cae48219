"""Tuned retrieval parameters.

Values from `.venv/bin/python bench/retrieval.py --tune` (grid search on bench/data/retrieval_dev.yml plus the
entries' own questions against an index without them), encoder use-m. The fusion values sit on a broad
plateau (k 5-20, w_dense 0.3-0.5, article_weight 0.3-0.7 all score within one question of each other).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FusionParams:
    """Reciprocal rank fusion at document level: w_dense/(k+rank_dense) + w_bm25/(k+rank_bm25).

    Article scores are multiplied by `article_weight` (statute articles outnumber entries ~10:1 and
    an entry written for the question is the better answer). Only the first `depth` documents of
    each ranking contribute.
    """

    k: float = 10.0
    w_dense: float = 0.3
    w_bm25: float = 1.0
    article_weight: float = 0.5
    depth: int = 100


@dataclass(frozen=True)
class ConfidenceParams:
    """`is_confident` is true when the question names an article, or the top hit's best cosine >=
    min_dense, or its cosine >= min_dense_with_coverage and its word coverage >= min_coverage."""

    min_dense: float = 0.525
    min_dense_with_coverage: float = 0.35
    min_coverage: float = 0.65


FUSION = FusionParams()
CONFIDENCE = ConfidenceParams()
