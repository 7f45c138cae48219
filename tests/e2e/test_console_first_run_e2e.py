"""The console on first run, as a new user meets it: a fresh data folder, `labourbot serve` with no console
secret and no account, the first administrator made with the very command `serve` printed, and a login
over plain http on 127.0.0.1 in a real headless browser (Debian chromium) that shows the case list.
A request from another address is refused while the console runs on the generated secret."""

from __future__ import annotations

import os
import queue
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from cases.config import CONSOLE_SECRET_FILE, CaseSettings
from cases.db import CaseStore
from cases.service import CaseDraft, TranscriptLine, open_case
from cli.serve import free_port
from labourbot.config import PROJECT_ROOT

# First run means the embedded defaults: the SQLite case store in the data folder, whatever DATABASE_URL
# says (so these are not among the `cases` tests .ci/run repeats on PostgreSQL).
pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHARED_KB = PROJECT_ROOT / "var" / "test-stack"
START_TIMEOUT_S = 240
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def _prepare_knowledge_base(data: Path, env: dict[str, str]) -> None:
    """The statutes and the search index: copied from the shared test stack, or built."""
    if (SHARED_KB / "index").is_dir() and (SHARED_KB / "laws").is_dir():
        for name in ("index", "laws"):
            shutil.copytree(SHARED_KB / name, data / name)
        return
    law = PROJECT_ROOT.parent / "shared" / "law" / "ChLaw-labour.json"
    for args in (["kb", "import-law", str(law)], ["kb", "build"]):
        subprocess.run([sys.executable, "-m", "cli.main", *args], check=True, capture_output=True,
                       cwd=PROJECT_ROOT, env=env)


class Serve:
    """`labourbot serve` in its own process group, its terminal output read line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self.process = subprocess.Popen([sys.executable, "-m", "cli.main", "serve"], cwd=PROJECT_ROOT, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, needle: str, timeout_s: float) -> str:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.lines.append(line)
            if needle in line:
                return line
        raise AssertionError(f"serve never printed {needle!r}:\n" + "\n".join(self.lines))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # Ctrl-C, as a person would
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def first_run_env(data: Path, port: int, **extra: str) -> dict[str, str]:
    """The environment of a first `labourbot serve`: this machine's, without any LABOURBOT_/LINE_/TELEGRAM_
    setting, a fresh data folder, free ports, no console secret and a blank DATABASE_URL (the data
    folder's SQLite, also for commands run with os.environ; blank beats a developer's .env)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("LABOURBOT_", "LINE_", "TELEGRAM_"))}
    env.update(DATABASE_URL="", LABOURBOT_DATA_DIR=str(data), LABOURBOT_GATEWAY_PORT=str(port),
               LABOURBOT_RASA_PORT=str(free_port()), LABOURBOT_ACTION_PORT=str(free_port()),
               LABOURBOT_CONSOLE_SECRET="", PYTHONUNBUFFERED="1", **extra)
    return env


@pytest.fixture(scope="module")
def first_run(tmp_path_factory) -> Iterator[tuple[Serve, dict[str, str], Path, int]]:
    data = tmp_path_factory.mktemp("first-run") / "var"
    data.mkdir()
    port = free_port()
    env = first_run_env(data, port)
    _prepare_knowledge_base(data, env)
    serve = Serve(env)
    try:
        yield serve, env, data, port
    finally:
        serve.stop()


def _run_printed(command: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The printed line as a shell runs it: NAME=value words first, then the program and its arguments."""
    words = shlex.split(command)
    extra = {}
    while words and "=" in words[0] and not words[0].startswith(("/", ".")):
        name, value = words.pop(0).split("=", 1)
        extra[name] = value
    return subprocess.run(words, capture_output=True, text=True, cwd=PROJECT_ROOT, env={**env, **extra},
                          timeout=120)


def test_a_fresh_serve_shows_how_to_make_the_first_admin_who_logs_in_over_http_on_loopback(first_run):
    from playwright.sync_api import expect, sync_playwright

    serve, env, data, port = first_run
    url = f"http://127.0.0.1:{port}"
    console_line = serve.wait_for("案件後台", START_TIMEOUT_S)
    assert f"{url}/console" in console_line and "只接受本機" in console_line
    command = serve.wait_for("create-admin", 10).strip()
    secret = data / CONSOLE_SECRET_FILE
    assert len(secret.read_text().strip()) >= 32 and stat.S_IMODE(secret.stat().st_mode) == 0o600

    made = _run_printed(command, env)
    assert made.returncode == 0, made.stderr
    password = next(line.split("：", 1)[1].strip() for line in made.stdout.splitlines() if "初始密碼" in line)

    store = CaseStore(CaseSettings(_env_file=None, data_dir=data, database_url=""))  # type: ignore[call-arg]
    try:
        with store.session() as s:
            case_id = open_case(s, CaseDraft(sender="webchat:first-run", topic="overtime", summary="老闆不給加班費",
                                             transcript=[TranscriptLine("user", "老闆不給加班費")]))[0].id
    finally:
        store.dispose()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-TW")
            page.goto(f"{url}/console")
            expect(page.locator("h1")).to_have_text("同仁登入")
            page.locator("input[name=name]").fill("admin")
            page.locator("input[name=password]").fill(password)
            page.locator("button[type=submit]", has_text="登入").click()
            page.wait_for_url(f"{url}/console/cases")
            expect(page.locator(".who .role")).to_have_text("（管理者）")
            row = page.locator(f'[data-case="{case_id}"]')
            expect(row).to_be_visible()
            expect(row).to_contain_text("加班")
            expect(page.locator("a.nav", has_text="帳號管理")).to_be_visible()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "console-first-run-cases-phone.png"), full_page=True)
            page.locator("a.nav", has_text="帳號管理").click()
            expect(page.locator('[data-account="admin"]')).to_contain_text("管理者")
            page.screenshot(path=str(ARTIFACTS / "console-first-run-accounts-phone.png"), full_page=True)
            # the administrator adds a supervisor; the initial password is shown on that page once
            page.locator("input[name=name]").fill("lee")
            page.locator("select[name=role]").select_option("supervisor")
            page.locator("button[type=submit]", has_text="建立帳號").click()
            expect(page.locator('[data-account="lee"] [data-role]')).to_have_text("督導")
            assert len(page.locator("[data-password]").inner_text().strip()) >= 16
        finally:
            browser.close()

    # the same console, asked through an address that is not this machine's, refuses plain http
    refused = httpx.get(f"{url}/console/login", headers={"X-Forwarded-For": "198.51.100.7"}, timeout=10)
    assert refused.status_code == 403 and "只接受在這台電腦上" in refused.text
