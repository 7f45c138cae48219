"""Official statute texts: import the MOJ open data (per-law JSON and bulk ChLaw.json), store, diff.

Imported laws live in `<data dir>/laws/<law name>.json` (never in git). Each article becomes one
`Article` passage with its canonical citation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .citations import article_number, clean_law_name, format_citation, number_sort_key

STORE_FORMAT = 1
_DELETED = re.compile(r"^[（(]\s*刪除\s*[）)]$")
_HEADING = re.compile(r"第\s*([〇○零一二三四五六七八九十百千\d]+)\s*(編|章|節|款|目)\s*")
_HEADING_LEVEL = {"編": 0, "章": 1, "節": 2, "款": 3, "目": 4}


class LawFormatError(ValueError):
    """A file that is not MOJ statute open data in a format we read."""


@dataclass(frozen=True)
class Article:
    law: str
    number: str  # "24", "9-1"
    citation: str  # "勞動基準法第24條", "勞動基準法第9條之1"
    chapter: str
    text: str
    amended: str  # ISO date of the law's latest amendment


@dataclass
class LawText:
    name: str
    amended: str  # ISO date
    articles: list[Article]
    source: str = ""
    url: str = ""
    abandoned: str = ""

    def article_map(self) -> dict[str, Article]:
        return {a.citation: a for a in self.articles}


@dataclass
class LawChange:
    law: str
    status: str  # "new" | "updated" | "unchanged" | "refused" | "forced"
    old_amended: str | None
    new_amended: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[str]:
        return sorted(set(self.added) | set(self.removed) | set(self.modified))


# ---------------------------------------------------------------- parsing


def _iso_date(value: Any) -> str:
    text = re.sub(r"\D", "", str(value or ""))
    if len(text) != 8:
        return ""
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return ""


def _clean_text(text: str) -> str:
    lines = [line.strip() for line in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def _heading(text: str) -> tuple[int, str]:
    clean = " ".join(str(text).split())
    m = _HEADING.match(clean)
    if not m:
        return 1, clean
    title = clean[m.end():].strip()
    label = f"第{m.group(1)}{m.group(2)}"
    return _HEADING_LEVEL[m.group(2)], f"{label} {title}".strip()


def _build_law(name: str, amended: str, items: Iterable[tuple[str, str, str]], source: str,
               url: str = "", abandoned: str = "") -> LawText:
    """items: ("C", heading, "") or ("A", "第 24 條", text)."""
    law = clean_law_name(name)
    if not law:
        raise LawFormatError(f"{source}: 缺少法規名稱")
    levels: dict[int, str] = {}
    articles: list[Article] = []
    seen: set[str] = set()
    for kind, label, content in items:
        if kind == "C":
            level, heading = _heading(label)
            levels = {k: v for k, v in levels.items() if k < level}
            levels[level] = heading
            continue
        number = article_number(label)
        text = _clean_text(content)
        if number is None or not text or _DELETED.match("".join(text.split())):
            continue
        citation = format_citation(law, number)
        if citation in seen:
            continue
        seen.add(citation)
        chapter = " / ".join(levels[k] for k in sorted(levels))
        articles.append(Article(law, number, citation, chapter, text, amended))
    return LawText(law, amended, articles, source, url, abandoned)


def _from_single(doc: dict[str, Any], source: str) -> LawText:
    if "法規內容" not in doc:
        raise LawFormatError(f"{source}: 沒有「法規內容」")
    items: list[tuple[str, str, str]] = []
    for it in doc.get("法規內容") or []:
        if not isinstance(it, dict):
            continue
        if "編章節" in it:
            items.append(("C", str(it["編章節"]), ""))
        elif "條號" in it:
            items.append(("A", str(it["條號"]), str(it.get("條文內容", ""))))
    amended = _iso_date(doc.get("最新異動日期"))
    return _build_law(str(doc["法規名稱"]), amended, items, source, str(doc.get("法規網址", "")),
                      str(doc.get("廢止註記", "") or ""))


def _from_bulk_law(law: dict[str, Any], source: str) -> LawText:
    items: list[tuple[str, str, str]] = []
    for art in law.get("LawArticles") or []:
        kind = str(art.get("ArticleType", "A")).upper()
        if kind == "C":
            items.append(("C", str(art.get("ArticleContent", "")), ""))
        else:
            items.append(("A", str(art.get("ArticleNo", "")), str(art.get("ArticleContent", ""))))
    amended = _iso_date(law.get("LawModifiedDate"))
    return _build_law(str(law.get("LawName", "")), amended, items, source, str(law.get("LawURL", "")),
                      str(law.get("LawAbandonNote", "") or ""))


def parse_law_file(path: Path | str) -> list[LawText]:
    """Read one MOJ JSON file (per-law 法規內容 format or bulk ChLaw.json) into LawText objects."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LawFormatError(f"{path}: 無法讀取（{exc.strerror}）") from exc
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LawFormatError(f"{path.name}: 不是 UTF-8 JSON（{exc}）") from exc
    if isinstance(doc, dict) and isinstance(doc.get("Laws"), list):
        laws = [_from_bulk_law(law, path.name) for law in doc["Laws"] if isinstance(law, dict)]
    elif isinstance(doc, dict) and "法規名稱" in doc:
        laws = [_from_single(doc, path.name)]
    elif isinstance(doc, dict) and "中文法規名稱" in doc:
        raise LawFormatError(f"{path.name}: 這是英文譯本，只匯入中文法規（中文為準）")
    else:
        raise LawFormatError(f"{path.name}: 不是全國法規資料庫的法規 JSON（需有「法規名稱」或「Laws」）")
    for law in laws:
        if not law.amended:
            raise LawFormatError(f"{path.name}: {law.name} 缺少或無法解析最新異動日期")
    return laws


def iter_law_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Files given, and every *.json directly inside each directory given (sorted)."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            yield from sorted(q for q in p.iterdir() if q.suffix.lower() == ".json" and q.is_file())
        elif p.exists():
            yield p
        else:
            raise LawFormatError(f"{p}: 找不到檔案或資料夾")


# ---------------------------------------------------------------- store


def _safe_filename(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]', "_", name) + ".json"


def diff_laws(old: LawText | None, new: LawText) -> tuple[list[str], list[str], list[str]]:
    """(added, removed, modified) citations between two texts of one law."""
    old_map = old.article_map() if old else {}
    new_map = new.article_map()
    added = [c for c in new_map if c not in old_map]
    removed = [c for c in old_map if c not in new_map]
    modified = [c for c in new_map if c in old_map and _squash(old_map[c].text) != _squash(new_map[c].text)]
    return added, removed, modified


def _squash(text: str) -> str:
    return "".join(text.split())


class LawStore:
    """The imported statutes in `<data dir>/laws`."""

    def __init__(self, directory: Path | str) -> None:
        self.dir = Path(directory)

    def path_for(self, law: str) -> Path:
        return self.dir / _safe_filename(law)

    def files(self) -> list[Path]:
        return sorted(self.dir.glob("*.json")) if self.dir.is_dir() else []

    def load(self, law: str) -> LawText | None:
        p = self.path_for(law)
        return self._read(p) if p.exists() else None

    def load_all(self) -> list[LawText]:
        return [self._read(p) for p in self.files()]

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for p in self.files():
            h.update(p.name.encode())
            h.update(hashlib.sha256(p.read_bytes()).digest())
        return h.hexdigest()

    @staticmethod
    def _read(path: Path) -> LawText:
        doc = json.loads(path.read_text(encoding="utf-8"))
        law, amended = doc["law"], doc["amended"]
        arts = [
            Article(law, a["number"], format_citation(law, a["number"]), a.get("chapter", ""), a["text"], amended)
            for a in doc["articles"]
        ]
        return LawText(law, amended, arts, doc.get("source", ""), doc.get("url", ""), doc.get("abandoned", ""))

    def save(self, law: LawText) -> Path:
        self.dir.mkdir(parents=True, exist_ok=True)
        doc = {
            "format": STORE_FORMAT,
            "law": law.name,
            "amended": law.amended,
            "source": law.source,
            "url": law.url,
            "abandoned": law.abandoned,
            "articles": [
                {"number": a.number, "chapter": a.chapter, "text": a.text}
                for a in sorted(law.articles, key=lambda a: number_sort_key(a.number))
            ],
        }
        path = self.path_for(law.name)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)
        return path

    def import_law(self, law: LawText, force: bool = False) -> LawChange:
        """Store `law`; an older text than the stored one is refused unless `force`."""
        old = self.load(law.name)
        added, removed, modified = diff_laws(old, law)
        if old is None:
            self.save(law)
            return LawChange(law.name, "new", None, law.amended, added, [], [])
        if law.amended < old.amended and not force:
            return LawChange(law.name, "refused", old.amended, law.amended, added, removed, modified)
        if not (added or removed or modified) and law.amended == old.amended:
            return LawChange(law.name, "unchanged", old.amended, law.amended)
        self.save(law)
        status = "forced" if law.amended < old.amended else "updated"
        return LawChange(law.name, status, old.amended, law.amended, added, removed, modified)


@dataclass
class ImportReport:
    changes: list[LawChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def changed_citations(self) -> set[str]:
        return {c for ch in self.changes if ch.status in ("updated", "forced") for c in ch.changed}

    def to_dict(self) -> dict[str, Any]:
        return {"changes": [asdict(c) for c in self.changes], "errors": list(self.errors)}


def import_laws(paths: Iterable[Path | str], store: LawStore, force: bool = False,
                select: Callable[[LawText], LawText] | None = None) -> ImportReport:
    """Import every law in `paths` (files or directories of *.json) into `store`.

    `select` maps each parsed law to the text to store (e.g. `general_codes.select_articles`, which
    keeps a few articles of the large general codes); it is a parameter rather than built in so this
    module stays a faithful reader of the official files. Unreadable files in a directory are
    reported in `errors`; a file named explicitly that cannot be read raises LawFormatError.
    """
    paths = list(paths)  # read twice below; a generator would be empty the second time
    report = ImportReport()
    explicit = {Path(p) for p in paths if not Path(p).is_dir()}
    for f in iter_law_files(paths):
        try:
            laws = parse_law_file(f)
        except LawFormatError as exc:
            if f in explicit:
                raise
            report.errors.append(str(exc))
            continue
        for law in laws:
            report.changes.append(store.import_law(select(law) if select else law, force=force))
    return report
