"""`labourbot kb` commands through typer's CliRunner (real bundled encoder, synthetic data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from knowledge_base import config
from cli.kb import kb_app
from knowledge_base.laws import LawStore
from knowledge_base.testing import SAMPLE_ITEMS, SAMPLE_LAW, entry, write_chlaw_json, write_entries, write_law_json

PAD = "若有疑問可以撥打1955專線詢問，或向臺南市政府勞工局申訴，勞工局會協助處理。"


@pytest.fixture()
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LABOURBOT_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LABOURBOT_ENTRIES_DIR", str(tmp_path / "entries"))
    monkeypatch.delenv("LABOURBOT_ENCODER", raising=False)
    write_entries(tmp_path / "entries", "overtime", [
        entry("overtime_pay_rate", "加班費怎麼算", "平日延長工時，前兩小時加給三分之一以上，再延長加給三分之二以上。" + PAD,
              ["加班費怎麼算", "加班費的倍率", "延長工時工資"], ["勞動基準法第24條"]),
        entry("annual_leave_days", "特休有幾天", "特別休假天數依年資計算，年資越久天數越多，雇主應主動告知。" + PAD,
              ["特休有幾天", "特別休假天數", "年假怎麼算"], ["勞動基準法第38條"]),
    ])
    return tmp_path


runner = CliRunner()


def _import(env: Path, *extra: str):
    law = write_law_json(env / "law.json", SAMPLE_LAW, "20240101", SAMPLE_ITEMS)
    return runner.invoke(kb_app, ["import-law", str(law), *extra])


def test_import_law_prints_status_and_changes(env: Path) -> None:
    first = _import(env)
    assert first.exit_code == 0, first.output
    assert "新匯入：勞動基準法（2024-01-01） 4 條" in first.output
    assert (env / "var" / "laws" / "勞動基準法.json").exists()

    items = [(lbl, "前二小時加給四分之一以上。" if lbl == "第 24 條" else txt) for lbl, txt in SAMPLE_ITEMS]
    newer = write_chlaw_json(env / "ChLaw.json", [(SAMPLE_LAW, "20240731", items)])
    second = runner.invoke(kb_app, ["import-law", str(newer)])
    assert second.exit_code == 0, second.output
    assert "已更新：勞動基準法（2024-07-31，原為 2024-01-01）" in second.output
    assert "修正：勞動基準法第24條" in second.output
    assert "需要複查的條目（引用的條文有變動）：\n  overtime_pay_rate：勞動基準法第24條" in second.output

    older = _import(env)
    assert older.exit_code == 1 and "已拒絕" in older.output and "--force" in older.output
    forced = _import(env, "--force")
    assert forced.exit_code == 0 and "已強制取代" in forced.output


def test_import_law_json_output(env: Path) -> None:
    out = _import(env, "--json")
    data = json.loads(out.stdout)
    assert data["changes"][0]["law"] == "勞動基準法" and data["changes"][0]["status"] == "new"
    assert data["needs_review"] == [] and data["errors"] == []


@pytest.mark.parametrize("content,message", [(None, "找不到"), ("{bad", "不是 UTF-8 JSON"), ("{}", "不是全國法規資料庫")])
def test_import_law_clean_errors(env: Path, content: str | None, message: str) -> None:
    path = env / "input.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = runner.invoke(kb_app, ["import-law", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("錯誤：") and message in result.output
    assert "Traceback" not in result.output


def test_import_of_a_folder_with_nothing_importable_fails(env: Path) -> None:
    folder = env / "en"
    folder.mkdir()
    (folder / "N0030001.json").write_text(json.dumps({"中文法規名稱": "勞動基準法", "法規內容": []}, ensure_ascii=False),
                                          encoding="utf-8")
    result = runner.invoke(kb_app, ["import-law", str(folder)])
    assert result.exit_code == 1 and "略過：N0030001.json: 這是英文譯本" in result.output


def test_import_law_keeps_only_selected_general_code_articles_unless_all_articles(env: Path) -> None:
    folder = str(config.shared_law_dir() / "zh-general")
    store = LawStore(env / "var" / "laws")
    selected = runner.invoke(kb_app, ["import-law", folder])
    assert selected.exit_code == 0, selected.output
    assert "新匯入：民法（2021-01-20） 40 條（選錄條文；全部匯入請加 --all-articles）" in selected.output
    assert "新匯入：中華民國刑法（2024-07-31） 4 條（選錄條文" in selected.output
    assert "新匯入：職業安全衛生設施規則（2024-08-01） 4 條（選錄條文" in selected.output
    assert len(store.load("民法").articles) == 40

    whole = runner.invoke(kb_app, ["import-law", folder, "--all-articles"])
    assert whole.exit_code == 0, whole.output
    assert "已更新：民法（2021-01-20）" in whole.output and "選錄" not in whole.output
    assert "…共 1334 條" in whole.output  # a long list of changed articles is cut short
    assert len(store.load("民法").articles) == 1374

    back = runner.invoke(kb_app, ["import-law", folder, "--json"])
    data = json.loads(back.stdout)
    assert data["selected_articles_only"] == ["民法", "中華民國刑法", "職業安全衛生設施規則"]
    civil = next(c for c in data["changes"] if c["law"] == "民法")
    assert civil["status"] == "updated" and len(civil["removed"]) == 1374 - 40
    assert len(store.load("民法").articles) == 40


def test_build_search_and_stats(env: Path) -> None:
    assert _import(env).exit_code == 0
    built = runner.invoke(kb_app, ["build"])
    assert built.exit_code == 0, built.output
    assert "索引完成：2 則條目、4 條法條" in built.output

    table = runner.invoke(kb_app, ["search", "加班費要怎麼計算", "-k", "3"])
    assert table.exit_code == 0, table.output
    assert "overtime_pay_rate" in table.output and "條目" in table.output

    js = runner.invoke(kb_app, ["search", "加班費要怎麼計算", "-k", "3", "--json"])
    hits = json.loads(js.stdout)
    assert len(hits) == 3 and hits[0]["id"] == "overtime_pay_rate"
    assert all(set(h) == {"id", "kind", "title", "topic", "citations", "score"} for h in hits)
    article = next(h for h in hits if h["kind"] == "article")
    assert article["citations"] == [article["id"]]

    named = json.loads(runner.invoke(kb_app, ["search", "勞基法第三十八條", "--json", "-k", "2"]).stdout)
    assert named[0]["id"] == "勞動基準法第38條"

    only_entries = json.loads(runner.invoke(kb_app, ["search", "特休", "--json", "--kinds", "entry"]).stdout)
    assert {h["kind"] for h in only_entries} == {"entry"} and len(only_entries) == 2

    stats = runner.invoke(kb_app, ["stats", "--json"])
    data = json.loads(stats.stdout)
    assert data["entries"] == 2 and data["articles"] == 4 and data["encoder"].startswith("use-m")
    plain = runner.invoke(kb_app, ["stats"])
    assert "勞動基準法（2024-01-01）4 條" in plain.output


def test_search_file_gives_one_json_list_per_line(env: Path) -> None:
    assert _import(env).exit_code == 0
    questions = env / "q.txt"
    questions.write_text("特休有幾天\n\n加班費怎麼算\n", encoding="utf-8")
    result = runner.invoke(kb_app, ["search", "--file", str(questions), "-k", "2"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip("\n").split("\n")
    assert len(lines) == 3
    first, blank, third = (json.loads(line) for line in lines)
    assert first[0]["id"] == "annual_leave_days" and blank == [] and third[0]["id"] == "overtime_pay_rate"
    stdin = runner.invoke(kb_app, ["search", "--file", "-", "--json"], input="加班費\n")
    assert json.loads(stdin.stdout.strip())[0]["id"] == "overtime_pay_rate"


def test_search_usage_errors(env: Path) -> None:
    neither = runner.invoke(kb_app, ["search"])
    assert neither.exit_code == 1 and "請給一個問題" in neither.output
    bad_kind = runner.invoke(kb_app, ["search", "加班", "--kinds", "faq"])
    assert bad_kind.exit_code == 1 and bad_kind.output.startswith("錯誤：") and "Traceback" not in bad_kind.output
    missing = runner.invoke(kb_app, ["search", "--file", str(env / "nope.txt")])
    assert missing.exit_code == 1 and "Traceback" not in missing.output


def test_bad_encoder_spec_is_a_clean_error(env: Path) -> None:
    result = runner.invoke(kb_app, ["search", "加班", "--encoder", "nonsense"])
    assert result.exit_code == 1 and result.output.startswith("錯誤：unknown encoder spec")


def test_every_command_has_help_with_an_example() -> None:
    for cmd in ("import-law", "build", "search", "stats"):
        result = runner.invoke(kb_app, [cmd, "--help"])
        assert result.exit_code == 0 and "labourbot kb" in result.output, cmd
