"""The official English translations of four statutes (勞動基準法, 性別平等工作法, 最低工資法, 就業服務法).

The Ministry of Justice publishes them in the same per-law JSON format as the Chinese texts, with
`中文法規名稱` naming the law and `條號` "Article 9-1". The Chinese text prevails: a translated answer
cites the Chinese article and may show this English text beside it (docs/languages.md). The files are
read where they are (`<laws_dir>/en`, else the shared reference copy's `en/`), never copied into the repo.
"""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from . import config

log = logging.getLogger(__name__)
_ARTICLE = re.compile(r"Article\s+(\d+)(?:-(\d+))?", re.I)


def _citation(law: str, heading: str) -> str | None:
    """'就業服務法', 'Article 57' -> '就業服務法第57條'; 'Article 9-1' -> '勞動基準法第9條之1'."""
    m = _ARTICLE.match(heading.strip())
    if not m:
        return None
    return f"{law}第{m.group(1)}條" + (f"之{m.group(2)}" if m.group(2) else "")


def parse_english_law(path: Path) -> dict[str, str]:
    """Citation (Chinese form) -> English article text, for one MOJ English law file."""
    doc = json.loads(path.read_text(encoding="utf-8-sig"))
    law = str(doc.get("中文法規名稱") or "").strip()
    out: dict[str, str] = {}
    for item in doc.get("法規內容") or []:
        citation = _citation(law, str(item.get("條號") or "")) if law else None
        body = str(item.get("條文內容") or "").replace("\r\n", "\n").strip()
        if citation and body:
            out[citation] = body
    return out


def english_dirs(settings: config.KBSettings | None = None) -> list[Path]:
    """Where English law files may be: the data folder's laws/en, then the shared reference copy."""
    settings = settings or config.settings()
    return [settings.laws_dir / "en", config.shared_law_dir() / "en"]


def load_english(dirs: Iterable[Path]) -> dict[str, str]:
    """All English articles found in the first of `dirs` that has any law files."""
    for folder in dirs:
        files = sorted(folder.glob("*.json")) if folder.is_dir() else []
        if not files:
            continue
        articles: dict[str, str] = {}
        for path in files:
            try:
                articles.update(parse_english_law(path))
            except (OSError, ValueError) as exc:  # a bad file costs its own articles, not the others
                log.warning("English law file %s skipped: %s", path.name, exc)
        return articles
    return {}


@lru_cache(maxsize=1)
def english_articles() -> dict[str, str]:
    """The English articles of this process (read once)."""
    return load_english(english_dirs())
