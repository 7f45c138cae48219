"""A mediation application end to end on a real stack of its own (Rasa, action server, gateway; a
private case database) with the fake LINE API: from 「我要申請調解」 through the form (consent, applicant,
employer, disputes, facts, amounts, way of mediating, summary) to the case number and the PDF link on
LINE, then the application on the console's case page and its PDF downloaded by staff."""

from __future__ import annotations

import re
from typing import Iterator

import httpx
import pypdfium2 as pdfium
import pytest
from test_handoff_e2e import SECRET, HandoffStack, _prepare_knowledge_base, labourbot, line_say
from fakes.fake_line import FakeLineApi
from fakes.fake_telegram import FakeTelegramApi
from fakes.payloads import line_user
from fakes.plugin import channel_env
from fakes.secrets import LINE_TOKEN, TELEGRAM_TOKEN

from cases.config import CaseSettings
from cases.db import CaseStore
from cases.mediation_models import MediationApplication
from cases.models import MEDIATION, Case
from cli.serve import Stack, StackConfig

pytestmark = [pytest.mark.e2e, pytest.mark.cases]
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/mediation/(\d+)\.pdf\?t=[0-9a-f]+)")


@pytest.fixture(scope="module")
def mediation(tmp_path_factory, staff_password_value) -> Iterator[HandoffStack]:
    from fakes.case_db import fresh_database

    data = tmp_path_factory.mktemp("mediation-stack")
    line = FakeLineApi(access_token=LINE_TOKEN).start()
    telegram = FakeTelegramApi(token=TELEGRAM_TOKEN).start()
    with fresh_database(data) as db_url:
        env = {**channel_env(line.url, telegram.url), "DATABASE_URL": db_url,
               "LABOURBOT_CONSOLE_SECRET": SECRET, "LABOURBOT_CONSOLE_COOKIE_SECURE": "false",
               "LABOURBOT_OUTBOX_POLL_S": "0.2",
               "LABOURBOT_RATE_BURST": "40"}  # the test answers at once; a person types slower than 1 per 2 s
        _prepare_knowledge_base(data, env)
        added = labourbot(env, "staff", "add-user", "e2e-mia", "--role", "staff", "--password-stdin",
                          stdin=staff_password_value + "\n")
        assert added.returncode == 0, added.stderr
        config = StackConfig.ephemeral(data, extra_env=env)
        config.extra_env["LABOURBOT_PUBLIC_URL"] = config.gateway_url  # the worker's PDF link
        stack = Stack(config)
        store = CaseStore(CaseSettings(_env_file=None, database_url=db_url))  # type: ignore[call-arg]
        try:
            with stack, httpx.Client(base_url=stack.config.gateway_url, timeout=60.0) as client:
                yield HandoffStack(stack, line, telegram, store, env, client)
        finally:
            store.dispose()
            line.stop()
            telegram.stop()


def pdf_text(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def test_a_line_user_applies_for_mediation_and_staff_download_the_pdf(mediation, staff_password_value):
    h, user = mediation, line_user()
    notice = line_say(h, user, "我要申請調解")
    assert "勞資爭議調解申請書" in notice and "個人資料" in notice and "勞資爭議處理法第9條" in notice
    steps = [("同意", "姓名"), ("林美玲", "電話"), ("0912-345-678", "住址"), ("臺南市永康區中華路1號", "雇主"),
             ("大發工業社", "營業地址"), ("臺南市安南區工業一路5號", "負責人"), ("略過", "爭議"),
             ("資遣費", "事情經過"), ("做了五年，上個月公司說業務緊縮把我資遣，沒有給資遣費。", "金額"),
             ("資遣費 80000", "調解方式"), ("指派調解人", "摘要")]
    for answer, asked in steps:
        said = line_say(h, user, answer)
        assert asked in said, (answer, said)
    assert "大發工業社" in said and "資遣費 80,000 元" in said and "確認送出" in said
    # an edit goes back to the question and then to the summary again
    assert "雇主" in line_say(h, user, "修改雇主")
    line_say(h, user, "大發工業股份有限公司")
    line_say(h, user, "臺南市安南區工業一路5號")
    assert "摘要" in line_say(h, user, "黃大發")
    done = line_say(h, user, "確認送出")
    assert "案件編號 #" in done and "3 日內" in done and "永華市政中心" in done
    link, case_id = LINK.search(done).groups()
    case_id = int(case_id)

    with h.store.session() as s:
        case = s.get(Case, case_id)
        assert case.kind == MEDIATION and case.sender == f"line:{user}"
        data = s.get(MediationApplication, case_id).data
    assert data["employer"] == {"name": "大發工業股份有限公司", "address": "臺南市安南區工業一路5號",
                                "representative": "黃大發"}
    assert data["claims"] == [{"item": "severance", "amount": 80000, "source": "user"}]

    # the worker's link
    own = httpx.get(link, timeout=60)
    assert own.status_code == 200 and "林美玲" in pdf_text(own.content)

    # the bot still answers the worker: a mediation case does not hold the conversation
    assert "轉給負責案件" not in line_say(h, user, "特休怎麼算")

    # staff: the list by kind, the case page, the PDF
    client = h.client
    client.cookies.clear()
    token = CSRF.search(client.get("/console/login").text).group(1)
    assert client.post("/console/login", data={"name": "e2e-mia", "password": staff_password_value,
                                               "csrf": token}).status_code == 303
    listing = client.get("/console/cases", params={"kind": "mediation"}).text
    assert f'data-case="{case_id}"' in listing
    page = client.get(f"/console/cases/{case_id}").text
    assert "勞資爭議調解申請" in page and "大發工業股份有限公司" in page
    pdf = client.get(f"/console/cases/{case_id}/mediation.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for field in ("林美玲", "0912-345-678", "大發工業股份有限公司", "黃大發", "80,000 元", "資遣", "指派調解人"):
        assert field in text


def test_a_severance_just_calculated_is_offered_as_the_amount(mediation):
    h, user = mediation, line_user()
    result = line_say(h, user, "幫我算資遣費，月薪4萬，2020年1月1日到職，2026年11月30日離職")
    amount = re.search(r"結果：([\d,]+) 元", result)
    assert amount, result
    line_say(h, user, "我要申請調解")
    for answer in ("同意", "陳志明", "06-2991111", "臺南市北區公園路2號", "好好科技有限公司", "臺南市東區林森路一段3號",
                   "略過", "資遣費"):
        line_say(h, user, answer)
    asked = line_say(h, user, "被資遣但公司一直拖著不給資遣費。")
    assert f"資遣費 {amount.group(1)} 元" in asked and "用試算的資遣費" in asked
    assert "調解方式" in line_say(h, user, "用試算的資遣費")
    summary = line_say(h, user, "組成勞資爭議調解委員會")
    assert f"資遣費 {amount.group(1)} 元" in summary and "組成勞資爭議調解委員會" in summary
    assert "已取消" in line_say(h, user, "取消申請")  # and nothing is kept
    with h.store.session() as s:
        assert s.query(Case).filter(Case.sender == f"line:{user}").count() == 0
