"""Job listings: import open-data files (CSV/JSON), store them, search them.

    from jobs import import_jobs, search_jobs
    report = import_jobs("listings.csv")            # bad rows in report.skipped, with line numbers
    result = search_jobs("門市", district="永康區", nature="part_time", min_salary=30000)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from jobs.districts import DISTRICTS, canonical_district, find_district
from jobs.importer import BadRow, parse_file
from jobs.model import Job
from jobs.store import JobQuery, JobStore, SearchResult, open_store

SAMPLE_FILE = Path(__file__).resolve().parent / "data" / "sample_jobs.csv"

__all__ = [
    "DISTRICTS", "SAMPLE_FILE", "BadRow", "ImportReport", "Job", "JobQuery", "JobStore", "SearchResult",
    "canonical_district", "find_district", "import_jobs", "search_jobs",
]


@dataclass
class ImportReport:
    file: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    skipped: list[BadRow] = field(default_factory=list)
    removed: int = 0  # with replace=True: listings deleted before the import
    not_needed: bool = False  # with if_empty=True: the store already had current listings

    @property
    def imported(self) -> int:
        return self.inserted + self.updated

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "rows": self.rows, "imported": self.imported, "inserted": self.inserted,
            "updated": self.updated, "removed": self.removed, "not_needed": self.not_needed,
            "skipped": [{"line": b.line, "reason": b.reason} for b in self.skipped],
        }


def import_jobs(
    path: str | Path,
    *,
    store: JobStore | None = None,
    today: date | None = None,
    shift_dates: bool = False,
    replace: bool = False,
    if_empty: bool = False,
) -> ImportReport:
    """Import a CSV or JSON file of listings. Bad rows are skipped and reported; good rows are upserted
    by 職缺編號 (or by a hash of their content when the file has no id column).

    if_empty: do nothing when the store already holds current (not stale) listings.
    replace: delete every stored listing first.
    shift_dates: move all 更新日期 so the newest is today (demo data).
    """
    store = store or open_store()
    today = today or date.today()
    report = ImportReport(file=str(path))
    if if_empty and store.count(today=today, fresh_only=True) > 0:
        report.not_needed = True
        return report
    parsed = parse_file(Path(path), today=today, shift_dates=shift_dates)
    report.rows = parsed.rows
    report.skipped = parsed.bad
    if replace:
        report.removed = store.clear()
    counts = store.upsert(job for _, job in parsed.jobs)
    report.inserted, report.updated = counts.inserted, counts.updated
    return report


def search_jobs(
    keyword: str = "",
    *,
    district: str | None = None,
    nature: str | None = None,
    min_salary: int | Decimal | None = None,
    salary_period: str = "monthly",
    page: int = 1,
    page_size: int = 5,
    include_stale: bool = False,
    store: JobStore | None = None,
    today: date | None = None,
) -> SearchResult:
    """Search current listings. district accepts "永康", "永康區", "永康区"; nature "part_time"/"full_time";
    min_salary is per `salary_period` (monthly by default) and compared on the monthly scale."""
    if district and canonical_district(district) is None:
        raise ValueError(f"「{district}」不是臺南市的行政區")
    if nature not in (None, "part_time", "full_time"):
        raise ValueError("工作性質必須是 part_time 或 full_time")
    query = JobQuery(
        keyword=keyword or "",
        district=canonical_district(district) if district else None,
        nature=nature,
        min_wage=min_salary,
        min_wage_period=salary_period,
        page=page,
        page_size=page_size,
        include_stale=include_stale,
    )
    return (store or open_store()).search(query, today=today)
