"""The search index: FAISS (inner product over L2-normalised embeddings) + BM25, persisted with a manifest.

Documents are entries (id = entry id) and statute articles (id = canonical citation). Dense rows map
back to documents: an entry has rows for its title, each question, its answer and its title with its
keywords (optionally each answer sentence); an article has one row per chunk. A document's dense score
is the best cosine of its rows.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from .entries import Entry
from .laws import LawText

if TYPE_CHECKING:
    from labourbot.encoders import Encoder

FORMAT_VERSION = 4
CHUNK_CHARS = 160
ENCODE_BATCH = 64
# Entry rows and BM25 text, measured with bench/retrieval.py (docs/knowledge_base.md "Benchmark"): besides
# the title, each question and the whole answer, one row of the title with the keywords
# (entries/keywords.yml). SENTENCE_ROWS adds one row per answer sentence of at least SENTENCE_MIN_CHARS
# characters (short ones join the next): +0.005 held-out hit@3 for 40% more vectors, so it is off.
SENTENCE_ROWS = False  # measured +0.005 held out for 2,300 more vectors: off (build time)
SENTENCE_MIN_CHARS = 12
KEYWORD_ROW = True
# BM25 of the Chinese index (bm25s "lucene" defaults are k1 1.5, b 0.75; k1 1.0 chosen on the dev set,
# docs/knowledge_base.md). Translated-entry indexes (their own tokenizer) keep the defaults.
BM25_K1, BM25_B = 1.0, 0.75
DEFAULT_K1 = 1.5
TITLE_REPEAT = 2  # the title's weight in an entry's BM25 text
KEYWORD_REPEAT = 1  # the keywords' weight in it
_SENTENCE = re.compile(r"[^。！？；!?;]+[。！？；!?;]?")


@dataclass(frozen=True)
class Doc:
    id: str
    kind: str  # "entry" | "article"
    title: str
    topic: str
    citations: tuple[str, ...]
    text: str
    language: str = "zh"  # an entry's language (articles are Chinese)
    root: str = ""  # a translated entry: the Chinese entry it renders ("" otherwise)


@dataclass
class Manifest:
    format: int
    encoder: str
    entries_hash: str
    laws_hash: str
    pipeline: str = ""
    n_docs: int = 0
    n_rows: int = 0
    build_seconds: float = 0.0
    built_at: str = ""

    def matches(self, other: "Manifest") -> bool:
        return (self.format, self.encoder, self.entries_hash, self.laws_hash, self.pipeline) == (
            other.format, other.encoder, other.entries_hash, other.laws_hash, other.pipeline)


def pipeline_hash() -> str:
    """Changes whenever the way documents are cut or tokenised changes (forces a rebuild)."""
    import hashlib

    from .tokens import LABOUR_TERMS, STOP_WORDS, SYNONYMS

    blob = json.dumps([FORMAT_VERSION, CHUNK_CHARS, SENTENCE_ROWS, SENTENCE_MIN_CHARS, KEYWORD_ROW, TITLE_REPEAT,
                       KEYWORD_REPEAT, BM25_K1, BM25_B, list(LABOUR_TERMS), sorted(STOP_WORDS), SYNONYMS],
                      ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def chunk_text(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Split article text into chunks of at most ~`size` characters at paragraph, then sentence ends."""
    pieces: list[str] = []
    for para in text.split("\n"):
        para = para.strip()
        if not para:
            continue
        if len(para) <= size:
            pieces.append(para)
            continue
        for sent in re.findall(r"[^。；]+[。；]?", para):
            while len(sent) > size:
                pieces.append(sent[:size])
                sent = sent[size:]
            if sent:
                pieces.append(sent)
    chunks: list[str] = []
    for p in pieces:
        if chunks and len(chunks[-1]) + len(p) <= size:
            chunks[-1] += p
        else:
            chunks.append(p)
    return chunks or [text[:size]]


def _short_chapter(chapter: str) -> str:
    return chapter.split(" / ")[-1] if chapter else ""


def article_topics(entries: Sequence[Entry]) -> tuple[dict[str, str], dict[str, str]]:
    """Topic of each cited article and of each law: the most common topic of the entries citing it."""
    by_cit: dict[str, Counter] = {}
    by_law: dict[str, Counter] = {}
    from .citations import split_citation

    for e in entries:
        for c in e.citations:
            by_cit.setdefault(c, Counter())[e.topic] += 1
            parts = split_citation(c)
            if parts:
                by_law.setdefault(parts[0], Counter())[e.topic] += 1
    pick = lambda cnt: sorted(cnt.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]  # noqa: E731
    return {c: pick(v) for c, v in by_cit.items()}, {law: pick(v) for law, v in by_law.items()}


def answer_sentences(answer: str, min_chars: int | None = None) -> list[str]:
    """The answer's sentences (at 。！？；), a short one joined to the next, when there is more than one."""
    min_chars = SENTENCE_MIN_CHARS if min_chars is None else min_chars
    out: list[str] = []
    carry = ""
    for m in _SENTENCE.finditer(answer):
        piece = carry + m.group(0).strip()
        if len(piece) < min_chars:
            carry = piece
            continue
        out.append(piece)
        carry = ""
    if carry:
        if out:
            out[-1] += carry
        else:
            out.append(carry)
    return out if len(out) > 1 else []


def entry_rows(e: Entry, more: Sequence[str] = ()) -> list[str]:
    """Dense rows of an entry (plus `more` example questions): title, questions, answer, answer
    sentences (Chinese entries), title with keywords."""
    rows = [e.title, *e.questions, *more, e.answer]
    if SENTENCE_ROWS and e.language == "zh":
        rows += answer_sentences(e.answer)
    if KEYWORD_ROW and e.keywords:
        rows.append(f"{e.title}（{'、'.join(e.keywords)}）")
    return rows


def entry_lexical(e: Entry, more: Sequence[str] = ()) -> str:
    """BM25 text of an entry: title and keywords weighted, questions, answer."""
    kw = "、".join(e.keywords)
    heads = [e.title] * TITLE_REPEAT + ([kw] * KEYWORD_REPEAT if kw else [])
    return "\n".join((*heads, *e.questions, *more, e.answer))


def make_docs(entries: Sequence[Entry], laws: Sequence[LawText]) -> tuple[list[Doc], list[str], list[int], list[str]]:
    """(docs, dense row texts, row -> doc index, BM25 text per doc)."""
    docs: list[Doc] = []
    rows: list[str] = []
    row_doc: list[int] = []
    lexical: list[str] = []
    cit_topic, law_topic = article_topics(entries)
    for e in entries:
        i = len(docs)
        docs.append(Doc(e.id, "entry", e.title, e.topic, tuple(e.citations), e.answer, e.language, e.translates))
        for text in entry_rows(e):
            rows.append(text)
            row_doc.append(i)
        lexical.append(entry_lexical(e))
    for law in laws:
        for a in law.articles:
            i = len(docs)
            chap = _short_chapter(a.chapter)
            title = f"{a.citation}（{chap}）" if chap else a.citation
            topic = cit_topic.get(a.citation) or law_topic.get(a.law) or "other"
            docs.append(Doc(a.citation, "article", title, topic, (a.citation,), a.text))
            for chunk in chunk_text(a.text):
                rows.append(chunk)
                row_doc.append(i)
            lexical.append(f"{a.law} {chap}\n{a.text}")
    return docs, rows, row_doc, lexical


class SearchIndex:
    """Dense + BM25 scores of every document for a query."""

    def __init__(self, docs: list[Doc], dense, row_doc: np.ndarray, bm25, vocab: dict[str, int],
                 manifest: Manifest) -> None:
        self.docs = docs
        self.dense = dense  # faiss.IndexFlatIP
        self.row_doc = row_doc
        self.bm25 = bm25
        self.vocab = vocab
        self.manifest = manifest
        self.kinds = np.array([d.kind for d in docs])
        self.position = {d.id: i for i, d in enumerate(docs)}

    # ------------------------------------------------------------ scoring

    def dense_scores(self, query_vec: np.ndarray) -> np.ndarray:
        """Best cosine per document (-1 for documents with no row)."""
        out = np.full(len(self.docs), -1.0, dtype=np.float32)
        if self.dense.ntotal == 0:
            return out
        sims, rows = self.dense.search(np.ascontiguousarray(query_vec.reshape(1, -1), dtype=np.float32),
                                       int(self.dense.ntotal))
        valid = rows[0] >= 0
        np.maximum.at(out, self.row_doc[rows[0][valid]], sims[0][valid])
        return out

    def bm25_scores(self, tokens: Sequence[str]) -> np.ndarray:
        ids = [self.vocab[t] for t in tokens if t in self.vocab]
        if not ids or self.bm25 is None:
            return np.zeros(len(self.docs), dtype=np.float32)
        return np.asarray(self.bm25.get_scores_from_ids(ids), dtype=np.float32)

    def coverage(self, tokens: Sequence[str], pos: int) -> float:
        """IDF-weighted share of the query's words (bigrams aside) found in document `pos`, in [0, 1].

        A word counts as found when the document has it or a listed synonym of it.
        """
        from .tokens import synonym_token

        if self.bm25 is None:
            return 0.0
        indptr, indices = self.bm25.scores["indptr"], self.bm25.scores["indices"]
        n = len(self.docs)
        total = found = 0.0
        for word in dict.fromkeys(t for t in tokens if t[:1] not in ("~", "§")):
            ids = [self.vocab[t] for t in (word, synonym_token(word)) if t and t in self.vocab]
            df = int(indptr[ids[0] + 1] - indptr[ids[0]]) if ids else 0
            weight = float(np.log(1.0 + (n - df + 0.5) / (df + 0.5)))
            total += weight
            if any(pos in indices[indptr[i]:indptr[i + 1]] for i in ids):
                found += weight
        return found / total if total else 0.0

    # ------------------------------------------------------------ build / persist

    @classmethod
    def build(cls, entries: Sequence[Entry], laws: Sequence[LawText], encoder: "Encoder", manifest: Manifest,
              progress: Callable[[int, int], None] | None = None,
              tokenizer: Callable[[str], list[str]] | None = None) -> "SearchIndex":
        """Encode every row and BM25-index every document; `tokenizer` defaults to the Chinese one
        (a translated-entry index passes its language's, tokens.tokenize_language)."""
        import bm25s
        import faiss

        from labourbot.textnorm import normalize

        from .tokens import tokenize

        tokenize = tokenizer or tokenize  # (`tokenizer` stays None for the Chinese index: its BM25 k1 below)
        start = time.perf_counter()
        docs, rows, row_doc, lexical = make_docs(entries, laws)
        total = len(rows) + len(lexical)
        done = 0
        index = faiss.IndexFlatIP(int(encoder.dim))
        for s in range(0, len(rows), ENCODE_BATCH):
            batch = [normalize(t) for t in rows[s:s + ENCODE_BATCH]]
            vecs = np.ascontiguousarray(encoder.encode(batch), dtype=np.float32)
            index.add(vecs)
            done += len(batch)
            if progress:
                progress(done, total)
        vocab: dict[str, int] = {}
        corpus_ids: list[list[int]] = []
        for s, text in enumerate(lexical):
            corpus_ids.append([vocab.setdefault(t, len(vocab)) for t in tokenize(text)])
            done += 1
            if progress and (s % 200 == 0 or s == len(lexical) - 1):
                progress(done, total)
        bm25 = None
        if docs:
            bm25 = bm25s.BM25(k1=BM25_K1 if tokenizer is None else DEFAULT_K1, b=BM25_B)
            bm25.index((corpus_ids, dict(vocab)), show_progress=False)
        manifest.n_docs, manifest.n_rows = len(docs), len(rows)
        manifest.build_seconds = round(time.perf_counter() - start, 2)
        manifest.built_at = time.strftime("%Y-%m-%dT%H:%M:%S")
        return cls(docs, index, np.asarray(row_doc, dtype=np.int64), bm25, vocab, manifest)

    def save(self, directory: Path) -> None:
        """Write to a fresh temporary folder beside `directory`, then swap it in."""
        import faiss

        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=directory.name + ".tmp-", dir=directory.parent))
        try:
            faiss.write_index(self.dense, str(tmp / "dense.faiss"))
            np.save(tmp / "row_doc.npy", self.row_doc)
            if self.bm25 is not None:
                self.bm25.save(str(tmp / "bm25"), show_progress=False)
            (tmp / "docs.json").write_text(
                json.dumps({"docs": [asdict(d) for d in self.docs], "vocab": self.vocab}, ensure_ascii=False),
                encoding="utf-8")
            (tmp / "manifest.json").write_text(json.dumps(asdict(self.manifest), ensure_ascii=False, indent=1),
                                               encoding="utf-8")
            old = directory.with_name(f"{directory.name}.old-{os.getpid()}")
            if directory.exists():
                directory.rename(old)
            tmp.rename(directory)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @staticmethod
    def read_manifest(directory: Path) -> Manifest | None:
        try:
            return Manifest(**json.loads((directory / "manifest.json").read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    @classmethod
    def load(cls, directory: Path) -> "SearchIndex":
        import bm25s
        import faiss

        manifest = cls.read_manifest(directory)
        if manifest is None:
            raise FileNotFoundError(directory / "manifest.json")
        meta = json.loads((directory / "docs.json").read_text(encoding="utf-8"))
        docs = [Doc(d["id"], d["kind"], d["title"], d["topic"], tuple(d["citations"]), d["text"],
                    d.get("language", "zh"), d.get("root", "")) for d in meta["docs"]]
        dense = faiss.read_index(str(directory / "dense.faiss"))
        row_doc = np.load(directory / "row_doc.npy")
        bm25 = bm25s.BM25.load(str(directory / "bm25"), show_progress=False) if (directory / "bm25").exists() else None
        return cls(docs, dense, row_doc, bm25, meta["vocab"], manifest)
