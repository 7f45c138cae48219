"""The conversation's language on cases (migration 0010, cases.models.Case.language) and the
interpreter note on staff replies to a non-Chinese conversation (cases/texts.py, cases/service.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from cases import texts
from cases.models import Case, OutboxMessage
from cases.service import CaseDraft, TranscriptLine, open_case, staff_reply

pytestmark = pytest.mark.cases


def _draft(sender: str, language: str) -> CaseDraft:
    return CaseDraft(sender=sender, topic="foreign_workers", summary="passport",
                     transcript=[TranscriptLine("user", "my boss keeps my passport")], language=language)


def test_the_migrated_column_matches_the_model(case_store) -> None:
    with case_store.session() as s:
        columns = {c["name"]: c for c in inspect(s.get_bind()).get_columns("cases")}
    column = columns["language"]
    assert column["nullable"] is False and "zh" in str(column["default"])
    assert Case.__table__.c.language.server_default is not None and not Case.__table__.c.language.nullable


def test_the_case_keeps_the_language_and_a_staff_reply_gets_the_interpreter_note(case_store, make_staff) -> None:
    alice = make_staff("alice")
    with case_store.session() as s:
        vi_id = open_case(s, _draft("line:Uvi", "vi"))[0].id
        zh_id = open_case(s, _draft("line:Uzh", "zh"))[0].id
        odd_id = open_case(s, _draft("line:Uodd", "xx"))[0].id
    with case_store.session() as s:
        assert [s.get(Case, i).language for i in (vi_id, zh_id, odd_id)] == ["vi", "zh", "zh"]
        staff_reply(s, vi_id, alice, "您好，護照不能被扣留。")
        staff_reply(s, zh_id, alice, "您好")
    with case_store.session() as s:
        rows = {r.address: r.payload["text"] for r in
                s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "staff_reply"))}
    assert rows["Uvi"] == f"{texts.STAFF_PREFIX}您好，護照不能被扣留。\n{texts.INTERPRETER_NOTES['vi']}"
    assert rows["Uzh"] == f"{texts.STAFF_PREFIX}您好"


def test_interpreter_notes_cover_the_four_languages_and_point_to_1955() -> None:
    assert set(texts.INTERPRETER_NOTES) == set(texts.CASE_LANGUAGES) - {"zh"}
    assert all("1955" in note for note in texts.INTERPRETER_NOTES.values())
    assert texts.interpreter_note("zh") == texts.interpreter_note(None) == ""
