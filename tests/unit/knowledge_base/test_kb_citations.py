"""Citation parsing: canonical forms, MOJ numbers, loose user forms, Chinese numerals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge_base.citations import (
    CitationParser,
    article_number,
    clean_law_name,
    cn_to_int,
    format_citation,
    split_citation,
)

LAWS = ["勞動基準法", "勞動基準法施行細則", "性別平等工作法", "就業服務法", "勞工退休金條例", "職業安全衛生法"]

_DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """Reference converter for 1..9999 (test oracle)."""
    units = [(1000, "千"), (100, "百"), (10, "十")]
    out, zero = "", False
    for value, unit in units:
        d, n = divmod(n, value)
        if d:
            if zero:
                out += "零"
                zero = False
            out += ("" if (unit == "十" and d == 1 and not out) else _DIGITS[d]) + unit
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + _DIGITS[n]
    return out


@pytest.mark.parametrize("text,value", [("二十四", 24), ("十", 10), ("十一", 11), ("一百零三", 103),
                                        ("九", 9), ("兩百", 200), ("24", 24), ("三〇", 30), ("四十", 40)])
def test_cn_to_int(text: str, value: int) -> None:
    assert cn_to_int(text) == value


def test_cn_to_int_rejects_words() -> None:
    assert cn_to_int("條文") is None
    assert cn_to_int("") is None


@given(st.integers(min_value=1, max_value=9999))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert cn_to_int(to_chinese(n)) == n


@given(st.integers(1, 300), st.one_of(st.none(), st.integers(1, 9)))
def test_format_and_split_round_trip(main: int, sub: int | None) -> None:
    number = f"{main}-{sub}" if sub else str(main)
    citation = format_citation("勞動基準法", number)
    assert split_citation(citation) == ("勞動基準法", number)


def test_canonical_forms() -> None:
    assert format_citation("勞動基準法", "9-1") == "勞動基準法第9條之1"
    assert format_citation("勞動基準法", "24") == "勞動基準法第24條"
    assert split_citation("性別平等工作法第15條") == ("性別平等工作法", "15")
    assert split_citation("勞基法24") is None


@pytest.mark.parametrize("raw,number", [("第 24 條", "24"), ("第 9-1 條", "9-1"), ("第24條", "24"), ("附表", None)])
def test_moj_article_numbers(raw: str, number: str | None) -> None:
    assert article_number(raw) == number


def test_clean_law_name_drops_moj_date_note() -> None:
    assert clean_law_name("最低工資法（112.12.27制定）") == "最低工資法"
    assert clean_law_name(" 勞動基準法 ") == "勞動基準法"
    assert clean_law_name("勞工職業災害保險及保護法") == "勞工職業災害保險及保護法"


@pytest.mark.parametrize(
    "text,citation",
    [
        ("勞基法第24條", "勞動基準法第24條"),
        ("勞動基準法 24", "勞動基準法第24條"),
        ("勞動基準法第二十四條", "勞動基準法第24條"),
        ("勞基法第九條之一", "勞動基準法第9條之1"),
        ("勞動基準法第9-1條", "勞動基準法第9條之1"),
        ("勞動基準法第24條第1項", "勞動基準法第24條"),
        ("性平法第12條", "性別平等工作法第12條"),
        ("性工法第十二條", "性別平等工作法第12條"),
        ("性別工作平等法第15條", "性別平等工作法第15條"),
        ("就服法57條", "就業服務法第57條"),
        ("勞退條例第6條", "勞工退休金條例第6條"),
        ("職安法第6條", "職業安全衛生法第6條"),
        ("勞動基準法施行細則第7條", "勞動基準法施行細則第7條"),
    ],
)
def test_parser_loose_forms(text: str, citation: str) -> None:
    found = CitationParser(LAWS).parse(text)
    assert found is not None and found.citation == citation


def test_parser_finds_all_references_and_uses_default_law_for_bare_numbers() -> None:
    parser = CitationParser(LAWS, default_law="勞動基準法")
    found = parser.find("勞基法第24條跟性平法第12條，還有第三十八條")
    assert [m.citation for m in found] == ["勞動基準法第24條", "性別平等工作法第12條", "勞動基準法第38條"]


def test_parser_ignores_numbers_that_are_not_articles() -> None:
    parser = CitationParser(LAWS, default_law="勞動基準法")
    assert parser.find("我一天工作12小時，月薪3萬") == []
    assert parser.parse("勞基法規定加班費") is None


def test_aliases_only_for_known_laws() -> None:
    parser = CitationParser(["勞動基準法"])
    assert parser.parse("就服法第57條") is None
