"""Text normalisation shared by the Rasa NLU component, the gateway and the search index.

Only the standard library and OpenCC are imported here, because this module runs inside both
virtual environments (Rasa's Python 3.10 one and the application's 3.11 one).

`normalize` keeps the length of the text unchanged (one character in, one character out) so
that entity offsets annotated in the training data stay valid after normalisation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_FULLWIDTH_OFFSET = 0xFEE0
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), " ")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=None)
def _converter(config: str):  # pragma: no cover - trivial cache
    import opencc  # opencc-python-reimplemented

    return opencc.OpenCC(config)


def to_halfwidth(text: str) -> str:
    """Map full-width ASCII (Ａ-Ｚ, ０-９, ！...) and the ideographic space to half-width."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - _FULLWIDTH_OFFSET))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def to_traditional(text: str) -> str:
    """Simplified to Taiwan Traditional, character by character (no phrase substitution).

    OpenCC's `s2tw` maps characters and variants only; phrase conversion (`s2twp`) may change the
    length (U盤 -> 隨身碟) and would shift entity offsets, so it is not used here.
    """
    converted = _converter("s2tw").convert(text)
    return converted if len(converted) == len(text) else text


def to_simplified(text: str) -> str:
    """Traditional to Simplified, for tokenisers whose dictionaries are Simplified (jieba)."""
    return _converter("t2s").convert(text)


def strip_controls(text: str) -> str:
    """Replace control and zero-width characters by spaces (length preserving)."""
    text = text.translate(_ZERO_WIDTH)
    return "".join(" " if unicodedata.category(ch) == "Cc" and ch not in "\n\t" else ch for ch in text)


def normalize_same_length(text: str) -> str:
    """Half-width, Traditional, no control characters; same length as the input."""
    return to_traditional(to_halfwidth(strip_controls(text)))


def normalize(text: str) -> str:
    """Normalised text for matching: `normalize_same_length` plus collapsed whitespace, lower case."""
    return _SPACES.sub(" ", normalize_same_length(text)).strip().lower()


def clip(text: str, limit: int, one_line: bool = False) -> str:
    """At most `limit` characters, ending with … when cut; `one_line` first collapses all whitespace.
    (LINE counts UTF-16 units: channels/line/render.py has its own.)"""
    text = " ".join(text.split()) if one_line else (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
