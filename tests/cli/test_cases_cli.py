"""`labourbot cases ...` and `labourbot staff ...` in a subprocess, on a fresh database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from cases.db import head_revision
from cases.models import Case, StaffUser, utcnow
from cases.service import CaseDraft, authenticate, open_case
from labourbot.config import PROJECT_ROOT

pytestmark = pytest.mark.cases


@pytest.fixture()
def cli(case_db_url):
    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        env = {**os.environ, "DATABASE_URL": case_db_url}
        return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True,
                              input=stdin, env=env, cwd=PROJECT_ROOT, timeout=60)

    return run


def test_cases_list_json_prints_the_open_cases_oldest_first(cli, case_store):
    now = utcnow()
    with case_store.session() as s:
        newer = open_case(s, CaseDraft(sender="telegram:5", topic="wages"), now - timedelta(hours=1))[0].id
        older = open_case(s, CaseDraft(sender="line:Ux", topic="overtime"), now - timedelta(days=1))[0].id
    result = cli("cases", "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == [older, newer]
    assert set(rows[0]) >= {"id", "status", "topic", "channel", "created"}
    assert (rows[0]["status"], rows[0]["topic"], rows[0]["channel"]) == ("waiting", "overtime", "line")
    plain = cli("cases", "list")
    assert f"#{older}" in plain.stdout


def test_cases_purge_older_than_180d(cli, case_store):
    now = utcnow()
    with case_store.session() as s:
        open_case(s, CaseDraft(sender="web:w-old"), now - timedelta(days=200))
        keep = open_case(s, CaseDraft(sender="web:w-new"), now - timedelta(days=10))[0].id
    result = cli("cases", "purge", "--older-than", "180d", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["cases"] == 1
    with case_store.session() as s:
        assert [c.id for c in s.scalars(select(Case))] == [keep]
    bad = cli("cases", "purge", "--older-than", "half a year")
    assert bad.returncode == 2 and "180d" in bad.stderr


def test_staff_add_user_hashes_the_password_with_argon2(cli, case_store):
    result = cli("staff", "add-user", "wang", "--role", "admin", "--password-stdin", stdin="a-long-password-1\n")
    assert result.returncode == 0, result.stderr
    assert "wang" in result.stdout and "admin" in result.stdout
    with case_store.session() as s:
        user = s.scalars(select(StaffUser)).one()
        assert user.role == "admin" and user.password_hash.startswith("$argon2id$")
        assert "a-long-password-1" not in user.password_hash
        assert authenticate(s, "wang", "a-long-password-1") is not None
    again = cli("staff", "add-user", "wang", "--password-stdin", stdin="a-long-password-2\n")
    assert again.returncode == 2 and "已經存在" in again.stderr
    short = cli("staff", "add-user", "lee", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and "至少" in short.stderr
    role = cli("staff", "add-user", "lee", "--role", "boss", "--password-stdin", stdin="a-long-password-3\n")
    assert role.returncode == 2


def test_every_command_has_help_with_an_example(cli):
    for command in (("cases", "list"), ("cases", "purge"), ("cases", "migrate"), ("staff", "add-user")):
        result = cli(*command, "--help")
        assert result.returncode == 0 and "Example:" in result.stdout, command
    migrate = cli("cases", "migrate")
    assert migrate.returncode == 0 and f"{head_revision()}（最新 {head_revision()}）" in migrate.stdout
