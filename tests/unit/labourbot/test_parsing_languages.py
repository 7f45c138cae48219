"""labourbot/parsing/languages.py: calculator answers in English, Indonesian, Vietnamese and Thai."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from labourbot.parsing.languages import (
    asks_to_calculate_lang,
    find_calculator_lang,
    find_day_type_lang,
    parse_date_lang,
    parse_hours_lang,
    parse_service_lang,
    parse_wage_lang,
    parse_yes_no,
)

TODAY = date(2026, 12, 5)
MARCH_1 = date(2022, 3, 1)


@pytest.mark.parametrize("lang,text", [
    ("en", "1 March 2022"), ("en", "March 1, 2022"), ("en", "1st of March 2022"), ("en", "2022-03-01"),
    ("en", "2022/3/1"), ("en", "on 1 Mar 2022"),
    ("id", "1 Maret 2022"), ("id", "01/03/2022"), ("id", "tanggal 1 Maret 2022"), ("id", "1-3-2022"),
    ("vi", "ngày 1 tháng 3 năm 2022"), ("vi", "01/03/2022"), ("vi", "1 tháng 3 2022"), ("vi", "Ngày 1 Tháng 3 Năm 2022"),
    ("th", "1 มีนาคม 2565"), ("th", "01/03/2565"), ("th", "1 มี.ค. 65"), ("th", "๑ มีนาคม ๒๕๖๕"),
    ("th", "วันที่ 1 มีนาคม 2022"), ("th", "01/03/2022"),
])
def test_dates_in_each_language(lang: str, text: str) -> None:
    assert parse_date_lang(text, lang, today=TODAY) == MARCH_1


def test_day_first_outside_english_and_a_swappable_english_date_is_refused() -> None:
    assert parse_date_lang("05/03/2022", "id", today=TODAY) == date(2022, 3, 5)
    assert parse_date_lang("05/03/2022", "vi", today=TODAY) == date(2022, 3, 5)
    assert parse_date_lang("15/03/2022", "en", today=TODAY) == date(2022, 3, 15)
    assert parse_date_lang("3/15/2022", "en", today=TODAY) == date(2022, 3, 15)
    with pytest.raises(ValueError):
        parse_date_lang("05/03/2022", "en", today=TODAY)  # 5 March or May 3: the form asks again


def test_buddhist_era_years_and_relative_days() -> None:
    assert parse_date_lang("31 ธันวาคม 2569", "th", today=TODAY) == date(2026, 12, 31)  # 2569 - 543
    assert parse_date_lang("today", "en", today=TODAY) == TODAY
    assert parse_date_lang("hari ini", "id", today=TODAY) == TODAY
    assert parse_date_lang("hôm qua", "vi", today=TODAY) == date(2026, 12, 4)
    assert parse_date_lang("วันนี้", "th", today=TODAY) == TODAY
    assert parse_date_lang("March 2022", "en", today=TODAY) == MARCH_1  # a month alone: its 1st


@pytest.mark.parametrize("text", ["30 February 2022", "a long time ago", "", "1 Smarch 2022", "99/99/2022"])
def test_not_dates(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date_lang(text, "en", today=TODAY)


@pytest.mark.parametrize("lang,text,amount,period", [
    ("en", "30000", "30000", None), ("en", "NT$30,000", "30000", None), ("en", "30k", "30000", None),
    ("en", "30000 a month", "30000", "monthly"), ("en", "200 per hour", "200", "hourly"),
    ("en", "1,000 a day", "1000", "daily"),
    ("id", "30 ribu", "30000", None), ("id", "30.000", "30000", None), ("id", "gaji 30000 per bulan", "30000", "monthly"),
    ("id", "1,5 juta", "1500000", None), ("id", "200 per jam", "200", "hourly"),
    ("vi", "30 nghìn", "30000", None), ("vi", "30 ngàn", "30000", None), ("vi", "30 triệu", "30000000", None),
    ("vi", "lương tháng 30.000", "30000", "monthly"), ("vi", "200 mỗi giờ", "200", "hourly"),
    ("th", "3 หมื่น", "30000", None), ("th", "3 หมื่น 5 พัน", "35000", None), ("th", "3 หมื่น 5", "35000", None),
    ("th", "เงินเดือน 30000 บาท", "30000", "monthly"), ("th", "ชั่วโมงละ 200", "200", "hourly"),
    ("th", "๓๐๐๐๐", "30000", None),
])
def test_wages_in_each_language(lang: str, text: str, amount: str, period: str | None) -> None:
    wage = parse_wage_lang(text, lang)
    assert (wage.amount, wage.period) == (Decimal(amount), period)


@pytest.mark.parametrize("text", ["a lot of money", "", "30000 per hour per month", "12 30000"])
def test_not_wages(text: str) -> None:
    with pytest.raises(ValueError):
        parse_wage_lang(text, "en")


@pytest.mark.parametrize("lang,text,hours,basis", [
    ("en", "3", Fraction(3), "overtime"), ("en", "2.5 hours", Fraction(5, 2), "overtime"),
    ("en", "three hours", Fraction(3), "overtime"), ("en", "two and a half hours", Fraction(5, 2), "overtime"),
    ("en", "11 hours in total", Fraction(11), "total"),
    ("id", "3 jam", Fraction(3), "overtime"), ("id", "2,5 jam", Fraction(5, 2), "overtime"),
    ("id", "total 11 jam", Fraction(11), "total"),
    ("vi", "3 giờ", Fraction(3), "overtime"), ("vi", "3 tiếng", Fraction(3), "overtime"),
    ("vi", "tổng cộng 11 giờ", Fraction(11), "total"),
    ("th", "3 ชั่วโมง", Fraction(3), "overtime"), ("th", "รวม 11 ชั่วโมง", Fraction(11), "total"),
    ("th", "สามชั่วโมง", Fraction(3), "overtime"),
])
def test_hours_in_each_language(lang: str, text: str, hours: Fraction, basis: str) -> None:
    found = parse_hours_lang(text, lang)
    assert (found.hours, found.basis) == (hours, basis)


@pytest.mark.parametrize("text", ["many", "30 hours", "0", "3 or 4 hours"])
def test_not_hours(text: str) -> None:
    with pytest.raises(ValueError):
        parse_hours_lang(text, "en")


@pytest.mark.parametrize("text,kind", [
    ("weekday", "weekday"), ("rest day", "rest-day"), ("public holiday", "holiday"),
    ("regular day off", "regular-day-off"), ("on a Saturday", "rest-day"), ("Sunday", "regular-day-off"),
    ("hari biasa", "weekday"), ("hari istirahat", "rest-day"), ("libur nasional", "holiday"),
    ("libur reguler", "regular-day-off"),
    ("ngày thường", "weekday"), ("ngày nghỉ ngơi", "rest-day"), ("ngày lễ", "holiday"),
    ("ngày nghỉ định kỳ", "regular-day-off"),
    ("วันธรรมดา", "weekday"), ("วันหยุดพักผ่อน", "rest-day"), ("วันหยุดนักขัตฤกษ์", "holiday"),
    ("วันหยุดประจำสัปดาห์", "regular-day-off"),
    ("day off", None), ("weekday or holiday", None), ("I don't know", None),
])
def test_day_types_in_each_language(text: str, kind: str | None) -> None:
    assert find_day_type_lang(text) == kind


def test_length_of_service_yes_no_and_calculator_names() -> None:
    for lang, text in (("en", "3 years 2 months"), ("id", "3 tahun 2 bulan"), ("vi", "3 năm 2 tháng"),
                       ("th", "3 ปี 2 เดือน"), ("en", "38 months")):
        found = parse_service_lang(text, lang)
        assert (found.years, found.months) == (3, 2), text
    with pytest.raises(ValueError):
        parse_service_lang("a long time", "en")
    assert [parse_yes_no(t) for t in ("yes", "ya", "có", "ใช่", "no", "tidak", "không", "ข้าม", "maybe")] == [
        True, True, True, True, False, False, False, False, None]
    assert [find_calculator_lang(t) for t in ("overtime pay", "uang pesangon", "nghỉ thai sản", "วันลาพักร้อน",
                                              "the weather")] == ["overtime", "severance", "maternity",
                                                                  "annual_leave", None]


@pytest.mark.parametrize("text,asks", [
    ("calculate my overtime pay", True), ("How is overtime pay calculated?", False),
    ("tolong hitung uang lembur saya", True), ("Bagaimana cara menghitung uang lembur?", False),
    ("tính giúp tôi tiền tăng ca", True), ("Tiền làm thêm giờ được tính thế nào?", False),
    ("Đi làm vào ngày nghỉ ngơi thì tiền tăng ca tính sao?", False),
    ("ช่วยคำนวณค่าล่วงเวลาให้หน่อย", True), ("ค่าล่วงเวลาคิดอย่างไร", False),
    ("please calculate", False),  # no calculator named: the menu would be a guess, the KB answers
])
def test_requests_to_calculate(text: str, asks: bool) -> None:
    assert asks_to_calculate_lang(text) is asks
