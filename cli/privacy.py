"""`labourbot privacy ...`: a person's data on request (cases.privacy), for the data-protection officer.

The conversation id is Rasa's sender id, `<channel>:<user id>` (the console shows it on the case page).
Errors print one line `錯誤：...` to stderr and exit with code 1.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator, Optional

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from cases.db import CaseStore

privacy_app = typer.Typer(help="個資：匯出或刪除某個對話的全部資料。", no_args_is_help=True, add_completion=False)

USER = typer.Option(..., "--user", help="對話 id，例如 line:Uxxxx、telegram:123、web:w-abc、rest:someone")
LABELS = {"cases": "件案件", "case_messages": "則案件訊息", "case_notes": "則內部備註", "outbox": "筆通知紀錄",
          "pending_messages": "則待取訊息", "inbox_events": "筆 webhook 紀錄", "tracker_events": "筆 Rasa 對話事件",
          "unanswered_questions": "則待改進問題", "message_events": "筆統計紀錄"}


def _fail(message: str) -> None:
    typer.echo(f"錯誤：{message}", err=True)
    raise typer.Exit(1)


@contextmanager
def _stores() -> Iterator[tuple["CaseStore", Optional["Engine"]]]:
    """The case store and Rasa's tracker database (None when its SQLite file does not exist)."""
    from cases.config import CaseSettings
    from cases.db import CaseStore
    from cases.retention import RetentionSettings, tracker_engine

    store = CaseStore(CaseSettings())
    tracker = tracker_engine(RetentionSettings().tracker_url)
    try:
        yield store, tracker
    finally:
        store.dispose()
        if tracker is not None:
            tracker.dispose()


def _summary(counts: dict[str, int]) -> str:
    return "、".join(f"{counts.get(key, 0)} {label}" for key, label in LABELS.items())


@privacy_app.command("export")
def export(user: str = USER) -> None:
    """Print everything held about one conversation as JSON (cases, messages, inbox, Rasa events).

    Example: labourbot privacy export --user line:U4af4980629 > person.json
    """
    from cases.privacy import export_person
    from figures.config import FiguresSettings
    from figures.privacy import export_figures

    try:
        with _stores() as (store, tracker):
            data = export_person(store, user, tracker)
            with store.read() as session:
                data["figures"] = export_figures(session, FiguresSettings().key(), user)
    except Exception as exc:  # database unreachable, bad DATABASE_URL
        _fail(f"無法讀取資料（{type(exc).__name__}）")
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@privacy_app.command("delete")
def delete(user: str = USER, yes: bool = typer.Option(False, "--yes", help="不詢問，直接刪除")) -> None:
    """Delete everything held about one conversation and print how much was deleted.

    Example: labourbot privacy delete --user telegram:123456 --yes
    """
    from cases.privacy import delete_person, export_person, held_counts
    from figures.config import FiguresSettings
    from figures.privacy import delete_figures, export_figures

    try:
        with _stores() as (store, tracker):
            key = FiguresSettings().key()
            held = held_counts(export_person(store, user, tracker))
            with store.read() as session:
                figures = export_figures(session, key, user)
            held.update(unanswered_questions=len(figures["unanswered_questions"]),
                        message_events=figures["message_events"])
            typer.echo(f"{user}：{_summary(held)}。")
            if not any(held.values()):
                typer.echo("沒有這個對話的資料。")
                return
            if not yes and not typer.confirm("確定全部刪除？刪除後無法復原", default=False):
                typer.echo("未刪除。")
                raise typer.Exit(1)
            deleted = delete_person(store, user, tracker)
            with store.session() as session:
                deleted.update(delete_figures(session, key, user))
    except typer.Exit:
        raise
    except Exception as exc:
        _fail(f"無法刪除資料（{type(exc).__name__}）")
    typer.echo(f"已刪除 {_summary(deleted)}。")
