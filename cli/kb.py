"""`labourbot kb ...`: import statutes, build the index, search, show stats, export console entries.

Thin wrappers over the library (knowledge_base.laws / .kb); library errors become clean messages.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any, Callable, List, Optional

import typer

kb_app = typer.Typer(
    help="知識庫：匯入官方法規、建立索引、搜尋條目與法條。",
    no_args_is_help=True,
    add_completion=False,
)

DataDirOpt = typer.Option(None, "--data-dir", help="資料夾（預設 $LABOURBOT_DATA_DIR 或 <專案>/var）")
EncoderOpt = typer.Option(None, "--encoder", help="語意模型（預設 $LABOURBOT_ENCODER 或 use-m）")
EntriesOpt = typer.Option(None, "--entries", help="條目資料夾（預設 knowledge_base/entries）", hidden=True)


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"錯誤：{message}", err=True)
    raise typer.Exit(code)


def clean_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library exceptions into a one-line message and exit code 1 (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            _fail("已中斷", 130)
        except BrokenPipeError:  # output piped into `head` etc.
            sys.stderr.close()
            raise typer.Exit(0)
        except Exception as exc:  # noqa: BLE001 - the CLI boundary
            _fail(str(exc) or exc.__class__.__name__)

    return wrapper


def _progress_bar(desc: str) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    from tqdm import tqdm

    bar: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, desc=desc, unit="筆", file=sys.stderr, leave=False, disable=None)
        b = bar["bar"]
        b.update(done - b.n)

    def close() -> None:
        if "bar" in bar:
            bar["bar"].close()

    return update, close


def _open(data_dir: Optional[Path], encoder: Optional[str], entries: Optional[Path], rebuild: bool = False):
    from knowledge_base.kb import KnowledgeBase

    update, close = _progress_bar("建立索引")
    try:
        return KnowledgeBase.open(data_dir, encoder, entries_dir=entries, rebuild=rebuild, progress=update)
    finally:
        close()


def _shorten(citations: list[str], limit: int = 10) -> str:
    """A readable list; switching a general code between whole and selected touches ~1,300 articles."""
    if len(citations) <= limit:
        return "、".join(citations)
    return "、".join(citations[:limit]) + f" …共 {len(citations)} 條"


@kb_app.command("import-law")
@clean_errors
def import_law(
    paths: List[Path] = typer.Argument(..., help="法規 JSON 檔（單一法規或 ChLaw.json）或資料夾"),
    force: bool = typer.Option(False, "--force", help="允許以較舊的版本取代已匯入的條文"),
    all_articles: bool = typer.Option(
        False, "--all-articles",
        help="民法、中華民國刑法、職業安全衛生設施規則也全部匯入（預設只匯入選錄的條文，以免無關條文淹沒搜尋結果）"),
    data_dir: Optional[Path] = DataDirOpt,
    entries: Optional[Path] = EntriesOpt,
    as_json: bool = typer.Option(False, "--json", help="以 JSON 輸出結果"),
) -> None:
    """匯入全國法規資料庫的法規 JSON；列出增刪修的條文與需要複查的條目。

    民法、中華民國刑法、職業安全衛生設施規則只匯入選錄的條文（見 knowledge_base/general_codes.py）。

    例：labourbot kb import-law ChLaw.json ../shared/law/zh-general
    """
    from knowledge_base import config
    from knowledge_base.entries import entries_citing, load_entries
    from knowledge_base.general_codes import is_general_code, select_articles
    from knowledge_base.laws import LawStore, import_laws

    settings = config.settings(data_dir, None, entries)
    report = import_laws(paths, LawStore(settings.laws_dir), force=force,
                         select=None if all_articles else select_articles)
    partial = [] if all_articles else [c.law for c in report.changes if is_general_code(c.law)]
    entry_set = load_entries(settings.entries_dir, strict=False)
    review = entries_citing(entry_set.entries, report.changed_citations)
    refused = [c for c in report.changes if c.status == "refused"]
    if as_json:
        out = report.to_dict()
        out["needs_review"] = [{"id": e.id, "citations": cits} for e, cits in review]
        out["selected_articles_only"] = partial
        typer.echo(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        labels = {"new": "新匯入", "updated": "已更新", "forced": "已強制取代", "unchanged": "未變動", "refused": "已拒絕"}
        for ch in report.changes:
            line = f"{labels[ch.status]}：{ch.law}（{ch.new_amended}"
            line += f"，原為 {ch.old_amended}）" if ch.old_amended and ch.old_amended != ch.new_amended else "）"
            if ch.status == "new":
                line += f" {len(ch.added)} 條"
            if ch.law in partial:
                line += "（選錄條文；全部匯入請加 --all-articles）"
            typer.echo(line)
            if ch.status == "refused":
                typer.echo("  匯入的版本比已存的舊；如確定要取代請加 --force")
            if ch.status in ("updated", "forced"):
                for label, items in (("新增", ch.added), ("刪除", ch.removed), ("修正", ch.modified)):
                    if items:
                        typer.echo(f"  {label}：{_shorten(items)}")
        for err in report.errors:
            typer.echo(f"略過：{err}", err=True)
        if review:
            typer.echo("需要複查的條目（引用的條文有變動）：")
            for e, cits in review:
                typer.echo(f"  {e.id}：{'、'.join(cits)}")
        if any(c.status in ("new", "updated", "forced") for c in report.changes):
            typer.echo(f"法規存放於 {settings.laws_dir}；索引會在下次開啟時自動重建（或執行 labourbot kb build）。")
    if (refused or report.errors) and not any(c.status != "refused" for c in report.changes):
        raise typer.Exit(1)  # nothing was imported


@kb_app.command("build")
@clean_errors
def build(
    data_dir: Optional[Path] = DataDirOpt,
    encoder: Optional[str] = EncoderOpt,
    entries: Optional[Path] = EntriesOpt,
) -> None:
    """重新建立搜尋索引（條目＋已匯入的法條）。

    例：labourbot kb build
    """
    kb = _open(data_dir, encoder, entries, rebuild=True)
    s = kb.stats()
    typer.echo(f"索引完成：{s['entries']} 則條目、{s['articles']} 條法條、{s['index_rows']} 個向量，"
               f"{s['build_seconds']} 秒（{s['encoder']}）")
    if not s["articles"]:
        typer.echo("提醒：尚未匯入法規，請先執行 labourbot kb import-law <法規JSON>")


def _hits_json(hits) -> list[dict]:
    return [h.to_json() for h in hits]


@kb_app.command("search")
@clean_errors
def search(
    query: Optional[str] = typer.Argument(None, help="問題"),
    k: int = typer.Option(5, "-k", "--top", min=1, max=100, help="回傳筆數"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 輸出"),
    file: Optional[Path] = typer.Option(None, "--file", help="每行一個問題（- 為標準輸入）；每行輸出一個 JSON 陣列"),
    kinds: str = typer.Option("entry,article", "--kinds", help="entry、article 或兩者（逗號分隔）"),
    data_dir: Optional[Path] = DataDirOpt,
    encoder: Optional[str] = EncoderOpt,
    entries: Optional[Path] = EntriesOpt,
) -> None:
    """搜尋條目與法條。

    例：labourbot kb search "加班費怎麼算" -k 5
    """
    kind_list = tuple(x.strip() for x in kinds.split(",") if x.strip())
    if (query is None) == (file is None):
        _fail("請給一個問題，或用 --file 指定問題檔（兩者擇一）")
    if file is not None:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8-sig")
        kb = _open(data_dir, encoder, entries)
        for line in text.splitlines():
            typer.echo(json.dumps(_hits_json(kb.search(line, k, kind_list)), ensure_ascii=False))
        return
    kb = _open(data_dir, encoder, entries)
    hits = kb.search(query or "", k, kind_list)
    if as_json:
        typer.echo(json.dumps(_hits_json(hits), ensure_ascii=False))
        return
    if not hits:
        typer.echo("找不到相關的條目或法條。")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"「{query}」", show_lines=False)
    for col in ("#", "種類", "id", "標題", "主題", "引用", "分數"):
        table.add_column(col, overflow="fold")
    for i, h in enumerate(hits, 1):
        kind = "條目" if h.kind == "entry" else "法條"
        cites = "、".join(h.citations[:2]) + (f" 等{len(h.citations)}條" if len(h.citations) > 2 else "")
        table.add_row(str(i), kind, h.id, h.title, h.topic, cites, f"{h.score:.4f}")
    console = Console(width=max(100, Console().width))
    console.print(table)
    if not kb.is_confident(hits):
        console.print("（相關度不高：機器人會回覆不確定）")


@kb_app.command("stats")
@clean_errors
def stats(
    as_json: bool = typer.Option(False, "--json", help="以 JSON 輸出"),
    data_dir: Optional[Path] = DataDirOpt,
    encoder: Optional[str] = EncoderOpt,
    entries: Optional[Path] = EntriesOpt,
) -> None:
    """顯示條目、法規與索引的統計。

    例：labourbot kb stats --json
    """
    kb = _open(data_dir, encoder, entries)
    s = kb.stats()
    if as_json:
        typer.echo(json.dumps(s, ensure_ascii=False, indent=1))
        return
    typer.echo(f"資料夾：{s['data_dir']}")
    typer.echo(f"語意模型：{s['encoder']}")
    typer.echo(f"條目：{s['entries']} 則")
    for topic, n in s["entries_by_topic"].items():
        typer.echo(f"  {topic}: {n}")
    typer.echo(f"法規：{len(s['laws'])} 部，{s['articles']} 條")
    for law in s["laws"]:
        typer.echo(f"  {law['law']}（{law['amended']}）{law['articles']} 條")
    typer.echo(f"索引：{s['index_docs']} 份文件、{s['index_rows']} 個向量，建於 {s['built_at']}（{s['build_seconds']} 秒）")


@kb_app.command("export")
@clean_errors
def export(
    out: Optional[Path] = typer.Option(None, "--out", help="寫到這個資料夾（預設：條目資料夾 knowledge_base/entries）"),
    data_dir: Optional[Path] = DataDirOpt,
    entries: Optional[Path] = EntriesOpt,
    as_json: bool = typer.Option(False, "--json", help="以 JSON 輸出結果"),
) -> None:
    """把後台核准的條目與加上的例句寫成知識庫 YAML（<主題>.console.yml），讓 git 保存；重複執行結果相同。

    例：labourbot kb export && git diff knowledge_base/entries
    """
    from cases.config import CaseSettings
    from cases.db import CaseStore
    from curation.export import export as export_entries
    from knowledge_base import config

    settings = config.settings(data_dir, None, entries)
    case_settings = CaseSettings(data_dir=data_dir) if data_dir else CaseSettings()  # type: ignore[call-arg]
    store = CaseStore(case_settings)
    try:
        with store.session() as session:
            report = export_entries(session, out or settings.entries_dir, settings.entries_dir)
    finally:
        store.dispose()
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        return
    typer.echo(f"後台條目：{len(report.entries)} 則；新加入 YAML 條目的例句：{len(report.questions)} 句")
    for f in report.files:
        typer.echo(f"  已寫入 {f}")
    if not report.files:
        typer.echo("  檔案沒有變動（已是最新）")
    for line in report.skipped:
        typer.echo(f"略過：{line}", err=True)
