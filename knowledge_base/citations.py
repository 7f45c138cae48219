"""Citation strings: canonical form, loose parsing (short law names, Chinese numerals).

Canonical citation: "<full law name>第<N>條" or "<full law name>第<N>條之<M>" with Arabic numerals.
Article numbers are kept internally as "24" or "9-1" (the MOJ writes "第 9-1 條").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

# Colloquial and former names -> official name (Traditional; queries are normalised first).
LAW_ALIASES: dict[str, str] = {
    "勞基法": "勞動基準法",
    "勞動基準法": "勞動基準法",
    "勞基法施行細則": "勞動基準法施行細則",
    "勞基法細則": "勞動基準法施行細則",
    "性平法": "性別平等工作法",
    "性工法": "性別平等工作法",
    "性平工作法": "性別平等工作法",
    "性別工作平等法": "性別平等工作法",
    "兩性工作平等法": "性別平等工作法",
    "性別工作平等法施行細則": "性別平等工作法施行細則",
    "就服法": "就業服務法",
    "就服法施行細則": "就業服務法施行細則",
    "勞退條例": "勞工退休金條例",
    "勞退法": "勞工退休金條例",
    "勞退條例施行細則": "勞工退休金條例施行細則",
    "職安法": "職業安全衛生法",
    "職業安全衛生法": "職業安全衛生法",
    "勞保條例": "勞工保險條例",
    "勞保法": "勞工保險條例",
    "就保法": "就業保險法",
    "災保法": "勞工職業災害保險及保護法",
    "勞工職災保險法": "勞工職業災害保險及保護法",
    "職災保險法": "勞工職業災害保險及保護法",
    "災保法施行細則": "勞工職業災害保險及保護法施行細則",
    "職災保護法": "職業災害勞工保護法",
    "性騷法": "性騷擾防治法",
    "勞資爭議法": "勞資爭議處理法",
    "大解法": "大量解僱勞工保護法",
    "大量解雇勞工保護法": "大量解僱勞工保護法",
    "請假規則": "勞工請假規則",
    "最低工資法": "最低工資法",
    "性騷擾防治準則": "工作場所性騷擾防治措施準則",
    "外國人聘僱管理辦法": "雇主聘僱外國人許可及管理辦法",
}

_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "[零〇○一二兩三四五六七八九十百千]+"
_NUM = rf"(?:\d+|{CN_NUM})"

_MOJ_NUMBER = re.compile(r"第\s*(\d+)\s*(?:[-－之]\s*(\d+))?\s*條")
_CANONICAL = re.compile(r"^(?P<law>.+?)第(?P<main>\d+)條(?:之(?P<sub>\d+))?$")
# Trailing notes the MOJ adds to some names, e.g. "最低工資法（112.12.27制定）".
# A note begins at the first of the whitespace before it, and its first digit is the first one in it,
# so that neither a run of whitespace nor a run of digits is retried from each of its characters.
_NAME_NOTE = re.compile(r"(?<!\s)\s*[（(][^（）()\d]*\d[^（）()]*[）)]\s*$")


def cn_to_int(text: str) -> int | None:
    """Chinese numerals (一百零三, 二十四, 十, 三〇) or Arabic digits to int; None if not a number."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    if not any(ch in _CN_UNITS for ch in text):  # positional: 二四 / 三〇
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def clean_law_name(name: str) -> str:
    """Official law name without the MOJ's trailing date notes and stray whitespace."""
    return _NAME_NOTE.sub("", "".join(name.split()))


def article_number(moj_number: str) -> str | None:
    """"第 9-1 條" -> "9-1"; "第 24 條" -> "24"; None if unparseable."""
    m = _MOJ_NUMBER.search(moj_number.replace("\u3000", " "))
    if not m:
        return None
    return m.group(1) if not m.group(2) else f"{m.group(1)}-{m.group(2)}"


def format_citation(law: str, number: str) -> str:
    """("勞動基準法", "9-1") -> "勞動基準法第9條之1"."""
    main, _, sub = number.partition("-")
    return f"{law}第{int(main)}條" + (f"之{int(sub)}" if sub else "")


def split_citation(citation: str) -> tuple[str, str] | None:
    """Canonical citation -> (law, number); None if it is not canonical."""
    m = _CANONICAL.match(citation.strip())
    if not m:
        return None
    number = m.group("main") + (f"-{m.group('sub')}" if m.group("sub") else "")
    return m.group("law"), number


def number_sort_key(number: str) -> tuple[int, int]:
    main, _, sub = number.partition("-")
    return int(main), int(sub or 0)


@dataclass(frozen=True)
class CitationMatch:
    law: str
    number: str
    start: int
    end: int

    @property
    def citation(self) -> str:
        return format_citation(self.law, self.number)


class CitationParser:
    """Finds article references in free text, given the official law names that are known."""

    def __init__(self, laws: Iterable[str], default_law: str | None = None) -> None:
        known = {clean_law_name(name) for name in laws}
        names: dict[str, str] = {name: name for name in known}
        for alias, official in LAW_ALIASES.items():
            if official in known:
                names.setdefault(alias, official)
        self._names = names
        self.default_law = default_law if default_law in known else None
        law_alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        number = (
            rf"\s*(?:第\s*(?P<a1>{_NUM})\s*(?:條|条)?|(?P<a2>\d+)(?=\s*(?:條|条|-|之|$|\D))|(?P<a3>{CN_NUM})\s*(?:條|条))"
            rf"(?:\s*(?:之|-)\s*(?P<sub>{_NUM}))?"
        )
        self._with_law = re.compile(rf"(?P<law>{law_alt})\s*{number}") if names else None
        self._bare = re.compile(
            rf"第\s*(?P<a1>{_NUM})\s*(?:條|条)(?:\s*之\s*(?P<sub>{_NUM}))?"
            rf"|(?<![\d.])(?P<a2>\d+)(?:\s*-\s*(?P<sub2>\d+))?\s*(?:條|条)"
        )

    @staticmethod
    def _number(main: str | None, sub: str | None) -> str | None:
        if main is None:
            return None
        n = cn_to_int(main)
        if n is None or n <= 0:
            return None
        if sub:
            s = cn_to_int(sub)
            if s is None or s <= 0:
                return None
            return f"{n}-{s}"
        return str(n)

    def find(self, text: str, use_default: bool = True) -> list[CitationMatch]:
        """All article references in `text`, in order; a bare "第24條" uses the default law."""
        found: list[CitationMatch] = []
        taken: list[tuple[int, int]] = []
        if self._with_law is not None:
            for m in self._with_law.finditer(text):
                main = m.group("a1") or m.group("a2") or m.group("a3")
                number = self._number(main, m.group("sub"))
                if number:
                    found.append(CitationMatch(self._names[m.group("law")], number, m.start(), m.end()))
                    taken.append((m.start(), m.end()))
        if use_default and self.default_law:
            for m in self._bare.finditer(text):
                if any(s <= m.start() < e for s, e in taken):
                    continue
                number = self._number(m.group("a1") or m.group("a2"), m.group("sub") or m.group("sub2"))
                if number:
                    found.append(CitationMatch(self.default_law, number, m.start(), m.end()))
        found.sort(key=lambda c: c.start)
        return found

    def parse(self, text: str) -> CitationMatch | None:
        """A single loose citation ("勞基法第24條", "勞動基準法 24", "第二十四條之一" with a law)."""
        text = text.strip()
        hits = self.find(text, use_default=False)
        return hits[0] if hits else None
