"""The `labourbot` command: talk to the running stack, start it, and the library sub-commands."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import Optional

import typer

from cli.client import GatewayClient, GatewayUnavailable
from labourbot.config import get_settings

app = typer.Typer(help="臺南市政府勞工局 勞動法令小幫手", no_args_is_help=True, add_completion=False)


def _gateway() -> GatewayClient:
    return GatewayClient(get_settings().gateway_base)


def _print_reply(reply: dict, numbered: bool = False) -> None:
    typer.echo(reply.get("text", ""))
    buttons = reply.get("buttons") or []
    if buttons:
        if numbered:
            for i, title in enumerate(buttons, 1):
                typer.echo(f"  [{i}] {title}")
        else:
            typer.echo("選項：" + " ｜ ".join(buttons))


@app.command()
def ask(
    text: Optional[str] = typer.Argument(None, help="要問的問題"),
    as_json: bool = typer.Option(False, "--json", help="輸出一個 JSON 物件（--file 時每行一個）"),
    file: Optional[Path] = typer.Option(None, "--file", "-f", help="每行一個問題；每行都是新的對話"),
    user: Optional[str] = typer.Option(None, "--user", help="沿用這個對話 id（可跨次呼叫填表單）"),
) -> None:
    """Send a message through the gateway and print the reply.

    Example: labourbot ask --json "老闆都不給加班費"
    """
    if (text is None) == (file is None):
        raise typer.BadParameter("請給一個問題，或用 --file 指定問題檔（擇一）。")
    questions = [text] if text is not None else _read_questions(file)  # type: ignore[arg-type]
    try:
        with _gateway() as gateway:
            for question in questions:
                reply = gateway.ask(question, user=user if file is None else None)
                if as_json:
                    summary = {k: reply[k] for k in
                               ("text", "intent", "confidence", "topic", "citations", "handoff", "buttons")}
                    typer.echo(json.dumps(summary, ensure_ascii=False))
                else:
                    _print_reply(reply)
    except GatewayUnavailable as exc:
        typer.echo(f"錯誤：{exc}", err=True)
        raise typer.Exit(1)


def _read_questions(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise typer.BadParameter(f"讀不到檔案 {path}：{exc.strerror}") from exc
    return [line.strip() for line in lines if line.strip()]


@app.command()
def chat(user: Optional[str] = typer.Option(None, "--user", help="對話 id（預設每次新對話）")) -> None:
    """An interactive conversation in the terminal; buttons become numbered choices.

    Example: labourbot chat   (type a number to press a button, Ctrl-D to leave)
    """
    import uuid

    user = user or f"chat-{uuid.uuid4().hex[:12]}"
    payloads: list[str] = []
    typer.echo("勞動法令小幫手（輸入數字選按鈕，Ctrl-D 離開）")
    with _gateway() as gateway:
        while True:
            try:
                line = input("> ").strip()
            except (EOFError, KeyboardInterrupt):
                typer.echo("")
                return
            if line.isdigit() and 1 <= int(line) <= len(payloads):
                line = payloads[int(line) - 1]
            try:
                reply = gateway.ask(line, user=user)
            except GatewayUnavailable as exc:
                typer.echo(f"錯誤：{exc}", err=True)
                raise typer.Exit(1)
            payloads = [b["payload"] for b in reply.get("button_payloads", [])]
            _print_reply(reply, numbered=True)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="gateway 對外的位址（Rasa 與 action server 永遠只聽 127.0.0.1）"),
) -> None:
    """Start the Rasa server, the action server and the gateway; Ctrl-C stops all three.

    Example: labourbot serve   (normally through `make run`)
    """
    from cli.serve import Stack, StackConfig, StackError, console_notes

    settings = get_settings()
    stack = Stack(StackConfig(gateway_port=settings.gateway_port, rasa_port=settings.rasa_port,
                              action_port=settings.action_port, gateway_host=host,
                              data_dir=settings.data_dir, endpoints=settings.rasa_endpoints,
                              rasa_processes=settings.rasa_processes))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # Ctrl-C must stop the stack even when started from a shell that ignores SIGINT (background jobs).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    typer.echo("啟動中（Rasa 載入模型約需 20-40 秒）…")
    try:
        stack.start()
    except StackError as exc:
        stack.stop()
        typer.echo(f"錯誤：{exc}", err=True)
        raise typer.Exit(1)
    except BaseException:  # Ctrl-C or SIGTERM while starting: leave nothing running
        stack.stop()
        raise
    c = stack.config
    typer.echo(f"gateway       {c.gateway_url}  (POST /api/messages, GET /healthz)")
    typer.echo(f"rasa server   {', '.join(c.rasa_urls)}  (只在本機)")
    typer.echo(f"action server {c.action_url}")
    typer.echo(f"記錄檔        {c.data_dir / 'logs'}")
    try:  # from here on, Ctrl-C or SIGTERM stops the stack (finally)
        for line in console_notes(stack):  # the console's address; the first administrator's command if none
            typer.echo(line)
        typer.echo("試試：.venv/bin/labourbot ask \"你好\"　　按 Ctrl-C 結束")
        dead = stack.watch(report=typer.echo)
        typer.echo(f"{dead} 反覆異常結束，停止服務；請看記錄檔 {c.data_dir / 'logs'}。", err=True)
        raise typer.Exit(1)
    except StackError as exc:  # a dead process's port was taken by another program: restarting cannot work
        typer.echo(f"錯誤：{exc}", err=True)
        raise typer.Exit(1)
    except KeyboardInterrupt:
        pass
    finally:
        typer.echo("停止所有程序…")
        stack.stop()


def _mount_subcommands() -> None:
    """Library sub-commands; each lives beside its library and imports its heavy parts lazily."""
    from cli.cases import cases_app, staff_app
    from cli.kb import kb_app
    from cli.calc import calc_app
    from cli.channels import line_app, qr, telegram_app
    from cli.jobs import jobs_app, scam_check
    from cli.privacy import privacy_app

    app.add_typer(calc_app, name="calc", help="勞基法等的計算機（特休、加班費、資遣費、最低工資…）")
    app.add_typer(kb_app, name="kb", help="知識庫：匯入法規、建立索引、搜尋")
    app.add_typer(cases_app, name="cases", help="轉真人的案件：列出、清除過期資料、資料庫遷移")
    app.add_typer(staff_app, name="staff", help="案件後台的同仁帳號")
    app.add_typer(privacy_app, name="privacy", help="個資：匯出或刪除某個對話的全部資料")
    app.add_typer(line_app, name="line", help="LINE 官方帳號設定（圖文選單）")
    app.add_typer(telegram_app, name="telegram", help="Telegram bot：webhook 設定與本機 polling 試用")
    app.command("qr")(qr)
    app.add_typer(jobs_app, name="jobs", help="職缺：匯入開放資料（CSV/JSON）、搜尋")
    app.command("scam-check")(scam_check)
    from cli.stats import stats
    app.command("stats")(stats)


_mount_subcommands()


def main() -> None:  # console-script entry point
    app()


if __name__ == "__main__":
    main()
