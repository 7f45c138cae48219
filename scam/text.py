"""Fast, length-preserving text folding for the scam checker.

`labourbot.textnorm.normalize_same_length` runs the pure-Python OpenCC converter, which costs about
3.5 ms on a 2,000-character message; the checker folded each message three times, so folding alone
broke the time budget. `fold` does the same job with a single `str.translate`: full-width ASCII to
half-width, control and zero-width characters to spaces, A-Z to lower case, 臺 to 台 (so patterns
need one spelling), and Simplified to Traditional character by character.

The Simplified table is built from OpenCC's own dictionaries (STCharacters + TWVariants), but only
for characters that are never Traditional themselves (这 -> 這, 说 -> 說); ambiguous ones that are
also Traditional (台, 里, 只, 后) are left alone, so Traditional input is never changed. One
character in, one character out: offsets into the folded text are offsets into the original, and
evidence can be cut from what the user wrote.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"

# Characters that are Traditional too but, in job texts, are nearly always the Simplified form of
# another one (徵人 written 征人, 借據 written 借据); OpenCC resolves them by phrase, we by fiat.
_CHARACTER_OVERRIDES = {"征": "徵", "据": "據", "于": "於", "云": "雲", "几": "幾", "适": "適"}
# Same-length phrase fixes after the character pass, for words the rules look for (OpenCC's phrase
# table does this for every phrase, at 30 times the cost).
_PHRASES: tuple[tuple[str, str], ...] = (
    ("存折", "存摺"), ("輕松", "輕鬆"), ("老板", "老闆"), ("游戲", "遊戲"), ("余額", "餘額"), ("采購", "採購"),
    ("范圍", "範圍"), ("准備", "準備"), ("以后", "以後"), ("之后", "之後"), ("后來", "後來"), ("一只", "一隻"),
)


def _opencc_dictionary_dir() -> Path | None:
    try:
        import opencc  # opencc-python-reimplemented, a dependency of labourbot.textnorm
    except ImportError:  # pragma: no cover - the checker still works on Traditional input
        return None
    folder = Path(opencc.__file__).resolve().parent / "dictionary"
    return folder if folder.is_dir() else None


def _read_pairs(path: Path) -> dict[str, list[str]]:
    pairs: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if len(key) == 1 and values:
            pairs[key] = values.split()
    return pairs


def _simplified_table() -> dict[int, str]:
    """Simplified-only character -> Taiwan Traditional character (single characters only)."""
    folder = _opencc_dictionary_dir()
    if folder is None:  # pragma: no cover
        return {}
    variants = {k: v[0] for k, v in _read_pairs(folder / "TWVariants.txt").items() if len(v[0]) == 1}
    table: dict[int, str] = {}
    for key, candidates in _read_pairs(folder / "STCharacters.txt").items():
        if key in candidates or len(candidates[0]) != 1:
            continue  # also a Traditional character (台, 里, 只): keep what the user wrote
        target = variants.get(candidates[0], candidates[0])
        table[ord(key)] = target
    for key, target in variants.items():
        table.setdefault(ord(key), target)
    return table


@lru_cache(maxsize=1)
def fold_table() -> dict[int, str]:
    """The translation table of `fold`, built once per process (about 4,000 entries)."""
    table = _simplified_table()
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII
        table[code] = chr(code - 0xFEE0).lower()
    table[0x3000] = " "
    for code in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0)):  # control characters
        if chr(code) not in "\n\t":
            table[code] = " "
    for ch in _ZERO_WIDTH:
        table[ord(ch)] = " "
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    for key, target in _CHARACTER_OVERRIDES.items():
        table[ord(key)] = target
    table[ord("臺")] = "台"
    return table


def fold(text: str) -> str:
    """Half-width, lower-case ASCII, Traditional, 臺 as 台; exactly as long as `text`."""
    folded = text.translate(fold_table())
    for simplified, traditional in _PHRASES:
        if simplified in folded:
            folded = folded.replace(simplified, traditional)
    return folded


__all__ = ["fold", "fold_table"]
