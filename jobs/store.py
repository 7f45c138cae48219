"""Where listings live: SQLite with an FTS5 index (default), or PostgreSQL (ILIKE) when configured.

Keyword search works on Chinese without a word list: text is indexed as overlapping character
pairs ("門市人員" -> 門市 市人 人員) and a keyword must appear as consecutive pairs, i.e. as a
substring. Keywords of one character fall back to LIKE.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from jobs.config import JobsSettings, jobs_settings
from jobs.model import TO_MONTHLY, Job
from labourbot.textnorm import normalize

metadata = sa.MetaData()
listings = sa.Table(
    "job_listings",
    metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("job_id", sa.String(80), nullable=False, unique=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("company", sa.Text, nullable=False),
    sa.Column("city", sa.String(20), nullable=False),
    sa.Column("district", sa.String(20), index=True),
    sa.Column("address", sa.Text, nullable=False, default=""),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("wage_type", sa.String(12), nullable=False),
    sa.Column("wage_min", sa.Integer),
    sa.Column("wage_max", sa.Integer),
    sa.Column("pay_monthly", sa.Float, index=True),
    sa.Column("nature", sa.String(12), index=True),
    sa.Column("hours", sa.Text, nullable=False, default=""),
    sa.Column("education", sa.Text, nullable=False, default=""),
    sa.Column("contact", sa.Text, nullable=False, default=""),
    sa.Column("phone", sa.Text, nullable=False, default=""),
    sa.Column("url", sa.Text, nullable=False, default=""),
    sa.Column("source", sa.Text, nullable=False, default=""),
    sa.Column("extra", sa.Text, nullable=False, default="{}"),
    sa.Column("updated", sa.Date, nullable=False, index=True),
    sa.Column("imported_at", sa.DateTime, nullable=False),
    sa.Column("haystack", sa.Text, nullable=False, default=""),  # normalised searchable text (LIKE)
    sa.Column("tokens", sa.Text, nullable=False, default=""),  # character pairs (FTS5)
)
FTS_TABLE = "job_listings_fts"

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[a-z0-9]+")


def _runs(text: str) -> list[str]:
    return _RUNS.findall(normalize(text))


def _pairs(run: str) -> list[str]:
    if not re.match(rf"[{_CJK}]", run) or len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def tokenize(text: str) -> str:
    """Index tokens: character pairs of Chinese runs, whole ASCII words."""
    return " ".join(p for run in _runs(text) for p in _pairs(run))


def keyword_phrases(keyword: str) -> list[str] | None:
    """FTS5 phrase of each part of a keyword, or None when a part is a single Chinese character."""
    phrases = []
    for run in _runs(keyword):
        if len(run) == 1 and re.match(rf"[{_CJK}]", run):
            return None
        phrases.append(" ".join(_pairs(run)))
    return phrases


def _haystack(job: Job) -> str:
    return normalize(" ".join([job.title, job.company, job.district or "", job.address, job.hours,
                               job.description, job.education]))


@dataclass
class JobQuery:
    """Search criteria. min_wage is compared on the monthly scale: a threshold "per hour" and a job paid
    monthly are both converted (see jobs.model.TO_MONTHLY)."""

    keyword: str = ""
    district: str | None = None
    nature: str | None = None  # "part_time" | "full_time"
    min_wage: Decimal | int | None = None
    min_wage_period: str = "monthly"  # monthly | hourly | daily | annual
    page: int = 1
    page_size: int = 5
    include_stale: bool = False

    @property
    def min_monthly(self) -> float | None:
        if self.min_wage is None:
            return None
        return float(Decimal(str(self.min_wage)) * TO_MONTHLY[self.min_wage_period])


@dataclass
class SearchResult:
    jobs: list[Job]
    total: int
    page: int
    page_size: int
    query: JobQuery = field(default_factory=JobQuery)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_more(self) -> bool:
        return self.page < self.pages


@dataclass
class ImportCounts:
    inserted: int = 0
    updated: int = 0


class JobStore:
    def __init__(self, url: str, max_age_days: int = 60) -> None:
        self.url = url
        self.max_age_days = max_age_days
        self.engine: Engine = sa.create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"),
                                               hide_parameters=True)  # errors never carry the values
        self.dialect = self.engine.dialect.name
        self._ready = False
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: JobsSettings | None = None) -> "JobStore":
        settings = settings or jobs_settings()
        if settings.jobs_url.startswith("sqlite"):
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        return cls(settings.jobs_url, settings.jobs_max_age_days)

    # -- schema ---------------------------------------------------------------------------------
    def create(self) -> "JobStore":
        with self._lock:
            if self._ready:
                return self
            metadata.create_all(self.engine)
            with self.engine.begin() as conn:
                if self.dialect == "sqlite":
                    conn.exec_driver_sql(
                        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(tokens, tokenize='unicode61')"
                    )
            self._ready = True
        return self

    # -- writing --------------------------------------------------------------------------------
    def _row(self, job: Job, now: datetime) -> dict:
        return {
            "job_id": job.id, "title": job.title, "company": job.company, "city": job.city,
            "district": job.district, "address": job.address, "description": job.description,
            "wage_type": job.wage_type, "wage_min": job.wage_min, "wage_max": job.wage_max,
            "pay_monthly": job.pay_monthly, "nature": job.nature, "hours": job.hours,
            "education": job.education, "contact": job.contact, "phone": job.phone, "url": job.url,
            "source": job.source, "extra": json.dumps(job.extra, ensure_ascii=False), "updated": job.updated,
            "imported_at": now, "haystack": _haystack(job),
            "tokens": tokenize(" ".join([job.title, job.company, job.district or "", job.address, job.hours,
                                         job.description, job.education])),
        }

    def upsert(self, jobs: Iterable[Job]) -> ImportCounts:
        """Insert new listings and replace those with the same id, in one transaction."""
        self.create()
        counts = ImportCounts()
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        with self.engine.begin() as conn:
            for job in jobs:
                row = self._row(job, now)
                pk = conn.execute(sa.select(listings.c.pk).where(listings.c.job_id == job.id)).scalar()
                if pk is None:
                    pk = conn.execute(sa.insert(listings).values(**row)).inserted_primary_key[0]
                    counts.inserted += 1
                else:
                    conn.execute(sa.update(listings).where(listings.c.pk == pk).values(**row))
                    counts.updated += 1
                if self.dialect == "sqlite":
                    conn.exec_driver_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", (pk,))
                    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}(rowid, tokens) VALUES (?, ?)", (pk, row["tokens"]))
        return counts

    def clear(self) -> int:
        """Remove every listing; returns how many there were."""
        self.create()
        with self.engine.begin() as conn:
            removed = conn.execute(sa.delete(listings)).rowcount
            if self.dialect == "sqlite":
                conn.exec_driver_sql(f"DELETE FROM {FTS_TABLE}")
        return int(removed or 0)

    # -- reading --------------------------------------------------------------------------------
    def _fresh_since(self, today: date) -> date:
        return today - timedelta(days=self.max_age_days)

    def count(self, *, today: date | None = None, fresh_only: bool = False) -> int:
        self.create()
        query = sa.select(sa.func.count()).select_from(listings)
        if fresh_only:
            query = query.where(listings.c.updated >= self._fresh_since(today or date.today()))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def get(self, job_id: str) -> Job | None:
        self.create()
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(listings).where(listings.c.job_id == job_id)).mappings().first()
        return _job(row) if row else None

    def _keyword_condition(self, keyword: str) -> list[sa.ColumnElement[bool]]:
        conditions: list[sa.ColumnElement[bool]] = []
        for i, part in enumerate(k for k in re.split(r"[\s,，、/]+", keyword) if k.strip()):
            phrases = keyword_phrases(part) if self.dialect == "sqlite" else None
            if phrases:
                match = " AND ".join(f'"{p}"' for p in phrases)
                conditions.append(
                    sa.text(f"job_listings.pk IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :kw{i})")
                    .bindparams(**{f"kw{i}": match})
                )
            else:
                needle = normalize(part)
                if not needle:
                    continue
                escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                conditions.append(listings.c.haystack.ilike(f"%{escaped}%", escape="\\"))
        return conditions

    def search(self, query: JobQuery, *, today: date | None = None) -> SearchResult:
        """Listings matching every criterion, newest first, one page of them."""
        self.create()
        today = today or date.today()
        conditions: list[sa.ColumnElement[bool]] = []
        if not query.include_stale:
            conditions.append(listings.c.updated >= self._fresh_since(today))
        if query.district:
            conditions.append(listings.c.district == query.district)
        if query.nature:
            conditions.append(listings.c.nature == query.nature)
        if query.min_monthly is not None:
            # a little tolerance for rounding of the conversion (e.g. 196/h vs 34,000/month)
            conditions.append(listings.c.pay_monthly >= query.min_monthly - 0.5)
        if query.keyword.strip():
            conditions += self._keyword_condition(query.keyword)
        where = sa.and_(sa.true(), *conditions)
        page = max(1, int(query.page))
        with self.engine.connect() as conn:
            total = int(conn.execute(sa.select(sa.func.count()).select_from(listings).where(where)).scalar() or 0)
            rows = conn.execute(
                sa.select(listings).where(where)
                .order_by(listings.c.updated.desc(), listings.c.pk.asc())
                .limit(query.page_size).offset((page - 1) * query.page_size)
            ).mappings().all()
        return SearchResult([_job(r) for r in rows], total, page, query.page_size, query)


def _job(row: sa.RowMapping) -> Job:
    return Job(
        id=row["job_id"], title=row["title"], company=row["company"], updated=row["updated"],
        city=row["city"], district=row["district"], address=row["address"], description=row["description"],
        wage_type=row["wage_type"], wage_min=row["wage_min"], wage_max=row["wage_max"], nature=row["nature"],
        hours=row["hours"], education=row["education"], contact=row["contact"], phone=row["phone"],
        url=row["url"], source=row["source"], extra=json.loads(row["extra"] or "{}"),
    )


_stores: dict[str, JobStore] = {}
_stores_lock = threading.Lock()


def open_store(settings: JobsSettings | None = None) -> JobStore:
    """A JobStore for the configured URL, shared within the process (the action server keeps one)."""
    settings = settings or jobs_settings()
    key = f"{settings.jobs_url}|{settings.jobs_max_age_days}"
    with _stores_lock:
        store = _stores.get(key)
        if store is None:
            store = _stores[key] = JobStore.from_settings(settings)
    return store
