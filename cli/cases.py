"""`labourbot cases ...` and `labourbot staff ...`: thin wrappers over cases.service. Passwords are
never taken from the command line (they would stay in the shell history and the process list).

Errors print one line `錯誤：...` to stderr and exit with code 1 (2 for bad input).
"""

from __future__ import annotations

import getpass
import json
import re
import sys
from datetime import timedelta
from typing import TYPE_CHECKING, Callable

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from cases.db import CaseStore

ROLES = ("staff", "supervisor", "admin")  # cases.models.ROLES; the database modules are imported by the commands only
ROLE_HELP = "staff（回覆案件）、supervisor（另可看服務統計）或 admin（另可管理帳號、看稽核紀錄）"
FIRST_ADMIN_NAME = "admin"
cases_app = typer.Typer(help="轉真人的案件：列出、清除過期資料、資料庫遷移。", no_args_is_help=True,
                        add_completion=False)
staff_app = typer.Typer(help="案件後台的同仁帳號。", no_args_is_help=True, add_completion=False)

_DURATION = re.compile(r"^\s*(\d+)\s*([dhm])\s*$")


def parse_duration(text: str) -> timedelta:
    """'180d', '12h', '30m' -> timedelta."""
    match = _DURATION.match(text or "")
    if not match or int(match.group(1)) <= 0:
        raise typer.BadParameter("請寫成天數、時數或分鐘，例如 180d、12h、30m")
    amount, unit = int(match.group(1)), match.group(2)
    return timedelta(**{{"d": "days", "h": "hours", "m": "minutes"}[unit]: amount})


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"錯誤：{message}", err=True)
    raise typer.Exit(code)


def _store() -> "CaseStore":
    from cases.config import CaseSettings
    from cases.db import CaseStore

    return CaseStore(CaseSettings())


@cases_app.command("list")
def list_open(as_json: bool = typer.Option(False, "--json", help="每行一個 JSON 物件")) -> None:
    """Print the open cases, high priority and the longest waiting first.

    Example: labourbot cases list --json
    """
    from cases.service import open_cases_summary

    store = _store()
    try:
        with store.session() as session:
            rows = [{"id": c.id, "status": c.status, "topic": c.topic, "channel": c.channel,
                     "created": c.created_at.isoformat(timespec="seconds"), "priority": c.priority,
                     "assigned_to": c.assignee.name if c.assignee else None}
                    for c in open_cases_summary(session)]
    except Exception as exc:  # database unreachable, bad DATABASE_URL
        _fail(f"無法讀取案件資料庫（{type(exc).__name__}）")
    finally:
        store.dispose()
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        typer.echo("沒有未結案的案件。")
    for row in rows:
        flag = "！" if row["priority"] == "high" else " "
        typer.echo(f"{flag}#{row['id']:<6} {row['status']:<9} {row['topic']:<22} {row['channel']:<9} "
                   f"{row['created']}")


@cases_app.command("purge")
def purge_old(
    older_than: str = typer.Option("180d", "--older-than", help="刪除建立超過這麼久的案件，例如 180d"),
    as_json: bool = typer.Option(False, "--json", help="輸出一個 JSON 物件"),
) -> None:
    """Delete cases (with their messages, notes and notifications) older than the retention period.

    Example: labourbot cases purge --older-than 180d
    """
    from cases.service import purge

    age = parse_duration(older_than)
    store = _store()
    try:
        with store.session() as session:
            counts = purge(session, age)
    except Exception as exc:
        _fail(f"無法清除案件（{type(exc).__name__}）")
    finally:
        store.dispose()
    if as_json:
        typer.echo(json.dumps(counts, ensure_ascii=False))
    else:
        typer.echo(f"已刪除 {counts['cases']} 件案件（其中 {counts['open_cases']} 件未結案）、"
                   f"{counts['pending_messages']} 則待取訊息、{counts['outbox']} 筆通知紀錄、"
                   f"{counts['audit']} 筆稽核紀錄、{counts['sessions']} 個過期登入。")


@cases_app.command("migrate")
def migrate() -> None:
    """Create or upgrade the case tables (the gateway and the action server also do it at start).

    Example: DATABASE_URL=postgresql://bot@127.0.0.1:5432/labourbot labourbot cases migrate
    """
    from cases.db import current_revision, head_revision

    store = _store()
    try:
        store.ensure_schema()
        typer.echo(f"資料庫版本 {current_revision(store.engine)}（最新 {head_revision()}）：{store.dialect}")
    except Exception as exc:
        _fail(f"資料庫遷移失敗（{type(exc).__name__}: {exc}）")
    finally:
        store.dispose()


@staff_app.command("add-user")
def add_user(
    name: str = typer.Argument(..., help="登入帳號"),
    role: str = typer.Option("staff", "--role", help=ROLE_HELP),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="從標準輸入讀密碼（給腳本用）"),
) -> None:
    """Create a console account; the password is asked twice (at least 10 characters, argon2 hash).

    Example: labourbot staff add-user wang --role staff
    """
    if role not in ROLES:
        raise typer.BadParameter(f"角色只能是 {'、'.join(ROLES)}", param_hint="--role")
    from cases.service import CaseError, add_staff_user

    password = _read_password(password_stdin)
    store = _store()
    try:
        with store.session() as session:
            user = add_staff_user(session, name, role, password)
            user_id = user.id
    except CaseError as exc:
        _fail(str(exc), 2)
    except Exception as exc:
        _fail(f"無法建立帳號（{type(exc).__name__}）")
    finally:
        store.dispose()
    typer.echo(f"已建立帳號 {name}（{role}，編號 {user_id}）。")


@staff_app.command("create-admin")
def create_admin(
    name: str = typer.Argument(FIRST_ADMIN_NAME, help="管理者的登入帳號"),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="從標準輸入讀密碼（給腳本用）；不加則產生初始密碼並只顯示這一次"),
) -> None:
    """The first administrator, when no active one exists: the password is generated and shown once
    (or read from stdin). Later accounts: the console's 帳號管理 page, or `staff add-user`.

    Example: labourbot staff create-admin admin   (as `labourbot serve` prints on first run)
    """
    from cases.service import CaseError, active_admin_exists, add_staff_user, one_time_password

    password = _read_password(True) if password_stdin else one_time_password()
    store = _store()
    try:
        with store.session() as session:
            if active_admin_exists(session):
                raise CaseError("已經有管理者帳號了；請管理者在案件後台的「帳號管理」新增帳號，"
                                "或用 labourbot staff add-user <帳號> --role admin")
            add_staff_user(session, name, "admin", password)
    except CaseError as exc:
        _fail(str(exc), 2)
    except Exception as exc:
        _fail(f"無法建立帳號（{type(exc).__name__}）")
    finally:
        store.dispose()
    typer.echo(f"已建立管理者帳號 {name}。")
    if not password_stdin:
        typer.echo(f"初始密碼（只顯示這一次）：{password}")
        typer.echo("請立刻記下這組密碼並妥善保管；忘記時用 labourbot staff reset-password 重設。")


def _account_change(name: str, change: "Callable[[Session, str], int | None]", failure: str) -> int | None:
    """Run one change of an account in a transaction; a CaseError (no such account, short password)
    exits with 2."""
    from cases.service import CaseError

    store = _store()
    try:
        with store.session() as session:
            return change(session, name)
    except CaseError as exc:
        _fail(str(exc), 2)
    except Exception as exc:
        _fail(f"{failure}（{type(exc).__name__}）")
    finally:
        store.dispose()
    return None


@staff_app.command("deactivate")
def deactivate(name: str = typer.Argument(..., help="登入帳號")) -> None:
    """Stop an account: it cannot log in any more, and its open console sessions end at once.

    Example: labourbot staff deactivate wang
    """
    from cases.service import deactivate_staff_user

    ended = _account_change(name, deactivate_staff_user, "無法停用帳號")
    typer.echo(f"已停用帳號 {name}，結束了 {ended} 個登入中的工作階段。")


@staff_app.command("reset-password")
def reset_password(
    name: str = typer.Argument(..., help="登入帳號"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="從標準輸入讀新密碼（給腳本用）"),
) -> None:
    """Set a new password (asked twice, or read from stdin; never on the command line); the account's
    sessions end and a lockout after failed logins is lifted.

    Example: labourbot staff reset-password wang
    """
    from cases.service import reset_staff_password

    password = _read_password(password_stdin)
    _account_change(name, lambda session, who: reset_staff_password(session, who, password), "無法重設密碼")
    typer.echo(f"已重設 {name} 的密碼，原有的登入都已結束。")


@staff_app.command("end-sessions")
def end_sessions(name: str = typer.Argument(..., help="登入帳號")) -> None:
    """Log an account out everywhere (a lost phone, a shared computer); it can log in again.

    Example: labourbot staff end-sessions wang
    """
    from cases.service import end_staff_sessions

    ended = _account_change(name, end_staff_sessions, "無法結束登入")
    typer.echo(f"已結束 {name} 的 {ended} 個工作階段。")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密碼：")
    if getpass.getpass("再輸入一次：") != first:
        _fail("兩次輸入的密碼不同", 2)
    return first

