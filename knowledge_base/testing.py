"""Helpers for tests: a fast deterministic encoder and writers for synthetic MOJ law files and entries.

The synthetic statute texts here are invented; they only mimic the official file layouts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np


class HashEncoder:
    """Bag of character uni/bi-grams hashed into `dim` buckets, L2-normalised (no model needed)."""

    def __init__(self, dim: int = 256, name: str = "hash-test") -> None:
        self.dim = dim
        self.name = name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            chars = [c for c in text if not c.isspace()]
            grams = chars + [a + b for a, b in zip(chars, chars[1:])]
            for g in grams:
                h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
                out[i, h % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


Articles = Sequence[tuple[str, str]]  # ("C", "第 一 章 總則") or ("第 9-1 條", "text")


def write_law_json(path: Path, name: str, amended: str, items: Articles, bom: bool = True, crlf: bool = True) -> Path:
    """A per-law MOJ file (法規名稱, 最新異動日期, 法規內容); `amended` like "20240731"."""
    content: list[dict[str, str]] = []
    for label, text in items:
        if label == "C":
            content.append({"編章節": text})
        else:
            content.append({"條號": label, "條文內容": text.replace("\n", "\r\n") if crlf else text})
    doc = {"法規性質": "法律", "法規名稱": name, "法規網址": "", "法規類別": "", "最新異動日期": amended,
           "沿革內容": "", "法規內容": content}
    raw = json.dumps(doc, ensure_ascii=False, indent="\t")
    if crlf:
        raw = raw.replace("\n", "\r\n")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + raw.encode("utf-8"))
    return path


def write_chlaw_json(path: Path, laws: Iterable[tuple[str, str, Articles]], bom: bool = True) -> Path:
    """A bulk ChLaw.json: {"UpdateDate", "Laws": [{LawName, LawModifiedDate, LawArticles[...]}]}."""
    out = []
    for name, amended, items in laws:
        arts = []
        for label, text in items:
            if label == "C":
                arts.append({"ArticleType": "C", "ArticleNo": "", "ArticleContent": text})
            else:
                arts.append({"ArticleType": "A", "ArticleNo": label, "ArticleContent": text.replace("\n", "\r\n")})
        out.append({"LawLevel": "法律", "LawName": name, "LawURL": "", "LawCategory": "", "LawModifiedDate": amended,
                    "LawEffectiveDate": "", "LawEffectiveNote": "", "LawAbandonNote": "", "LawHasEngVersion": "N",
                    "EngLawName": "", "LawAttachments": [], "LawHistories": "", "LawForeword": "",
                    "LawArticles": arts})
    raw = json.dumps({"UpdateDate": "2024/10/11", "Laws": out}, ensure_ascii=False, indent=2)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + raw.encode("utf-8"))
    return path


def entry(eid: str, title: str, answer: str, questions: Sequence[str], citations: Sequence[str] = (),
          evidence: Sequence[tuple[str, str]] = (), topic: str | None = None,
          audience: Sequence[str] = ("worker",)) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": eid, "title": title, "questions": list(questions), "answer": answer,
        "citations": list(citations), "evidence": [{"citation": c, "quote": q} for c, q in evidence],
        "audience": list(audience), "updated": dt.date(2025, 1, 1).isoformat(),
    }
    if topic:
        item["topic"] = topic
    return item


def write_entries(directory: Path, topic: str, items: Sequence[dict[str, Any]]) -> Path:
    import yaml

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{topic}.yml"
    path.write_text(yaml.safe_dump({"topic": topic, "entries": list(items)}, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


# An invented "labour act" in the MOJ layout: chapters, a 之-article, a deleted article.
SAMPLE_LAW = "勞動基準法"
SAMPLE_ITEMS: list[tuple[str, str]] = [
    ("C", "第 一 章 總則"),
    ("第 1 條", "本測試法用來驗證匯入流程。\n條文內容為虛構。"),
    ("第 2 條", "（刪除）"),
    ("C", "第 二 章 工資"),
    ("第 9-1 條", "離職後競業禁止之約定，應有合理補償，期間不得過長。"),
    ("第 24 條", "延長工作時間者，雇主應加給工資：前二小時加給三分之一以上。\n再延長者加給三分之二以上。"),
    ("C", "第 三 章 休假"),
    ("第 38 條", "勞工在同一雇主繼續工作滿一定期間者，每年應給予特別休假。"),
]
