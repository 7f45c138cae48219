"""Calculator answers in English, Indonesian, Vietnamese and Thai: dates, wages, hours, day types, yes/no.

Pure functions for the calculator forms of a conversation in another language (docs/languages.md).
Each raises ValueError (or returns None) when the text is not an answer; the forms then try the Chinese
parsers (a 「113年3月1日」 typed in an English conversation still counts) and re-ask otherwise.

Conventions: numeric dates are year-first when the year comes first ("2022-03-01"), otherwise day-first
("01/03/2022") in id/vi/th; in English an all-numeric date whose day and month could be swapped
("01/03/2022") is refused so that the form asks with a written month instead. A year of 2400 or more is a
Thai Buddhist-era year (2565 = 2022). Thai digits (๐-๙) are read as digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Literal, Optional

from .amounts import Wage, WagePeriod
from .durations import Duration
from .extract import DayType

Lang = Literal["en", "id", "vi", "th"]
Basis = Literal["overtime", "total"]
BUDDHIST_ERA_OFFSET = 543
MIN_YEAR, MAX_YEAR = 1912, 2200
MAX_ANSWER_CHARS = 300  # an answer to a form question; longer text is cut, never scanned whole

# Latin letters, Vietnamese included: a word ends where none follows (Thai has no word boundaries).
_LATIN = r"a-z\u00e0-\u024f\u1e00-\u1eff"
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

_MONTHS: dict[str, int] = {}
for _names in (
    # English
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"),
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    # Indonesian
    ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober",
     "november", "desember"),
    ("jan", "feb", "mar", "apr", "mei", "jun", "jul", "agu", "sep", "okt", "nov", "des"),
    # Thai
    ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
     "ตุลาคม", "พฤศจิกายน", "ธันวาคม"),
    ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."),
):
    for _number, _name in enumerate(_names, start=1):
        _MONTHS.setdefault(_name, _number)
_MONTHS.update({"sept": 9, "agt": 8, "peb": 2, "pebruari": 2, "nopember": 11})
_MONTH_WORD = "|".join(re.escape(m) for m in sorted(_MONTHS, key=len, reverse=True))

_RELATIVE_DAYS = {
    "today": 0, "yesterday": -1, "tomorrow": 1,
    "hari ini": 0, "kemarin": -1, "besok": 1,
    "hôm nay": 0, "hom nay": 0, "hôm qua": -1, "hom qua": -1, "ngày mai": 1,
    "วันนี้": 0, "เมื่อวาน": -1, "เมื่อวานนี้": -1, "พรุ่งนี้": 1,
}
# Words around a date that carry no meaning for it.
_DATE_NOISE = re.compile(
    r"\b(?:on|since|from|the|of|pada|tanggal|tgl|sejak|mulai|dari|ngày|ngay|từ|tu|vào|vao)\b|"
    r"วันที่|ตั้งแต่|เมื่อ|พ\.ศ\.|ค\.ศ\.|[,]", re.IGNORECASE)


def _whole(word: str) -> str:
    """A pattern for ``word`` not inside a longer Latin word ("ba" is not in "bayar")."""
    return r"(?<![" + _LATIN + "])" + re.escape(word) + r"(?![" + _LATIN + "])"


def normalize(text: str) -> str:
    """Lower case, Thai digits as digits, full-width digits and spaces folded, spaces collapsed."""
    s = (text or "")[:MAX_ANSWER_CHARS].translate(_THAI_DIGITS)
    s = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in s).replace("\u3000", " ")
    return re.sub(r"\s+", " ", s.strip().lower())


def _year(value: int, lang: str) -> int:
    if value >= 2400:  # Thai Buddhist era
        value -= BUDDHIST_ERA_OFFSET
    elif value < 100:
        value = value + 2500 - BUDDHIST_ERA_OFFSET if lang == "th" and value >= 40 else value + 2000
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise ValueError(f"year out of range: {value}")
    return value


def _make(year: int, month: int, day: int, lang: str) -> date:
    return date(_year(year, lang), month, day)  # ValueError for 31 February


def parse_date_lang(text: str, lang: str, today: date | None = None) -> date:
    """A date typed in ``lang``: "1 March 2022", "March 1, 2022", "2022-03-01", "01/03/2022",
    "1 Maret 2022", "ngày 1 tháng 3 năm 2022", "1 มีนาคม 2565", "today"; a month alone is its 1st."""
    s = normalize(text)
    now = today or date.today()
    if s in _RELATIVE_DAYS:
        return now + timedelta(days=_RELATIVE_DAYS[s])
    s = _DATE_NOISE.sub(" ", s)
    s = re.sub(r"(?<!\d)(\d+)(?:st|nd|rd|th)\b", r"\1", s)
    s = re.sub(r"\s+", " ", s).strip()
    found = re.fullmatch(r"(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})", s)
    if found:
        return _make(int(found[1]), int(found[2]), int(found[3]), lang)
    found = re.fullmatch(r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})", s)
    if found:
        first, second, year = int(found[1]), int(found[2]), int(found[3])
        if lang == "en" and first <= 12 and second <= 12 and first != second:
            raise ValueError("day and month could be swapped: write the month as a word")
        if lang == "en" and second > 12:  # "3/15/2022": month first
            first, second = second, first
        return _make(year, second, first, lang)
    # Vietnamese: "1 tháng 3 năm 2022", "1/3 năm 2022", "tháng 3 năm 2022", "1 tháng 3, 2022"
    found = re.fullmatch(r"(?:(\d{1,2}) )?th[aá]ng (\d{1,2})(?: n[aă]m)? (\d{2,4})", s)
    if found:
        return _make(int(found[3]), int(found[2]), int(found[1] or 1), lang)
    # Day month-name year: "1 march 2022", "1 maret 2022", "1 มีนาคม 2565", "1 มี.ค. 65"
    found = re.fullmatch(r"(?:(\d{1,2}) ?)?(" + _MONTH_WORD + r") ?(\d{2,4})", s)
    if found:
        return _make(int(found[3]), _MONTHS[found[2]], int(found[1] or 1), lang)
    # Month-name day year: "march 1 2022"
    found = re.fullmatch(r"(" + _MONTH_WORD + r") (\d{1,2}) (\d{4})", s)
    if found:
        return _make(int(found[3]), _MONTHS[found[1]], int(found[2]), lang)
    raise ValueError(f"not a date: {text!r}")


# --- numbers -----------------------------------------------------------------------------------

_NUMBER_WORDS: dict[str, int] = {
    # en
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "half": 0,
    # id
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
    "sembilan": 9, "sepuluh": 10, "sebelas": 11, "dua belas": 12, "setengah": 0,
    # vi
    "một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10,
    "mười một": 11, "mười hai": 12, "rưỡi": 0,
    # th
    "หนึ่ง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9, "สิบ": 10,
    "สิบเอ็ด": 11, "สิบสอง": 12, "ครึ่ง": 0,
}


def _decimal(raw: str, lang: str) -> Decimal:
    """ "30000", "30,000", "30.000" (id/vi thousands), "2.5", "2,5" (id/vi decimal comma) -> Decimal."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw):
        return Decimal(raw.replace(",", ""))
    if lang in ("id", "vi") and re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", raw):
        return Decimal(raw.replace(".", "").replace(",", "."))
    if re.fullmatch(r"(?<!\d)\d+,\d{1,2}", raw):
        return Decimal(raw.replace(",", "."))
    if re.fullmatch(r"(?<!\d)\d+(?:\.\d+)?", raw):
        return Decimal(raw)
    raise ValueError(f"not a number: {raw!r}")


# Multipliers written after a number: "30k", "30 ribu", "30 nghìn", "1,5 juta", "30 triệu", "3 หมื่น".
_MULTIPLIERS: dict[str, int] = {
    "k": 1000, "rb": 1000, "ribu": 1000, "nghìn": 1000, "nghin": 1000, "ngàn": 1000, "ngan": 1000,
    "thousand": 1000, "พัน": 1000, "หมื่น": 10_000, "แสน": 100_000,
    "juta": 1_000_000, "jt": 1_000_000, "triệu": 1_000_000, "trieu": 1_000_000, "million": 1_000_000,
    "ล้าน": 1_000_000,
}
_MULT_WORD = "|".join(sorted(_MULTIPLIERS, key=len, reverse=True))
_AMOUNT_PART = re.compile(r"(\d[\d.,]*)\s*(" + _MULT_WORD + r")?(?![" + _LATIN + "])", re.IGNORECASE)

_PERIODS: tuple[tuple[str, WagePeriod], ...] = (
    # hourly
    (r"per hour|an hour|a hour|/ ?(?:hour|hr|h)\b|hourly|by the hour|hourly wage", "hourly"),
    (r"per jam|sejam|/ ?jam|gaji per jam|upah per jam", "hourly"),
    (r"mỗi giờ|moi gio|một giờ|mot gio|/ ?giờ|/ ?gio|lương giờ|luong gio|theo giờ", "hourly"),
    (r"ชั่วโมงละ|ต่อชั่วโมง|/ ?ชั่วโมง|รายชั่วโมง|ค่าแรงชั่วโมง", "hourly"),
    # daily
    (r"per day|a day|/ ?day|daily", "daily"),
    (r"per hari|sehari|/ ?hari|harian", "daily"),
    (r"mỗi ngày|moi ngay|một ngày|mot ngay|/ ?ngày|/ ?ngay|lương ngày|theo ngày", "daily"),
    (r"วันละ|ต่อวัน|/ ?วัน|รายวัน|ค่าแรงวัน", "daily"),
    # monthly
    (r"per month|a month|/ ?(?:month|mo)\b|monthly|salary", "monthly"),
    (r"per bulan|sebulan|/ ?bulan|bulanan|gaji bulan", "monthly"),
    (r"mỗi tháng|moi thang|một tháng|mot thang|/ ?tháng|/ ?thang|lương tháng|luong thang", "monthly"),
    (r"ต่อเดือน|เดือนละ|/ ?เดือน|เงินเดือน|รายเดือน", "monthly"),
    # annual (not usable by the calculators; read so that it is not taken for a month)
    (r"per year|a year|/ ?year|yearly|annual|per tahun|setahun|mỗi năm|ต่อปี|ปีละ", "annual"),
)
_CURRENCY = re.compile(r"nt\$|ntd|twd|nt|\$|dollars?|dolar|đô|do la|đài tệ|tệ|"
                       r"บาท|ดอลลาร์ไต้หวัน|ดอลลาร์|เหรียญ")


def parse_amount_lang(text: str, lang: str) -> Decimal:
    """An amount: "30000", "NT$30,000", "30k", "30 ribu", "1,5 juta", "30 nghìn", "3 หมื่น 5 พัน"."""
    s = _CURRENCY.sub(" ", normalize(text))
    parts = list(_AMOUNT_PART.finditer(s))
    if not parts:
        raise ValueError(f"no amount in {text!r}")
    total = Decimal(0)
    last_multiplier = 1
    for index, part in enumerate(parts):
        raw, word = part[1].rstrip(".,"), (part[2] or "").lower()
        if word and lang in ("id", "vi") and re.fullmatch(r"(?<!\d)\d+[.,]\d{1,2}", raw):
            value = Decimal(raw.replace(",", "."))  # "1,5 juta", "2.5 triệu"
        else:
            value = _decimal(raw, lang)
        multiplier = _MULTIPLIERS.get(word, 1)
        if not word and index > 0 and last_multiplier >= 10_000 and value < 10:
            multiplier = last_multiplier // 10  # "3 หมื่น 5" = 35,000, as 「3萬5」
        elif not word and len(parts) > 1:
            raise ValueError(f"several numbers in {text!r}")
        total += value * multiplier
        last_multiplier = multiplier
    if total <= 0:
        raise ValueError(f"no amount in {text!r}")
    return total.quantize(Decimal(1)) if total == total.to_integral_value() else total


def parse_wage_lang(text: str, lang: str) -> Wage:
    """A wage answer in ``lang``: the amount and, when the text says so, its period."""
    s = normalize(text)
    period: WagePeriod | None = None
    for pattern, kind in _PERIODS:
        if re.search(pattern, s):
            if period is not None and period != kind:
                raise ValueError(f"two wage periods in {text!r}")
            period = kind
            s = re.sub(pattern, " ", s)
    try:
        amount = parse_amount_lang(s, lang)
    except InvalidOperation:
        raise ValueError(f"no amount in {text!r}") from None
    return Wage(amount=amount, period=period)


# --- hours and length of service ---------------------------------------------------------------

_HOUR_UNIT = r"(?:hours?|hrs?|h|jam|giờ|gio|tiếng|tieng|ชั่วโมง|ชม\.?)"
_TOTAL_WORDS = re.compile(
    r"\b(?:total|in total|altogether|whole day|all day|semuanya|seluruhnya|totalnya|sehari penuh|"
    r"tổng|tong cong|tổng cộng|cả ngày|ca ngay)\b|รวม|ทั้งหมด|ทั้งวัน")


@dataclass(frozen=True)
class HoursAnswer:
    hours: Fraction
    basis: Basis


_HALF = re.compile(r"half|setengah|rưỡi|ครึ่ง")


def _word_number(s: str) -> Optional[Fraction]:
    """ "three" -> 3, "two and a half" -> 5/2, "half" -> 1/2 (whole numbers up to twelve)."""
    for word in sorted(_NUMBER_WORDS, key=len, reverse=True):
        if _NUMBER_WORDS[word] and re.search(_whole(word), s):
            return Fraction(_NUMBER_WORDS[word]) + (Fraction(1, 2) if _HALF.search(s) else 0)
    return Fraction(1, 2) if _HALF.search(s) else None


def parse_hours_lang(text: str, lang: str) -> HoursAnswer:
    """Hours worked: "3", "2.5 hours", "2,5 jam", "3 giờ", "3 ชั่วโมง", "three hours", "11 hours in total"."""
    s = normalize(text)
    basis: Basis = "total" if _TOTAL_WORDS.search(s) else "overtime"
    numbers = re.findall(r"\d+(?:[.,]\d+)?", s)
    if len(numbers) > 1:
        raise ValueError(f"several numbers in {text!r}")
    if numbers:
        value = Fraction(numbers[0].replace(",", "."))
        if _HALF.search(s):
            value += Fraction(1, 2)
    else:
        found = _word_number(s)
        if found is None:
            raise ValueError(f"no hours in {text!r}")
        value = found
    if not 0 < value <= 24:
        raise ValueError(f"hours out of range in {text!r}")
    return HoursAnswer(value, basis)


_SERVICE_UNITS = (
    (r"(?:years?|yrs?|tahun|năm|nam|ปี)", "years"),
    (r"(?:months?|bulan|tháng|thang|เดือน)", "months"),
    (r"(?:days?|hari|ngày|ngay|วัน)", "days"),
)


def parse_service_lang(text: str, lang: str) -> Duration:
    """A length of service: "3 years 2 months", "3 tahun 2 bulan", "3 năm 2 tháng", "3 ปี 2 เดือน"."""
    s = normalize(text)
    found: dict[str, int] = {}
    for unit, name in _SERVICE_UNITS:
        match = re.search(r"(?<!\d)(\d+)\s*" + unit + r"(?![" + _LATIN + "])", s)
        if match:
            found[name] = int(match[1])
    if not found:
        raise ValueError(f"no length of service in {text!r}")
    months = found.get("months", 0)
    return Duration(years=found.get("years", 0) + months // 12, months=months % 12, days=found.get("days", 0))


# --- day types, yes and no, calculator names ---------------------------------------------------

# Longest phrases first; a matched phrase is masked so that "regular day off" is not also "day off".
_DAY_WORDS: tuple[tuple[str, DayType], ...] = tuple(sorted((
    # English
    ("weekday", "weekday"), ("normal day", "weekday"), ("normal working day", "weekday"),
    ("working day", "weekday"), ("work day", "weekday"), ("workday", "weekday"), ("regular day", "weekday"),
    ("monday", "weekday"), ("tuesday", "weekday"), ("wednesday", "weekday"), ("thursday", "weekday"),
    ("friday", "weekday"), ("rest day", "rest-day"), ("saturday", "rest-day"),
    ("holiday", "holiday"), ("public holiday", "holiday"), ("national holiday", "holiday"),
    ("annual leave", "holiday"), ("regular day off", "regular-day-off"), ("sunday", "regular-day-off"),
    ("weekly day off", "regular-day-off"),
    # Indonesian
    ("hari biasa", "weekday"), ("hari kerja", "weekday"), ("senin", "weekday"), ("selasa", "weekday"),
    ("rabu", "weekday"), ("kamis", "weekday"), ("jumat", "weekday"), ("jum'at", "weekday"),
    ("hari istirahat", "rest-day"), ("sabtu", "rest-day"), ("hari libur nasional", "holiday"),
    ("libur nasional", "holiday"), ("hari raya", "holiday"), ("tanggal merah", "holiday"),
    ("cuti tahunan", "holiday"), ("libur reguler", "regular-day-off"),
    ("hari libur reguler", "regular-day-off"),
    ("libur mingguan", "regular-day-off"), ("hari minggu", "regular-day-off"),
    # Vietnamese (with and without diacritics)
    ("ngày thường", "weekday"), ("ngay thuong", "weekday"), ("ngày làm việc", "weekday"),
    ("thứ hai", "weekday"), ("thứ ba", "weekday"), ("thứ tư", "weekday"), ("thứ năm", "weekday"),
    ("thứ sáu", "weekday"), ("ngày nghỉ ngơi", "rest-day"), ("ngay nghi ngoi", "rest-day"),
    ("thứ bảy", "rest-day"), ("ngày lễ", "holiday"), ("ngay le", "holiday"), ("nghỉ lễ", "holiday"),
    ("phép năm", "holiday"), ("ngày nghỉ định kỳ", "regular-day-off"),
    ("ngay nghi dinh ky", "regular-day-off"),
    ("chủ nhật", "regular-day-off"), ("chu nhat", "regular-day-off"),
    # Thai
    ("วันธรรมดา", "weekday"), ("วันทำงาน", "weekday"), ("วันทำงานปกติ", "weekday"), ("วันปกติ", "weekday"),
    ("วันจันทร์", "weekday"), ("วันอังคาร", "weekday"), ("วันพุธ", "weekday"), ("วันพฤหัส", "weekday"),
    ("วันศุกร์", "weekday"), ("วันหยุดพักผ่อน", "rest-day"), ("วันพัก", "rest-day"), ("วันเสาร์", "rest-day"),
    ("วันหยุดนักขัตฤกษ์", "holiday"), ("วันหยุดราชการ", "holiday"), ("วันหยุดประจำปี", "holiday"),
    ("วันลาพักร้อน", "holiday"), ("วันหยุดประจำสัปดาห์", "regular-day-off"),
    ("วันอาทิตย์", "regular-day-off"),
), key=lambda pair: len(pair[0]), reverse=True))


def find_day_type_lang(text: str) -> Optional[DayType]:
    """The day type an answer names in en/id/vi/th, or None when it names none or several."""
    s = normalize(text)
    found: set[DayType] = set()
    for word, kind in _DAY_WORDS:
        pattern = _whole(word)
        if re.search(pattern, s):
            found.add(kind)
            s = re.sub(pattern, "\0", s)
    return found.pop() if len(found) == 1 else None


_YES = re.compile(r"^(?:yes|yeah|yep|ok|okay|sure|ya|iya|betul|benar|boleh|có|co|vâng|vang|đúng|dung|được|"
                  r"ใช่|ได้|ครับ|ค่ะ|ตกลง)(?![" + _LATIN + "])")
_NO = re.compile(r"^(?:no|nope|not|skip|don't|do not|tidak|nggak|gak|enggak|bukan|lewati|không|khong|bỏ qua|"
                 r"bo qua|ไม่|ข้าม)(?![" + _LATIN + "])")


def parse_yes_no(text: str) -> Optional[bool]:
    """True for yes, False for no or skip, None when the answer is neither."""
    s = normalize(text)
    if _NO.search(s):
        return False
    if _YES.search(s):
        return True
    return None


# Words that name a calculator in each language (the Chinese keywords are actions/calculators.py's).
CALCULATOR_WORDS: dict[str, tuple[str, ...]] = {
    "overtime": ("overtime", "lembur", "tăng ca", "tang ca", "làm thêm giờ", "lam them gio", "làm thêm",
                 "ล่วงเวลา", "โอที"),
    "notice": ("notice period", "notice", "pemberitahuan", "báo trước", "bao truoc", "แจ้งล่วงหน้า"),
    "severance": ("severance", "pesangon", "trợ cấp thôi việc", "tro cap thoi viec", "thôi việc",
                  "ค่าชดเชย"),
    "maternity": ("maternity", "cuti melahirkan", "melahirkan", "thai sản", "thai san", "ลาคลอด"),
    "min_wage": ("minimum wage", "upah minimum", "gaji minimum", "lương tối thiểu", "luong toi thieu",
                 "ค่าจ้างขั้นต่ำ"),
    "annual_leave": ("annual leave", "paid leave", "cuti tahunan", "phép năm", "phep nam", "nghỉ phép",
                     "วันลาพักร้อน", "พักร้อน", "ลาพักผ่อนประจำปี"),
}
CALCULATOR_ORDER = ("overtime", "notice", "severance", "maternity", "min_wage", "annual_leave")


def find_calculator_lang(text: str) -> Optional[str]:
    """The calculator a message in en/id/vi/th names ("calculate my overtime pay" -> "overtime")."""
    s = normalize(text)
    for kind in CALCULATOR_ORDER:
        if any(word in s for word in CALCULATOR_WORDS[kind]):
            return kind
    return None


_CALC_REQUEST = re.compile(
    r"\b(?:calculate|calculator|compute|work out|hitung|hitungkan|hitunglah|kalkulator|"
    r"tính (?:giúp|giùm|dùm|hộ|thử|cho tôi|cho em|cho mình)|hãy tính|"
    r"tinh (?:giup|gium|dum|ho|thu|cho toi|cho em))\b|คำนวณ|คิดให้|ช่วยคิด"
)
# "How is overtime calculated?" asks how the rule works: the knowledge base answers it.
_HOW = re.compile(r"\bhow (?:is|are|do|does|to|can|should|would)\b|\bbagaimana\b|\bcara\b|thế nào|the nao|"
                  r"cách tính|cach tinh|ra sao|tính sao|tinh sao|อย่างไร|ยังไง|แบบไหน")


def asks_to_calculate_lang(text: str) -> bool:
    """A request to compute in en/id/vi/th: a calculation word and a calculator's name."""
    s = normalize(text)
    return bool(_CALC_REQUEST.search(s)) and not _HOW.search(s) and find_calculator_lang(s) is not None
