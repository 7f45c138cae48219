"""`labourbot kb export`: approved console entries into YAML the knowledge base loads and validates."""

from __future__ import annotations

import pytest
from curation.testing import good_draft
from sqlalchemy import select

from curation import service
from curation.export import add_question, export
from curation.models import KBDraft, KBExampleQuestion
from figures.models import UnansweredQuestion
from knowledge_base.entries import load_entries, validate_entries

pytestmark = pytest.mark.cases


def setup_rows(store, make_staff, articles, entries_dir) -> None:
    staff, admin = make_staff("amy"), make_staff("boss", "admin")
    with store.session() as s:
        rows = [UnansweredQuestion(channel="web", conversation="c" * 32, reason="not_sure", text=t, offered=[],
                                   language="zh", status="new") for t in ("加班費老闆不給", "颱風停班要上班嗎")]
        s.add_all(rows)
        s.flush()
        known = service.catalogue(s, entries_dir)
        service.attach(s, staff, [rows[0].id], "overtime-pay-rate", "老闆一直不給加班費怎麼辦", known)
        draft_id = service.create_draft(s, staff, good_draft(), [], articles, []).id
    with store.session() as s:
        service.approve(s, admin, draft_id, articles, [])
    with store.session() as s:
        known = service.catalogue(s, entries_dir)
        service.attach(s, staff, [rows[1].id], "wages-console-1", "颱風停班那天還要去上班嗎", known)


def test_export_round_trip_and_idempotence(case_store, make_staff, articles, kb_dirs) -> None:
    entries_dir = kb_dirs[1]
    setup_rows(case_store, make_staff, articles, entries_dir)
    with case_store.session() as s:
        report = export(s, entries_dir)
    assert sorted(f.name for f in report.files) == ["overtime.yml", "wages.console.yml"]
    assert report.entries == ["wages-console-1"] and report.skipped == []
    assert report.questions == ["overtime-pay-rate: 老闆一直不給加班費怎麼辦"]
    loaded = load_entries(entries_dir)
    assert validate_entries(loaded, articles) == []
    by_id = loaded.by_id()
    assert by_id["wages-console-1"].questions == (*good_draft().questions, "颱風停班那天還要去上班嗎")
    assert by_id["wages-console-1"].answer == good_draft().answer and by_id["wages-console-1"].topic == "wages"
    assert by_id["overtime-pay-rate"].questions[-1] == "老闆一直不給加班費怎麼辦"
    with case_store.read() as s:
        assert all(d.exported_at for d in s.scalars(select(KBDraft)))
        assert all(q.exported_at for q in s.scalars(select(KBExampleQuestion)))
    texts = {f.name: f.read_text(encoding="utf-8") for f in entries_dir.glob("*.yml")}
    with case_store.session() as s:
        again = export(s, entries_dir)
    assert again.files == [] and again.questions == []
    assert {f.name: f.read_text(encoding="utf-8") for f in entries_dir.glob("*.yml")} == texts


def test_export_to_another_folder_keeps_entries_it_does_not_know(case_store, make_staff, articles, kb_dirs,
                                                                 tmp_path) -> None:
    setup_rows(case_store, make_staff, articles, kb_dirs[1])
    out = tmp_path / "out"
    out.mkdir()
    (out / "wages.console.yml").write_text(
        "topic: wages\nentries:\n  - id: wages-console-0\n    title: 舊的\n    questions: [a, b, c]\n"
        "    answer: x\n    audience: [worker]\n", encoding="utf-8")
    with case_store.session() as s:
        export(s, out, kb_dirs[1])
    ids = [e.id for e in load_entries(out, strict=False).entries]
    assert ids == ["wages-console-0", "wages-console-1"]


def test_add_question_refuses_a_full_or_flow_style_list(tmp_path) -> None:
    path = tmp_path / "wages.yml"
    path.write_text("topic: wages\nentries:\n  - id: a\n    title: t\n    questions: [q1, q2, q3]\n    answer: x\n",
                    encoding="utf-8")
    assert add_question(path, "a", "q4") == "條目的例句不是逐行列出，無法自動加入"
    assert add_question(path, "a", "q1") == "present"
    assert add_question(path, "b", "q1") == "檔案裡找不到這則條目"
    full = "".join(f"      - q{i}\n" for i in range(8))
    path.write_text(f"topic: wages\nentries:\n  - id: a\n    title: t\n    questions:\n{full}    answer: x\n",
                    encoding="utf-8")
    assert add_question(path, "a", "q9") == "例句已滿 8 句"


def test_the_cli_command_exports_and_reports(case_store, make_staff, articles, kb_dirs, monkeypatch) -> None:
    import json

    from typer.testing import CliRunner

    from cli.main import app

    setup_rows(case_store, make_staff, articles, kb_dirs[1])
    monkeypatch.setenv("DATABASE_URL", case_store.url)
    runner = CliRunner()
    first = runner.invoke(app, ["kb", "export", "--entries", str(kb_dirs[1]), "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert report["entries"] == ["wages-console-1"] and len(report["files"]) == 2
    again = runner.invoke(app, ["kb", "export", "--entries", str(kb_dirs[1])])
    assert again.exit_code == 0 and "檔案沒有變動" in again.output
