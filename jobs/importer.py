"""Read job listings from CSV or JSON in the style of Taiwan's public employment open data.

Every row is checked on its own: a bad row is reported with its line number and skipped, the
others are kept. Column names are matched after dropping spaces, underscores and case, so
"薪資下限", "salary_min" and "Salary Min" are the same column (see COLUMNS and docs/jobs.md).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Iterator

from jobs.districts import CITY, canonical_district, find_district
from jobs.model import Job
from labourbot.parsing import parse_amount, parse_date

# canonical field -> accepted column names (Chinese open-data names first, then English aliases)
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("職缺編號", "職缺代碼", "編號", "id", "job_id", "jobno"),
    "title": ("職缺名稱", "職稱", "職務名稱", "工作名稱", "title", "job_title", "job_name", "position"),
    "company": ("公司名稱", "事業單位", "事業單位名稱", "雇主名稱", "廠商名稱", "company", "employer",
                "company_name"),
    "city": ("縣市", "工作縣市", "縣市別", "city", "county"),
    "district": ("鄉鎮市區", "工作鄉鎮", "行政區", "鄉鎮區", "district", "town", "area"),
    "address": ("工作地址", "工作地點", "地址", "address", "work_address", "location"),
    "description": ("工作內容", "職缺描述", "工作說明", "description", "job_description", "duties"),
    "wage_type": ("薪資類型", "薪資方式", "待遇類型", "計薪方式", "wage_type", "salary_type", "pay_type"),
    "wage_min": ("薪資下限", "最低薪資", "薪資起", "wage_min", "salary_min", "min_salary", "pay_min"),
    "wage_max": ("薪資上限", "最高薪資", "薪資迄", "wage_max", "salary_max", "max_salary", "pay_max"),
    "nature": ("工作性質", "工作型態", "僱用型態", "nature", "job_type", "employment_type"),
    "hours": ("上班時段", "工作時間", "上班時間", "hours", "shift", "working_hours"),
    "education": ("學歷", "學歷要求", "學歷限制", "education"),
    "contact": ("聯絡人", "contact", "contact_person"),
    "phone": ("電話", "聯絡電話", "phone", "tel", "telephone"),
    "contact_phone": ("聯絡人/電話", "聯絡方式", "contact_info"),
    "updated": ("更新日期", "資料更新日期", "刊登日期", "異動日期", "updated", "updated_at", "update_date",
                "posted", "date"),
    "url": ("網址", "職缺網址", "連結", "url", "link"),
}
REQUIRED = ("title", "company", "updated")

WAGE_TYPES: dict[str, str] = {
    "月薪": "monthly", "月": "monthly", "monthly": "monthly", "month": "monthly",
    "時薪": "hourly", "時": "hourly", "hourly": "hourly", "hour": "hourly",
    "日薪": "daily", "日": "daily", "daily": "daily", "day": "daily",
    "年薪": "annual", "annual": "annual", "yearly": "annual",
    "面議": "negotiable", "negotiable": "negotiable", "": "negotiable",
}
NATURES: dict[str, str] = {
    "全職": "full_time", "正職": "full_time", "full-time": "full_time", "fulltime": "full_time",
    "full_time": "full_time", "full time": "full_time",
    "兼職": "part_time", "部分工時": "part_time", "計時": "part_time", "工讀": "part_time", "打工": "part_time",
    "part-time": "part_time", "parttime": "part_time", "part_time": "part_time", "part time": "part_time",
}

_DATE_SHAPE = re.compile(r"^(?:民國|西元)?\s*\d{2,4}\s*(?:[/\-.]|年)|^\d{7,8}$")
_TIME_PART = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")


class RowError(ValueError):
    """A row that cannot be imported; the message says why (zh-TW)."""


@dataclass
class BadRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"第 {self.line} 行：{self.reason}"


@dataclass
class ParsedFile:
    jobs: list[tuple[int, Job]] = field(default_factory=list)  # (line, job)
    bad: list[BadRow] = field(default_factory=list)
    rows: int = 0


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(name).strip().lstrip("\ufeff")).lower()


_ALIASES: dict[str, str] = {_key(alias): canonical for canonical, names in COLUMNS.items() for alias in names}


def map_columns(headers: Iterable[str]) -> dict[str, str]:
    """Source column -> canonical field, for the columns we know (others are kept in `extra`)."""
    return {h: _ALIASES[_key(h)] for h in headers if h is not None and _key(h) in _ALIASES}


def parse_listing_date(text: str) -> date:
    """A 更新日期 in 民國 (113/03/01, 1130301, 113年3月1日) or western form (2024-03-01, 20240301)."""
    value = _TIME_PART.sub("", str(text).strip())
    if not _DATE_SHAPE.match(value):
        raise RowError(f"更新日期「{text}」看不懂（例如 113/03/01、1130301 或 2024-03-01）")
    try:
        return parse_date(value)
    except ValueError as exc:
        raise RowError(f"更新日期「{text}」有誤：{exc}") from None


def _amount(text: str, what: str) -> int | None:
    value = str(text).strip()
    if value in ("", "0", "-", "面議", "不拘"):
        return None
    try:
        amount = parse_amount(value)
    except (ValueError, InvalidOperation):
        raise RowError(f"{what}「{text}」不是金額") from None
    if amount < 0 or amount != amount.to_integral_value():
        raise RowError(f"{what}「{text}」不是正整數金額")
    return int(amount)


def _stable_id(values: dict[str, str]) -> str:
    basis = "|".join(values.get(k, "") for k in ("title", "company", "district", "address", "wage_type",
                                                 "wage_min", "wage_max", "hours", "url", "updated"))
    return "h" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:12]


def _split_contact(text: str) -> tuple[str, str]:
    """"林小姐 / 06-2000000" -> ("林小姐", "06-2000000")."""
    match = re.search(r"[(（]?0\d[\d\-\s()（）#轉]{5,}", text)
    if not match:
        return text.strip(), ""
    return (text[: match.start()] + text[match.end():]).strip(" /／,，、"), match.group(0).strip()


def parse_row(raw: dict[str, Any], columns: dict[str, str], source: str = "") -> Job:
    """One source row -> Job, or RowError naming the first problem."""
    values: dict[str, str] = {}
    extra: dict[str, Any] = {}
    for column, value in raw.items():
        text = "" if value is None else str(value).strip()
        if column in columns:
            values[columns[column]] = text
        elif column is not None and text:
            extra[str(column)] = text
    for name in REQUIRED:
        if not values.get(name):
            label = COLUMNS[name][0]
            raise RowError(f"缺少「{label}」")

    updated = parse_listing_date(values["updated"])

    wage_type_text = _key(values.get("wage_type", ""))
    if wage_type_text not in WAGE_TYPES:
        raise RowError(f"薪資類型「{values.get('wage_type')}」不是月薪、時薪、日薪、年薪或面議")
    wage_type = WAGE_TYPES[wage_type_text]
    wage_min = _amount(values.get("wage_min", ""), "薪資下限")
    wage_max = _amount(values.get("wage_max", ""), "薪資上限")
    if wage_min is not None and wage_max is not None and wage_min > wage_max:
        raise RowError(f"薪資下限 {wage_min:,} 大於薪資上限 {wage_max:,}")
    if wage_type not in ("negotiable",) and wage_min is None and wage_max is None:
        raise RowError(f"薪資類型是{values.get('wage_type')}，但沒有薪資金額")

    nature_text = values.get("nature", "").strip().lower()
    nature = None
    if nature_text:
        nature = NATURES.get(nature_text) or NATURES.get(_key(nature_text))
        if nature is None:
            raise RowError(f"工作性質「{values['nature']}」不是全職或兼職")

    city = (values.get("city") or "").replace("台", "臺") or CITY
    district_text = values.get("district", "")
    district = canonical_district(district_text)
    if district_text and district is None and city == CITY:
        raise RowError(f"「{district_text}」不是臺南市的行政區")
    if district is None and city == CITY:
        district = find_district(values.get("address", ""))
    if city != CITY and district is None:
        district = district_text or None

    contact, phone = values.get("contact", ""), values.get("phone", "")
    if values.get("contact_phone") and not (contact or phone):
        contact, phone = _split_contact(values["contact_phone"])

    return Job(
        id=values.get("id") or _stable_id(values),
        title=values["title"],
        company=values["company"],
        updated=updated,
        city=city,
        district=district,
        address=values.get("address", ""),
        description=values.get("description", ""),
        wage_type=wage_type,  # type: ignore[arg-type]
        wage_min=wage_min,
        wage_max=wage_max,
        nature=nature,  # type: ignore[arg-type]
        hours=values.get("hours", ""),
        education=values.get("education", ""),
        contact=contact,
        phone=phone,
        url=values.get("url", ""),
        source=source,
        extra=extra,
    )


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp950"):  # open data is UTF-8; older exports are Big5 (cp950)
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("檔案編碼不是 UTF-8 或 Big5")


def iter_csv(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line where the record starts, row) for each non-empty record; line 1 is the header."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        return
    last = reader.line_num
    for row in reader:
        start = last + 1
        last = reader.line_num
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        yield start, row


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def iter_json(text: str) -> Iterator[tuple[int, Any]]:
    """(line where the record starts, record) for a JSON array, an object holding one array of records
    (e.g. {"data": [...]}), or JSON Lines."""
    stripped = text.lstrip()
    if not stripped:
        return
    decoder = json.JSONDecoder()
    if stripped[0] == "{":
        try:
            whole = json.loads(text)
        except json.JSONDecodeError:
            whole = None
        if isinstance(whole, dict):
            key = next((k for k, v in whole.items() if isinstance(v, list)), None)
            if key is None:
                yield _line_of(text, len(text) - len(stripped)), whole
                return
            found = re.search(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:\s*\[", text)
            if found is None:  # the key was written with escapes: records without their own lines
                first = _line_of(text, len(text) - len(stripped))
                yield from ((first, item) for item in whole[key])
                return
            yield from _array_items(text, found.end() - 1, decoder)
            return
        # JSON Lines: one object per line
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, RowError(f"JSON 格式錯誤：{exc.msg}")
        return
    if stripped[0] != "[":
        raise ValueError("JSON 檔必須是職缺陣列、含一個職缺陣列的物件，或每行一筆的 JSON Lines")
    yield from _array_items(text, text.index("["), decoder)


def _array_items(text: str, start: int, decoder: json.JSONDecoder) -> Iterator[tuple[int, Any]]:
    """Elements of the array whose '[' is at `start`, each with the line it starts on."""
    pos = start + 1
    ws = re.compile(r"[\s,]*")
    while True:
        pos = ws.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= len(text):
            raise ValueError("JSON 陣列沒有結尾的 ]")
        if text[pos] == "]":
            return
        line = _line_of(text, pos)
        try:
            item, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise ValueError(f"JSON 格式錯誤（第 {exc.lineno} 行）：{exc.msg}") from None
        yield line, item


def parse_file(path: Path, *, today: date | None = None, shift_dates: bool = False) -> ParsedFile:
    """Parse every record of a CSV or JSON file. Raises ValueError only when the file as a whole is
    unreadable; bad rows are collected in `bad`.

    shift_dates: move every 更新日期 by the same number of days so that the newest one is `today`
    (for the bundled demo file, whose dates would otherwise all become stale).
    """
    path = Path(path)
    try:
        text = _decode(path.read_bytes())
    except OSError as exc:
        raise ValueError(f"讀不到檔案 {path}：{exc.strerror}") from None
    is_json = path.suffix.lower() in (".json", ".jsonl", ".ndjson") or text.lstrip()[:1] in ("[", "{")
    records = iter_json(text) if is_json else iter_csv(text)
    result = ParsedFile()
    columns_cache: dict[tuple[str, ...], dict[str, str]] = {}
    seen: dict[str, int] = {}
    for line, record in records:
        result.rows += 1
        if isinstance(record, RowError):
            result.bad.append(BadRow(line, str(record)))
            continue
        if not isinstance(record, dict):
            result.bad.append(BadRow(line, "不是一筆職缺物件"))
            continue
        headers = tuple(str(k) for k in record)
        columns = columns_cache.get(headers)
        if columns is None:
            columns = columns_cache[headers] = map_columns(headers)
        try:
            job = parse_row(record, columns, source=path.name)
        except RowError as exc:
            result.bad.append(BadRow(line, str(exc)))
            continue
        if job.id in seen:
            result.bad.append(BadRow(line, f"與第 {seen[job.id]} 行的職缺重複（職缺編號 {job.id}）"))
            continue
        seen[job.id] = line
        result.jobs.append((line, job))
    today = today or date.today()
    if shift_dates and result.jobs:
        delta = today - max(job.updated for _, job in result.jobs)
        for _, job in result.jobs:
            job.updated = job.updated + delta
    kept = []
    for line, job in result.jobs:
        if job.updated > today + timedelta(days=1):
            result.bad.append(BadRow(line, f"更新日期 {job.updated.isoformat()} 在未來"))
        else:
            kept.append((line, job))
    result.jobs = kept
    result.bad.sort(key=lambda b: b.line)
    return result
