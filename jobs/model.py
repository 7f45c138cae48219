"""A job listing and the pay arithmetic used to compare listings paid by the hour, day or month."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

WageType = Literal["monthly", "hourly", "daily", "annual", "negotiable"]
Nature = Literal["full_time", "part_time"]

# Full-time equivalents used to put hourly, daily and annual pay on a monthly scale:
# 40 hours a week (勞動基準法第30條) x 52 weeks / 12 months, and 5 working days a week.
HOURS_PER_MONTH = Decimal(40 * 52) / 12  # 173.33...
DAYS_PER_MONTH = Decimal(5 * 52) / 12  # 21.66...
TO_MONTHLY: dict[str, Decimal] = {
    "monthly": Decimal(1),
    "hourly": HOURS_PER_MONTH,
    "daily": DAYS_PER_MONTH,
    "annual": Decimal(1) / 12,
    "negotiable": Decimal(1),  # 面議 with a stated lower bound is a monthly amount in the open data
}

WAGE_LABELS = {"monthly": "月薪", "hourly": "時薪", "daily": "日薪", "annual": "年薪", "negotiable": "面議"}
NATURE_LABELS = {"full_time": "全職", "part_time": "兼職"}


def monthly_equivalent(amount: int | float | Decimal, wage_type: str) -> Decimal:
    """`amount` paid per `wage_type` expressed per month (full-time hours), for comparisons only."""
    return Decimal(str(amount)) * TO_MONTHLY[wage_type]


@dataclass
class Job:
    """One listing, as stored. `updated` is the 更新日期 of the source; stale listings are hidden."""

    id: str
    title: str
    company: str
    updated: date
    city: str = "臺南市"
    district: str | None = None
    address: str = ""
    description: str = ""
    wage_type: WageType = "negotiable"
    wage_min: int | None = None
    wage_max: int | None = None
    nature: Nature | None = None
    hours: str = ""
    education: str = ""
    contact: str = ""
    phone: str = ""
    url: str = ""
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def best_pay(self) -> int | None:
        """The most the listing offers (upper bound, else lower bound)."""
        return self.wage_max if self.wage_max is not None else self.wage_min

    @property
    def pay_monthly(self) -> float | None:
        """Best pay on the monthly scale (None for 面議 without an amount)."""
        if self.best_pay is None:
            return None
        return float(round(monthly_equivalent(self.best_pay, self.wage_type), 2))

    def wage_text(self) -> str:
        """"時薪 200–220 元", "月薪 32,000 元起", "面議（40,000 元以上）", "面議"."""
        label = WAGE_LABELS[self.wage_type]
        low, high = self.wage_min, self.wage_max
        if self.wage_type == "negotiable":
            return f"面議（{low:,} 元以上）" if low else "面議"
        if low is not None and high is not None and high != low:
            return f"{label} {low:,}–{high:,} 元"
        if low is not None and high is None:
            return f"{label} {low:,} 元起"
        amount = low if low is not None else high
        return f"{label} {amount:,} 元" if amount is not None else label

    @property
    def nature_text(self) -> str:
        return NATURE_LABELS.get(self.nature or "", "")

    @property
    def place(self) -> str:
        return f"{self.city}{self.district or ''}" if self.district else (self.address or self.city)

    def card(self) -> dict[str, Any]:
        """The shape channels render (LINE carousel bubble, Telegram lines): title, company, district,
        wage, hours, url, plus the details a text channel prints."""
        hours = "・".join(p for p in (self.nature_text, self.hours) if p)
        return {
            "id": self.id,
            "title": self.title,
            "company": self.company,
            "district": self.place,
            "address": self.address,
            "wage": self.wage_text(),
            "hours": hours,
            "job_type": self.nature_text,
            "education": self.education,
            "contact": self.contact,
            "phone": self.phone,
            "updated": self.updated.isoformat(),
            "url": self.url if self.url.startswith("https://") else "",
        }

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["updated"] = self.updated.isoformat()
        data["wage"] = self.wage_text()
        return data
