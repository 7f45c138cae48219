"""Mediation applications in the case store: one open mediation case per conversation beside a question
case, the application's JSON, staff corrections, purge; and the law behind every number the bot states."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cases.mediation import (
    APPOINT_DAYS,
    PROPOSAL_DAYS,
    START_DAYS,
    Application,
    Claim,
    application_of,
    console_panel,
    correct,
    next_steps_text,
    pdf_token,
    pdf_token_ok,
    submit,
)
from cases.mediation_models import MediationApplication
from cases.models import ASSIGNED, MEDIATION, QUESTION, Case, CaseMessage, OutboxMessage, utcnow
from cases.service import (
    CaseDraft,
    CaseError,
    CaseFilter,
    Forbidden,
    assign,
    list_cases,
    open_case,
    open_case_for,
    purge,
    route_user_message,
)

pytestmark = pytest.mark.cases
SENDER = "line:Umed"


def application(**kw) -> Application:
    base = dict(applicant_name="王小明", applicant_phone="0912-345-678", applicant_address="臺南市東區大學路1號",
                employer_name="好運餐飲有限公司", employer_address="臺南市中西區民生路二段100號",
                disputes=["wage_arrears", "severance"], facts="十月起沒發薪水，十一月底被資遣。",
                claims=[Claim("wage_arrears", 64000), Claim("severance", 48750, "calculator")])
    base.update(kw)
    return Application(**base)


def test_a_mediation_case_lives_beside_the_question_case(case_store):
    with case_store.session() as s:
        question, _ = open_case(s, CaseDraft(sender=SENDER, summary="想找真人"))
        case, created = submit(s, SENDER, application())
        assert created and case.kind == MEDIATION and case.id != question.id
        assert open_case_for(s, SENDER).id == question.id  # the default kind is question
        assert open_case_for(s, SENDER, MEDIATION).id == case.id
        row = application_of(s, case.id)
        assert row.data["applicant"]["name"] == "王小明"
        assert row.data["claims"][1] == {"item": "severance", "amount": 48750, "source": "calculator"}
        assert row.revision == 1
        # staff are told about it like about every case
        assert s.scalar(select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.case_id == case.id, OutboxMessage.kind == "staff_alert")) == 1


def test_a_second_application_joins_the_open_one_and_is_kept(case_store):
    with case_store.session() as s:
        first, _ = submit(s, SENDER, application())
        again, created = submit(s, SENDER, application(facts="補充：老闆也沒給特休工資。"))
        assert not created and again.id == first.id
        texts = [m.text for m in s.scalars(select(CaseMessage).where(CaseMessage.case_id == first.id))]
        assert any("補充：老闆也沒給特休工資" in t for t in texts)
        assert s.scalar(select(func.count()).select_from(MediationApplication)) == 1


def test_an_incomplete_application_is_refused(case_store):
    with case_store.session() as s, pytest.raises(CaseError, match="申請人電話"):
        submit(s, SENDER, application(applicant_phone="abc"))
    with case_store.session() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0


def test_only_a_question_case_holds_the_conversation(case_store, make_staff):
    staff = make_staff("amy")
    with case_store.session() as s:
        case_id = submit(s, SENDER, application())[0].id
        assign(s, case_id, staff)
    with case_store.session() as s:
        assert s.get(Case, case_id).status == ASSIGNED
        held, _first = route_user_message(s, SENDER, "請問特休怎麼算")
        assert held is None  # the bot answers; the mediation case does not take the chat over
        question_id = open_case(s, CaseDraft(sender=SENDER))[0].id
        assign(s, question_id, staff)
    with case_store.session() as s:
        held, first = route_user_message(s, SENDER, "還有問題")
        assert held.id == question_id and held.kind == QUESTION and first


def test_the_list_filters_by_kind(case_store, make_staff):
    make_staff("amy")
    with case_store.session() as s:
        open_case(s, CaseDraft(sender="line:Uq"))
        med, _ = submit(s, SENDER, application())
        assert [c.id for c in list_cases(s, CaseFilter(kind=MEDIATION))] == [med.id]
        assert len(list_cases(s, CaseFilter(kind=QUESTION))) == 1
        assert len(list_cases(s, CaseFilter())) == 2


def test_staff_correct_fields_and_the_thread_names_them_not_the_values(case_store, make_staff):
    amy = make_staff("amy")
    with case_store.session() as s:
        case, _ = submit(s, SENDER, application())
    with case_store.session() as s:
        changed = correct(s, case.id, amy, {"employer_name": "好運餐飲股份有限公司", "facts": "十月起沒發薪水，十一月底被資遣。"},
                          disputes=["wage_arrears", "severance", "annual_leave"],
                          claims={"wage_arrears": "64,000", "severance": "50000"}, method="committee")
        assert changed == ["雇主名稱", "爭議類型", "請求金額", "調解方式"]
    with case_store.session() as s:
        row = application_of(s, case.id)
        assert row.revision == 2 and row.updated_by == amy.id
        assert row.data["employer"]["name"] == "好運餐飲股份有限公司"
        assert row.data["method"] == "committee"
        assert {c["item"]: c["amount"] for c in row.data["claims"]} == {"wage_arrears": 64000, "severance": 50000}
        line = s.scalars(select(CaseMessage).where(CaseMessage.case_id == case.id, CaseMessage.author == "system")).all()[-1]
        assert "雇主名稱" in line.text and "好運" not in line.text
        panel = console_panel(s, case.id)
        assert panel["revision"] == 2 and panel["method"] == "committee"
        assert ("annual_leave", "特休未休工資", True) in panel["disputes"]


def test_a_bad_correction_changes_nothing(case_store, make_staff):
    amy = make_staff("amy")
    with case_store.session() as s:
        case, _ = submit(s, SENDER, application())
    with case_store.session() as s, pytest.raises(CaseError):
        correct(s, case.id, amy, {"applicant_phone": "not a phone"})
    with case_store.session() as s, pytest.raises(CaseError):
        correct(s, case.id, amy, {}, claims={"severance": "五萬"})
    with case_store.session() as s:
        assert application_of(s, case.id).revision == 1


def test_staff_may_not_correct_a_colleagues_case(case_store, make_staff):
    amy, bob = make_staff("amy"), make_staff("bob")
    with case_store.session() as s:
        case_id = submit(s, SENDER, application())[0].id
        assign(s, case_id, amy)
    with case_store.session() as s, pytest.raises(Forbidden):
        correct(s, case_id, bob, {"employer_name": "別家"})


def test_purge_deletes_the_application_with_its_case(case_store):
    with case_store.session() as s:
        case, _ = submit(s, SENDER, application(), now=utcnow() - timedelta(days=200))
    with case_store.session() as s:
        purge(s, timedelta(days=180))
    with case_store.session() as s:
        assert s.get(Case, case.id) is None
        assert s.scalar(select(func.count()).select_from(MediationApplication)) == 0


def test_the_pdf_token_opens_one_case_of_one_conversation(case_store):
    with case_store.session() as s:
        case, _ = submit(s, SENDER, application())
        token = pdf_token("s" * 40, case.id, SENDER)
        assert pdf_token_ok("s" * 40, case, token)
        assert not pdf_token_ok("t" * 40, case, token)
        assert not pdf_token_ok("s" * 40, case, pdf_token("s" * 40, case.id, "line:Uother"))
        assert not pdf_token_ok("s" * 40, case, "")


def test_json_from_an_older_or_damaged_document_still_reads():
    app = Application.from_data({"applicant": "oops", "claims": [{"item": "x"}, {"item": "overtime", "amount": "3"}],
                                 "disputes": ["overtime", "nonsense"]})
    assert app.applicant_name == "" and app.disputes == ["overtime"]
    assert [(c.item, c.amount) for c in app.claims] == [("overtime", 3)]
    assert "缺少申請人姓名" in app.problems()


# ---- the law behind what the bot says (勞資爭議處理法, MOJ text in ../shared/law) --------------------------


@pytest.fixture(scope="module")
def articles(law_dir):
    from knowledge_base.laws import parse_law_file

    for law in parse_law_file(law_dir / "ChLaw-labour.json"):
        if law.name == "勞資爭議處理法":
            return law.article_map()
    pytest.fail("勞資爭議處理法 not in ChLaw-labour.json")


def test_article_9_the_application_goes_to_the_place_of_work(articles):
    text = articles["勞資爭議處理法第9條"].text
    assert "勞方當事人勞務提供地之直轄市或縣（市）主管機關提出調解申請書" in text


def test_article_10_what_the_application_states(articles):
    text = articles["勞資爭議處理法第10條"].text
    for item in ("當事人姓名", "住所或居所", "代表人", "請求調解事項", "調解方式"):
        assert item in text
    # the chat does not ask sex, age and occupation: the PDF leaves them to the counter
    assert "性別、年齡、職業" in text


def test_article_11_two_ways_of_mediating(articles):
    text = articles["勞資爭議處理法第11條"].text
    assert "一、指派調解人。" in text and "二、組成勞資爭議調解委員會" in text


def test_article_12_the_days_the_worker_is_told(articles):
    text = articles["勞資爭議處理法第12條"].text
    assert (APPOINT_DAYS, START_DAYS, PROPOSAL_DAYS) == (3, 7, 10)
    assert "收到調解申請書三日內為之" in text
    assert "指派之日起七日內開始進行調解" in text
    assert "開始進行調解十日內作出調解方案" in text
    said = next_steps_text(5)
    assert f"{APPOINT_DAYS} 日內指派" in said and f"{START_DAYS} 日內開始調解" in said and "第12條" in said


def test_article_8_no_dismissal_for_the_dispute_while_it_is_mediated(articles):
    text = articles["勞資爭議處理法第8條"].text
    assert "資方不得因該勞資爭議事件而歇業、停工、終止勞動契約" in text
    assert "第8條" in next_steps_text(5)


def test_deleting_a_persons_data_deletes_their_application(case_store):
    from cases.privacy import delete_person

    with case_store.session() as s:
        submit(s, SENDER, application())
        submit(s, "line:Uother", application())
    delete_person(case_store, SENDER, None)
    with case_store.session() as s:
        left = s.scalars(select(MediationApplication.case_id)).all()
        assert len(left) == 1 and s.get(Case, left[0]).sender == "line:Uother"


def test_the_migration_makes_the_table_the_model_describes(case_store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from cases.models import Base

    with case_store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    mine = [d for d in diff if "mediation_applications" in repr(d)]
    assert mine == []
