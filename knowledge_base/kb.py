"""KnowledgeBase: open (load or build) the index and search entries and statute articles."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import numpy as np

from . import config
from .citations import CitationParser
from .entries import Entry, EntrySet, load_entries
from .index import FORMAT_VERSION, Doc, Manifest, SearchIndex, pipeline_hash
from .laws import Article, LawStore, LawText
from .params import CONFIDENCE, FUSION, ConfidenceParams, FusionParams

if TYPE_CHECKING:
    from labourbot.encoders import Encoder

log = logging.getLogger(__name__)
KINDS = ("entry", "article")
DEFAULT_LAW = "勞動基準法"  # a bare "第24條" in a question means the Labour Standards Act
NAMED_SCORE = 1.0  # score of an article the question names (fused scores stay below 0.3)


@dataclass(frozen=True)
class Hit:
    id: str  # entry id, or the article's citation
    kind: str  # "entry" | "article"
    title: str
    topic: str
    citations: tuple[str, ...]
    score: float  # fused score (1.0 for an article named in the question)
    text: str  # entry answer or article text
    dense: float = 0.0  # best cosine between the question and the document's rows
    bm25: float = 0.0  # BM25 score of the document
    coverage: float = 0.0  # IDF-weighted share of the question's words found in the document
    named: bool = False  # the question names this article

    def to_json(self) -> dict:
        return {"id": self.id, "kind": self.kind, "title": self.title, "topic": self.topic,
                "citations": list(self.citations), "score": round(float(self.score), 4)}


@dataclass
class Scores:
    """Per-document scores of one question (for search and the benchmark)."""

    dense: np.ndarray
    bm25: np.ndarray
    named: list[int]  # doc positions of articles the question names, in order
    tokens: list[str] = field(default_factory=list)  # the question's BM25 tokens


def rank_positions(scores: np.ndarray, candidates: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """(top candidate positions by descending score, their 1-based ranks), at most `depth` of them."""
    if candidates.size == 0:
        return candidates, candidates
    order = candidates[np.argsort(-scores[candidates], kind="stable")][:depth]
    return order, np.arange(1, order.size + 1)


def fuse(s: Scores, mask: np.ndarray, is_article: np.ndarray, p: FusionParams) -> np.ndarray:
    """Reciprocal-rank fusion of the dense and BM25 rankings over the documents in `mask`."""
    fused = np.zeros(mask.shape[0], dtype=np.float64)
    cand = np.flatnonzero(mask)
    order, ranks = rank_positions(s.dense, cand, p.depth)
    fused[order] += p.w_dense / (p.k + ranks)
    lexical = cand[s.bm25[cand] > 0]
    order, ranks = rank_positions(s.bm25, lexical, p.depth)
    fused[order] += p.w_bm25 / (p.k + ranks)
    fused[is_article] *= p.article_weight
    return fused


class KnowledgeBase:
    """Curated entries and imported statute articles behind one search call."""

    def __init__(self, index: SearchIndex, encoder: "Encoder", entry_set: EntrySet, laws: list[LawText],
                 settings: config.KBSettings, fusion: FusionParams = FUSION,
                 confidence: ConfidenceParams = CONFIDENCE) -> None:
        self.index = index
        self.encoder = encoder
        self.entry_set = entry_set
        self.laws = laws
        self.settings = settings
        self.fusion = fusion
        self.confidence = confidence
        self._entries = entry_set.by_id()
        self._articles: dict[str, Article] = {a.citation: a for law in laws for a in law.articles}
        self.citation_parser = CitationParser([law.name for law in laws], default_law=DEFAULT_LAW)
        self._is_article = index.kinds == "article"
        self._kind_masks = {kind: index.kinds == kind for kind in KINDS}

    # ------------------------------------------------------------ open / build

    @classmethod
    def open(cls, data_dir: Path | str | None = None, encoder: "Encoder | str | None" = None, *,
             entries_dir: Path | str | None = None, rebuild: bool = False,
             progress: Callable[[int, int], None] | None = None,
             settings: config.KBSettings | None = None) -> "KnowledgeBase":
        """Load the persisted index, or (re)build it when missing or stale; `encoder` may be a spec string.

        `settings`: the kb section of the process's settings tree (the action server passes its own).
        Without it the section is read from the environment and `.env`, with `data_dir`, a spec string
        `encoder` and `entries_dir` overriding single values (CLI, tests).
        """
        spec = encoder if isinstance(encoder, str) else None
        settings = settings or config.settings(data_dir, spec, entries_dir)
        if encoder is None or isinstance(encoder, str):
            from labourbot.encoders import load_encoder

            encoder = load_encoder(settings.encoder_spec)
        entry_set = load_entries(settings.entries_dir)
        store = LawStore(settings.laws_dir)
        laws = store.load_all()
        wanted = Manifest(FORMAT_VERSION, encoder.name, entry_set.fingerprint, store.fingerprint(), pipeline_hash())
        index = None
        if not rebuild:
            current = SearchIndex.read_manifest(settings.index_dir)
            if current is not None and current.matches(wanted):
                try:
                    index = SearchIndex.load(settings.index_dir)
                except Exception as exc:  # corrupt files: rebuild below
                    log.warning("index at %s unreadable (%s); rebuilding", settings.index_dir, exc)
            elif current is not None:
                log.info("index at %s is stale; rebuilding", settings.index_dir)
        if index is None:
            index = SearchIndex.build(entry_set.entries, laws, encoder, wanted, progress=progress)
            try:
                index.save(settings.index_dir)
            except OSError as exc:  # read-only data folder: serve from memory
                log.warning("could not save the index to %s (%s); using it in memory", settings.index_dir, exc)
        from .tokens import tokenize

        tokenize("勞工")  # load jieba now rather than on the first question
        return cls(index, encoder, entry_set, laws, settings)

    # ------------------------------------------------------------ lookups

    @property
    def entries(self) -> list[Entry]:
        return self.entry_set.entries

    def entry(self, entry_id: str) -> Entry | None:
        return self._entries.get(entry_id)

    def article(self, citation: str) -> Article | None:
        """Article by citation; loose forms too (勞基法第24條, 勞動基準法 24, 第二十四條之一, 性平法第12條)."""
        hit = self._articles.get(citation.strip())
        if hit is not None:
            return hit
        from labourbot.textnorm import normalize

        text = normalize(citation)
        found = self.citation_parser.parse(text)
        if found is None:
            matches = self.citation_parser.find(text)
            found = matches[0] if len(matches) == 1 and matches[0].start == 0 else None
        return self._articles.get(found.citation) if found else None

    def named_articles(self, query: str) -> list[Article]:
        from labourbot.textnorm import normalize

        seen: list[Article] = []
        for m in self.citation_parser.find(normalize(query)):
            a = self._articles.get(m.citation)
            if a is not None and a not in seen:
                seen.append(a)
        return seen

    # ------------------------------------------------------------ search

    def scores(self, query: str) -> Scores:
        from labourbot.textnorm import normalize

        from .tokens import tokenize

        norm = normalize(query)
        from labourbot.encoders import encode_query

        vec = encode_query(self.encoder, [norm])[0]  # E5-style encoders embed questions apart from passages
        named = [self.index.position[a.citation] for a in self.named_articles(query)
                 if a.citation in self.index.position]
        tokens = tokenize(query)
        return Scores(self.index.dense_scores(vec), self.index.bm25_scores(tokens), named, tokens)

    def _mask(self, kinds: Iterable[str] | str) -> np.ndarray:
        kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds {sorted(unknown)}; use 'entry' and/or 'article'")
        mask = np.zeros(len(self.index.docs), dtype=bool)
        for kind in kinds:
            mask |= self._kind_masks[kind]
        return mask

    def search(self, query: str, k: int = 5, kinds: Sequence[str] = KINDS) -> list[Hit]:
        """The `k` best entries and/or articles for `query`; articles the question names come first."""
        if not query or not query.strip() or k <= 0 or not self.index.docs:
            return []
        mask = self._mask(kinds)
        return self.rank(self.scores(query), mask, k)

    def rank(self, s: Scores, mask: np.ndarray, k: int, fusion: FusionParams | None = None,
             method: str = "fused") -> list[Hit]:
        """Hits from precomputed scores; `method` "dense" or "bm25" ranks by one signal (benchmark)."""
        if method == "fused":
            ranked = fuse(s, mask, self._is_article, fusion or self.fusion)
            if s.named:  # entries citing an article the question names come right after it, main citation first
                named = {self.index.docs[p].id for p in s.named}
                top = float(ranked.max())
                for i, d in enumerate(self.index.docs):
                    if d.kind == "entry" and mask[i] and named.intersection(d.citations):
                        first = min(j for j, c in enumerate(d.citations) if c in named)
                        ranked[i] += top + 0.01 / (1 + first)
        elif method in ("dense", "bm25"):
            base = s.dense if method == "dense" else s.bm25
            ranked = np.where(mask, base.astype(np.float64) + 2.0, 0.0)  # +2 keeps cosines positive
            if method == "bm25":
                ranked[s.bm25 <= 0] = 0.0
        else:
            raise ValueError(f"unknown method {method!r}")
        hits: list[Hit] = []
        taken: set[int] = set()
        for pos in s.named:
            if mask[pos] and pos not in taken:
                hits.append(self._hit(pos, NAMED_SCORE, s, named=True))
                taken.add(pos)
        if len(hits) < k:
            top = np.argpartition(-ranked, min(k + len(taken), ranked.size - 1))[: k + len(taken) + 1] \
                if ranked.size > 4 * (k + len(taken) + 1) else np.arange(ranked.size)
            for pos in top[np.argsort(-ranked[top], kind="stable")]:
                pos = int(pos)
                if len(hits) >= k or ranked[pos] <= 0:
                    break
                if pos not in taken:
                    hits.append(self._hit(pos, float(ranked[pos]), s))
                    taken.add(pos)
        return hits[:k]

    def _hit(self, pos: int, score: float, s: Scores, named: bool = False) -> Hit:
        d: Doc = self.index.docs[pos]
        return Hit(d.id, d.kind, d.title, d.topic, d.citations, score, d.text,
                   float(s.dense[pos]), float(s.bm25[pos]), self.index.coverage(s.tokens, pos), named)

    def is_confident(self, hits: Sequence[Hit]) -> bool:
        """Whether the top hit is good enough to answer from; below it the bot says it is not sure."""
        if not hits:
            return False
        top, c = hits[0], self.confidence
        if top.named:
            return True
        return top.dense >= c.min_dense or (top.dense >= c.min_dense_with_coverage and top.coverage >= c.min_coverage)

    # ------------------------------------------------------------ info

    def stats(self) -> dict:
        from collections import Counter

        m = self.index.manifest
        return {
            "data_dir": str(self.settings.data_dir),
            "encoder": m.encoder,
            "entries": len(self.entries),
            "entries_by_topic": dict(sorted(Counter(e.topic for e in self.entries).items())),
            "laws": [{"law": law.name, "amended": law.amended, "articles": len(law.articles)} for law in self.laws],
            "articles": len(self._articles),
            "index_docs": m.n_docs,
            "index_rows": m.n_rows,
            "build_seconds": m.build_seconds,
            "built_at": m.built_at,
        }
