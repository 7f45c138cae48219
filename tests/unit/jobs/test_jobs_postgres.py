"""The same store on PostgreSQL (DATABASE_URL): a throwaway server from scripts/postgres.sh."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path
from typing import Iterator

import pytest

from jobs import SAMPLE_FILE, JobStore, import_jobs, search_jobs
from jobs.config import JobsSettings
from labourbot.config import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "postgres.sh"
TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> Iterator[str]:
    pg_dir = Path(tmp_path_factory.mktemp("pg-jobs"))
    env = {**os.environ, "PG_DIR": str(pg_dir)}
    started = subprocess.run(["bash", str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=180)
    assert started.returncode == 0, started.stderr
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        stopped = subprocess.run(["bash", str(SCRIPT), "stop"], env=env, capture_output=True, text=True, timeout=60)
        assert "stopped and removed" in stopped.stderr, f"server left running: {stopped.stderr}"


def test_a_postgresql_database_url_selects_postgresql(database_url, tmp_path):
    settings = JobsSettings(database_url=database_url, data_dir=tmp_path)
    assert settings.jobs_url.startswith("postgresql+psycopg://")
    assert JobsSettings(database_url="sqlite:///x.db", data_dir=tmp_path).jobs_url == f"sqlite:///{tmp_path / 'jobs.db'}"


def test_import_and_search_on_postgresql(database_url, tmp_path):
    store = JobStore.from_settings(JobsSettings(database_url=database_url, data_dir=tmp_path))
    assert store.dialect == "postgresql"
    report = import_jobs(SAMPLE_FILE, store=store, today=TODAY, shift_dates=True, replace=True)
    assert report.skipped == [] and report.inserted == report.rows
    again = import_jobs(SAMPLE_FILE, store=store, today=TODAY, shift_dates=True)
    assert again.updated == report.rows and store.count() == report.rows

    sqlite = JobStore(f"sqlite:///{tmp_path / 'jobs.db'}")
    import_jobs(SAMPLE_FILE, store=sqlite, today=TODAY, shift_dates=True)
    for kwargs in ({"district": "永康區", "nature": "part_time"}, {"keyword": "門市"}, {"keyword": "店"},
                   {"min_salary": 210, "salary_period": "hourly"}, {"min_salary": 50000},
                   {"keyword": "工程師", "district": "東區"}):
        on_pg = search_jobs(store=store, today=TODAY, page_size=100, **kwargs)
        on_sqlite = search_jobs(store=sqlite, today=TODAY, page_size=100, **kwargs)
        assert on_pg.total > 0, kwargs
        assert [j.id for j in on_pg.jobs] == [j.id for j in on_sqlite.jobs], kwargs
