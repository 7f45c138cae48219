"""The second-stage ranking (knowledge_base/rerank.py): its features, its weights file, its place in search."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from knowledge_base.kb import KnowledgeBase
from knowledge_base.laws import LawStore, import_laws
from knowledge_base.rerank import FEATURES, RELATIVE, WEIGHTS_FILE, Reranker, bigrams
from knowledge_base.testing import SAMPLE_ITEMS, SAMPLE_LAW, HashEncoder, entry, write_entries, write_law_json

PAD = "若有疑問可以撥打1955專線詢問，或向臺南市政府勞工局申訴。"


@pytest.fixture()
def kb(tmp_path: Path) -> KnowledgeBase:
    """Two neighbouring entries that share most words; only their titles tell them apart."""
    entries, data = tmp_path / "entries", tmp_path / "var"
    write_entries(entries, "overtime", [
        entry("overtime_refuse", "可以拒絕加班嗎", "加班要經過勞工同意，雇主不能強迫加班，延長工時有上限。" + PAD,
              ["不想加班可以嗎"], ["勞動基準法第24條"]),
        entry("overtime_pay_rate", "加班費怎麼算", "加班要經過勞工同意，延長工時工資依時數加給，延長工時有上限。" + PAD,
              ["加班費的倍率"], ["勞動基準法第24條"]),
    ])
    import_laws([write_law_json(tmp_path / "law.json", SAMPLE_LAW, "20240731", SAMPLE_ITEMS)], LawStore(data / "laws"))
    return KnowledgeBase.open(data, HashEncoder(), entries_dir=entries, languages=False)


def only(name: str, weight: float = 10.0) -> Reranker:
    w = np.zeros(len(FEATURES))
    w[FEATURES.index(name)] = weight
    return Reranker(FEATURES, w)


def test_the_shipped_weights_match_the_features() -> None:
    """A feature added or renamed without refitting (bench/retrieval.py --fit-rerank) would switch the
    second stage off silently; this fails instead."""
    shipped = Reranker.load()
    assert shipped is not None
    assert shipped.weights.shape == (len(FEATURES),) and np.isfinite(shipped.weights).all()
    doc = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert doc["encoder"] == "use-m" and doc["questions"] > 1000


def test_weights_for_other_features_are_not_used(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_text(json.dumps({"features": ["fused"], "weights": [1.0], "bias": 0}), encoding="utf-8")
    assert Reranker.load(path) is None
    assert Reranker.load(tmp_path / "missing.json") is None
    path.write_text("{not json", encoding="utf-8")
    assert Reranker.load(path) is None


def test_features_one_row_per_candidate_relative_ones_peak_at_zero(kb: KnowledgeBase) -> None:
    s = kb.scores("我可以拒絕加班嗎")
    cand, x = kb.rerank_features(s, np.ones(len(kb.index.docs), dtype=bool))
    assert x.shape == (cand.size, len(FEATURES)) and cand.size >= 2
    rel = x[:, len(FEATURES) - len(RELATIVE):]
    assert (rel <= 0).all() and np.isclose(rel.max(axis=0), 0).all()
    row = {kb.index.docs[p].id: dict(zip(FEATURES, x[i])) for i, p in enumerate(cand)}
    refuse, pay = row["overtime_refuse"], row["overtime_pay_rate"]
    assert refuse["title_recall"] > pay["title_recall"]
    assert refuse["title_bigrams"] > pay["title_bigrams"]
    assert refuse["is_article"] == 0.0 and refuse["cos_title"] > -1.0
    article = next(v for k, v in row.items() if kb.index.docs[kb.index.position[k]].kind == "article")
    assert article["is_article"] == 1.0 and article["cos_title"] == -1.0


def test_the_second_stage_reorders_only_with_its_weights(kb: KnowledgeBase) -> None:
    """Both entries read alike; weighted on the title's words, the entry whose title the question uses wins,
    whichever way the fusion leaned; weighted against them, the other one does."""
    question = "加班費怎麼算才對"
    kb.use_reranker(only("title_recall"))
    assert kb.search(question, k=2, kinds=("entry",))[0].id == "overtime_pay_rate"
    kb.use_reranker(only("title_recall", -10.0))
    assert kb.search(question, k=2, kinds=("entry",))[0].id == "overtime_refuse"
    kb.use_reranker(None)
    plain = kb.search(question, k=5)
    assert all(h.score < 0.5 for h in plain)


def test_reranked_scores_still_order_the_hits(kb: KnowledgeBase) -> None:
    kb.use_reranker(only("cover_answer"))
    hits = kb.search("雇主可以強迫加班嗎", k=5)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.score > 0.5 for h in hits[:2])


def test_a_named_article_still_comes_first(kb: KnowledgeBase) -> None:
    kb.use_reranker(only("cover_answer"))
    hits = kb.search("第24條的加班費怎麼算", k=3)
    assert hits[0].kind == "article" and hits[0].named and hits[0].id == "勞動基準法第24條"


def test_bigrams_ignore_spaces() -> None:
    assert bigrams("加 班費") == frozenset({"加班", "班費"})
    assert bigrams("加") == frozenset()


def test_the_bench_fit_separates_a_clear_signal() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
    from retrieval import fit_logistic

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    y = (x[:, 1] > 0).astype(float)
    w, _ = fit_logistic(x, y)
    assert w[1] > 2 * max(abs(w[0]), abs(w[2]))


def test_console_entries_and_attached_questions_are_reranked_too(kb: KnowledgeBase) -> None:
    """Entries staff approve in the console join the search without a rebuild; the second stage reads
    their words from the entry itself (their rows are not typed in the index)."""
    from dataclasses import replace

    shipped = Reranker.load()
    assert shipped is not None
    kb.use_reranker(shipped)
    base = kb.entry("overtime_refuse")
    new = replace(base, id="console-name-card", title="勞工名卡要保存多久",
                  answer="勞工名卡應保管到勞工離職後五年。" + PAD, questions=("員工名卡離職後要留幾年",),
                  citations=("勞動基準法第24條",), keywords=("勞工名卡", "員工名卡"))
    kb.set_extras([new], {"overtime_pay_rate": ["加班費多少錢"]})
    hits = kb.search("勞工名卡離職後要保存幾年", k=3)
    assert hits[0].id == "console-name-card"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert "overtime_pay_rate" in [h.id for h in kb.search("加班費多少錢", k=3, kinds=("entry",))]


def test_a_question_close_to_an_example_question_keeps_the_fusions_order(kb: KnowledgeBase) -> None:
    """The stage was fitted without question rows; when a candidate's own example question matches
    (cosine >= QUESTION_GATE from a question row), the fusion, which sees those rows, decides."""
    kb.use_reranker(only("title_recall", -10.0))
    question = "加班費的倍率"  # overtime_pay_rate lists it word for word
    everything = np.ones(len(kb.index.docs), dtype=bool)
    gated = kb.search(question, k=3)
    assert [h.id for h in gated] == [h.id for h in kb.rank(kb.scores(question), everything, 3, method="rrf")]
    assert gated[0].id == "overtime_pay_rate" and all(h.score < 0.5 for h in gated)
    kb.QUESTION_GATE = 0.0
    assert all(h.score > 0.5 for h in kb.search(question, k=2))  # re-ordered now
    kb.QUESTION_GATE = 2.0  # no cosine reaches it: re-ordered as well
    assert all(h.score > 0.5 for h in kb.search(question, k=2))


def test_hits_the_stage_reordered_carry_its_probability(kb: KnowledgeBase) -> None:
    kb.use_reranker(Reranker(FEATURES, np.zeros(len(FEATURES)), 0.0))  # every candidate: probability 0.5
    hits = kb.search("公司叫我加班，我不想加可以拒絕嗎", k=2, kinds=("entry",))
    assert [h.stage for h in hits] == [0.5, 0.5]
    kb.use_reranker(None)
    assert all(h.stage is None for h in kb.search("公司叫我加班，我不想加可以拒絕嗎", k=2, kinds=("entry",)))


def test_a_borderline_cosine_is_answered_when_the_stage_is_fairly_sure() -> None:
    """Long messages embed as a mix of question and story and reach lower cosines; the second stage's
    probability lets such a hit be answered, but only above a floor of its own cosine."""
    from types import SimpleNamespace

    from knowledge_base.kb import Hit
    from knowledge_base.params import ConfidenceParams

    c = ConfidenceParams()
    me = SimpleNamespace(confidence=c)
    dense = (c.min_dense_with_stage + c.min_dense) / 2

    def hit(stage: float | None, cosine: float = dense) -> Hit:
        return Hit("e", "entry", "t", "wages", (), 0.7, "x", dense=cosine, coverage=0.0, stage=stage)

    assert not KnowledgeBase.is_confident(me, [hit(None)])  # the cosine alone is below min_dense
    assert KnowledgeBase.is_confident(me, [hit(c.min_stage)])
    assert not KnowledgeBase.is_confident(me, [hit(c.min_stage - 0.01)])
    assert not KnowledgeBase.is_confident(me, [hit(0.99, c.min_dense_with_stage - 0.01)])
    assert KnowledgeBase.is_confident(me, [hit(None, c.min_dense)])


def test_translated_hits_keep_the_thresholds_they_were_measured_with() -> None:
    from dataclasses import replace
    from types import SimpleNamespace

    from knowledge_base.kb import Hit
    from knowledge_base.params import LANGUAGE_CONFIDENCE, ConfidenceParams

    c = ConfidenceParams()
    assert LANGUAGE_CONFIDENCE.min_dense < c.min_dense
    me = SimpleNamespace(confidence=c)
    between = (LANGUAGE_CONFIDENCE.min_dense + c.min_dense) / 2
    zh = Hit("e", "entry", "t", "wages", (), 0.1, "x", dense=between, coverage=0.0)
    assert not KnowledgeBase.is_confident(me, [zh])
    assert KnowledgeBase.is_confident(me, [replace(zh, language="th")])
