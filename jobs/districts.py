"""The 37 districts of Tainan City, defined once, and how to recognise them in free text."""

from __future__ import annotations

import re
from functools import lru_cache

from labourbot.textnorm import normalize_same_length

CITY = "臺南市"

# Official order (臺南市政府), north to south roughly as the city lists them.
DISTRICTS: tuple[str, ...] = (
    "新營區", "鹽水區", "白河區", "柳營區", "後壁區", "東山區", "麻豆區", "下營區", "六甲區", "官田區",
    "大內區", "佳里區", "學甲區", "西港區", "七股區", "將軍區", "北門區", "新化區", "善化區", "新市區",
    "安定區", "山上區", "玉井區", "楠西區", "南化區", "左鎮區", "仁德區", "歸仁區", "關廟區", "龍崎區",
    "永康區", "東區", "南區", "北區", "安南區", "安平區", "中西區",
)

_CITY_NAMES = ("臺南市", "台南市", "臺南縣", "台南縣", "臺南", "台南")


def _variants() -> dict[str, str]:
    """Spelling -> official name: with and without 區 (two-character names only), 台/臺."""
    out: dict[str, str] = {}
    for name in DISTRICTS:
        out[name] = name
        short = name[:-1]
        if len(short) >= 2:
            out[short] = name
    return out


SPELLINGS = _variants()
_PATTERN = re.compile("|".join(sorted(map(re.escape, SPELLINGS), key=len, reverse=True)))


def _clean(text: str) -> str:
    return normalize_same_length(text or "").replace("台", "臺").strip()


def canonical_district(text: str | None) -> str | None:
    """The official name of a district written as "永康", "永康區", "永康区" or "臺南市永康區"; else None."""
    if not text:
        return None
    cleaned = _clean(text)
    for city in _CITY_NAMES:
        if cleaned.startswith(city.replace("台", "臺")) and cleaned != city.replace("台", "臺"):
            cleaned = cleaned[len(city):]
            break
    cleaned = cleaned.strip()
    if cleaned in SPELLINGS:
        return SPELLINGS[cleaned]
    return None


@lru_cache(maxsize=4096)
def find_district(text: str) -> str | None:
    """The first Tainan district named anywhere in `text` (longest spelling wins: 安南區 before 南區)."""
    match = _PATTERN.search(_clean(text))
    return SPELLINGS[match.group(0)] if match else None
