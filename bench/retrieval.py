"""Retrieval benchmark: hit@1, hit@3 and MRR of dense, BM25 and fused ranking on the dev set,
plus query latency (p50/p95) and index build time.

    .venv/bin/python bench/retrieval.py                 # build a fresh index in a temp folder and evaluate
    .venv/bin/python bench/retrieval.py --tune          # grid-search the fusion and confidence parameters

The statutes are imported from ../shared/law/ChLaw-labour.json (25 laws) unless --laws is given.
Questions whose `expect` list is empty are out of scope: they only count for the confidence check.
All three methods put an article named in the question first (the same rule as KnowledgeBase.search).
A second set, the entries' own example questions against an index built without them, is scored too
(--no-heldout skips it).
"""

from __future__ import annotations

import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import typer
import yaml
from dataclasses import replace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge_base import config  # noqa: E402
from knowledge_base.entries import EntrySet  # noqa: E402
from knowledge_base.index import Manifest, SearchIndex  # noqa: E402
from knowledge_base.kb import KnowledgeBase, Scores  # noqa: E402
from knowledge_base.laws import LawStore, import_laws  # noqa: E402
from knowledge_base.params import ConfidenceParams, FusionParams  # noqa: E402

DEV = ROOT / "bench" / "data" / "retrieval_dev.yml"
METHODS = ("dense", "bm25", "fused")
app = typer.Typer(add_completion=False)


def load_dev(path: Path) -> list[tuple[str, set[str]]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(str(item["q"]), set(item.get("expect") or [])) for item in doc["questions"]]


def evaluate(kb: KnowledgeBase, scored: list[tuple[Scores, set[str]]], method: str,
             fusion: FusionParams | None = None, depth: int = 20) -> dict[str, float]:
    mask = np.ones(len(kb.index.docs), dtype=bool)
    h1 = h3 = rr = 0.0
    n = 0
    for s, expect in scored:
        if not expect:
            continue
        n += 1
        ids = [h.id for h in kb.rank(s, mask, depth, fusion, method)]
        rank = next((i + 1 for i, d in enumerate(ids) if d in expect), None)
        h1 += rank == 1
        h3 += rank is not None and rank <= 3
        rr += 1.0 / rank if rank else 0.0
    return {"hit@1": h1 / n, "hit@3": h3 / n, "mrr": rr / n, "n": n}


def top_hits(kb: KnowledgeBase, scored: list[tuple[Scores, set[str]]], fusion: FusionParams | None = None):
    """(top-3 hits, has a right answer in them) per question."""
    mask = np.ones(len(kb.index.docs), dtype=bool)
    out = []
    for s, expect in scored:
        hits = kb.rank(s, mask, 3, fusion)
        out.append((hits, bool(expect) and any(h.id in expect for h in hits)))
    return out


def confidence_accuracy(kb: KnowledgeBase, tops, conf: ConfidenceParams) -> dict[str, float]:
    """Confident should mean "the top 3 holds a right answer"; out-of-scope questions should not be confident."""
    saved = kb.confidence
    kb.confidence = conf
    tp = fp = tn = fn = 0
    try:
        for hits, good in tops:
            confident = kb.is_confident(hits)
            tp += confident and good
            fp += confident and not good
            tn += (not confident) and not good
            fn += (not confident) and good
    finally:
        kb.confidence = saved
    total = tp + fp + tn + fn
    return {"accuracy": round((tp + tn) / total, 4), "answered_right": tp, "answered_wrong": fp,
            "declined_wrong": tn, "declined_right": fn}


def tune_fusion(kb, scored, extra=None) -> FusionParams:
    """Grid search; objective: hit@3, then MRR, summed over the dev set and (if given) `extra`=(kb, scored)."""
    best, best_key = None, None
    grid = itertools.product([5, 10, 20, 30, 60], [0.3, 0.5, 0.7, 1.0, 1.5], [0.3, 0.5, 0.7, 1.0], [50, 100])
    for k, wd, aw, depth in grid:
        p = FusionParams(k=k, w_dense=wd, w_bm25=1.0, article_weight=aw, depth=depth)
        runs = [evaluate(kb, scored, "fused", p)]
        if extra is not None:
            runs.append(evaluate(extra[0], extra[1], "fused", p))
        key = (round(sum(m["hit@3"] for m in runs), 4), round(sum(m["mrr"] for m in runs), 4))
        if best_key is None or key > best_key:
            best, best_key = p, key
    return best


def tune_confidence(kb, tops) -> ConfidenceParams:
    """Grid search for the best accuracy; among ties, the thresholds closest to the middle of the tied region."""
    results = []
    for md, mdc, mc in itertools.product(np.arange(0.40, 0.80, 0.025), np.arange(0.20, 0.60, 0.025),
                                         np.arange(0.3, 1.0, 0.05)):
        if mdc > md:
            continue
        c = ConfidenceParams(round(float(md), 3), round(float(mdc), 3), round(float(mc), 2))
        results.append((confidence_accuracy(kb, tops, c)["accuracy"], c))
    top = max(acc for acc, _ in results)
    tied = [c for acc, c in results if acc == top]
    centre = np.mean([[c.min_dense, c.min_dense_with_coverage, c.min_coverage] for c in tied], axis=0)
    return min(tied, key=lambda c: float(np.sum((np.array([c.min_dense, c.min_dense_with_coverage,
                                                           c.min_coverage]) - centre) ** 2)))


def heldout_questions(kb: KnowledgeBase) -> tuple[KnowledgeBase, list[tuple[str, set[str]]]]:
    """A second, independent test: the entries' own example questions (written by the entry authors) as
    queries, against an index built without them (titles, answers and statutes only)."""
    stripped = [replace(e, questions=()) for e in kb.entries]
    es = EntrySet(stripped, kb.entry_set.files, kb.entry_set.file_topics, "heldout")
    m = kb.index.manifest
    index = SearchIndex.build(stripped, kb.laws, kb.encoder, Manifest(m.format, m.encoder, "heldout", m.laws_hash))
    other = KnowledgeBase(index, kb.encoder, es, kb.laws, kb.settings, kb.fusion, kb.confidence)
    return other, [(q, {e.id}) for e in kb.entries for q in e.questions]


def _fmt(m: dict[str, float]) -> str:
    return f"{m['hit@1']:.3f}  {m['hit@3']:.3f}  {m['mrr']:.3f}"


@app.command()
def main(
    dev: Path = typer.Option(DEV, help="dev set YAML"),
    laws: list[Path] = typer.Option(None, "--laws", help="statute JSON files or folders to import"),
    data_dir: Path = typer.Option(None, help="data folder (default: a fresh temporary one)"),
    encoder: str = typer.Option(None, help="encoder spec (default $LABOURBOT_ENCODER or use-m)"),
    tune: bool = typer.Option(False, "--tune", help="grid-search fusion and confidence parameters"),
    heldout: bool = typer.Option(True, "--heldout/--no-heldout",
                                 help="also score the entries' own questions against an index without them"),
) -> None:
    laws = laws or [config.shared_law_dir() / "ChLaw-labour.json"]
    tmp = None
    if data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="kb-bench-")
        data_dir = Path(tmp.name)
    report = import_laws(laws, LawStore(Path(data_dir) / "laws"))
    from labourbot.encoders import load_encoder

    enc = load_encoder(encoder or config.encoder_spec())
    t0 = time.perf_counter()
    kb = KnowledgeBase.open(data_dir, enc, rebuild=True)
    build = time.perf_counter() - t0
    questions = load_dev(dev)
    scored = [(kb.scores(q), expect) for q, expect in questions]
    in_scope = sum(1 for _, e in questions if e)
    print(f"index: {len(kb.entries)} entries + {sum(len(l.articles) for l in kb.laws)} articles "
          f"of {len(report.changes)} laws, {kb.index.manifest.n_rows} vectors ({kb.index.manifest.encoder})")
    print(f"build: {build:.1f} s (encode + BM25 + save)")
    print(f"dev set: {len(questions)} questions ({in_scope} in scope, {len(questions) - in_scope} out of scope)\n")
    print(f"{'method':<8} hit@1  hit@3  MRR")
    for method in METHODS:
        print(f"{method:<8} {_fmt(evaluate(kb, scored, method))}")
    if heldout:
        other, pairs = heldout_questions(kb)
        held = [(other.scores(q), e) for q, e in pairs]
        print(f"\nentries' own questions ({len(held)}) against an index without them:")
        for method in METHODS:
            print(f"{method:<8} {_fmt(evaluate(other, held, method))}")

    for _ in range(3):  # warm-up
        kb.search(questions[0][0], 5)
    times = []
    for q, _ in questions:
        t = time.perf_counter()
        kb.search(q, 5)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    print(f"\nlatency per query (search, k=5, in process): p50 {statistics.median(times):.2f} ms, p95 {p95:.2f} ms")
    c = confidence_accuracy(kb, top_hits(kb, scored), kb.confidence)
    print(f"confidence: accuracy {c['accuracy']:.3f} (answered right {c['answered_right']}, wrong "
          f"{c['answered_wrong']}; declined {c['declined_wrong']} that had no right answer, "
          f"{c['declined_right']} that had one)")
    print(f"params: {kb.fusion}\n        {kb.confidence}")

    if tune:
        print("\n-- tuning (grid search) --")
        best = tune_fusion(kb, scored, (other, held) if heldout else None)
        print(f"best fusion (dev set{' + entries own questions' if heldout else ''}): {best}")
        print(f"  dev set {_fmt(evaluate(kb, scored, 'fused', best))}"
              f" (current params {_fmt(evaluate(kb, scored, 'fused'))})")
        if heldout:
            print(f"  entries' own questions {_fmt(evaluate(other, held, 'fused', best))}"
                  f" (current params {_fmt(evaluate(other, held, 'fused'))})")
        halves = (scored[0::2], scored[1::2])
        for i, (train, test) in enumerate((halves, halves[::-1])):
            p = tune_fusion(kb, train)
            print(f"  tuned on half {i}: {p} -> held-out half {_fmt(evaluate(kb, test, 'fused', p))}"
                  f" (default params there {_fmt(evaluate(kb, test, 'fused'))})")
        tops = top_hits(kb, scored, best)
        conf = tune_confidence(kb, tops)
        print(f"best confidence (with the best fusion): {conf} -> {confidence_accuracy(kb, tops, conf)}")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    app()
