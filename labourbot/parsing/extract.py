"""Find the numbers a calculator needs anywhere in a free-text message.

People ask in one breath: 「我月薪3萬2，平日加班3小時，加班費多少？」. The single-value parsers in
this package read one answer at a time; this module scans a whole message, finds each value
(wage, overtime or total hours, day type, dates, length of service) and decides from the words
around it what it is, so that a calculator form only asks for what is still missing.

Numbers that are not wages or dates are recognised first and set aside: article numbers (第24條),
telephone numbers (06-2951234, 0912345678) and bare years (2026). Everything here is pure:
``today`` anchors relative dates ("今天", "上個月5號") and defaults to the current date.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Iterator, Literal

from .amounts import Wage, WagePeriod, parse_number
from .dates import parse_date
from .durations import Duration, parse_duration, parse_hours

DayType = Literal["weekday", "rest-day", "holiday", "regular-day-off"]
HoursBasis = Literal["overtime", "total"]

MIN_SERVICE_YEAR, MAX_SERVICE_YEARS = 1950, 60
MAX_DAY_HOURS = 24
MIN_WAGE_AMOUNT = 50  # below any hourly wage ever lawful in Taiwan: "時薪3" is not a wage

# ---------------------------------------------------------------------------------------------
# Patterns

_CN_DIGIT = "零〇一二兩三四五六七八九"
_CN_NUMERAL = _CN_DIGIT + "十百千萬壹貳參肆伍陸柒捌玖拾佰仟廿卅"
_CN_SMALL = "一二兩三四五六七八九十"  # the numerals of hours and durations


def _run_start(chars: str, refused_after: str = "") -> str:
    """Where a match may begin inside a run of ``chars``: at the run's first character only.

    Why: a match that began inside the run would repeat, shorter, the one that begins at its start,
    and trying every character of a long run, each time scanning to its end, takes quadratic time.
    When the pattern's own lookbehind refuses to begin right after ``refused_after`` (a digit, a
    point...), a run that follows such a character is entered at its second character instead.
    """
    first = r"(?<![" + chars + r"])"
    return first if not refused_after else r"(?:" + first + r"|(?<=[" + refused_after + r"][" + chars + r"]))"


def _amount(refused_after: str) -> str:
    """An amount: "32000", "3.5萬", "3萬5千2", "35k" or "三萬五", in a pattern that may not begin after
    ``refused_after``. The digits after 萬/千 are taken one per step with their optional 千/百, so that
    a run of digits can be split only one way (split freely, "1萬111…1年" backtracks exponentially)."""
    return (
        r"(?:\d+(?:\.\d+)?(?:[萬千kKwW](?:[\d一二兩三四五六七八九][千百]?)*)?"
        r"|" + _run_start(_CN_NUMERAL, refused_after) + r"[" + _CN_NUMERAL + r"]+)"
    )


# What may not follow an amount for it to be money: units of time, counts, articles, percent.
_NOT_MONEY_NEXT = r"(?![\d.年月日天號歲個次條項款%倍人分點時週周期小/\-" + _CN_NUMERAL + r"kKwW])"
_CURRENCY_PREFIX = r"(?:NT\$|NTD|NT|\$|新台幣|新臺幣|台幣|臺幣)"
_CURRENCY = r"(?:元|塊錢|塊|圓)"
_FILLER = r"(?:大約|大概|差不多|只有|才|約|是|為|有|:)"
_WAGE_WORDS: dict[str, WagePeriod | None] = {
    "月薪": "monthly", "月領": "monthly", "月入": "monthly", "每個月": "monthly", "每月": "monthly",
    "時薪": "hourly", "時給": "hourly", "每小時": "hourly", "一小時": "hourly",
    "日薪": "daily", "日領": "daily",
    "年薪": "annual",
    "底薪": None, "本薪": None, "薪水": None, "薪資": None,
}
# Each optional word takes the whitespace after it: "\s*(?:word)?\s*" would split a run of spaces
# between the two \s* in every way before failing (cubic time on "月薪" and 10,000 spaces).
_WAGE_KEYWORD = re.compile(
    r"(?P<kw>" + "|".join(sorted(_WAGE_WORDS, key=len, reverse=True)) + r")\s*(?:" + _FILLER + r"\s*)?"
    + r"(?:" + _CURRENCY_PREFIX + r"\s*)?(?P<amt>" + _amount(r"\d.") + r")\s*(?P<cur>" + _CURRENCY + r")?"
    + _NOT_MONEY_NEXT
)
_WAGE_PER = re.compile(  # "190元/小時", "190元一小時", "1500/天", "32000/月"
    r"(?<![\d.])(?P<amt>" + _amount(r"\d.") + r")\s*(?:(?P<cur>" + _CURRENCY + r")\s*)?(?:/|每|一)\s*"
    r"(?P<kw>小時|時|hr|h|天|日|個月|月)"
)
_WAGE_OF = re.compile(  # "用3萬5的月薪"
    r"(?<![\d.])(?P<amt>" + _amount(r"\d.") + r")\s*(?:(?P<cur>" + _CURRENCY + r")\s*)?的(?P<kw>月薪|時薪|日薪|薪水|底薪)"
)
_NOT_BARE_AFTER = r"\d.\-/第$"
_BARE_MONEY = re.compile(
    # Inside a run of whitespace a match begins only at its first character (or its second, after a
    # refused character), at its last one (where the previous match may have stopped) or at the amount.
    r"(?<![" + _NOT_BARE_AFTER + r"])(?:(?<!\s)|(?<=[" + _NOT_BARE_AFTER + r"]\s)|(?!\s\s))"
    r"(?P<pre>" + _CURRENCY_PREFIX + r"?)\s*(?P<amt>" + _amount(_NOT_BARE_AFTER) + r")\s*(?P<cur>" + _CURRENCY + r")?"
    + _NOT_MONEY_NEXT
)
_PER_PERIOD: dict[str, WagePeriod] = {
    "小時": "hourly", "時": "hourly", "hr": "hourly", "h": "hourly", "天": "daily", "日": "daily",
    "個月": "monthly", "月": "monthly", "月薪": "monthly", "時薪": "hourly", "日薪": "daily",
}

_ARTICLE = re.compile(
    r"第\s*[\d一二三四五六七八九十百零〇]+\s*[條条項款章節](?:\s*之\s*[\d一二三四五六七八九十]+)?"
    r"|(?<![\d.])\d{1,3}\s*[條条](?:之\d+)?"
)
_PHONE = re.compile(
    r"(?<![\d\-])(?:09\d{2}-?\d{3}-?\d{3}|\(0\d{1,2}\)\s*\d{3,4}-?\d{4}|0\d{1,2}-\d{3,4}-?\d{4}|\d{7,})(?![\d\-])"
)

_Y = r"(?:\d{2,4}|[〇零一二三四五六七八九十百]{2,5})"
_M = r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})"
_D = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_DATE_PATTERNS: tuple[tuple[re.Pattern[str], bool], ...] = (  # (pattern, needs a word saying what it is)
    (re.compile(r"(?:民國|西元|公元)?" + _Y + r"\s*年\s*" + _M + r"\s*月(?:\s*" + _D + r"\s*[日號])?"), False),
    (re.compile(r"(?<![\d/.\-])\d{2,4}([/\-.])\d{1,2}\1\d{1,2}(?![\d/.\-])"), False),
    (re.compile(r"(?:去年|今年|前年|明年)" + _M + r"月(?:" + _D + r"[日號])?"), False),
    (re.compile(r"(?:上上個月|上個月|這個月|本月|下個月)(?:" + _D + r"[日號])?"), False),
    (re.compile(r"(?:(?<!\d)\d+|" + _run_start(_CN_SMALL) + r"[" + _CN_SMALL + r"]+)(?:年|個月|週|周|天)"
                r"(?:以前|之前|以後|之後|前|後)"), False),
    (re.compile(r"今天|今日|昨天|前天|明天|後天"), False),
    (re.compile(r"(?<![\d年/.])" + _M + r"\s*月\s*" + _D + r"\s*[日號]"), False),
    (re.compile(r"(?<![\d/.\-])(?:1[0-2]|0?[1-9])/(?:3[01]|[12]\d|0?[1-9])(?![\d/.])"), True),
)

_HOUR_NUM = r"(?:\d+(?:\.\d+)?|[" + _CN_SMALL + r"]+)"
_HOURS = re.compile(
    r"(?<![\d.])(?:(?:\d+(?:\.\d+)?|" + _run_start(_CN_SMALL, r"\d.") + r"[" + _CN_SMALL + r"]+)"
    r"\s*(?:(?:個半?|半)\s*)?(?:小時|鐘頭|hours?|hrs?|h(?![a-z]))(?:" + _HOUR_NUM + r"分鐘?)?|半小時)",
    re.IGNORECASE,
)
_DUR_NUM = r"(?:\d+(?:\.\d+)?|[" + _CN_SMALL + r"]+)"
_DUR_START = r"(?:\d+(?:\.\d+)?|" + _run_start(_CN_SMALL, r"\d.第") + r"[" + _CN_SMALL + r"]+)"
_DURATION = re.compile(
    r"(?<![\d.第])(?:(?:" + _DUR_START + r"年半?|半年)(?:又|零)?(?:" + _DUR_NUM + r"個半?月|" + _DUR_NUM + r"月(?!" + _D + r"[日號]))?"
    r"(?:又|零)?(?:" + _DUR_NUM + r"天)?|" + _DUR_START + r"個半?月(?:又|零)?(?:" + _DUR_NUM + r"天)?|半個月)多?"
)

# Words that say what a value is, searched in the same clause next to it.
_PUNCT = set(",.;!?、。，；！？\n()（）「」[]【】")
_WINDOW = 10
_START_WORDS = ("到職", "入職", "就職", "進公司", "進去", "進來", "開始上班", "開始工作", "上工", "報到", "任職", "受僱", "起聘", "到任")
_END_WORDS = ("最後工作日", "最後一天", "最後上班", "離職", "資遣", "解僱", "解雇", "被裁", "裁員", "退休", "終止", "辭職", "離開", "不做了")
_BIRTH_WORDS = ("預產期", "產期", "生產", "生小孩", "出生", "分娩")
_LEAVE_WORDS = ("產假",)
_OVERTIME_WORDS = ("加班", "OT", "延長工時", "延長工作", "超時", "多做", "留下來", "加了")
_TOTAL_STRONG = ("總共", "一共", "總計", "全部", "整天", "總工時")
_TOTAL_WEAK = ("上班", "上了", "工作", "做了", "做", "出勤", "值班", "那天", "當天", "一天", "每天")
_PER_MONTH_WORDS = ("每個月", "每月", "一個月", "這個月", "本月", "上個月", "當月", "整個月", "每週", "一週", "這週", "每周")
_SERVICE_WORDS = ("年資", "做了", "做滿", "做", "工作了", "工作", "待了", "待", "任職", "服務", "在公司", "在這", "上班了", "資歷", "滿", "已經")
_NOT_SERVICE_WORDS = ("欠", "請", "休", "產假", "育嬰", "留停", "試用", "預告", "契約", "合約", "期間", "每", "年終", "獎金", "薪", "加班", "罰")
_NOT_SERVICE_AFTER = ("年終", "獎金", "薪", "的工資", "工資", "加班", "前", "後")
_NOT_WAGE_WORDS = (
    "加班費", "資遣費", "獎金", "年終", "紅包", "罰", "扣", "欠", "押金", "保證金", "違約金", "津貼", "補助",
    "借", "賠", "退休金", "勞退", "提撥", "費用", "預告工資", "保費", "存款", "房租",
)
_NOT_WAGE_AFTER = ("加班費", "獎金", "資遣費", "的加班", "罰", "押金", "年終", "津貼", "保費")

# Day types, longest words first so that 例假日 is not read as 假日 and 國定假日 not as 假日.
_DAY_WORDS: tuple[tuple[str, DayType], ...] = tuple(sorted(
    [(w, "regular-day-off") for w in ("例假日", "例假", "星期日", "星期天", "禮拜日", "禮拜天", "週日", "周日")]
    + [(w, "rest-day") for w in ("休息日", "星期六", "禮拜六", "週六", "周六")]
    + [(w, "holiday") for w in ("國定假日", "國定假", "國假", "國定", "勞動節", "五一勞動節", "春節", "過年", "除夕",
                                 "元旦", "清明", "端午", "中秋", "國慶", "雙十", "和平紀念日", "兒童節", "節日",
                                 "特休日", "特休當天", "特休那天", "特別休假日", "休假日")]
    + [(w, "weekday") for w in ("平日", "工作日", "上班日", "星期一", "星期二", "星期三", "星期四", "星期五",
                                "禮拜一", "禮拜二", "禮拜三", "禮拜四", "禮拜五", "週一", "週二", "週三", "週四",
                                "週五", "周一", "周二", "周三", "周四", "周五")],
    key=lambda pair: len(pair[0]), reverse=True,
))


# ---------------------------------------------------------------------------------------------
# Result


@dataclass(frozen=True)
class CalcValues:
    """Values found in one message; each is None when the message did not state it.

    ``wage.period`` is None when the message gave an amount without saying per month or per hour.
    ``hours`` are overtime hours ("加班3小時"); ``total_hours`` the hours worked that day
    ("那天總共做了11小時"). ``service`` is a stated length of service ("做了三年兩個月");
    ``dates`` are dates with no word saying whether they are a start, an end or a birth.
    """

    wage: Wage | None = None
    hours: Fraction | None = None
    total_hours: Fraction | None = None
    day_type: DayType | None = None
    start: date | None = None
    service: Duration | None = None
    end: date | None = None
    birth: date | None = None
    leave_start: date | None = None
    dates: tuple[date, ...] = field(default=())

    def is_empty(self) -> bool:
        """True when nothing a calculator could use was found."""
        return self == CalcValues()


@dataclass(frozen=True)
class _Span:
    kind: str
    start: int
    end: int
    text: str


# ---------------------------------------------------------------------------------------------
# Helpers


def normalize_message(text: str) -> str:
    """Full-width to half-width, Simplified to Traditional, and no thousands separators.

    Whitespace is kept: in chat it often separates values ("月薪32000 加班3小時").
    """
    s = unicodedata.normalize("NFKC", text or "")
    try:
        from labourbot.textnorm import to_traditional

        s = to_traditional(s)
    except ImportError:  # pragma: no cover - OpenCC is installed in both environments
        pass
    s = s.replace("万", "萬").replace("两", "兩").replace("个", "個")
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", s)


def _free(mask: bytearray, start: int, end: int) -> bool:
    return not any(mask[start:end])


def _take(mask: bytearray, start: int, end: int) -> None:
    for i in range(start, end):
        mask[i] = 1


def _matches(pattern: re.Pattern[str], s: str, mask: bytearray) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` that do not overlap anything already recognised."""
    for m in pattern.finditer(s):
        if m.end() > m.start() and _free(mask, m.start(), m.end()):
            yield m


def _before(s: str, start: int, mask: bytearray) -> str:
    """Up to ``_WINDOW`` characters before ``start`` within the same clause and not past another value."""
    i = start
    while i > 0 and start - i < _WINDOW and s[i - 1] not in _PUNCT and not mask[i - 1]:
        i -= 1
    return s[i:start]


def _after(s: str, end: int, mask: bytearray) -> str:
    """Up to ``_WINDOW`` characters after ``end`` within the same clause and not past another value."""
    i = end
    while i < len(s) and i - end < _WINDOW and s[i] not in _PUNCT and not mask[i]:
        i += 1
    return s[end:i]


def _nearest_before(window: str, words: tuple[str, ...]) -> int | None:
    """Distance from the end of ``window`` to the nearest of ``words`` in it, or None."""
    best: int | None = None
    for w in words:
        i = window.rfind(w)
        if i >= 0:
            distance = len(window) - (i + len(w))
            best = distance if best is None else min(best, distance)
    return best


def _opens_with(window: str, *words: str) -> bool:
    """True when ``window``, past its leading whitespace, begins with one of ``words``.

    A string test rather than a regex led by \\s*: scanned over a long run of whitespace, such a
    regex walks the rest of the run from each of its characters.
    """
    return window.lstrip().startswith(words)


def _nearest_after(window: str, words: tuple[str, ...]) -> int | None:
    found = [window.find(w) for w in words if w in window]
    return min(found) if found else None


def _year_like(amount: Decimal) -> bool:
    return amount == amount.to_integral_value() and 1900 <= amount <= 2200


# ---------------------------------------------------------------------------------------------
# Public functions


def find_day_type(text: str) -> DayType | None:
    """The kind of day a message talks about, or None when it names none or several.

    Saturday and Sunday are read as the usual 休息日 and 例假; a firm may have fixed them on other
    days, which is why the calculator says which day type it used.
    """
    s = normalize_message(text)
    found: set[DayType] = set()
    for word, kind in _DAY_WORDS:
        if word in s:
            found.add(kind)
            s = s.replace(word, "\0" * len(word))
    return found.pop() if len(found) == 1 else None


def _classify_date(before: str, after: str) -> str | None:
    """start / end / birth / leave_start from the words next to a date, or None."""
    strong = {
        "leave_start": _LEAVE_WORDS, "birth": _BIRTH_WORDS, "start": _START_WORDS, "end": _END_WORDS,
    }
    best: tuple[int, int, str] | None = None  # (distance, side: after first, label)
    for label, words in strong.items():
        for distance, side in ((_nearest_after(after, words), 0), (_nearest_before(before, words), 1)):
            if distance is not None and (best is None or (distance, side) < best[:2]):
                best = (distance, side, label)
    if best is not None:
        return best[2]
    if re.search(r"(?:從|自)\s*$", before) or _opens_with(after, "起", "開始"):
        return "start"
    if re.search(r"(?:到|至|做到)\s*$", before) or _opens_with(after, "為止"):
        return "end"
    if _opens_with(after, "生"):
        return "birth"
    return None


def _classify_hours(before: str, after: str) -> HoursBasis | Literal["month"] | None:
    if _nearest_before(before, _PER_MONTH_WORDS) is not None and _nearest_before(before, _TOTAL_STRONG) is None:
        return "month"
    if _nearest_before(before, _TOTAL_STRONG) is not None:
        return "total"
    if _nearest_before(before, _OVERTIME_WORDS) is not None:
        return "overtime"
    if _nearest_before(before, _TOTAL_WEAK) is not None:
        return "total"
    if _opens_with(after.upper(), "加班", "OT", "的加班", "的OT"):  # OT in any case: "ot", "Ot"
        return "overtime"
    return None


def _hours_value(text: str) -> Fraction | None:
    t = re.sub(r"hours?|hrs?", "小時", text, flags=re.IGNORECASE).replace(" ", "")
    try:
        value = parse_hours(t)
    except (ValueError, ArithmeticError):
        return None
    return value if 0 < value <= MAX_DAY_HOURS else None


def _amount(text: str) -> Decimal | None:
    try:
        value = parse_number(text)
    except (ValueError, ArithmeticError):
        return None
    return value if 0 < value <= 10_000_000 else None


def _bare_wage_ok(pre: str, amt: str, cur: str | None, amount: Decimal) -> bool:
    """An amount with no wage word counts as a wage only with a money mark or a wage-sized number."""
    has_unit = bool(re.search(r"[萬千kKwW]", amt))
    if re.fullmatch(r"[" + _CN_NUMERAL + r"]+", amt):
        return bool(re.search(r"[萬千仟]", amt))
    if has_unit or pre or cur:
        return amount >= 100 and not (not has_unit and _year_like(amount) and not cur)
    digits = amt.split(".")[0]
    return len(digits) in (5, 6) and not digits.startswith("0")


def extract_calc_values(text: str, today: date | None = None) -> CalcValues:
    """Every calculator value stated in ``text`` (see :class:`CalcValues`)."""
    s = normalize_message(text)
    mask = bytearray(len(s))

    for pattern in (_ARTICLE, _PHONE):
        for m in _matches(pattern, s, mask):
            _take(mask, m.start(), m.end())

    # Dates first: "113/3/1" and "113年3月1日" contain numbers the other patterns would take.
    dates: list[tuple[_Span, date, bool]] = []
    for pattern, needs_word in _DATE_PATTERNS:
        for m in _matches(pattern, s, mask):
            raw = m.group(0).replace(" ", "")
            if needs_word:  # "12/10": month/day of this year
                raw = raw.replace("/", "月") + "日"
            try:
                found = parse_date(raw, today=today)
            except (ValueError, OverflowError):
                continue
            if not MIN_SERVICE_YEAR <= found.year <= 2200:
                continue
            span = _Span("date", m.start(), m.end(), m.group(0))
            dates.append((span, found, needs_word))
            _take(mask, m.start(), m.end())

    wages: list[tuple[_Span, Wage, bool]] = []  # (span, wage, said which wage)
    for pattern in (_WAGE_KEYWORD, _WAGE_OF, _WAGE_PER):
        for m in _matches(pattern, s, mask):
            amount = _amount(m.group("amt"))
            if amount is None or amount < MIN_WAGE_AMOUNT:
                continue
            kw = m.group("kw")
            if kw in ("每小時", "一小時") and re.search(r"(?:加班|做|工作|上班)\s*$", s[max(0, m.start() - 3):m.start()]):
                continue
            period = _WAGE_WORDS.get(kw) if pattern is _WAGE_KEYWORD else _PER_PERIOD.get(kw)
            wages.append((_Span("wage", m.start(), m.end(), m.group(0)), Wage(amount, period), True))
            _take(mask, m.start(), m.end())

    hours: list[_Span] = []
    for m in _matches(_HOURS, s, mask):
        hours.append(_Span("hours", m.start(), m.end(), m.group(0)))
        _take(mask, m.start(), m.end())

    durations: list[_Span] = []
    for m in _matches(_DURATION, s, mask):
        if s.startswith(("以前", "之前", "以後", "之後", "前", "後", "級"), m.end()):
            continue
        durations.append(_Span("duration", m.start(), m.end(), m.group(0)))
        _take(mask, m.start(), m.end())

    for m in _matches(_BARE_MONEY, s, mask):
        amount = _amount(m.group("amt"))
        if amount is None or not _bare_wage_ok(m.group("pre"), m.group("amt"), m.group("cur"), amount):
            continue
        wages.append((_Span("wage", m.start(), m.end(), m.group(0)), Wage(amount, None), False))
        _take(mask, m.start(), m.end())

    # Classify with every value known, so that a clause window stops at the next value.
    fields: dict[str, object] = {}
    loose_dates: list[date] = []
    for span, found, needs_word in sorted(dates, key=lambda d: d[0].start):
        label = _classify_date(_before(s, span.start, mask), _after(s, span.end, mask))
        if label is None:
            if not needs_word:
                loose_dates.append(found)
        else:
            fields.setdefault(label, found)

    labelled = [(sp, w) for sp, w, said in sorted(wages, key=lambda x: x[0].start) if said]
    unlabelled = [(sp, w) for sp, w, said in sorted(wages, key=lambda x: x[0].start) if not said]
    for sp, wage in unlabelled:
        before, after = _before(s, sp.start, mask), _after(s, sp.end, mask)
        if _nearest_before(before, _NOT_WAGE_WORDS) is None and _nearest_after(after, _NOT_WAGE_AFTER) is None:
            labelled.append((sp, wage))
    wage = next((w for _, w in labelled if w.period != "annual"), labelled[0][1] if labelled else None)

    for sp in hours:
        value = _hours_value(sp.text)
        basis = _classify_hours(_before(s, sp.start, mask), _after(s, sp.end, mask))
        if value is None or basis == "month":
            continue
        if basis is None:
            # Nothing says which: a weekday's overtime is at most 4 hours (勞動基準法第32條第2項).
            basis = "overtime" if value <= 4 else "total"
        fields.setdefault("hours" if basis == "overtime" else "total_hours", value)

    fallback_service: Duration | None = None
    for sp in durations:
        try:
            service = parse_duration(sp.text)
        except ValueError:
            continue
        if service.total_months == 0 or service.years > MAX_SERVICE_YEARS:
            continue
        before, after = _before(s, sp.start, mask), _after(s, sp.end, mask)
        good, bad = _nearest_before(before, _SERVICE_WORDS), _nearest_before(before, _NOT_SERVICE_WORDS)
        if _nearest_after(after, _NOT_SERVICE_AFTER) == 0 or (bad is not None and (good is None or bad < good)):
            continue
        if good is not None or _opens_with(after, "年資", "的年資"):
            fields.setdefault("service", service)
        elif fallback_service is None and service.years:
            fallback_service = service
    if "service" not in fields and fallback_service is not None:
        fields["service"] = fallback_service

    return CalcValues(
        wage=wage,
        hours=fields.get("hours"),  # type: ignore[arg-type]
        total_hours=fields.get("total_hours"),  # type: ignore[arg-type]
        day_type=find_day_type(s),
        start=fields.get("start"),  # type: ignore[arg-type]
        service=fields.get("service"),  # type: ignore[arg-type]
        end=fields.get("end"),  # type: ignore[arg-type]
        birth=fields.get("birth"),  # type: ignore[arg-type]
        leave_start=fields.get("leave_start"),  # type: ignore[arg-type]
        dates=tuple(loose_dates),
    )


__all__ = ["CalcValues", "DayType", "HoursBasis", "extract_calc_values", "find_day_type", "normalize_message"]
