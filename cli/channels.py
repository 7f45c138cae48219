"""CLI commands of the chat channels: `labourbot line ...`, `labourbot telegram ...` and `labourbot qr`.

Mounted by cli/main.py:  app.add_typer(line_app, name="line"); app.add_typer(telegram_app,
name="telegram"); app.command("qr")(qr). Each command is a thin wrapper over a library function;
library errors become one clear line and exit code 1.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import NoReturn, Optional, TypeVar

import typer

T = TypeVar("T")

line_app = typer.Typer(help="LINE 官方帳號：圖文選單設定", no_args_is_help=True, add_completion=False)
telegram_app = typer.Typer(
    help="Telegram bot：webhook 設定與本機試用（polling）", no_args_is_help=True, add_completion=False
)


def _fail(message: str) -> NoReturn:
    typer.echo(f"錯誤：{message}", err=True)
    raise typer.Exit(1)


@line_app.command("setup-richmenu")
def setup_richmenu(
    image: Optional[Path] = typer.Option(
        None, "--image", help="改用這張 2500x1686 的 PNG/JPEG 當中文選單（預設自動產生）"
    ),
    save: Optional[Path] = typer.Option(None, "--save", help="另存一份產生的圖片，方便檢查（多語言時另加 -en 等）"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只產生圖片並印出選單設定，不呼叫 LINE"),
    keep_old: bool = typer.Option(False, "--keep-old", help="保留舊的同名圖文選單（預設刪除）"),
    languages: str = typer.Option(
        "zh", "--languages", help="要建立哪些語言的選單，以逗號分隔，例如 zh,en,id,vi,th（中文選單為預設選單）"
    ),
) -> None:
    """Upload the rich menus (勞動法令, 計算機, 求職防騙, 找工作, 找真人, 校園專區; in en/id/vi/th a language
    switch instead of 校園專區) and make the Chinese one the default. The gateway links each LINE user's
    menu to the conversation's language (docs/channels.md).

    Example: labourbot line setup-richmenu --languages zh,en,id,vi,th --save richmenu.png
    """
    from channels.richmenu import RichMenuError, render_image, rich_menu_definition, setup_rich_menus
    from channels.settings import ChannelSettings
    from labourbot.language import LANGUAGES

    wanted = [code.strip() for code in languages.split(",") if code.strip()]
    unknown = [code for code in wanted if code not in LANGUAGES]
    if unknown or not wanted:
        _fail(f"不認得的語言：{', '.join(unknown) or languages}（可用：{', '.join(LANGUAGES)}）")
    images: dict[str, bytes] = {}
    for lang in wanted:
        try:
            images[lang] = image.read_bytes() if image and lang == "zh" else render_image(lang=lang)
        except OSError as exc:
            _fail(f"讀不到圖片 {image}：{exc.strerror}")
        except RichMenuError as exc:
            _fail(str(exc))
    if save:
        for lang, data in images.items():
            path = save if lang == wanted[0] else save.with_name(f"{save.stem}-{lang}{save.suffix}")
            path.write_bytes(data)
            typer.echo(f"圖片已存到 {path}")
    if dry_run:
        definitions = [rich_menu_definition(lang) for lang in wanted]
        shown = definitions[0] if len(definitions) == 1 else definitions
        typer.echo(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    try:
        created = asyncio.run(setup_rich_menus(ChannelSettings(), images, delete_old=not keep_old))
    except RichMenuError as exc:
        _fail(str(exc))
    if "zh" in created:
        typer.echo(f"圖文選單已設為預設：{created['zh']}")
    for lang, menu_id in created.items():
        if lang != "zh":
            typer.echo(f"{lang} 圖文選單：{menu_id}（對話改用這個語言時連結給該使用者）")


@telegram_app.command("poll")
def poll() -> None:
    """Answer the Telegram bot by long polling (no public URL needed); Ctrl-C stops. Needs `labourbot serve`
    running (Rasa and the action server). Polling removes the bot's webhook: run set-webhook again after.

    Example: labourbot telegram poll
    """
    from channels.settings import ChannelSettings
    from channels.telegram.channel import run_polling
    from labourbot.config import get_settings

    settings = get_settings()
    typer.echo("Telegram polling 中（Ctrl-C 結束）…")
    try:
        run_polling(
            ChannelSettings(), settings.rasa_base, settings.rasa_timeout_s, settings.max_message_chars,
            rasa_token=settings.rasa_auth_token,
        )
    except ValueError as exc:
        _fail(str(exc))


def _telegram_call(make: Callable[[], Awaitable[T]]) -> T:
    """Run one Bot API operation; its errors become one clear line."""
    from telegram.error import BadRequest, NetworkError, TelegramError

    try:
        return asyncio.run(make())
    except ValueError as exc:
        _fail(str(exc))
    except BadRequest as exc:  # a subclass of NetworkError, but a refusal
        _fail(f"Telegram 拒絕了請求：{exc.message}")
    except NetworkError as exc:
        _fail(f"連不到 Telegram（{exc.message}）")
    except TelegramError as exc:
        _fail(f"Telegram 拒絕了請求：{exc.message}")


@telegram_app.command("set-webhook")
def set_webhook(public_url: str = typer.Argument(..., help="gateway 對外的 https 網址（不含路徑）")) -> None:
    """Tell Telegram to send updates to PUBLIC_URL/webhooks/telegram with TELEGRAM_WEBHOOK_SECRET.

    Example: labourbot telegram set-webhook https://bot.example.gov.tw
    """
    from channels.settings import ChannelSettings
    from channels.telegram import channel

    if not public_url.startswith("https://"):
        raise typer.BadParameter("Telegram 只接受 https:// 的 webhook 網址。")
    url = _telegram_call(lambda: channel.set_webhook(ChannelSettings(), public_url))
    typer.echo(f"webhook 已設定：{url}")


@telegram_app.command("delete-webhook")
def delete_webhook() -> None:
    """Remove the bot's webhook (Telegram keeps updates for 24 hours until polled or a webhook is set).

    Example: labourbot telegram delete-webhook
    """
    from channels.settings import ChannelSettings
    from channels.telegram import channel

    _telegram_call(lambda: channel.delete_webhook(ChannelSettings()))
    typer.echo("webhook 已移除")


@telegram_app.command("info")
def info() -> None:
    """Show the bot's name and where Telegram delivers its updates (and the last delivery error).

    Example: labourbot telegram info
    """
    from channels.settings import ChannelSettings
    from channels.telegram import channel

    result = _telegram_call(lambda: channel.webhook_info(ChannelSettings()))
    typer.echo(json.dumps(result, ensure_ascii=False))


def qr_png(url: str, box_size: int = 12) -> bytes:
    """A QR code (PNG bytes) of `url`, with high error correction for printed posters."""
    import io

    import qrcode
    from qrcode.constants import ERROR_CORRECT_H

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_H, box_size=box_size, border=4)
    code.add_data(url)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()


def qr(
    url: str = typer.Argument(..., help="網址，例如網頁聊天室 https://…/chat 或 LINE 加好友連結"),
    output: Path = typer.Option(Path("qr.png"), "-o", "--output", help="輸出的 PNG 檔"),
    box_size: int = typer.Option(12, "--box-size", min=2, max=50, help="每一格的像素數"),
) -> None:
    """Write a QR code of URL as a PNG, for posters and campus talks.

    Example: labourbot qr https://line.me/R/ti/p/@example -o qr.png
    """
    if not url.startswith(("https://", "http://")):
        raise typer.BadParameter("請給完整網址（https:// 開頭）。")
    try:
        output.write_bytes(qr_png(url, box_size))
    except OSError as exc:
        _fail(f"無法寫入 {output}：{exc.strerror}")
    typer.echo(f"QR code 已存到 {output}")
