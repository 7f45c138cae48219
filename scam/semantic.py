"""Semantic layer: how close a text is to the known scam patterns of scam/data/patterns.yml.

The encoder (USE-m by default, labourbot.encoders) and the pattern vectors are loaded once per
process. A text counts as "like a known scam" only when its best scam pattern is clearly closer
than its best ordinary-ad anchor.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from labourbot.textnorm import normalize_same_length

PATTERNS_FILE = Path(__file__).resolve().parent / "data" / "patterns.yml"

# Conservative: leave-one-out on patterns.yml, no ordinary-ad anchor reaches the weak level (max 0.56,
# margin <= 0); the rules carry most of the decision. See docs/jobs.md.
STRONG_SIMILARITY, STRONG_MARGIN = 0.70, 0.10
WEAK_SIMILARITY, WEAK_MARGIN = 0.58, 0.06


@dataclass(frozen=True)
class Pattern:
    id: str
    kind: str
    title: str
    text: str


@dataclass(frozen=True)
class SemanticMatch:
    pattern: Pattern
    similarity: float
    margin: float  # similarity minus the best ordinary-ad similarity
    weight: int  # 2 strong, 1 weak, 0 none


@lru_cache(maxsize=1)
def load_patterns(path: str | None = None) -> tuple[tuple[Pattern, ...], tuple[str, ...]]:
    """(scam patterns, ordinary-ad anchors) from patterns.yml."""
    raw: Any = yaml.safe_load(Path(path or PATTERNS_FILE).read_text(encoding="utf-8"))
    scams = tuple(Pattern(str(p["id"]), str(p["kind"]), str(p["title"]), str(p["text"])) for p in raw["scam"])
    legit = tuple(str(t) for t in raw["legit"])
    if len({p.id for p in scams}) != len(scams):
        raise ValueError("patterns.yml: duplicate pattern ids")
    return scams, legit


class PatternMatcher:
    def __init__(self, encoder: Any | None = None) -> None:
        if encoder is None:
            from labourbot.encoders import load_encoder

            encoder = load_encoder()
        self.encoder = encoder
        self.scams, self.legit = load_patterns()
        self._scam_vectors = encoder.encode([normalize_same_length(p.text) for p in self.scams])
        self._legit_vectors = encoder.encode([normalize_same_length(t) for t in self.legit])

    def similarities(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        vector = self.encoder.encode([normalize_same_length(text)])[0]
        return self._scam_vectors @ vector, self._legit_vectors @ vector

    def match(self, text: str) -> SemanticMatch:
        scam_sims, legit_sims = self.similarities(text)
        best = int(np.argmax(scam_sims))
        similarity = float(scam_sims[best])
        margin = similarity - float(np.max(legit_sims))
        weight = 0
        if similarity >= STRONG_SIMILARITY and margin >= STRONG_MARGIN:
            weight = 2
        elif similarity >= WEAK_SIMILARITY and margin >= WEAK_MARGIN:
            weight = 1
        return SemanticMatch(self.scams[best], similarity, margin, weight)


_matcher: PatternMatcher | None = None
_failed = False
_lock = threading.Lock()


def default_matcher() -> PatternMatcher | None:
    """The process-wide matcher with the default encoder, or None when the encoder cannot load."""
    global _matcher, _failed
    if _matcher is not None or _failed:
        return _matcher
    with _lock:
        if _matcher is None and not _failed:
            try:
                _matcher = PatternMatcher()
            except Exception:  # the rule and pay layers still work without the encoder
                import logging

                logging.getLogger(__name__).exception("scam patterns: encoder unavailable")
                _failed = True
    return _matcher
