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
    min_dense, or its cosine >= min_dense_with_coverage and its word coverage >= min_coverage, or the
    second stage re-ordered it with a probability >= min_stage and its cosine >= min_dense_with_stage.

    Chosen on three sets at once after the everyday phrases joined the keywords (through answer.plan:
    right / wrong / closest entries offered): the dev set's grid optimum for the cosine rules alone
    (0.6 / 0.35 / 0.55) declines 47 of the 120 plain-words messages. The values below: dev confidence
    accuracy 0.985 with 3 of its 20 out-of-scope questions answered, long messages 75 / 10 / 5, plain
    101 / 12 / 7, and 「公司叫我簽一張紙」 still gets the closest entries (stage 0.47); the previous 0.525 /
    0.35 / 0.65 without the stage rule: 0.975 with 5, long 75 / 10 / 5, plain 94 / 11 / 15."""

    min_dense: float = 0.55
    min_dense_with_coverage: float = 0.35
    min_coverage: float = 0.6
    min_stage: float = 0.5
    min_dense_with_stage: float = 0.45


FUSION = FusionParams()
CONFIDENCE = ConfidenceParams()
# Translated entries (en, id, vi, th) have their own indexes, no everyday phrases and no second stage: they
# keep the thresholds they were measured with (bench/languages.py; with CONFIDENCE the bot answered
# 3-4 fewer Thai and English questions and got 3 fewer Thai ones right).
LANGUAGE_CONFIDENCE = ConfidenceParams(min_dense=0.525, min_dense_with_coverage=0.35, min_coverage=0.65)
