"""Staff and administrator actions on the queue, on a fresh case database."""

from __future__ import annotations

import pytest
from curation.testing import good_draft
from sqlalchemy import select

from curation import service
from curation.models import APPROVED, DRAFT, REJECTED, KBDraft, KBExampleQuestion
from figures.models import UnansweredQuestion

pytestmark = pytest.mark.cases


def queue(store, *texts: str) -> list[int]:
    with store.session() as s:
        rows = [UnansweredQuestion(channel="web", conversation="c" * 32, reason="not_sure", text=t,
                                   offered=["overtime-pay-rate"], language="zh", status="new") for t in texts]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def test_draft_then_approve_makes_it_an_approved_entry(case_store, make_staff, articles, kb_dirs) -> None:
    staff, admin = make_staff("amy"), make_staff("boss", "admin")
    ids = queue(case_store, "颱風天停班老闆可以扣薪嗎", "颱風停班會被扣錢嗎")
    with case_store.session() as s:
        draft = service.create_draft(s, staff, good_draft(), ids, articles, ["overtime-pay-rate"])
        draft_id, entry_id = draft.id, draft.entry_id
    assert entry_id == "wages-console-1"
    with case_store.session() as s:
        assert [(q.status, q.entry_id, q.handled_by) for q in s.scalars(select(UnansweredQuestion))] == [
            ("drafted", entry_id, staff.id)] * 2
        with pytest.raises(service.CurationError, match="只有管理者"):
            service.approve(s, staff, draft_id, articles, [])
    with case_store.session() as s:
        row = service.approve(s, admin, draft_id, articles, [])
        assert (row.status, row.reviewed_by) == (APPROVED, admin.id)
    with case_store.session() as s:
        known = service.catalogue(s, kb_dirs[1])
        assert known.entries[entry_id].title == good_draft().title
        with pytest.raises(service.CurationError, match="已經審核過"):
            service.reject(s, admin, draft_id)


def test_a_draft_with_problems_is_not_saved_and_the_queue_is_untouched(case_store, make_staff, articles) -> None:
    staff = make_staff("amy")
    ids = queue(case_store, "颱風天停班老闆可以扣薪嗎")
    with case_store.session() as s, pytest.raises(service.CurationError) as refused:
        service.create_draft(s, staff, good_draft(citations=["勞動基準法第999條"], evidence=[]), ids, articles, [])
    assert refused.value.problems == ["引用的「勞動基準法第999條」不在已匯入的法規裡，請確認法規名稱與條號。"]
    with case_store.session() as s:
        assert s.scalars(select(KBDraft)).all() == []
        assert s.get(UnansweredQuestion, ids[0]).status == "new"


def test_a_rejected_draft_frees_its_id(case_store, make_staff, articles) -> None:
    staff, admin = make_staff("amy"), make_staff("boss", "admin")
    with case_store.session() as s:
        first = service.create_draft(s, staff, good_draft(entry_id="typhoon-pay"), [], articles, []).id
    with case_store.session() as s:
        assert service.reject(s, admin, first).status == REJECTED
    with case_store.session() as s:
        again = service.create_draft(s, staff, good_draft(entry_id="typhoon-pay"), [], articles, [])
        assert again.status == DRAFT and again.id != first
        assert s.get(KBDraft, first).entry_id == f"typhoon-pay.rejected-{first}"  # kept, not deleted
    with case_store.session() as s, pytest.raises(service.CurationError, match="已經有人使用"):
        service.create_draft(s, staff, good_draft(entry_id="typhoon-pay"), [], articles, [])


def test_attach_needs_a_known_entry_and_text_without_personal_data(case_store, make_staff, kb_dirs) -> None:
    staff = make_staff("amy")
    ids = queue(case_store, "加班費老闆不給，我電話0912***678")
    with case_store.session() as s:
        known = service.catalogue(s, kb_dirs[1])
        with pytest.raises(service.CurationError) as refused:
            service.attach(s, staff, ids, "no-such-entry", "加班費老闆不給，我電話0912***678", known)
        assert refused.value.problems == ["例句裡還有個人資料或遮蔽過的號碼（***），請改寫成不含個資的一般問法。",
                                          "請選擇一則已有的條目（用搜尋或輸入條目代號）。"]
        service.attach(s, staff, ids, "overtime-pay-rate", "老闆不給加班費怎麼辦", known)
    with case_store.session() as s:
        assert [(q.entry_id, q.text) for q in s.scalars(select(KBExampleQuestion))] == [
            ("overtime-pay-rate", "老闆不給加班費怎麼辦")]
        assert s.get(UnansweredQuestion, ids[0]).status == "attached"
        with pytest.raises(service.CurationError, match="已經有同仁處理過"):
            service.dismiss(s, staff, ids)


def test_dismiss_and_entry_search(case_store, make_staff, kb_dirs) -> None:
    staff = make_staff("amy")
    ids = queue(case_store, "你好", "謝謝")
    with case_store.session() as s:
        assert service.dismiss(s, staff, ids) == 2
        known = service.catalogue(s, kb_dirs[1])
    assert [e.id for e in known.search("加班費")][:1] == ["overtime-pay-rate"]
    assert [e.id for e in known.search("annual-leave-days")] == ["annual-leave-days"]
    assert known.search("  ") == []
