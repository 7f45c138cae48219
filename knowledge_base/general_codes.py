"""Which articles of the three large general codes the knowledge base imports.

民法, 中華民國刑法 and 職業安全衛生設施規則 hold about 2,200 articles between them, of which only a few
dozen matter to a labour-law helpdesk (the employment and work contracts of the Civil Code, tort
liability, fraud and coercion in the Criminal Code, heat stress and workplace violence in the safety
rules). Imported whole, the rest (inheritance, land registers, piracy, crane inspections ...) would
outnumber the labour laws and the curated entries in the search index and flood retrieval with
unrelated hits. So an import keeps only the articles listed here; entries may cite exactly these.

The selection is data (`GENERAL_CODES`), applied by `select_articles`, a pure function that leaves
every other law alone, so it can run on any source: the per-law files, or a bulk ChLaw.json that
happens to contain these codes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .citations import number_sort_key
from .laws import LawText


@dataclass(frozen=True)
class ArticleRange:
    """Articles `first` to `last` inclusive, in statute order ("482" .. "514" includes "483-1",
    excludes "514-1"): a 之N article sorts after its base article and before the next one."""

    first: str  # "482", "324-1"
    last: str

    def __contains__(self, number: object) -> bool:
        if not isinstance(number, str):
            return False
        return number_sort_key(self.first) <= number_sort_key(number) <= number_sort_key(self.last)


def _single(*numbers: str) -> tuple[ArticleRange, ...]:
    return tuple(ArticleRange(n, n) for n in numbers)


@dataclass(frozen=True)
class CodeSelection:
    """The selected articles of one general code, with the reason each part is there."""

    law: str  # official name, as parsed (LawText.name)
    pcode: str  # MOJ law code, for people looking the code up
    parts: tuple[tuple[str, tuple[ArticleRange, ...]], ...]  # (why, ranges)

    @property
    def ranges(self) -> tuple[ArticleRange, ...]:
        return tuple(r for _, rs in self.parts for r in rs)

    def includes(self, number: str) -> bool:
        """Whether article `number` ("488", "483-1") is selected."""
        return any(number in r for r in self.ranges)


GENERAL_CODES: dict[str, CodeSelection] = {
    sel.law: sel
    for sel in (
        CodeSelection("民法", "B0000001", (
            ("侵權行為：一般侵權、僱用人連帶責任、非財產上損害（職災、職場霸凌求償）", _single("184", "188", "195")),
            ("違約金過高酌減（保密協議、競業禁止、綁約的違約金）", _single("252")),
            # 第七節 僱傭 (482-489, with 483-1, 487-1) and 第八節 承攬 (490-514, with 501-1).
            # 第514條之1 onwards is 第八節之一 旅遊, outside the range by construction.
            ("僱傭與承攬契約：勞雇關係與承攬的區分、報酬、終止", (ArticleRange("482", "514"),)),
        )),
        CodeSelection("中華民國刑法", "C0000001", (
            ("妨害自由：私行拘禁、強制（扣證件、限制離職）", _single("302", "304")),
            ("詐欺：求職詐騙、人頭帳戶", _single("339", "339-4")),
        )),
        CodeSelection("職業安全衛生設施規則", "N0060009", (
            ("勞工身心健康保護：重複性作業、輪班與過勞、職場不法侵害、戶外高溫作業",
             _single("324-1", "324-2", "324-3", "324-6")),
        )),
    )
}


def is_general_code(law: str) -> bool:
    """Whether `law` (an official name) is one of the codes imported only in part."""
    return law in GENERAL_CODES


def select_articles(law: LawText) -> LawText:
    """`law` with only its selected articles if it is a general code, else `law` itself (unchanged).

    Name, amendment date, source, URL and abandonment note are kept, so the stored text still says
    which version it was taken from; only the article list is filtered.
    """
    selection = GENERAL_CODES.get(law.name)
    if selection is None:
        return law
    return dataclasses.replace(law, articles=[a for a in law.articles if selection.includes(a.number)])
