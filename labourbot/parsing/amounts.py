"""Parse money amounts and numbers written the way people type them in Taiwan.

Accepted: Arabic numbers with thousands separators ("32,000"), decimals with a unit ("3.5萬"),
k/K for thousand and w/W for 萬 ("35k"), Chinese numerals (一二三…十百千萬億, 兩, 〇/零, and
the financial forms 壹貳參…拾佰仟), mixtures ("3萬5", "1萬2000"), the colloquial shortening in
which a trailing digit takes the next lower unit ("三萬五" = 35000, "兩千五" = 2500,
"一百五" = 150; but "三萬零五" = 30005), currency marks ("NT$", "新台幣", "元", "塊") and wage
words ("時薪190", "月薪 32,000").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

WagePeriod = Literal["hourly", "daily", "monthly", "annual"]

_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0,
    "一": 1, "壹": 1, "二": 2, "貳": 2, "贰": 2, "兩": 2, "两": 2,
    "三": 3, "參": 3, "叁": 3, "叄": 3, "四": 4, "肆": 4, "五": 5, "伍": 5,
    "六": 6, "陸": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "k": 1000, "K": 1000}
_BIG_UNITS: dict[str, int] = {"萬": 10_000, "万": 10_000, "w": 10_000, "W": 10_000, "億": 100_000_000, "亿": 100_000_000}
_TOKEN = re.compile(
    r"\d+(?:\.\d+)?|[" + "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS) + r"廿卅]"
)
NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS) + "廿卅"
"""Characters that may appear in a number (besides ASCII digits and the decimal point)."""

_FORMAT_DIGITS = "零一二三四五六七八九"
MAX_FORMAT = 10**12


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), drop whitespace, and drop thousands separators."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)


def _bad_number(text: str) -> ValueError:
    return ValueError(f"無法辨識數字「{text}」，請輸入例如 35000、3萬5 或 三萬五")


def parse_number(text: str) -> Decimal:
    """Parse a non-negative number in Arabic or Chinese numerals (or a mix) into a Decimal.

    >>> parse_number("三萬五"), parse_number("3.5萬"), parse_number("一百零五"), parse_number("一一三")
    (Decimal('35000'), Decimal('35000'), Decimal('105'), Decimal('113'))
    """
    original = text
    s = normalize(text).replace("廿", "二十").replace("卅", "三十")
    if not s:
        raise ValueError("沒有輸入數字")
    tokens = _TOKEN.findall(s)
    if "".join(tokens) != s:
        raise _bad_number(original)
    has_unit = any(t in _SMALL_UNITS or t in _BIG_UNITS for t in tokens)
    if not has_unit:
        # Either one Arabic number or a digit-by-digit Chinese string such as "一一三".
        if len(tokens) == 1 and tokens[0][0].isdigit():
            return Decimal(tokens[0])
        if all(t in _DIGITS for t in tokens):
            return Decimal("".join(str(_DIGITS[t]) for t in tokens))
        raise _bad_number(original)

    total = Decimal(0)
    section = Decimal(0)
    current: Decimal | None = None
    single_digit = False  # current came from one digit (eligible for the colloquial shortening)
    zero_seen = False  # a 零 since the last unit: no shortening ("三萬零五" = 30005)
    last_unit: int | None = None
    last_small: int | None = None  # small units must decrease within a section
    last_big: int | None = None  # big units must decrease
    for tok in tokens:
        if tok[0].isdigit():
            if current is not None:
                raise _bad_number(original)
            current = Decimal(tok)
            single_digit = len(tok) == 1
        elif tok in _DIGITS:
            digit = _DIGITS[tok]
            if digit == 0:
                if current is not None:
                    raise _bad_number(original)
                zero_seen = True
                continue
            if current is not None:
                raise _bad_number(original)
            current, single_digit = Decimal(digit), True
        elif tok in _SMALL_UNITS:
            unit = _SMALL_UNITS[tok]
            if last_small is not None and unit >= last_small:
                raise _bad_number(original)
            section += (current if current is not None else Decimal(1)) * unit
            current, last_unit, last_small, zero_seen = None, unit, unit, False
        else:
            unit = _BIG_UNITS[tok]
            if last_big is not None and unit >= last_big:
                raise _bad_number(original)
            value = section + (current if current is not None else Decimal(0))
            if value == 0:
                if total != 0 or zero_seen:
                    raise _bad_number(original)
                value = Decimal(1)
            total += value * unit
            section, current = Decimal(0), None
            last_unit, last_small, last_big, zero_seen = unit, None, unit, False
    if current is not None:
        if single_digit and not zero_seen and last_unit is not None and last_unit >= 10:
            current *= last_unit // 10
        section += current
    result = total + section
    return Decimal(int(result)) if result == result.to_integral_value() else result.normalize()


def parse_int(text: str) -> int:
    """Parse a whole number (see :func:`parse_number`); fractions are rejected."""
    value = parse_number(text)
    if value != value.to_integral_value():
        raise ValueError(f"「{text}」不是整數")
    return int(value)


def _format_section(n: int) -> str:
    out, gap = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit % 10
        if digit == 0:
            gap = bool(out)
            continue
        if gap:
            out += "零"
            gap = False
        out += _FORMAT_DIGITS[digit] + name
    return out


def format_chinese_number(n: int) -> str:
    """Write a whole number in standard Chinese numerals: 35000 -> "三萬五千", 10 -> "十"."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0 or n >= MAX_FORMAT:
        raise ValueError(f"只能轉換 0 到 {MAX_FORMAT - 1} 的整數")
    if n == 0:
        return "零"
    groups = ((n // 10**8, "億"), (n // 10**4 % 10**4, "萬"), (n % 10**4, ""))
    out, gap = "", False
    for value, name in groups:
        if value == 0:
            gap = bool(out)
            continue
        if out and (gap or value < 1000):
            out += "零"
        out += _format_section(value) + name
        gap = False
    if out.startswith("一十"):
        out = out[1:]
    return out


_PERIOD_WORDS: tuple[tuple[str, WagePeriod], ...] = (
    ("時薪", "hourly"), ("每小時", "hourly"), ("一小時", "hourly"), ("/小時", "hourly"), ("/時", "hourly"),
    ("/hr", "hourly"), ("/h", "hourly"), ("小時", "hourly"),
    ("日薪", "daily"), ("每日", "daily"), ("每天", "daily"), ("一天", "daily"), ("/日", "daily"), ("/天", "daily"),
    ("月薪", "monthly"), ("每個月", "monthly"), ("每月", "monthly"), ("一個月", "monthly"), ("/月", "monthly"),
    ("年薪", "annual"), ("每年", "annual"), ("一年", "annual"), ("/年", "annual"),
)
_NOISE = re.compile(  # the lookbehinds begin the trailing words at the first of them, not at each one of a run
    r"^(?:薪水|薪資|工資|底薪|本薪|給|是|為|有|約|大約|:|：)+|(?<!左右)(?<!上下)(?<!整)(?<!而已)(?:左右|上下|整|而已)+$"
)
_CURRENCY_PREFIX = re.compile(r"^(?:新[台臺]幣|[台臺]幣|NTD|NT\$|NT|US\$|\$)", re.IGNORECASE)
_CURRENCY_SUFFIX = re.compile(r"(?:塊錢|元整|元|塊|圓|NTD|NT)$", re.IGNORECASE)


@dataclass(frozen=True)
class Wage:
    """A parsed amount and, when the text said so, the period it is paid for."""

    amount: Decimal
    period: WagePeriod | None


def parse_wage(text: str) -> Wage:
    """Parse an amount with an optional wage period: "時薪190" -> Wage(190, "hourly")."""
    original = text
    s = normalize(text)
    period: WagePeriod | None = None
    for word, kind in _PERIOD_WORDS:
        if word.lower() in s.lower():
            if period is not None and period != kind:
                raise ValueError(f"「{original}」同時出現不同的計薪單位")
            period = kind
            s = re.sub(re.escape(word), "", s, flags=re.IGNORECASE)
    for _ in range(3):
        s = _NOISE.sub("", s)
        s = _CURRENCY_PREFIX.sub("", s)
        s = _CURRENCY_SUFFIX.sub("", s)
        s = _NOISE.sub("", s)
    if not s:
        raise ValueError(f"「{original}」裡沒有金額")
    try:
        amount = parse_number(s)
    except ValueError:
        raise ValueError(f"無法辨識金額「{original}」，請輸入例如 35000、3萬5、三萬五 或 35k") from None
    except InvalidOperation:  # pragma: no cover - defensive
        raise ValueError(f"無法辨識金額「{original}」") from None
    return Wage(amount=amount, period=period)


def parse_amount(text: str) -> Decimal:
    """Parse a money amount in NTD: "三萬五", "3萬5", "35k", "NT$29,500", "月薪 32,000" -> Decimal."""
    return parse_wage(text).amount
