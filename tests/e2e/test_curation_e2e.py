"""The curation queue end to end on a real stack of its own (Rasa, action server, gateway; a private case
database): staff draft an entry from a queued question in the console, an administrator approves it,
and the next `labourbot ask` with that question answers with it, with no restart."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from sqlalchemy import select

from cases.config import CaseSettings
from cases.db import CaseStore
from cli.serve import Stack, StackConfig
from curation.models import KBDraft
from curation.testing import PAD
from figures.models import UnansweredQuestion
from knowledge_base.laws import LawStore
from labourbot.config import PROJECT_ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.cases]

SECRET = "e2e-curation-secret-0123456789abcdefghij"
SHARED_KB = PROJECT_ROOT / "var" / "test-stack"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
QUESTION = "颱風天政府宣布停班停課，老闆可以扣我薪水嗎"
TITLE = "颱風停班日的工資與全勤（後台新增）"


def labourbot(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True,
                          input=stdin, cwd=PROJECT_ROOT, env={**os.environ, **env}, timeout=180)


def _prepare_knowledge_base(data: Path, env: dict[str, str]) -> None:
    if (SHARED_KB / "index").is_dir() and (SHARED_KB / "laws").is_dir():
        for name in ("index", "laws"):
            shutil.copytree(SHARED_KB / name, data / name)
        return
    law = PROJECT_ROOT.parent / "shared" / "law" / "ChLaw-labour.json"
    for args in (["kb", "import-law", str(law)], ["kb", "build"]):
        done = labourbot({**env, "LABOURBOT_DATA_DIR": str(data)}, *args)
        assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def curation_stack(tmp_path_factory, staff_password_value) -> Iterator[tuple[Stack, CaseStore, dict[str, str]]]:
    from fakes.case_db import fresh_database

    data = tmp_path_factory.mktemp("curation-stack")
    with fresh_database(data) as db_url:
        env = {"DATABASE_URL": db_url, "LABOURBOT_CONSOLE_SECRET": SECRET, "LABOURBOT_CONSOLE_COOKIE_SECURE": "false",
               "LABOURBOT_KB_REFRESH_S": "0"}
        _prepare_knowledge_base(data, env)
        for name, role in (("e2e-staff", "staff"), ("e2e-admin", "admin")):
            added = labourbot(env, "staff", "add-user", name, "--role", role, "--password-stdin",
                              stdin=staff_password_value + "\n")
            assert added.returncode == 0, added.stderr
        stack = Stack(StackConfig.ephemeral(data, extra_env=env))
        store = CaseStore(CaseSettings(_env_file=None, database_url=db_url))  # type: ignore[call-arg]
        try:
            with stack:
                yield stack, store, {**env, "LABOURBOT_GATEWAY_URL": stack.config.gateway_url,
                                     "LABOURBOT_DATA_DIR": str(data)}
        finally:
            store.dispose()


def login(client: httpx.Client, name: str, password: str) -> str:
    client.cookies.clear()
    token = CSRF.search(client.get("/console/login").text).group(1)
    assert client.post("/console/login", data={"name": name, "password": password, "csrf": token}).status_code == 303
    return CSRF.search(client.get("/console/curation").text).group(1)


def ask(env: dict[str, str], text: str) -> dict:
    done = labourbot(env, "ask", "--json", text)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_entry_drafted_and_approved_in_the_console_answers_the_next_question(curation_stack,
                                                                                staff_password_value) -> None:
    stack, store, env = curation_stack
    before = ask(env, QUESTION)
    assert TITLE not in before["text"]
    with store.session() as s:
        row = UnansweredQuestion(channel="rest", conversation="e" * 32, reason="not_sure", text=QUESTION,
                                 offered=[], language="zh", status="new")
        s.add(row)
        s.flush()
        qid = row.id
    article = {a.citation: a.text for law in LawStore(Path(env["LABOURBOT_DATA_DIR"]) / "laws").load_all()
               for a in law.articles}["勞動基準法第24條"]
    quote = article.split("\n")[0][:20]  # a fragment of the article as it was imported: verbatim by construction
    answer = ("縣市政府宣布停止上班時，勞工可以不出勤，雇主不能記曠職，也不能因此扣全勤獎金或做其他不利處分；"
              "這一天有沒有工資，要看勞動契約或工作規則的約定。仍然出勤的，延長工時的部分依加班規定加給工資。" + PAD)
    with httpx.Client(base_url=stack.config.gateway_url, timeout=60.0) as client:
        token = login(client, "e2e-staff", staff_password_value)
        assert QUESTION in client.get("/console/curation").text
        saved = client.post("/console/curation/draft", data={
            "csrf": token, "ids": str(qid), "title": TITLE, "topic": "wages", "answer": answer, "audience": ["worker"],
            "questions": "\n".join([QUESTION, "颱風假沒去上班會被扣全勤嗎", "颱風停班那天薪水怎麼算"]),
            "citations": "勞基法第24條", "evidence": f"勞動基準法第24條｜{quote}"})
        assert saved.status_code == 303, saved.text
        with store.read() as s:
            draft_id = s.scalars(select(KBDraft.id)).one()
        token = login(client, "e2e-admin", staff_password_value)
        assert client.post(f"/console/curation/drafts/{draft_id}/approve", data={"csrf": token}).status_code == 303
    after = ask(env, QUESTION)
    assert TITLE in after["text"] or answer[:30] in after["text"], after["text"]
    assert "勞動基準法第24條" in after["citations"]
