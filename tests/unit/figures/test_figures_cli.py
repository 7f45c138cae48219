"""`labourbot stats` (--json, --csv, --since, --until) on the scripted figures of test_figures_compute."""

from __future__ import annotations

import csv
import io
import json

import pytest
from test_figures_compute import SINCE, UNTIL, scripted
from typer.testing import CliRunner

from cli.main import app
from figures.compute import compute, rows

pytestmark = pytest.mark.cases
RANGE = ["--since", SINCE.isoformat(), "--until", UNTIL.isoformat()]


@pytest.fixture()
def stats(monkeypatch, case_db_url, case_store, tmp_path):
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    monkeypatch.setenv("LABOURBOT_DATA_DIR", str(tmp_path))
    with case_store.session() as session:
        scripted(session)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["stats", *args])


def test_json_has_the_messages_total_and_the_same_figures_as_compute(stats, case_store):
    result = stats("--json", *RANGE)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["messages"] == 38 and data["since"] == "2026-12-01" and data["until"] == "2026-12-07"
    assert data["answers"]["did_you_mean"] == "<5" and data["quiz"]["takers"] == 6
    with case_store.read() as session:
        assert data == json.loads(json.dumps(compute(session, SINCE, UNTIL).public()))


def test_since_and_until_are_inclusive_taipei_days(stats):
    one_day = json.loads(stats("--json", "--since", "2026-12-02", "--until", "2026-12-02").output)
    assert one_day["messages"] == 16 and [d["day"] for d in one_day["per_day"]] == ["2026-12-02"]
    last = json.loads(stats("--json", "--since", "2026-12-07", "--until", "2026-12-07").output)
    assert last["messages"] == "<5"
    none = json.loads(stats("--json", "--since", "2026-12-08", "--until", "2026-12-09").output)
    assert none["messages"] == "<5", "12-08 00:00 Taipei is the first moment of 12-08"


def test_csv_is_the_rows_of_the_public_figures(stats, case_store):
    result = stats("--csv", *RANGE)
    assert result.exit_code == 0
    parsed = list(csv.reader(io.StringIO(result.output)))
    assert parsed[0] == ["figure", "item", "value"]
    with case_store.read() as session:
        expected = [[f, i, str(v)] for f, i, v in rows(compute(session, SINCE, UNTIL).public())]
    assert parsed[1:] == expected


def test_the_summary_and_bad_input(stats):
    summary = stats(*RANGE)
    assert summary.exit_code == 0 and "訊息 38" in summary.output and "知識庫回答 8" in summary.output
    bad = stats("--since", "2026/12/01")
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output
    reversed_range = stats("--since", "2026-12-07", "--until", "2026-12-01")
    assert reversed_range.exit_code == 1 and "晚於" in reversed_range.output
    assert stats("--json", "--csv").exit_code != 0
