"""Knowledge base: curated Q&A entries + official statute articles, hybrid (FAISS + BM25) search.

Import-light on purpose: faiss, bm25s, jieba and onnxruntime load only when an index is opened.

    from knowledge_base import KnowledgeBase
    kb = KnowledgeBase.open()
    hits = kb.search("加班費怎麼算", k=5)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["KnowledgeBase", "Hit", "Entry", "Evidence", "Article", "LawText", "load_entries"]

if TYPE_CHECKING:
    from .entries import Entry, Evidence, load_entries
    from .kb import Hit, KnowledgeBase
    from .laws import Article, LawText

_LAZY = {
    "KnowledgeBase": "kb", "Hit": "kb", "Entry": "entries", "Evidence": "entries",
    "load_entries": "entries", "Article": "laws", "LawText": "laws",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'knowledge_base' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)
