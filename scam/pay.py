"""Pay mentioned in an ad, compared with the minimum wage in force and with ordinary pay.

"Far above normal" is measured in multiples of the minimum wage: an easy job with no experience
needed that pays at least 1.5 times the minimum (hourly, per day of 8 hours, or monthly), (1.2 times
when the work is "just use your phone"), or any job without stated qualifications that pays at
least 2.5 times the minimum (weight 2). A stated pay of 5 times the minimum or more for a job that
asks for no qualification (「1個月至少30萬」, 日領7000) is a scam sign by itself (weight 3); amounts
whose period is only guessed ("薪水8000") never reach that level.

Parsing is linear in the length of the text: a number is one atomic token that starts only where a
run of digits (or of Chinese numerals) starts, so a long run of digits is read once instead of being
split every possible way (the old pattern took 8 s on 1,000 digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from labourbot.calc import minimum_wage_on
from labourbot.parsing import parse_amount
from scam.text import fold

Period = str  # "hourly" | "daily" | "weekly" | "monthly" | "annual" | "task"

_CHINESE_NUMERALS = "一二兩两三四五六七八九十百千萬"
# Atomic groups and look-behinds keep this linear: a number starts only where its run starts, and once
# read it is never re-split ("3萬5", "2,000", "3.5萬", "三萬五").
_NUMBER = (r"((?<![0-9])(?<![0-9][.,])(?>[0-9]+(?:,[0-9]{3})*+(?:\.[0-9]+)?)(?>\s*(?:萬|万|千|k|w)[0-9]*+)?"
           r"|(?<![" + _CHINESE_NUMERALS + r"])(?>[" + _CHINESE_NUMERALS + r"]+))")
_PERIOD_WORDS: tuple[tuple[str, Period], ...] = (
    ("時薪", "hourly"), ("每小時", "hourly"), ("一小時", "hourly"), ("時給", "hourly"),
    ("日薪", "daily"), ("日領", "daily"), ("日結", "daily"), ("每天", "daily"), ("一天", "daily"),
    ("每日", "daily"), ("天賺", "daily"), ("當日領", "daily"),
    ("週領", "weekly"), ("周領", "weekly"), ("週薪", "weekly"), ("每週", "weekly"),
    ("月薪", "monthly"), ("月入", "monthly"), ("月領", "monthly"), ("每月", "monthly"), ("一個月", "monthly"),
    ("1個月", "monthly"), ("每個月", "monthly"), ("月收", "monthly"),
    ("底薪", "monthly"), ("月收入", "monthly"), ("月賺", "monthly"),
    ("年薪", "annual"), ("年收", "annual"),
    ("一單", "task"), ("每單", "task"), ("一件", "task"), ("每件", "task"), ("一趟", "task"), ("每筆", "task"),
    ("薪水", "unknown"), ("薪資", "unknown"), ("收入", "unknown"), ("賺", "unknown"), ("待遇", "unknown"),
)
_LEAD = re.compile(
    "(" + "|".join(sorted((re.escape(w) for w, _ in _PERIOD_WORDS), key=len, reverse=True)) + r")"
    r"[^0-9一二兩两三四五六七八九十，。,.!！?？\n]{0,5}" + _NUMBER + r"(?![0-9]|[,.][0-9])"
    + r"(?:\s*(?:到|至|-|~|～)\s*" + _NUMBER + r")?(?!\s*(?:倍|成|%|％|個|年|天|小時|歲))(?!\s*(?:日圓|日幣|円|美金|美元|usd|澳幣|人民幣|韓元|歐元))")
# Possessive \s*+: the whitespace around 元 is never given back, so a long run of it is not split
# between the two in every way before the match fails.
_TRAIL = re.compile(_NUMBER + r"\s*+(?:元|塊)?\s*+[/／每一]\s*(小時|時|天|日|月|週|周|單|件)")
_HOURS_A_DAY = re.compile(r"(一天|每天|每日)[^，。,\n]{0,3}?((?>[0-9]+(?:\.[0-9]+)?)|[一二兩三四五六])\s*(個)?(小時|鐘頭)")
_TRAIL_PERIOD = {"小時": "hourly", "時": "hourly", "天": "daily", "日": "daily", "月": "monthly", "週": "weekly",
                 "周": "weekly", "單": "task", "件": "task"}

VERY_EASY = re.compile(r"(動動手指|一支手機|只要手機|用手機就|躺著|不用出門|在家打字|按讚|點讚|看影片)")
EASY = re.compile(r"((免|無|不需|不用|不限|無需|零|不需要)[^，。,]{0,3}經驗|輕鬆|簡單|在家|居家|時間自由|不用面試|免面試|"
                  r"不看學歷|學歷不拘|動動手指|一支手機|只要手機|用手機|打字|寶媽|學生可|躺著|不用出門|當天上工)")
QUALIFIED = re.compile(r"((?<![0-9一二三四五六七八九十])(?>[0-9一二三四五六七八九十]+) *年[^，。,]{0,8}經驗|(?<![不無免])(需|具|具備|要有)[^，。,]{0,6}經驗|"
                       r"經驗(?>[0-9一二三四五六七八九十]+) *年|證照|執照|證書|科系|(?<!不看)(?<!不限)(?<!不問)學歷(?!不拘)|碩士|博士|大學|專科|駕照|英文|日文|"
                       r"工程師|醫師|護理師|律師|會計師|主管|經理)")
PART_TIME = re.compile(r"(兼職|打工|工讀|部分工時|計時|part.?time)")


@dataclass(frozen=True)
class PayMention:
    amount: Decimal
    period: Period
    evidence: str
    guessed: bool = False  # the period came from the size of the amount ("薪水8000"), not from the text


def _guess_period(amount: Decimal) -> Period:
    if amount < 1000:
        return "hourly"
    if amount < 10000:
        return "daily"
    return "monthly"


def _pay_text(text: str) -> str:
    """Folded text in which a full-width comma stays a clause break: folding turns 「，」 into ",", which
    would read 「時薪200，12點上班」 as the number 200,12 and drop the wage (「；」 folds to ";")."""
    return fold(text.replace("，", "；"))


def pay_mentions(text: str) -> list[PayMention]:
    """Amounts with the period they are paid for ("日領3000" -> 3000 daily), in order of appearance."""
    norm = _pay_text(text)
    found: list[tuple[int, PayMention]] = []
    for match in _LEAD.finditer(norm):
        word, number, upper = match.group(1), match.group(2), match.group(3)
        period = dict(_PERIOD_WORDS)[word]
        if upper:  # a range "6到10萬": the lower bound takes the upper bound's unit
            unit = re.search(r"(萬|万|千|k|w)\s*$", upper)
            if unit and not re.search(r"(萬|万|千|k|w)", number):
                number = number + unit.group(1)
        amount = _amount(number)
        if amount is None or amount < 50:  # "薪水是三倍", stray digits: not a wage
            continue
        guessed = period == "unknown"
        if guessed:
            period = _guess_period(amount)
        found.append((match.start(), PayMention(amount, period, match.group(0).strip(), guessed)))
    for match in _TRAIL.finditer(norm):
        amount = _amount(match.group(1))
        if amount is not None:
            found.append((match.start(), PayMention(amount, _TRAIL_PERIOD[match.group(2)], match.group(0).strip())))
    found.sort(key=lambda item: item[0])
    seen: set[tuple[Decimal, str]] = set()
    out = []
    for _, mention in found:
        if (mention.amount, mention.period) not in seen:
            seen.add((mention.amount, mention.period))
            out.append(mention)
    return out


def _amount(number: str) -> Decimal | None:
    try:
        value = parse_amount(number)
    except (ValueError, ArithmeticError):
        return None
    return value if value > 0 else None


@dataclass(frozen=True)
class PayFinding:
    kind: str  # "high_pay" | "below_min_wage"
    weight: int
    evidence: str


def _per_month(amount: Decimal, period: Period) -> Decimal | None:
    factors = {"hourly": Decimal(8 * 5 * 52) / 12, "daily": Decimal(5 * 52) / 12, "weekly": Decimal(52) / 12,
               "monthly": Decimal(1), "annual": Decimal(1) / 12}
    return amount * factors[period] if period in factors else None


EXTREME_RATIO = Decimal(5)  # 5 x the minimum wage (NT$147,500 a month in 2026) for work that asks for nothing


def _high_pay(mention: PayMention, ratio: Decimal, norm: str, qualified: bool) -> PayFinding | None:
    """The high-pay finding for one mention, or None. `ratio`: pay per month / minimum wage per month."""
    if qualified:
        return None
    if mention.guessed and not EASY.search(norm):
        return None  # "薪水8000" may be a month of part-time work: too vague without the easy-money wording
    if ratio >= EXTREME_RATIO and not mention.guessed:
        return PayFinding("high_pay", 3, f"{mention.evidence}（約最低工資的 {ratio:.0f} 倍，卻沒有要求任何資格）")
    very_easy = VERY_EASY.search(norm)
    if very_easy and ratio >= Decimal("1.2"):
        return PayFinding("high_pay", 2, f"{mention.evidence}，又說「{very_easy.group(0)}」")
    easy = EASY.search(norm)
    if easy and ratio >= Decimal("1.5"):
        return PayFinding("high_pay", 2, f"{mention.evidence}，又說「{easy.group(0)}」")
    if ratio >= Decimal("2.5"):
        return PayFinding("high_pay", 2, f"{mention.evidence}（約最低工資的 {ratio:.0f} 倍）")
    return None


def check_pay(text: str, on: date) -> list[PayFinding]:
    """Pay far above normal for the work described, and pay below the minimum wage in force on `on`."""
    norm = _pay_text(text)
    mentions = pay_mentions(norm)
    minimum = minimum_wage_on(on)
    monthly_min = Decimal(minimum.hourly) * Decimal(8 * 5 * 52) / 12  # full-time month at the hourly minimum
    findings: list[PayFinding] = []
    easy = EASY.search(norm)
    qualified = QUALIFIED.search(norm) is not None
    short_day = _HOURS_A_DAY.search(norm)
    hours_a_day = _amount(short_day.group(2)) if short_day else None
    high: PayFinding | None = None  # the strongest high-pay finding over all mentions (first on ties)
    for mention in mentions:
        if hours_a_day and hours_a_day < 8 and mention.period in ("monthly", "daily"):
            # "一天只要兩小時，月入四萬五": judge the pay per hour actually worked
            per_day = mention.amount / (Decimal(5 * 52) / 12) if mention.period == "monthly" else mention.amount
            evidence = f"{mention.evidence}（一天只做{short_day.group(2)}小時）"
            mention = PayMention(per_day / hours_a_day, "hourly", evidence, mention.guessed)
        if mention.period == "task":
            finding = PayFinding("high_pay", 2, f"{mention.evidence}（按件計酬又強調輕鬆）") \
                if mention.amount >= 100 and easy else None
        else:
            per_month = _per_month(mention.amount, mention.period)
            finding = None if per_month is None else _high_pay(
                mention, per_month / max(monthly_min, Decimal(minimum.monthly)), norm, qualified)
        if finding is not None and (high is None or finding.weight > high.weight):
            high = finding
    if high is not None:
        findings.append(high)
    for mention in mentions:
        if mention.period == "hourly" and mention.amount < minimum.hourly:
            findings.append(PayFinding(
                "below_min_wage", 2, f"{mention.evidence}，低於 {on.year} 年每小時最低工資 {minimum.hourly} 元"))
            break
        if mention.period == "monthly" and mention.amount < minimum.monthly and not PART_TIME.search(norm):
            findings.append(PayFinding(
                "below_min_wage", 2, f"{mention.evidence}，低於 {on.year} 年每月最低工資 {minimum.monthly:,} 元"))
            break
    return findings
