"""KnowledgeBase: open (load or build) the index and search entries and statute articles."""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from . import config
from .citations import CitationParser
from .entries import Entry, EntrySet, load_entries
from .index import FORMAT_VERSION, Doc, Manifest, SearchIndex, entry_lexical, entry_rows, pipeline_hash
from .laws import Article, LawStore, LawText
from .params import CONFIDENCE, FUSION, LANGUAGE_CONFIDENCE, ConfidenceParams, FusionParams
from .rerank import FEATURES, EntryWords, IdfTable, Reranker, RowCosines, entry_row_types, features

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
    score: float  # what orders the hits: fused score (< 0.2), 0.5-1.0 when the second stage re-ordered it,
    # 1.0 for an article named in the question
    text: str  # entry answer or article text
    dense: float = 0.0  # best cosine between the question and the document's rows
    bm25: float = 0.0  # BM25 score of the document
    coverage: float = 0.0  # IDF-weighted share of the question's words found in the document
    named: bool = False  # the question names this article
    language: str = "zh"  # an entry's language (a translated entry: en | id | vi | th)
    stage: float | None = None  # the second stage's probability that this hit answers, when it re-ordered it

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
    view: Any = None  # the _View the scores were computed with (extra entries)
    vec: np.ndarray | None = None  # the question's vector (the second-stage ranking reads row cosines)
    query: str = ""  # the question as asked


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


@dataclass(frozen=True)
class _Lexical:
    """BM25 bag of one extra text: an added entry, or the attached questions of an indexed entry."""

    pos: int  # document position it scores
    counts: Counter
    length: int


@dataclass(frozen=True)
class _View:
    """What extra entries change in a search, swapped as one object by `set_extras`: a search keeps
    the view it started with, so a refresh in another thread never mixes two sets of positions."""

    docs: list[Doc]
    is_article: np.ndarray
    kind_masks: dict[str, np.ndarray]
    entries: dict[str, Entry]  # the extra entries, by id
    vecs: np.ndarray  # (rows, dim) dense rows of extra entries and attached questions
    row_doc: np.ndarray  # document position of each of those rows
    lexical: tuple[_Lexical, ...] = ()
    df: dict[str, int] = field(default_factory=dict)  # documents of the extra texts holding each token
    avgdl: float = 1.0

    @classmethod
    def base(cls, docs: list[Doc], dim: int) -> "_View":
        kinds = np.array([d.kind for d in docs])
        return cls(docs, kinds == "article", {k: kinds == k for k in KINDS}, {},
                   np.zeros((0, dim), dtype=np.float32), np.zeros(0, dtype=np.int64))


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
        self._base_view = self._view = _View.base(index.docs, int(index.dense.d))
        self._extra_vectors: dict[str, np.ndarray] = {}  # normalised extra text -> its row (set_extras)
        self.reranker, self._row_cosines, self._words, self._entry_idf = None, None, {}, None
        if self.RERANK:
            self.use_reranker(Reranker.load())

    # ------------------------------------------------------------ open / build

    @classmethod
    def open(cls, data_dir: Path | str | None = None, encoder: "Encoder | str | None" = None, *,
             entries_dir: Path | str | None = None, rebuild: bool = False,
             progress: Callable[[int, int], None] | None = None,
             settings: config.KBSettings | None = None, languages: bool = True) -> "KnowledgeBase":
        """Load the persisted index, or (re)build it when missing or stale; `encoder` may be a spec string.

        `settings`: the kb section of the process's settings tree (the action server passes its own).
        Without it the section is read from the environment and `.env`, with `data_dir`, a spec string
        `encoder` and `entries_dir` overriding single values (CLI, tests).
        With `languages`, the translated entries (entries/lang/) get one index per language (multilingual.py).
        """
        spec = encoder if isinstance(encoder, str) else None
        given = encoder is not None and spec is None  # an encoder object (tests, benchmarks) serves every language
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
        kb = cls(index, encoder, entry_set, laws, settings)
        if languages:
            from .multilingual import open_language_indexes

            from .translations import LANGUAGES

            kb.languages = open_language_indexes(settings, encoder, rebuild=rebuild,
                                                 encoders={lang: encoder for lang in LANGUAGES} if given else None)
        return kb

    # ------------------------------------------------------------ second stage

    RERANK = True  # re-order the first fused hits with knowledge_base/rerank_weights.json (rerank.py)

    def use_reranker(self, reranker: Reranker | None) -> None:
        """Set (or, with None, drop) the second-stage ranking; prepares what its features read once."""
        from .tokens import tokenize

        self.reranker = reranker
        if reranker is None or self._row_cosines is not None:
            return
        entries = self.entry_set.entries
        types = entry_row_types(entries, entry_rows)
        docs = self.index.docs
        if len(types) > self.index.dense.ntotal or [d.id for d in docs[:len(entries)]] != [e.id for e in entries]:
            log.warning("index rows do not follow the entries; second-stage ranking off")
            self.reranker = None
            return
        vectors = self.index.dense.reconstruct_n(0, len(types))
        self._row_cosines = RowCosines(vectors, np.asarray(self.index.row_doc[:len(types)]), types, len(docs))
        self._words = {e.id: EntryWords.of(e, tokenize) for e in entries}
        self._entry_idf = IdfTable(self._words)

    def _entry_words(self, entry_id: str) -> EntryWords | None:
        words = self._words.get(entry_id)
        if words is None and entry_id in self._view.entries:  # a console entry
            from .tokens import tokenize

            words = self._words[entry_id] = EntryWords.of(self._view.entries[entry_id], tokenize)
        return words

    def rerank_features(self, s: Scores, mask: np.ndarray, fused: np.ndarray | None = None,
                        fusion: FusionParams | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(candidate positions, their FEATURES rows): the first `rerank.DEPTH` documents of `mask` by the
        fusion over every document (the bench fits the weights on these)."""
        cand, fused = self._candidates(s, mask, fused, fusion)
        if cand.size < 2 or self._row_cosines is None or s.vec is None:
            return cand, np.zeros((0, len(FEATURES)))
        return cand, self._features(s, cand, fused, self._row_cosines(s.vec, s.dense))

    def _candidates(self, s: Scores, mask: np.ndarray, fused: np.ndarray | None,
                    fusion: FusionParams | None) -> tuple[np.ndarray, np.ndarray]:
        """(the first candidates in `mask`, the fusion over every document they were taken by)."""
        from .rerank import DEPTH

        view = s.view or self._base_view
        if fused is None or not mask.all():
            fused = fuse(s, np.ones(mask.shape[0], dtype=bool), view.is_article, fusion or self.fusion)
        pool = np.flatnonzero(mask & (fused > 0))
        depth = self.reranker.depth if self.reranker is not None else DEPTH
        return pool[np.argsort(-fused[pool], kind="stable")][:depth], fused

    def _features(self, s: Scores, cand: np.ndarray, fused: np.ndarray, cos: Mapping[str, np.ndarray]) -> np.ndarray:
        view = s.view or self._base_view
        return features(s.query, s.tokens, s.dense, s.bm25, fused, cand, cos, view.docs, view.is_article,
                        self._entry_words, self._entry_idf)

    def _rerank(self, s: Scores, mask: np.ndarray, ranked: np.ndarray,
                fusion: FusionParams) -> tuple[np.ndarray, dict[int, float]]:
        """`ranked` with the first `reranker.depth` candidates in `mask` re-ordered above the rest (fused
        scores stay below 0.2, so a hit's score still orders the hits), and the second stage's probability
        per re-ordered position. The gate is checked before the features are computed: a gated question
        costs one matrix product, not the whole stage."""
        cand, fused = self._candidates(s, mask, ranked, fusion)
        if cand.size < 2 or self._row_cosines is None:
            return ranked, {}
        cos = self._row_cosines(s.vec, s.dense)
        if self._asked_before(s, cand, cos):
            return ranked, {}
        out = ranked.copy()  # candidates above the rest: 0.5 + half the second stage's probability
        prob = 1.0 / (1.0 + np.exp(-self.reranker.score(self._features(s, cand, fused, cos))))
        out[cand] = max(0.5, float(ranked.max())) + 0.5 * prob
        return out, {int(p): float(q) for p, q in zip(cand, prob)}

    QUESTION_GATE = 0.8  # dev set: 0.75 hit@3 0.992 / MRR 0.937, 0.8 0.988 / 0.940, 0.85 0.988 / 0.937; 0 turns it off

    def _asked_before(self, s: Scores, cand: np.ndarray, cos: Mapping[str, np.ndarray]) -> bool:
        """Whether a candidate's own example question (written with the entry, or attached by staff in
        the console) is close to this question: best cosine >= QUESTION_GATE from a question row rather
        than the title, answer or keywords. The second stage was fitted without question rows (the
        held-out set has none), so it cannot weigh such a match; the fusion, which sees them, keeps the
        order then."""
        if not self.QUESTION_GATE:
            return False
        other = np.maximum(np.maximum(cos["title"][cand], cos["answer"][cand]), cos["keywords"][cand])
        best = s.dense[cand]
        entry = ~(s.view or self._base_view).is_article[cand]
        return bool((entry & (best >= self.QUESTION_GATE) & (best > other + 1e-6)).any())

    # ------------------------------------------------------------ lookups

    @property
    def entries(self) -> list[Entry]:
        extra = self._view.entries
        return self.entry_set.entries + list(extra.values()) if extra else self.entry_set.entries

    def entry(self, entry_id: str) -> Entry | None:
        return self._entries.get(entry_id) or self._view.entries.get(entry_id)

    # ------------------------------------------------------------ extra entries (the console's)

    def set_extras(self, entries: Sequence[Entry] = (), questions: Mapping[str, Sequence[str]] | None = None
                   ) -> dict[str, Any]:
        """Search `entries` and the extra `questions` (entry id -> example questions) too, from now on,
        without rebuilding the index: only their rows are encoded, with the loaded encoder.

        Replaces the previous extras. An entry whose id the YAML entries already have is skipped (an
        exported console entry is indexed once), and so is a question the entry already lists.
        Returns what was added and how long it took.
        """
        from labourbot.textnorm import normalize

        from .tokens import tokenize

        start = time.perf_counter()
        self._words = {k: w for k, w in self._words.items() if k in self._entries}  # console entries may change
        base_docs = self.index.docs
        extra = {e.id: e for e in entries if e.id not in self._entries}
        docs = list(base_docs) + [Doc(e.id, "entry", e.title, e.topic, tuple(e.citations), e.answer)
                                  for e in extra.values()]
        position = {**self.index.position, **{d.id: len(base_docs) + i for i, d in enumerate(docs[len(base_docs):])}}
        rows: list[str] = []
        row_doc: list[int] = []
        texts: list[tuple[int, str]] = []
        added = 0
        asked = {eid: list(qs) for eid, qs in (questions or {}).items() if eid in position}
        for e in extra.values():
            pos = position[e.id]
            more = [q for q in dict.fromkeys(asked.pop(e.id, ())) if q not in e.questions]
            added += len(more)
            for text in entry_rows(e, more):
                rows.append(text)
                row_doc.append(pos)
            texts.append((pos, entry_lexical(e, more)))
        for eid, qs in asked.items():
            known = self._entries[eid].questions if eid in self._entries else ()
            more = [q for q in dict.fromkeys(qs) if q.strip() and q not in known]
            if more:
                added += len(more)
                rows += more
                row_doc += [position[eid]] * len(more)
                texts.append((position[eid], "\n".join(more)))
        vecs = self._encode_rows([normalize(t) for t in rows])
        lexical = tuple(_Lexical(pos, Counter(tok), len(tok)) for pos, tok in ((p, tokenize(t)) for p, t in texts))
        df: Counter = Counter()
        for lex in lexical:
            df.update(lex.counts.keys())
        kinds = np.array([d.kind for d in docs])
        self._view = _View(docs, kinds == "article", {k: kinds == k for k in KINDS}, extra, vecs,
                           np.asarray(row_doc, dtype=np.int64), lexical, dict(df),
                           max(1.0, sum(x.length for x in lexical) / len(lexical)) if lexical else 1.0)
        return {"entries": len(extra), "questions": added, "rows": len(rows),
                "seconds": round(time.perf_counter() - start, 4)}

    def _encode_rows(self, texts: list[str]) -> np.ndarray:
        """Rows of extra texts: those encoded by the previous refresh are reused, the rest encoded in
        batches of ENCODE_BATCH (one large batch is slower per row with USE-m)."""
        from .index import ENCODE_BATCH

        cache = self._extra_vectors
        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        fresh = {}
        for s in range(0, len(todo), ENCODE_BATCH):
            batch = todo[s:s + ENCODE_BATCH]
            fresh.update(zip(batch, np.asarray(self.encoder.encode(batch), dtype=np.float32)))
        known = {**cache, **fresh}
        self._extra_vectors = {t: known[t] for t in texts}
        dim = int(self.index.dense.d)
        return (np.ascontiguousarray(np.stack([known[t] for t in texts]), dtype=np.float32) if texts
                else np.zeros((0, dim), dtype=np.float32))

    def _extra_scores(self, view: _View, vec: np.ndarray, tokens: list[str], dense: np.ndarray,
                      bm25: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The base scores extended to the extra documents; attached questions lift their entry's."""
        n = len(view.docs)
        dense = np.concatenate([dense, np.full(n - dense.size, -1.0, dtype=np.float32)])
        bm25 = np.concatenate([bm25, np.zeros(n - bm25.size, dtype=np.float32)])
        if view.vecs.shape[0]:
            np.maximum.at(dense, view.row_doc, view.vecs @ np.asarray(vec, dtype=np.float32))
        from .index import BM25_B, BM25_K1

        k1, b = BM25_K1, BM25_B  # as the base index
        for lex in view.lexical:
            score = 0.0
            for t in tokens:
                tf = lex.counts.get(t, 0)
                if tf:
                    idf = self._idf(view, t)
                    score += idf * tf / (tf + k1 * (1 - b + b * lex.length / view.avgdl))
            bm25[lex.pos] = max(float(bm25[lex.pos]), score)
        return dense, bm25

    def _idf(self, view: _View, token: str) -> float:
        n = len(view.docs)
        df = view.df.get(token, 0)
        tid = self.index.vocab.get(token)
        if tid is not None and self.index.bm25 is not None:
            indptr = self.index.bm25.scores["indptr"]
            df += int(indptr[tid + 1] - indptr[tid])
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def _coverage(self, view: _View, tokens: Sequence[str], pos: int) -> float:
        """Word coverage of `pos`: the base index's, or that of the extra text scoring it when higher."""
        from .tokens import synonym_token

        base = self.index.coverage(tokens, pos) if pos < len(self.index.docs) else 0.0
        bags = [lex.counts for lex in view.lexical if lex.pos == pos]
        if not bags:
            return base
        total = found = 0.0
        for word in dict.fromkeys(t for t in tokens if t[:1] not in ("~", "§")):
            weight = self._idf(view, word)
            total += weight
            if any(word in bag or synonym_token(word) in bag for bag in bags):
                found += weight
        return max(base, found / total if total else 0.0)

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
        vec = self.query_vector(norm)
        named = [self.index.position[a.citation] for a in self.named_articles(query)
                 if a.citation in self.index.position]
        tokens = tokenize(query)
        dense, bm25 = self.index.dense_scores(vec), self.index.bm25_scores(tokens)
        view = self._view
        if view is not self._base_view:
            dense, bm25 = self._extra_scores(view, vec, tokens, dense, bm25)
        return Scores(dense, bm25, named, tokens, view, vec, query)

    FOCUS_OVER = 40  # a question longer than this is embedded by its question sentences too (0: never)
    # A long message's dense query: this share of its question sentences' vector, the rest of the whole
    # message's (its first WHOLE_CHARS characters). Messy long messages (bench/data/retrieval_long.yml):
    # hit@1 0.789 -> 0.833 and 8 more right answers through answer.plan against the question sentences
    # alone; real posts' article hit@3 unchanged (docs/knowledge_base.md).
    FOCUS_WEIGHT = 0.5
    WHOLE_CHARS = 400

    def query_vector(self, norm: str) -> np.ndarray:
        """The question's dense vector. A long message mixes the vector of its question sentences, which
        keeps the point of the message, with the whole message's, whose story carries facts a vague
        question ("這種情況…算嗎") leaves out; the mix is scaled back to unit length, so its cosines live on
        the scale the confidence thresholds and the question gate were fitted on. E5-style encoders embed
        questions apart from documents, hence `encode_query`."""
        from labourbot.encoders import encode_query

        focus = self.dense_query(norm)
        if focus == norm or self.FOCUS_WEIGHT >= 1.0:
            return encode_query(self.encoder, [focus])[0]
        vecs = encode_query(self.encoder, [focus, norm[:self.WHOLE_CHARS]])
        mixed = self.FOCUS_WEIGHT * vecs[0] + (1.0 - self.FOCUS_WEIGHT) * vecs[1]
        length = float(np.linalg.norm(mixed))
        return (mixed / length if length > 0 else vecs[0]).astype(np.float32)

    def dense_query(self, norm: str) -> str:
        """The text the encoder embeds: a long message's question sentences (labourbot.questions), so that
        the story's nouns do not outvote the question; BM25 still reads the whole message."""
        if not self.FOCUS_OVER or len(norm) <= self.FOCUS_OVER:
            return norm
        from labourbot.questions import focus_query

        return focus_query(norm) or norm

    def _mask(self, kinds: Iterable[str] | str, view: _View | None = None) -> np.ndarray:
        kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds {sorted(unknown)}; use 'entry' and/or 'article'")
        view = view or self._view
        mask = np.zeros(len(view.docs), dtype=bool)
        for kind in kinds:
            mask |= view.kind_masks[kind]
        return mask

    def search(self, query: str, k: int = 5, kinds: Sequence[str] = KINDS, language: str | None = None,
               scope: str = "prefer") -> list[Hit]:
        """The `k` best entries and/or articles for `query`; articles the question names come first.

        `language` (en | id | vi | th) searches that language's translated entries: `scope` "own" only
        them, "prefer" them merged with the Chinese entries and articles (a Chinese entry that has a
        translation comes back as the translation). None, "zh" or a language without translated entries:
        the Chinese search.
        """
        if not query or not query.strip() or k <= 0:
            return []
        lang = self.languages.get(language or "zh")
        if lang is not None:
            return self._search_language(lang, query, k, kinds, scope)
        if not self._view.docs:
            return []
        s = self.scores(query)
        return self.rank(s, self._mask(kinds, s.view), k)

    # ------------------------------------------------------------ translated entries

    languages: dict[str, Any] = {}  # language -> multilingual.LanguageIndex (set by `open`)
    LANGUAGE_DEPTH = 20  # candidates taken from each ranking before merging
    CHINESE_WEIGHT = 0.1  # weight of the Chinese ranking against the language's own in "prefer" (bench/languages.py --tune)

    def translated_entry(self, entry_id: str) -> Entry | None:
        """A translated entry by its id (en-fw-passport-kept)."""
        lang = self.languages.get(entry_id.split("-", 1)[0])
        return lang.entries.get(entry_id) if lang is not None else None

    def translation(self, entry_id: str, language: str) -> Entry | None:
        """The `language` rendering of Chinese entry `entry_id`, if there is one."""
        lang = self.languages.get(language)
        tid = lang.by_root.get(entry_id) if lang is not None else None
        return lang.entries[tid] if tid else None

    def _search_language(self, lang: Any, query: str, k: int, kinds: Sequence[str], scope: str,
                         method: str = "fused") -> list[Hit]:
        if scope not in ("own", "prefer"):
            raise ValueError(f"unknown scope {scope!r}; use 'own' or 'prefer'")
        kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
        ls = lang.scores(query)
        own: list[Hit] = []
        if "entry" in kinds:
            for pos, score in lang.ranked(ls, max(k, self.LANGUAGE_DEPTH), method):
                own.append(self._language_hit(lang, pos, score, ls))
        if scope == "own":
            return own[:k]
        merged: dict[str, tuple[float, Hit]] = {}
        for rank, h in enumerate(own, 1):
            root = lang.entries[h.id].translates
            merged[root] = (1.0 / (self.fusion.k + rank), h)
        chinese = self.search(query, self.LANGUAGE_DEPTH, kinds) if self._view.docs else []
        for rank, h in enumerate(chinese, 1):
            add = self.CHINESE_WEIGHT / (self.fusion.k + rank)
            if h.id in merged:
                total, hit = merged[h.id]
                merged[h.id] = (total + add, hit)
                continue
            tid = lang.by_root.get(h.id) if h.kind == "entry" else None
            hit = h if tid is None else self._language_hit(lang, lang.index.position[tid], 0.0, ls)
            merged[h.id] = (add, hit)
        best = sorted(merged.values(), key=lambda sh: -sh[0])[:k]
        from dataclasses import replace

        return [replace(hit, score=score) for score, hit in best]

    @staticmethod
    def _language_hit(lang: Any, pos: int, score: float, ls: Any) -> Hit:
        d: Doc = lang.index.docs[pos]
        return Hit(d.id, d.kind, d.title, d.topic, d.citations, score, d.text, float(ls.dense[pos]),
                   float(ls.bm25[pos]), lang.index.coverage(ls.tokens, pos), False, d.language)

    def rank(self, s: Scores, mask: np.ndarray, k: int, fusion: FusionParams | None = None,
             method: str = "fused") -> list[Hit]:
        """Hits from precomputed scores: "fused" is the fusion re-ordered by the second stage (when one is
        set); "rrf", "dense" or "bm25" rank by the fusion alone or by one signal (benchmark)."""
        view = s.view or self._base_view
        stage: dict[int, float] = {}
        if method in ("fused", "rrf"):
            ranked = fuse(s, mask, view.is_article, fusion or self.fusion)
            if method == "fused" and self.reranker is not None and s.vec is not None:
                ranked, stage = self._rerank(s, mask, ranked, fusion or self.fusion)
            if s.named:  # entries citing an article the question names come right after it, main citation first
                named = {view.docs[p].id for p in s.named}
                top = float(ranked.max())
                for i, d in enumerate(view.docs):
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
                    hits.append(self._hit(pos, float(ranked[pos]), s, stage=stage.get(pos)))
                    taken.add(pos)
        return hits[:k]

    def _hit(self, pos: int, score: float, s: Scores, named: bool = False, stage: float | None = None) -> Hit:
        view = s.view or self._base_view
        d: Doc = view.docs[pos]
        coverage = (self.index.coverage(s.tokens, pos) if view is self._base_view
                    else self._coverage(view, s.tokens, pos))
        return Hit(d.id, d.kind, d.title, d.topic, d.citations, score, d.text,
                   float(s.dense[pos]), float(s.bm25[pos]), coverage, named, stage=stage)

    def is_confident(self, hits: Sequence[Hit]) -> bool:
        """Whether the top hit is good enough to answer from; below it the bot says it is not sure."""
        if not hits:
            return False
        top = hits[0]
        c = self.confidence if top.language == "zh" else LANGUAGE_CONFIDENCE
        if top.named:
            return True
        if top.stage is not None and top.stage >= c.min_stage and top.dense >= c.min_dense_with_stage:
            return True  # the second stage is fairly sure of a hit whose cosine alone is borderline (long messages)
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
