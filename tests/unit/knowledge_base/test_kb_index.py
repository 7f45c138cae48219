"""Index build/persist/staleness and the search API, on synthetic data with a fast fake encoder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from knowledge_base import config
from knowledge_base.entries import entries_citing, load_entries
from knowledge_base.index import SearchIndex, chunk_text
from knowledge_base.kb import Hit, KnowledgeBase, Scores, fuse
from knowledge_base.laws import LawStore, import_laws
from knowledge_base.params import FusionParams
from knowledge_base.testing import SAMPLE_ITEMS, SAMPLE_LAW, HashEncoder, entry, write_entries, write_law_json

ANSWER_PAD = "若有疑問可以撥打1955專線詢問，或向臺南市政府勞工局申訴。"


def _entries(directory: Path) -> None:
    write_entries(directory, "overtime", [
        entry("overtime_pay_rate", "加班費怎麼算", "平日延長工時，前兩小時加給三分之一以上，再延長加給三分之二以上。" + ANSWER_PAD,
              ["加班費怎麼算", "加班費的倍率", "延長工時工資"], ["勞動基準法第24條"]),
    ])
    write_entries(directory, "annual_leave", [
        entry("annual_leave_days", "特休有幾天", "特別休假天數依年資計算，年資越久天數越多，雇主應主動告知。" + ANSWER_PAD,
              ["特休有幾天", "特別休假天數", "年假怎麼算"], ["勞動基準法第38條"]),
        entry("non_compete", "離職後競業禁止", "競業禁止約定要有合理補償，期間也不能過長，否則可能無效。" + ANSWER_PAD,
              ["競業條款有效嗎", "離職後不能去同業", "競業禁止補償"], ["勞動基準法第9條之1"], topic="termination_severance"),
    ])


@pytest.fixture()
def kb_dirs(tmp_path: Path) -> tuple[Path, Path]:
    data, entries = tmp_path / "var", tmp_path / "entries"
    _entries(entries)
    import_laws([write_law_json(tmp_path / "law.json", SAMPLE_LAW, "20240731", SAMPLE_ITEMS)], LawStore(data / "laws"))
    return data, entries


@pytest.fixture()
def kb(kb_dirs: tuple[Path, Path]) -> KnowledgeBase:
    data, entries = kb_dirs
    return KnowledgeBase.open(data, HashEncoder(), entries_dir=entries)


def test_package_import_is_light() -> None:
    code = ("import sys, knowledge_base, cli.kb, knowledge_base.config; "
            "heavy = {'faiss', 'bm25s', 'onnxruntime', 'jieba'} & set(sys.modules); "
            "print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=config.PROJECT_ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_config_reads_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LABOURBOT_DATA_DIR", raising=False)
    monkeypatch.delenv("LABOURBOT_ENCODER", raising=False)
    assert config.data_dir() == config.PROJECT_ROOT / "var"
    assert config.encoder_spec() == "use-m"
    monkeypatch.setenv("LABOURBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LABOURBOT_ENCODER", "st:/models/x")
    s = config.settings()
    assert s.data_dir == tmp_path and s.encoder_spec == "st:/models/x"
    assert s.laws_dir == tmp_path / "laws" and s.index_dir == tmp_path / "index"
    assert config.shared_law_dir() == config.PROJECT_ROOT.parent / "shared" / "law"


def test_open_builds_and_persists_with_manifest(kb: KnowledgeBase, kb_dirs: tuple[Path, Path]) -> None:
    data, _ = kb_dirs
    manifest = json.loads((data / "index" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["encoder"] == "hash-test"
    assert {"entries_hash", "laws_hash", "format"} <= set(manifest)
    assert manifest["n_docs"] == 3 + 4  # 3 entries + 4 live articles
    assert (data / "index" / "dense.faiss").exists()
    assert sorted(p.name for p in data.iterdir()) == ["index", "laws"]  # no temporary folders left


def test_unwritable_data_folder_still_serves(kb_dirs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    data, entries = kb_dirs

    def refuse(self, directory):
        raise PermissionError("read-only")

    monkeypatch.setattr(SearchIndex, "save", refuse)
    kb = KnowledgeBase.open(data, HashEncoder(), entries_dir=entries)
    assert kb.search("加班費", 1)[0].id == "overtime_pay_rate"


def test_reopen_loads_without_rebuilding(kb: KnowledgeBase, kb_dirs: tuple[Path, Path],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    data, entries = kb_dirs

    def boom(*a, **k):
        raise AssertionError("should not rebuild")

    monkeypatch.setattr(SearchIndex, "build", classmethod(boom))
    again = KnowledgeBase.open(data, HashEncoder(), entries_dir=entries)
    assert [h.id for h in again.search("加班費", 3)] == [h.id for h in kb.search("加班費", 3)]


@pytest.mark.parametrize("change", ["entries", "laws", "encoder", "corrupt"])
def test_stale_index_is_rebuilt(kb: KnowledgeBase, kb_dirs: tuple[Path, Path], tmp_path: Path, change: str) -> None:
    data, entries = kb_dirs
    encoder = HashEncoder()
    if change == "entries":
        write_entries(entries, "wages", [entry("min_wage", "最低工資", "最低工資每月29,500元、每小時196元。" + ANSWER_PAD,
                                               ["最低工資多少", "時薪最低", "基本工資"])])
    elif change == "laws":
        import_laws([write_law_json(tmp_path / "esa.json", "就業服務法", "20230510", [("第 5 條", "不得歧視求職人。")])],
                    LawStore(data / "laws"))
    elif change == "encoder":
        encoder = HashEncoder(dim=128, name="hash-128")
    else:
        (data / "index" / "dense.faiss").write_bytes(b"garbage")
    fresh = KnowledgeBase.open(data, encoder, entries_dir=entries)
    if change == "corrupt":
        assert fresh.search("加班費", 1)[0].id == "overtime_pay_rate"
        return
    assert fresh.index.manifest.built_at and fresh.index.manifest != kb.index.manifest
    expected = {"entries": 8, "laws": 8, "encoder": 7}[change]
    assert len(fresh.index.docs) == expected


def test_search_ranks_entries_and_articles(kb: KnowledgeBase) -> None:
    hits = kb.search("加班費怎麼算", k=5)
    assert hits[0].id == "overtime_pay_rate" and hits[0].kind == "entry"
    assert hits[0].topic == "overtime" and hits[0].citations == ("勞動基準法第24條",)
    assert {h.kind for h in hits} == {"entry", "article"}
    assert all(isinstance(h, Hit) for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    art = next(h for h in hits if h.kind == "article")
    assert art.citations == (art.id,) and art.text


def test_search_kinds_and_limits(kb: KnowledgeBase) -> None:
    assert all(h.kind == "article" for h in kb.search("特休", 5, kinds=("article",)))
    assert all(h.kind == "entry" for h in kb.search("特休", 5, kinds=("entry",)))
    assert len(kb.search("特休", 2)) == 2
    assert all(h.kind == "entry" for h in kb.search("特休", 5, kinds="entry"))
    assert kb.search("   ") == [] and kb.search("特休", 0) == []
    with pytest.raises(ValueError):
        kb.search("特休", 3, kinds=("faq",))


def test_article_named_in_question_comes_first(kb: KnowledgeBase) -> None:
    for q in ("勞基法第38條在講什麼", "劳动基准法第三十八条", "第38條"):
        hits = kb.search(q, 3)
        assert hits[0].id == "勞動基準法第38條" and hits[0].named and hits[0].kind == "article"
        assert kb.is_confident(hits)
    hits = kb.search("勞基法第9條之1 跟第24條", 4)
    assert [h.id for h in hits[:2]] == ["勞動基準法第9條之1", "勞動基準法第24條"]
    entries_only = kb.search("勞基法第38條", 3, kinds=("entry",))
    assert all(h.kind == "entry" for h in entries_only)
    assert entries_only[0].id == "annual_leave_days"  # the entry citing the named article comes first
    assert [h.id for h in kb.search("勞基法第九條之一", 2)] == ["勞動基準法第9條之1", "non_compete"]


def test_article_topic_comes_from_citing_entries(kb: KnowledgeBase) -> None:
    hit = kb.search("勞基法第24條", 1)[0]
    assert hit.topic == "overtime"


def test_article_lookup_accepts_loose_forms(kb: KnowledgeBase) -> None:
    for form in ("勞動基準法第24條", "勞基法第24條", "勞動基準法 24", "勞動基準法第二十四條", "第二十四條", "劳基法24条"):
        art = kb.article(form)
        assert art is not None and art.citation == "勞動基準法第24條", form
    nine = kb.article("勞基法第九條之一")
    assert nine is not None and nine.number == "9-1" and nine.chapter == "第二章 工資"
    assert kb.article("勞動基準法第2條") is None  # deleted
    assert kb.article("勞動基準法第999條") is None
    assert kb.article("就服法第5條") is None  # law not imported
    assert kb.article("隨便") is None


def test_entry_lookup(kb: KnowledgeBase) -> None:
    e = kb.entry("non_compete")
    assert e is not None and e.topic == "termination_severance" and e.source == "annual_leave.yml"
    assert kb.entry("missing") is None


def test_confidence(kb: KnowledgeBase) -> None:
    assert not kb.is_confident([])
    assert not kb.is_confident(kb.search("qwerty zxcv", 3))
    strong = Hit("x", "entry", "t", "other", (), 0.03, "a", dense=0.95, bm25=20.0, coverage=1.0)
    weak = Hit("y", "entry", "t", "other", (), 0.01, "a", dense=0.1, bm25=0.5, coverage=0.1)
    assert kb.is_confident([strong]) and not kb.is_confident([weak])


def test_hit_json_shape(kb: KnowledgeBase) -> None:
    assert set(kb.search("加班", 1)[0].to_json()) == {"id", "kind", "title", "topic", "citations", "score"}


def test_empty_knowledge_base(tmp_path: Path) -> None:
    empty = KnowledgeBase.open(tmp_path / "var", HashEncoder(), entries_dir=tmp_path / "none")
    assert empty.search("加班費") == [] and empty.article("勞基法第24條") is None
    assert empty.stats()["entries"] == 0


def test_stats(kb: KnowledgeBase) -> None:
    s = kb.stats()
    assert s["entries"] == 3 and s["articles"] == 4
    assert s["entries_by_topic"] == {"annual_leave": 1, "overtime": 1, "termination_severance": 1}
    assert s["laws"] == [{"law": "勞動基準法", "amended": "2024-07-31", "articles": 4}]


def test_needs_review_lists_entries_citing_changed_articles(kb_dirs: tuple[Path, Path]) -> None:
    _, entries = kb_dirs
    found = entries_citing(load_entries(entries).entries, {"勞動基準法第24條", "勞動基準法第99條"})
    assert [(e.id, cits) for e, cits in found] == [("overtime_pay_rate", ["勞動基準法第24條"])]


def test_rrf_fusion_math() -> None:
    s = Scores(dense=np.array([0.9, 0.5, 0.1]), bm25=np.array([0.0, 3.0, 1.0]), named=[])
    mask = np.array([True, True, True])
    fused = fuse(s, mask, np.array([False, False, True]), FusionParams(k=10, w_dense=1, w_bm25=2, article_weight=0.5))
    assert fused[0] == pytest.approx(1 / 11)
    assert fused[1] == pytest.approx(1 / 12 + 2 / 11)
    assert fused[2] == pytest.approx(0.5 * (1 / 13 + 2 / 12))
    masked = fuse(s, np.array([False, True, True]), np.zeros(3, bool), FusionParams(k=10, w_dense=1, w_bm25=1))
    assert masked[0] == 0 and masked[1] == pytest.approx(1 / 11 + 1 / 11)


def test_chunking_keeps_text_and_bounds_size() -> None:
    text = "第一項說明。" * 30 + "\n" + "短句。"
    chunks = chunk_text(text, size=50)
    assert all(len(c) <= 50 for c in chunks)
    assert "".join(chunks) == text.replace("\n", "")
