"""First run of the console: the secret `labourbot serve` generates into the data folder (once, owner-only,
a configured secret wins), the cookie mode that follows from it, the first administrator made with the
command `serve` prints, and the roles the CLI accepts."""

from __future__ import annotations

import os
import shlex
import stat
import subprocess

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from cases.config import CONSOLE_SECRET_FILE, CaseSettings, generated_console_secret
from cases.service import active_admin_exists, authenticate
from cli.main import app
from cli.serve import Stack, StackConfig, console_notes
from labourbot.config import PROJECT_ROOT

pytestmark = pytest.mark.cases

CONFIGURED = "configured-console-secret-0123456789abcdef"
runner = CliRunner()


def settings(tmp_path, **values) -> CaseSettings:
    return CaseSettings(_env_file=None, data_dir=tmp_path, **values)  # type: ignore[call-arg]


def test_the_generated_secret_is_written_once_owner_only_and_reused(tmp_path):
    data = tmp_path / "var"
    assert generated_console_secret(data) == ""  # reading never creates
    assert not (data / CONSOLE_SECRET_FILE).exists()
    first = generated_console_secret(data, create=True)
    path = data / CONSOLE_SECRET_FILE
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert generated_console_secret(data, create=True) == first
    assert generated_console_secret(data) == first
    assert generated_console_secret(tmp_path / "other", create=True) != first  # random, not derived


def test_a_secret_file_copied_with_a_loose_mode_is_tightened(tmp_path):
    path = tmp_path / CONSOLE_SECRET_FILE
    path.write_text("x" * 40)
    path.chmod(0o644)
    assert generated_console_secret(tmp_path) == "x" * 40
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_without_any_secret_the_console_stays_off_and_nothing_is_written(tmp_path):
    cases = settings(tmp_path)
    assert cases.console_key() is None
    assert "LABOURBOT_CONSOLE_SECRET is not set" in cases.console_problem
    assert not (tmp_path / CONSOLE_SECRET_FILE).exists()


def test_serve_mode_generates_a_secret_with_plain_http_cookies_on_loopback(tmp_path):
    key = settings(tmp_path).console_key(create=True)
    assert key is not None and key.generated and not key.secure_cookies and key.loopback_only
    assert key.secret == (tmp_path / CONSOLE_SECRET_FILE).read_text().strip()
    again = settings(tmp_path).console_key()  # the gateway reads what serve wrote
    assert again == key


def test_a_configured_secret_wins_and_keeps_secure_cookies(tmp_path):
    generated_console_secret(tmp_path, create=True)
    key = settings(tmp_path, console_secret=SecretStr(CONFIGURED)).console_key(create=True)
    assert key is not None and key.secret == CONFIGURED and not key.generated
    assert key.secure_cookies and not key.loopback_only
    plain = settings(tmp_path, console_secret=SecretStr(CONFIGURED), console_cookie_secure=False).console_key()
    assert plain is not None and plain.loopback_only  # plain http by choice: loopback only as well


def test_a_configured_secret_that_is_too_short_keeps_the_console_off_even_with_a_file(tmp_path):
    generated_console_secret(tmp_path, create=True)
    cases = settings(tmp_path, console_secret=SecretStr("short"))
    assert cases.console_key(create=True) is None
    assert "at least 32" in cases.console_problem


def test_a_stack_writes_the_secret_unless_one_is_configured(tmp_path):
    Stack(StackConfig.ephemeral(tmp_path / "a"))
    assert len((tmp_path / "a" / CONSOLE_SECRET_FILE).read_text().strip()) >= 32
    Stack(StackConfig.ephemeral(tmp_path / "b", extra_env={"LABOURBOT_CONSOLE_SECRET": CONFIGURED}))
    assert not (tmp_path / "b" / CONSOLE_SECRET_FILE).exists()


# ---- the first administrator ----------------------------------------------------------------------------


def _run_printed(command: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a printed command line as a shell would: leading NAME=value words set the environment."""
    words = shlex.split(command)
    extra = {}
    while words and "=" in words[0] and not words[0].startswith(("/", ".")):
        name, value = words.pop(0).split("=", 1)
        extra[name] = value
    return subprocess.run(words, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
                          env={**os.environ, **env, **extra})


def test_serve_prints_a_runnable_command_that_makes_the_first_admin_once(tmp_path, case_db_url, case_store):
    stack = Stack(StackConfig.ephemeral(tmp_path / "data", extra_env={"DATABASE_URL": case_db_url}))
    notes = "\n".join(console_notes(stack))
    assert f"{stack.config.gateway_url}/console" in notes and "只接受本機" in notes
    command = next(line.strip() for line in notes.splitlines() if "create-admin" in line)
    assert f"LABOURBOT_DATA_DIR={tmp_path / 'data'}" in command

    made = _run_printed(command, {"DATABASE_URL": case_db_url})
    assert made.returncode == 0, made.stderr
    password = next(line.split("：", 1)[1].strip() for line in made.stdout.splitlines() if "初始密碼" in line)
    assert len(password) >= 16
    with case_store.session() as s:
        user = authenticate(s, "admin", password)
        assert user is not None and user.role == "admin"
        assert active_admin_exists(s)
    assert "create-admin" not in "\n".join(console_notes(stack))  # said while no admin exists only

    again = _run_printed(command, {"DATABASE_URL": case_db_url})
    assert again.returncode == 2 and "已經有管理者" in again.stderr and "初始密碼" not in again.stdout


def test_create_admin_reads_a_password_from_stdin_and_checks_it(case_db_url, case_store):
    env = {"DATABASE_URL": case_db_url}
    short = runner.invoke(app, ["staff", "create-admin", "boss", "--password-stdin"], input="short\n", env=env)
    assert short.exit_code == 2 and "至少" in short.output
    made = runner.invoke(app, ["staff", "create-admin", "boss", "--password-stdin"],
                         input="a long enough password\n", env=env)
    assert made.exit_code == 0, made.output
    assert "初始密碼" not in made.output  # nothing generated, nothing shown
    with case_store.session() as s:
        assert authenticate(s, "boss", "a long enough password").role == "admin"


def test_a_deactivated_admin_does_not_count_as_the_first_admin(case_db_url, case_store, make_staff):
    make_staff("old-boss", "admin")
    env = {"DATABASE_URL": case_db_url}
    assert runner.invoke(app, ["staff", "deactivate", "old-boss"], env=env).exit_code == 0
    with case_store.session() as s:
        assert not active_admin_exists(s)
    assert runner.invoke(app, ["staff", "create-admin"], env=env).exit_code == 0


def test_add_user_accepts_the_supervisor_role_and_refuses_unknown_ones(case_db_url, case_store, staff_password):
    env = {"DATABASE_URL": case_db_url}
    ok = runner.invoke(app, ["staff", "add-user", "lee", "--role", "supervisor", "--password-stdin"],
                       input=staff_password + "\n", env=env)
    assert ok.exit_code == 0, ok.output
    with case_store.session() as s:
        assert authenticate(s, "lee", staff_password).role == "supervisor"
    bad = runner.invoke(app, ["staff", "add-user", "kao", "--role", "boss", "--password-stdin"],
                        input=staff_password + "\n", env=env)
    assert bad.exit_code == 2 and "supervisor" in bad.output
