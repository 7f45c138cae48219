"""Parsers for dates (民國 and western), amounts (Chinese numerals, 萬/k) and durations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labourbot.parsing import (
    Duration,
    extract_calc_values,
    find_day_type,
    format_chinese_number,
    format_roc_date,
    parse_amount,
    parse_date,
    parse_duration,
    parse_hours,
    parse_int,
    parse_wage,
)

TODAY = date(2025, 6, 15)
D = date

# (text, expected date) with today = 2025-06-15
DATES = [
    pytest.param("113年3月1日", D(2024, 3, 1), id="roc-chinese"),
    pytest.param("民國113年3月1日", D(2024, 3, 1), id="roc-with-prefix"),
    pytest.param("113/3/1", D(2024, 3, 1), id="roc-slash"),
    pytest.param("113-03-01", D(2024, 3, 1), id="roc-dash"),
    pytest.param("113.3.1", D(2024, 3, 1), id="roc-dot"),
    pytest.param("1130301", D(2024, 3, 1), id="roc-compact"),
    pytest.param("99/12/31", D(2010, 12, 31), id="roc-2-digit-year"),
    pytest.param("一一三年三月一日", D(2024, 3, 1), id="roc-chinese-digits"),
    pytest.param("一百一十三年三月一號", D(2024, 3, 1), id="roc-chinese-numerals"),
    pytest.param("１１３年３月１日", D(2024, 3, 1), id="fullwidth"),
    pytest.param("113年3月", D(2024, 3, 1), id="roc-month-only"),
    pytest.param("2024/3/1", D(2024, 3, 1), id="western-slash"),
    pytest.param("2024-03-01", D(2024, 3, 1), id="iso"),
    pytest.param("2024年3月1日", D(2024, 3, 1), id="western-chinese"),
    pytest.param("西元2024年3月1日", D(2024, 3, 1), id="western-prefix"),
    pytest.param("20240301", D(2024, 3, 1), id="western-compact"),
    pytest.param(" 2024-03-01 ", D(2024, 3, 1), id="spaces"),
    pytest.param("今天", TODAY, id="today"),
    pytest.param("昨天", D(2025, 6, 14), id="yesterday"),
    pytest.param("明天", D(2025, 6, 16), id="tomorrow"),
    pytest.param("去年三月", D(2024, 3, 1), id="last-year-march"),
    pytest.param("去年3月20日", D(2024, 3, 20), id="last-year-march-20"),
    pytest.param("今年5月10號", D(2025, 5, 10), id="this-year"),
    pytest.param("明年一月", D(2026, 1, 1), id="next-year"),
    pytest.param("上個月5號", D(2025, 5, 5), id="last-month-5th"),
    pytest.param("上個月", D(2025, 5, 1), id="last-month"),
    pytest.param("這個月10日", D(2025, 6, 10), id="this-month"),
    pytest.param("下個月一號", D(2025, 7, 1), id="next-month"),
    pytest.param("3月5日", D(2025, 3, 5), id="month-day-this-year"),
    pytest.param("三年前", D(2022, 6, 15), id="3-years-ago"),
    pytest.param("6個月前", D(2024, 12, 15), id="6-months-ago"),
    pytest.param("10天前", D(2025, 6, 5), id="10-days-ago"),
    pytest.param("2週後", D(2025, 6, 29), id="2-weeks-later"),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


def test_relative_month_across_year() -> None:
    assert parse_date("上個月5號", today=D(2025, 1, 20)) == D(2024, 12, 5)
    assert parse_date("6個月前", today=D(2025, 8, 31)) == D(2025, 2, 28)


# (text, part of the message)
BAD_DATES = [
    pytest.param("2023/2/29", "日期不存在", id="no-feb29"),
    pytest.param("113年13月1日", "日期不存在", id="month-13"),
    pytest.param("去年", "無法辨識", id="year-only"),
    pytest.param("abc", "無法辨識", id="garbage"),
    pytest.param("", "沒有輸入日期", id="empty"),
    pytest.param("0/1/1", "年份", id="roc-year-0"),
]


@pytest.mark.parametrize(("text", "message"), BAD_DATES)
def test_parse_date_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_date(text, today=TODAY)


# (text, expected amount)
AMOUNTS = [
    pytest.param("三萬五", 35000, id="san-wan-wu"),
    pytest.param("3萬5", 35000, id="3wan5"),
    pytest.param("3萬5千", 35000, id="3wan5qian"),
    pytest.param("35k", 35000, id="35k"),
    pytest.param("35K", 35000, id="35K"),
    pytest.param("3.5萬", 35000, id="3.5wan"),
    pytest.param("2.5k", 2500, id="2.5k"),
    pytest.param("時薪190", 190, id="hourly"),
    pytest.param("月薪 32,000", 32000, id="monthly-commas"),
    pytest.param("NT$29,500", 29500, id="nt-dollar"),
    pytest.param("新台幣29,500元", 29500, id="xin-tai-bi"),
    pytest.param("29500元", 29500, id="yuan"),
    pytest.param("兩千五", 2500, id="liang-qian-wu"),
    pytest.param("一百五", 150, id="yi-bai-wu"),
    pytest.param("一萬二", 12000, id="yi-wan-er"),
    pytest.param("三萬零五", 30005, id="zero-stops-shortening"),
    pytest.param("三萬零五百", 30500, id="san-wan-ling-wu-bai"),
    pytest.param("1萬2000", 12000, id="mixed-arabic"),
    pytest.param("十", 10, id="shi"),
    pytest.param("十五", 15, id="shi-wu"),
    pytest.param("二十萬五", 205000, id="er-shi-wan-wu"),
    pytest.param("一億二千萬", 120000000, id="yi"),
    pytest.param("壹萬貳仟", 12000, id="financial"),
    pytest.param("２９５００", 29500, id="fullwidth"),
]


@pytest.mark.parametrize(("text", "expected"), AMOUNTS)
def test_parse_amount(text: str, expected: int) -> None:
    assert parse_amount(text) == expected


# (text, period)
PERIODS = [
    pytest.param("時薪190", "hourly", id="shixin"),
    pytest.param("190元/小時", "hourly", id="per-hour"),
    pytest.param("月薪 32,000", "monthly", id="yuexin"),
    pytest.param("每月3萬", "monthly", id="meiyue"),
    pytest.param("日薪1600", "daily", id="rixin"),
    pytest.param("35000", None, id="bare"),
]


@pytest.mark.parametrize(("text", "period"), PERIODS)
def test_parse_wage_period(text: str, period: str | None) -> None:
    assert parse_wage(text).period == period


@pytest.mark.parametrize(
    "text",
    ["abc", "三萬萬", "萬萬", "3,5", "", "時薪", "時薪190月薪3萬"],
    ids=["letters", "double-wan", "wan-wan", "bad-comma", "empty", "no-number", "two-periods"],
)
def test_parse_amount_errors(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


def test_parse_int_rejects_fraction() -> None:
    assert parse_int("一一三") == 113
    with pytest.raises(ValueError, match="不是整數"):
        parse_int("3.5")


# (text, years, months, days)
DURATIONS = [
    pytest.param("三年兩個月", 3, 2, 0, id="san-nian-liang-ge-yue"),
    pytest.param("3年2個月", 3, 2, 0, id="3y2m"),
    pytest.param("3年零2個月", 3, 2, 0, id="with-ling"),
    pytest.param("半年", 0, 6, 0, id="ban-nian"),
    pytest.param("一年半", 1, 6, 0, id="yi-nian-ban"),
    pytest.param("18個月", 1, 6, 0, id="18m"),
    pytest.param("2.5年", 2, 6, 0, id="2.5y"),
    pytest.param("3年2個月10天", 3, 2, 10, id="with-days"),
    pytest.param("兩週", 0, 0, 14, id="two-weeks"),
    pytest.param("一百零五天", 0, 0, 105, id="105-days"),
    pytest.param("年資五年左右", 5, 0, 0, id="prefix-suffix"),
]


@pytest.mark.parametrize(("text", "years", "months", "days"), DURATIONS)
def test_parse_duration(text: str, years: int, months: int, days: int) -> None:
    assert parse_duration(text) == Duration(years, months, days)


@pytest.mark.parametrize("text", ["1.3年", "三年三年", "abc", "", "1.5個月"], ids=["1.3y", "twice", "garbage", "empty", "half-month"])
def test_parse_duration_errors(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_duration_end_date() -> None:
    assert parse_duration("一年").end_date(D(2024, 2, 29)) == D(2025, 3, 1)
    assert parse_duration("三年兩個月").text == "3年2個月"


# (text, hours)
HOURS = [
    pytest.param("10", Fraction(10), id="10"),
    pytest.param("10.5", Fraction(21, 2), id="10.5"),
    pytest.param("十小時", Fraction(10), id="shi-xiao-shi"),
    pytest.param("9個半小時", Fraction(19, 2), id="9.5"),
    pytest.param("8小時30分", Fraction(17, 2), id="8h30m"),
    pytest.param("半小時", Fraction(1, 2), id="half"),
    pytest.param("12h", Fraction(12), id="12h"),
]


@pytest.mark.parametrize(("text", "expected"), HOURS)
def test_parse_hours(text: str, expected: Fraction) -> None:
    assert parse_hours(text) == expected


def test_parse_hours_error() -> None:
    with pytest.raises(ValueError, match="時數"):
        parse_hours("三天")


# Property tests -------------------------------------------------------------------------------

roc_dates = st.dates(min_value=D(1912, 1, 1), max_value=D(2200, 12, 31))


@given(roc_dates)
def test_roc_string_round_trip(d: date) -> None:
    assert parse_date(format_roc_date(d)) == d
    assert parse_date(f"{d.year - 1911}/{d.month}/{d.day}") == d


@given(roc_dates)
def test_western_forms_round_trip(d: date) -> None:
    assert parse_date(d.isoformat()) == d
    assert parse_date(f"{d.year}年{d.month}月{d.day}日") == d


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_chinese_numeral_round_trip(n: int) -> None:
    assert parse_int(format_chinese_number(n)) == n


@given(st.integers(min_value=0, max_value=10**9))
def test_comma_amount_round_trip(n: int) -> None:
    assert parse_amount(f"NT${n:,}") == n
    assert parse_amount(f"{n}元") == n


@given(st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=11))
def test_duration_round_trip(years: int, months: int) -> None:
    text = f"{format_chinese_number(years)}年{format_chinese_number(months)}個月"
    assert parse_duration(text).total_months == years * 12 + months
    assert parse_duration(f"{years * 12 + months}個月").total_months == years * 12 + months


def test_format_chinese_number_examples() -> None:
    assert format_chinese_number(35000) == "三萬五千"
    assert format_chinese_number(10) == "十"
    assert format_chinese_number(100100) == "十萬零一百"
    assert format_chinese_number(1005) == "一千零五"
    assert parse_amount(Decimal(3).__str__() + "萬") == 30000


# Values in a whole message (extract_calc_values) -----------------------------------------------

W = Decimal
H = Fraction

# (message, the fields it states; every field not named must be None / empty), today = 2025-06-15
MESSAGES = [
    pytest.param("我月薪3萬2，平日加班3小時，加班費多少？", {"wage": (W(32000), "monthly"), "hours": H(3), "day_type": "weekday"}, id="issue-example"),
    pytest.param("月薪32k 休息日加班2小時", {"wage": (W(32000), "monthly"), "hours": H(2), "day_type": "rest-day"}, id="32k"),
    pytest.param("月薪3.2萬", {"wage": (W(32000), "monthly")}, id="3.2wan"),
    pytest.param("我月薪三萬二", {"wage": (W(32000), "monthly")}, id="san-wan-er"),
    pytest.param("月薪 32,000 元", {"wage": (W(32000), "monthly")}, id="commas-yuan"),
    pytest.param("薪水32,000", {"wage": (W(32000), None)}, id="salary-no-period"),
    pytest.param("32000 平日 加班2小時", {"wage": (W(32000), None), "hours": H(2), "day_type": "weekday"}, id="bare-5-digits"),
    pytest.param("用3萬5的月薪算", {"wage": (W(35000), "monthly")}, id="amount-de-yuexin"),
    pytest.param("時薪190", {"wage": (W(190), "hourly")}, id="hourly"),
    pytest.param("時薪 196元，國定假日上班5小時", {"wage": (W(196), "hourly"), "total_hours": H(5), "day_type": "holiday"}, id="hourly-yuan-holiday"),
    pytest.param("190元/小時", {"wage": (W(190), "hourly")}, id="per-hour"),
    pytest.param("日薪1500 例假被叫去上班", {"wage": (W(1500), "daily"), "day_type": "regular-day-off"}, id="daily-regular-day-off"),
    pytest.param("时薪190 休息日加班4小时", {"wage": (W(190), "hourly"), "hours": H(4), "day_type": "rest-day"}, id="simplified"),
    pytest.param("月薪３２０００，加班３小時", {"wage": (W(32000), "monthly"), "hours": H(3)}, id="fullwidth"),
    pytest.param("那天總共做了11小時", {"total_hours": H(11)}, id="total-hours"),
    pytest.param("平日一天工作12小時 時薪200", {"wage": (W(200), "hourly"), "total_hours": H(12), "day_type": "weekday"}, id="a-day-of-12h"),
    pytest.param("週六加班兩個半小時", {"hours": H(5, 2), "day_type": "rest-day"}, id="two-and-a-half-hours"),
    pytest.param("OT 2hr", {"hours": H(2)}, id="ot-hr"),
    pytest.param("加了3小時班", {"hours": H(3)}, id="jia-le-ban"),
    pytest.param("平日上了10小時的班", {"total_hours": H(10), "day_type": "weekday"}, id="shang-le-ban"),
    pytest.param("3小時的加班", {"hours": H(3)}, id="hours-then-jiaban"),
    pytest.param("例假日被叫去上班", {"day_type": "regular-day-off"}, id="regular-day-off-not-holiday"),
    pytest.param("國定假日", {"day_type": "holiday"}, id="national-holiday"),
    pytest.param("休息日還是例假？", {}, id="two-day-types-ambiguous"),
    pytest.param("我113年3月1日到職", {"start": D(2024, 3, 1)}, id="roc-start"),
    pytest.param("113/3/1進公司，2024-06-30被資遣", {"start": D(2024, 3, 1), "end": D(2024, 6, 30)}, id="roc-slash-iso-end"),
    pytest.param("從2022/5/1做到2024/6/30", {"start": D(2022, 5, 1), "end": D(2024, 6, 30)}, id="from-to"),
    pytest.param("今天被資遣 月薪3萬5", {"wage": (W(35000), "monthly"), "end": TODAY}, id="today-end"),
    pytest.param("三年前到職", {"start": D(2022, 6, 15)}, id="three-years-ago"),
    pytest.param("預產期114年12月20日，產假從12/10開始", {"birth": D(2025, 12, 20), "leave_start": D(2025, 12, 10)}, id="maternity-dates"),
    pytest.param("113年5月1日", {"dates": (D(2024, 5, 1),)}, id="date-without-a-word"),
    pytest.param("做了三年兩個月", {"service": Duration(3, 2)}, id="service-cn"),
    pytest.param("年資2年半 月薪3.2萬", {"wage": (W(32000), "monthly"), "service": Duration(2, 6)}, id="service-half"),
    pytest.param("做了三年被資遣，資遣費怎麼算", {"service": Duration(3, 0)}, id="service-severance"),
    pytest.param("月薪35k做5年被資遣", {"wage": (W(35000), "monthly"), "service": Duration(5, 0)}, id="service-after-wage"),
    pytest.param("我在公司八年了", {"service": Duration(8, 0)}, id="service-zai-gongsi"),
    pytest.param("3年2個月 特休幾天", {"service": Duration(3, 2)}, id="service-no-word"),
    # Not values, or not these values.
    pytest.param("勞基法第24條在說什麼", {}, id="article-number"),
    pytest.param("勞基法24條 加班費怎麼算", {}, id="article-without-di"),
    pytest.param("我的電話0912345678", {}, id="mobile-number"),
    pytest.param("勞工局電話06-2951234", {}, id="landline"),
    pytest.param("2026年最低工資多少", {}, id="year-with-nian"),
    pytest.param("2026 最低工資", {}, id="bare-year"),
    pytest.param("打1955問問", {}, id="hotline"),
    pytest.param("加班費2000對嗎", {}, id="overtime-pay-not-wage"),
    pytest.param("資遣費拿了5萬", {}, id="severance-not-wage"),
    pytest.param("被欠了3個月薪水", {}, id="owed-months-not-service"),
    pytest.param("這個月OT了46小時", {"dates": (D(2025, 6, 1),)}, id="monthly-hours-not-a-day"),
    pytest.param("前2小時加給1/3", {"hours": H(2)}, id="fraction-not-a-date"),
    pytest.param("試用期3個月", {}, id="probation-not-service"),
]


@pytest.mark.parametrize(("text", "expected"), MESSAGES)
def test_extract_calc_values(text: str, expected: dict) -> None:
    values = extract_calc_values(text, today=TODAY)
    got = {name: getattr(values, name) for name in
           ("wage", "hours", "total_hours", "day_type", "start", "service", "end", "birth", "leave_start", "dates")}
    if got["wage"] is not None:
        got["wage"] = (got["wage"].amount, got["wage"].period)
    assert {k: v for k, v in got.items() if v not in (None, ())} == expected


def test_extract_finds_nothing_in_small_talk() -> None:
    assert extract_calc_values("你好，謝謝", today=TODAY).is_empty()
    assert extract_calc_values("", today=TODAY).is_empty()


@pytest.mark.parametrize(("text", "day"), [
    ("平日", "weekday"), ("禮拜三加班", "weekday"), ("休息日", "rest-day"), ("星期六", "rest-day"),
    ("國定假日", "holiday"), ("勞動節上班", "holiday"), ("例假日", "regular-day-off"), ("禮拜天", "regular-day-off"),
    ("假日", None), ("平日還是休息日", None),
])
def test_find_day_type(text: str, day: str | None) -> None:
    assert find_day_type(text) == day


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31)),
       st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=11),
       st.booleans())
def test_duration_start_date_inverts_service_length(end: date, years: int, months: int, inclusive: bool) -> None:
    from labourbot.calc.service import service_length

    duration = Duration(years, months)
    start = duration.start_date(end, end_inclusive=inclusive)
    got = service_length(start, end, end_inclusive=inclusive)
    # Exact unless the month lengths make it impossible (then within a few days).
    assert got.total_months == duration.total_months or (got.total_months == duration.total_months - 1 and got.days >= 27)
    assert got.total_months != duration.total_months or got.days <= 3
