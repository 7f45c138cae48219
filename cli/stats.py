"""`labourbot stats`: the service figures for the bureau's reports (figures/compute.py).

The same public figures as the console's analytics page and its CSV: counts from 1 to 4 are the string
"<5" in `--json` too (so a report never shows what the page hides), and shares, medians and averages that
rest on fewer than five are null.
"""

from __future__ import annotations

import json
from typing import Any, Optional

import typer

SINCE = typer.Option(None, "--since", help="起始日（含），YYYY-MM-DD，臺北時間；預設結束日往前 30 天")
UNTIL = typer.Option(None, "--until", help="結束日（含），YYYY-MM-DD，臺北時間；預設今天")


def stats(
    since: Optional[str] = SINCE,
    until: Optional[str] = UNTIL,
    as_json: bool = typer.Option(False, "--json", help="輸出一個 JSON 物件（頂層 messages 為訊息總數）"),
    as_csv: bool = typer.Option(False, "--csv", help="輸出 CSV（figure,item,value），與後台下載的相同"),
) -> None:
    """Service figures of a range of days: messages, conversations, answers, handoffs, feedback, quiz.

    Example: labourbot stats --since 2026-12-01 --until 2026-12-31 --json > december.json
    """
    from figures.compute import parse_range, to_csv

    if as_json and as_csv:
        raise typer.BadParameter("--json 與 --csv 只能擇一。")
    try:
        start, end = parse_range(since, until)
    except ValueError as exc:
        typer.echo(f"錯誤：{exc}", err=True)
        raise typer.Exit(1)
    try:
        public = _public(start, end)
    except Exception as exc:  # the database missing or down: one clear line, no traceback
        typer.echo(f"錯誤：讀不到案件資料庫（{type(exc).__name__}）", err=True)
        raise typer.Exit(1)
    if as_json:
        typer.echo(json.dumps(public, ensure_ascii=False, indent=2))
    elif as_csv:
        typer.echo(to_csv(public), nl=False)
    else:
        typer.echo(_summary(public))


def _public(start: Any, end: Any) -> dict[str, Any]:
    from cases.config import CaseSettings
    from cases.db import CaseStore
    from figures.compute import compute

    store = CaseStore(CaseSettings())
    try:
        with store.read() as session:
            return compute(session, start, end).public()
    finally:
        store.dispose()


def _pct(value: Optional[float]) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _summary(f: dict[str, Any]) -> str:
    a, h, q = f["answers"], f["handoff"], f["quiz"]
    minutes = "—" if h["first_reply_median_min"] is None else \
        f"{h['first_reply_median_min']} / {h['first_reply_p90_min']} 分鐘"
    lines = [
        f"{f['since']} 至 {f['until']}（臺北時間；1–4 以 <5 顯示）",
        f"訊息 {f['messages']}，對話 {f['conversations']}",
        "管道：" + "、".join(f"{c} {v['messages']}" for c, v in f["by_channel"].items()),
        f"問題 {a['questions']}：知識庫回答 {a['kb_answer']}（{_pct(a['kb_answer_share'])}），"
        f"您是想問 {a['did_you_mean']}（{_pct(a['did_you_mean_share'])}），"
        f"未能回答 {a['not_answered']}（{_pct(a['not_answered_share'])}）",
        "服務：" + "、".join(f"{k} {v['messages']}" for k, v in f["services"].items()),
        f"轉真人對話 {h['conversations']}（{_pct(h['rate'])}），新案件 {h['cases_opened']}，"
        f"第一次回覆 中位數/90% {minutes}",
        f"小測驗：參加 {q['takers']}，完成 {q['rounds_finished']}",
    ]
    return "\n".join(lines)
