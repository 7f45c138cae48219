"""Fixtures of the curation tests: a tiny knowledge base (invented statute, two entries, the fast hash
encoder) and the imported article texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.testing import write_kb_folder
from knowledge_base.kb import KnowledgeBase
from knowledge_base.testing import HashEncoder


@pytest.fixture()
def kb_dirs(tmp_path: Path) -> tuple[Path, Path]:
    """(data folder with the imported invented 勞動基準法, entries folder)."""
    return write_kb_folder(tmp_path)


@pytest.fixture()
def kb(kb_dirs: tuple[Path, Path]) -> KnowledgeBase:
    data, entries = kb_dirs
    return KnowledgeBase.open(data, HashEncoder(), entries_dir=entries)


@pytest.fixture()
def articles(kb_dirs: tuple[Path, Path]) -> dict[str, str]:
    from curation.checks import article_texts

    return article_texts(kb_dirs[0] / "laws")
