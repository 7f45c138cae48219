"""Mediation applications in the console (in process: the gateway app with its lifespan, a fresh case
database): the list's kind filter and badge, the application's panel, a correction (CSRF, audit, thread),
the PDF for staff and for the worker's signed link, and no personal data in the logs."""

from __future__ import annotations

import logging
import re
from typing import AsyncIterator

import httpx
import pypdfium2 as pdfium
import pytest
from sqlalchemy import select

from cases.mediation import Application, Claim, application_of, pdf_token, submit
from cases.models import AuditEvent
from cases.service import CaseDraft, open_case
from channels.app import create_app
from channels.settings import ChannelSettings
from cli.serve import free_port
from labourbot.config import Settings

pytestmark = pytest.mark.cases

SECRET = "console-test-secret-0123456789abcdefghij"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SENDER = "line:Umedconsole"
PHONE = "0912-345-678"


@pytest.fixture()
async def client(monkeypatch, case_db_url, case_store, tmp_path) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("DATABASE_URL", case_db_url)
    monkeypatch.setenv("LABOURBOT_CONSOLE_SECRET", SECRET)
    monkeypatch.setenv("LABOURBOT_CONSOLE_COOKIE_SECURE", "false")
    settings = Settings(_env_file=None, rasa_url=f"http://127.0.0.1:{free_port()}", data_dir=tmp_path)
    app = create_app(settings, ChannelSettings(_env_file=None))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as c:
            yield c


async def login(client: httpx.AsyncClient, name: str, password: str) -> None:
    client.cookies.clear()
    token = CSRF.search((await client.get("/console/login")).text).group(1)
    assert (await client.post("/console/login", data={"name": name, "password": password, "csrf": token})
            ).status_code == 303


def file_application(store) -> int:
    app = Application(applicant_name="林美玲", applicant_phone=PHONE, applicant_address="臺南市永康區中華路1號",
                      employer_name="大發工業社", employer_address="臺南市安南區工業一路5號",
                      disputes=["overtime"], facts="每天加班兩小時都沒有加班費。",
                      claims=[Claim("overtime", 24000, "calculator")], consent_at="2026-12-05T01:00:00+00:00")
    with store.session() as s:
        open_case(s, CaseDraft(sender="line:Uquestion", summary="問題"))
        return submit(s, SENDER, app)[0].id


def pdf_text(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


async def test_staff_see_filter_correct_and_download(client, case_store, make_staff, staff_password, caplog):
    make_staff("alice")
    case_id = file_application(case_store)
    await login(client, "alice", staff_password)
    listing = (await client.get("/console/cases?kind=mediation")).text
    assert f'data-case="{case_id}"' in listing and listing.count('class="case-row') == 1
    assert "調解申請" in listing and PHONE not in listing  # masked in the list
    everything = (await client.get("/console/cases")).text
    assert everything.count('class="case-row') == 2 and "諮詢轉真人" in everything

    page = await client.get(f"/console/cases/{case_id}")
    assert page.status_code == 200
    for part in ("勞資爭議調解申請", "林美玲", "大發工業社", 'value="24000"', "小幫手試算", "下載申請書 PDF"):
        assert part in page.text
    token = CSRF.search(page.text).group(1)

    form = {"csrf": token, "applicant_name": "林美玲", "applicant_phone": PHONE,
            "applicant_address": "臺南市永康區中華路1號", "employer_name": "大發工業股份有限公司",
            "employer_address": "臺南市安南區工業一路5號", "employer_representative": "黃大發",
            "other_dispute": "", "facts": "每天加班兩小時都沒有加班費。", "disputes": ["overtime", "severance"],
            "claim_overtime": "24,000", "claim_severance": "30000", "method": "mediator"}
    with caplog.at_level(logging.INFO):
        done = await client.post(f"/console/cases/{case_id}/mediation", data=form)
    assert done.status_code == 303 and done.headers["location"].endswith("done=mediation")
    with case_store.session() as s:
        row = application_of(s, case_id)
        assert row.revision == 2 and row.data["employer"]["representative"] == "黃大發"
        assert [c["amount"] for c in row.data["claims"]] == [24000, 30000]
        actions = [(a.action, a.outcome) for a in s.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id))]
    assert ("mediation_edit", "ok") in actions
    assert "黃大發" not in caplog.text and PHONE not in caplog.text

    # without the CSRF token nothing changes
    refused = await client.post(f"/console/cases/{case_id}/mediation", data={**form, "csrf": "x", "employer_name": "X"})
    assert refused.status_code == 403
    # a bad amount: back to the page with the fixed error text, nothing changed
    bad = await client.post(f"/console/cases/{case_id}/mediation", data={**form, "claim_severance": "三萬"})
    assert bad.headers["location"].endswith("error=mediation")
    assert "金額要是整數" in (await client.get(bad.headers["location"])).text

    pdf = await client.get(f"/console/cases/{case_id}/mediation.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "大發工業股份有限公司" in text and "黃大發" in text and "54,000 元" in text
    with case_store.session() as s:
        assert s.scalar(select(AuditEvent.id).where(AuditEvent.action == "mediation_pdf")) is not None


async def test_the_workers_link_opens_their_pdf_and_nothing_else(client, case_store):
    case_id = file_application(case_store)
    good = await client.get(f"/mediation/{case_id}.pdf", params={"t": pdf_token(SECRET, case_id, SENDER)})
    assert good.status_code == 200 and "林美玲" in pdf_text(good.content)
    for params in ({"t": pdf_token(SECRET, case_id, "line:Uother")}, {"t": ""}, {}):
        assert (await client.get(f"/mediation/{case_id}.pdf", params=params)).status_code == 404
    assert (await client.get(f"/mediation/{case_id + 99}.pdf",
                             params={"t": pdf_token(SECRET, case_id + 99, SENDER)})).status_code == 404


async def test_nobody_logged_in_gets_no_pdf(client, case_store):
    case_id = file_application(case_store)
    response = await client.get(f"/console/cases/{case_id}/mediation.pdf")
    assert response.status_code == 303 and "/console/login" in response.headers["location"]
