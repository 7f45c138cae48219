"""Search criteria from a chat message ("幫我找永康區的兼職", "時薪200以上的夜班") — pure parsing."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Iterable

from jobs.districts import SPELLINGS as DISTRICT_SPELLINGS
from jobs.districts import canonical_district, find_district
from jobs.model import NATURE_LABELS, WAGE_LABELS
from labourbot.parsing import parse_wage
from labourbot.textnorm import normalize

PART_TIME_WORDS = ("部分工時人員", "暑假工讀", "寒假工讀", "暑期工讀", "暑假打工", "寒假打工", "部分工時", "計時人員",
                   "part-time", "part time", "parttime", "工讀生", "時薪制", "臨時工", "短期工", "打零工", "暑期工",
                   "暑假工", "寒假工", "兼職", "打工", "工讀", "計時", "短期", "零工")
FULL_TIME_WORDS = ("full-time", "full time", "fulltime", "全職", "正職")
FILLER_WORDS = ("幫我搜尋", "幫我找", "幫我查", "幫我", "我想找", "我想要", "我要找", "想找", "想要", "我想", "我要", "請問",
                "有沒有", "有什麼", "有哪些", "什麼", "推薦一些", "推薦", "一些", "查一下", "查詢", "搜尋", "列出", "最近的",
                "最近", "現在", "目前", "工作機會", "徵才資訊", "的職缺", "職缺", "工作", "缺人", "徵人", "在徵", "誰在",
                "公司", "機會", "資訊", "附近", "地點", "以上", "以下", "哪裡", "給我看", "給我", "臺南市", "台南市", "臺南",
                "台南", "可以做", "可以", "適合", "學生", "的缺", "看看", "一下", "找", "查", "請", "的", "在", "有", "嗎",
                "呢", "缺", "看", "要", "想", "我", "啊", "喔", "吧")
# Without a wage word a match does not begin inside a run of whitespace (only at its first character or
# after it): begun at each character of a long run, a scan would walk the rest of the run each time.
_MONEY = re.compile(r"(?:(時薪|月薪|日薪|薪水|薪資|底薪)|(?<!\s)|(?!\s))\s*[0-9][0-9,.]*\s*(萬|千|k)?[0-9]*\s*(元|塊)?|"
                    r"(時薪|月薪|日薪|薪水|薪資|底薪)\s*[一二兩三四五六七八九十百千萬]+\s*(元|塊)?")


@dataclass
class Criteria:
    keyword: str = ""
    district: str | None = None
    nature: str | None = None  # part_time | full_time
    min_wage: str | None = None  # amount as text (a slot value must be JSON)
    period: str = "monthly"

    def to_slot(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_slot(cls, value: Any) -> "Criteria":
        if not isinstance(value, dict):
            return cls()
        known = {k: value.get(k) for k in ("keyword", "district", "nature", "min_wage", "period") if k in value}
        criteria = cls(**known)  # type: ignore[arg-type]
        criteria.keyword = criteria.keyword or ""
        criteria.period = criteria.period or "monthly"
        return criteria

    @property
    def min_amount(self) -> Decimal | None:
        return Decimal(self.min_wage) if self.min_wage else None

    def describe(self) -> str:
        """"永康區・兼職・時薪 200 元以上・「門市」" (empty when there are no criteria)."""
        parts = []
        if self.district:
            parts.append(self.district)
        if self.nature:
            parts.append(NATURE_LABELS[self.nature])
        if self.min_wage:
            parts.append(f"{WAGE_LABELS.get(self.period, '月薪')} {int(Decimal(self.min_wage)):,} 元以上")
        if self.keyword:
            parts.append(f"「{self.keyword}」")
        return "・".join(parts)


def _guess_period(amount: Decimal) -> str:
    return "hourly" if amount < 1000 else "daily" if amount < 10000 else "monthly"


def _wage(candidates: Iterable[str]) -> tuple[str, str] | None:
    for text in candidates:
        try:
            wage = parse_wage(text)
        except ValueError:
            continue
        if wage.amount > 0:
            period = wage.period if wage.period in ("hourly", "daily", "monthly", "annual") else _guess_period(wage.amount)
            return str(int(wage.amount)), period
    return None


def criteria_from_message(text: str, entities: dict[str, list[str]] | None = None) -> Criteria:
    """Criteria from the user's words and the NLU entities (district, job_type, money)."""
    entities = entities or {}
    norm = normalize(text or "").replace("台", "臺")
    criteria = Criteria()
    for value in entities.get("district", []):
        criteria.district = canonical_district(value) or criteria.district
    criteria.district = criteria.district or find_district(norm)
    job_types = [normalize(v) for v in entities.get("job_type", [])] + [norm]
    if any(w in t for t in job_types for w in FULL_TIME_WORDS):
        criteria.nature = "full_time"
    elif any(w in t for t in job_types for w in PART_TIME_WORDS):
        criteria.nature = "part_time"
    money_texts = list(entities.get("money", []))
    money_match = _MONEY.search(norm)
    if money_match and money_match.group(0).strip():
        money_texts.append(money_match.group(0))
    wage = _wage(money_texts)
    if wage:
        criteria.min_wage, criteria.period = wage

    rest = norm
    for spelling in sorted(DISTRICT_SPELLINGS, key=len, reverse=True):
        rest = rest.replace(normalize(spelling).replace("台", "臺"), " ")
    rest = _MONEY.sub(" ", rest)
    for word in sorted(PART_TIME_WORDS + FULL_TIME_WORDS + FILLER_WORDS, key=len, reverse=True):
        rest = rest.replace(word, " ")
    words = [w for w in re.split(r"[\s,，、。.!！?？~～:：;；/()（）]+", rest) if w]
    criteria.keyword = " ".join(w for w in words if len(w) >= 2 or re.match(r"[a-z0-9]", w))
    return criteria
