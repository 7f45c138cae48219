"""The LINE rich menu: a 2500x1686 image drawn with Pillow (Noto Sans CJK TC from Debian's fonts-noto-cjk)
and six areas, each posting a payload the bot understands.

`labourbot line setup-richmenu` calls `setup_rich_menu`: create the menu, upload the image to the
data API, make it the default for every user, then delete older menus of the same name.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from channels.settings import ChannelSettings
from labourbot.buttons import REQUEST_HUMAN, choose_topic

WIDTH, HEIGHT = 2500, 1686
COLUMNS, ROWS = 3, 2
MENU_NAME = "labourbot-main"
CHAT_BAR_TEXT = "選單"
MAX_IMAGE_BYTES = 1_000_000  # LINE's limit for a rich menu image

FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/noto-cjk"),
)
FONT_FILES = ("NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc")
FONT_FACE = "Noto Sans CJK TC"


class RichMenuError(RuntimeError):
    """The rich menu could not be drawn or set up (the message says what to do)."""


@dataclass(frozen=True)
class Area:
    label: str
    subtitle: str
    payload: str
    icon: str
    colour: str


AREAS: tuple[Area, ...] = (
    Area("勞動法令", "加班・特休・資遣", "/greet", "book", "#00695C"),
    Area("計算機", "特休・資遣費・加班費", "/calculate", "calculator", "#00796B"),
    Area("求職防騙", "面試前先查一下", choose_topic("job_scam"), "shield", "#C62828"),
    Area("找工作", "就業服務與職缺", "/search_job", "briefcase", "#1565C0"),
    Area("找真人", "勞工局同仁協助", REQUEST_HUMAN, "person", "#6A1B9A"),
    Area("校園專區", "打工・實習・學生", choose_topic("part_time_students"), "cap", "#EF6C00"),
)


def cell_bounds(index: int) -> tuple[int, int, int, int]:
    """x, y, width, height of area `index` (row by row), covering the image without gaps."""
    row, col = divmod(index, COLUMNS)
    x0, x1 = WIDTH * col // COLUMNS, WIDTH * (col + 1) // COLUMNS
    y0, y1 = HEIGHT * row // ROWS, HEIGHT * (row + 1) // ROWS
    return x0, y0, x1 - x0, y1 - y0


def find_cjk_font() -> Path:
    """The Noto Sans CJK collection installed by Debian's fonts-noto-cjk."""
    for folder in FONT_DIRS:
        for name in FONT_FILES:
            if (folder / name).is_file():
                return folder / name
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", f"{FONT_FACE}:bold"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found and "CJK" in found and Path(found).is_file():
            return Path(found)
    raise RichMenuError(
        "找不到中文字型 Noto Sans CJK：請安裝 Debian 套件 fonts-noto-cjk（apt-get install fonts-noto-cjk）。"
    )


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """The Traditional Chinese face of the collection (the .ttc holds JP, KR, SC, TC, HK faces)."""
    for index in range(10):
        try:
            font = ImageFont.truetype(str(path), size, index=index)
        except OSError:
            break
        if font.getname()[0] == FONT_FACE:
            return font
    return ImageFont.truetype(str(path), size)


def _icon(draw: ImageDraw.ImageDraw, kind: str, cx: int, cy: int, s: int) -> None:
    """A simple white line icon of size about 2s centred on (cx, cy)."""
    w = max(8, s // 9)
    white = "#FFFFFF"
    if kind == "book":
        draw.rounded_rectangle(
            (cx - s, cy - s * 3 // 4, cx - w // 2, cy + s * 3 // 4), 12, outline=white, width=w
        )
        draw.rounded_rectangle(
            (cx + w // 2, cy - s * 3 // 4, cx + s, cy + s * 3 // 4), 12, outline=white, width=w
        )
        for dy in (-s // 3, 0, s // 3):
            draw.line((cx - s * 3 // 4, cy + dy, cx - s // 4, cy + dy), fill=white, width=w // 2)
            draw.line((cx + s // 4, cy + dy, cx + s * 3 // 4, cy + dy), fill=white, width=w // 2)
    elif kind == "calculator":
        draw.rounded_rectangle((cx - s * 3 // 4, cy - s, cx + s * 3 // 4, cy + s), 18, outline=white, width=w)
        draw.rectangle((cx - s // 2, cy - s * 3 // 4, cx + s // 2, cy - s // 3), outline=white, width=w // 2)
        for row in range(3):
            for col in range(3):
                x = cx - s // 2 + col * s // 2
                y = cy + row * s // 3
                draw.ellipse((x - w, y - w, x + w, y + w), fill=white)
    elif kind == "shield":
        points = [
            (cx, cy - s),
            (cx + s * 4 // 5, cy - s * 2 // 3),
            (cx + s * 2 // 3, cy + s // 3),
            (cx, cy + s),
            (cx - s * 2 // 3, cy + s // 3),
            (cx - s * 4 // 5, cy - s * 2 // 3),
        ]
        draw.polygon(points, outline=white, width=w)
        draw.line((cx, cy - s // 2, cx, cy + s // 6), fill=white, width=w)
        draw.ellipse((cx - w, cy + s * 2 // 5 - w, cx + w, cy + s * 2 // 5 + w), fill=white)
    elif kind == "briefcase":
        draw.rounded_rectangle((cx - s, cy - s // 2, cx + s, cy + s * 3 // 4), 18, outline=white, width=w)
        draw.rounded_rectangle(
            (cx - s // 3, cy - s * 5 // 6, cx + s // 3, cy - s // 2), 10, outline=white, width=w
        )
        draw.line((cx - s, cy + s // 8, cx + s, cy + s // 8), fill=white, width=w // 2)
    elif kind == "person":
        draw.ellipse((cx - s // 3, cy - s, cx + s // 3, cy - s // 3), outline=white, width=w)
        draw.arc(
            (cx - s * 3 // 4, cy - s // 6, cx + s * 3 // 4, cy + s * 4 // 3), 180, 360, fill=white, width=w
        )
        draw.line((cx - s * 3 // 4, cy + s * 7 // 12, cx + s * 3 // 4, cy + s * 7 // 12), fill=white, width=w)
    elif kind == "cap":
        draw.polygon(
            [(cx, cy - s * 2 // 3), (cx + s, cy - s // 6), (cx, cy + s // 3), (cx - s, cy - s // 6)],
            outline=white,
            width=w,
        )
        draw.arc((cx - s // 2, cy - s // 3, cx + s // 2, cy + s * 5 // 6), 0, 180, fill=white, width=w)
        draw.line((cx + s * 4 // 5, cy - s // 4, cx + s * 4 // 5, cy + s // 2), fill=white, width=w // 2)


def render_image(font_path: Path | None = None) -> bytes:
    """The rich menu image as PNG bytes (2500x1686, under LINE's 1 MB limit)."""
    font_path = font_path or find_cjk_font()
    title_font, sub_font = _font(font_path, 150), _font(font_path, 64)
    image = Image.new("RGB", (WIDTH, HEIGHT), "#FFFFFF")
    draw = ImageDraw.Draw(image)
    for index, area in enumerate(AREAS):
        x, y, w, h = cell_bounds(index)
        draw.rectangle((x, y, x + w - 1, y + h - 1), fill=area.colour)
        draw.rectangle((x, y, x + w - 1, y + h - 1), outline="#FFFFFF", width=6)
        cx = x + w // 2
        _icon(draw, area.icon, cx, y + h * 30 // 100, 130)
        draw.text((cx, y + h * 62 // 100), area.label, font=title_font, fill="#FFFFFF", anchor="mm")
        draw.text((cx, y + h * 82 // 100), area.subtitle, font=sub_font, fill="#F1F1F1", anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    data = out.getvalue()
    if len(data) > MAX_IMAGE_BYTES:
        raise RichMenuError(f"rich menu image is {len(data)} bytes, LINE accepts at most {MAX_IMAGE_BYTES}")
    return data


def rich_menu_definition() -> dict[str, Any]:
    """The rich menu object of the Messaging API (areas in the same order as the image)."""
    areas = []
    for index, area in enumerate(AREAS):
        x, y, w, h = cell_bounds(index)
        areas.append(
            {
                "bounds": {"x": x, "y": y, "width": w, "height": h},
                "action": {
                    "type": "postback",
                    "label": area.label,
                    "data": area.payload,
                    "displayText": area.label,
                },
            }
        )
    return {
        "size": {"width": WIDTH, "height": HEIGHT},
        "selected": True,
        "name": MENU_NAME,
        "chatBarText": CHAT_BAR_TEXT,
        "areas": areas,
    }


async def setup_rich_menu(
    settings: ChannelSettings, image: bytes | None = None, *, delete_old: bool = True
) -> str:
    """Create the rich menu, upload its image, make it the default; returns the new richMenuId."""
    from linebot.v3.messaging import (
        AsyncApiClient,
        AsyncMessagingApi,
        AsyncMessagingApiBlob,
        Configuration,
        RichMenuRequest,
    )
    from linebot.v3.messaging.exceptions import ApiException

    if settings.line_missing and "LINE_CHANNEL_ACCESS_TOKEN" in settings.line_missing:
        raise RichMenuError("LINE_CHANNEL_ACCESS_TOKEN 沒有設定（請見 docs/channels.md）。")
    token = settings.line_channel_access_token.get_secret_value()
    image = image if image is not None else render_image()
    content_type = "image/jpeg" if image[:3] == b"\xff\xd8\xff" else "image/png"
    api_client = AsyncApiClient(Configuration(host=settings.line_api_base, access_token=token))
    data_client = AsyncApiClient(Configuration(host=settings.line_data_api_base, access_token=token))
    try:
        api, blob = AsyncMessagingApi(api_client), AsyncMessagingApiBlob(data_client)
        request = RichMenuRequest.from_dict(rich_menu_definition())
        await api.validate_rich_menu_object(request)
        created = await api.create_rich_menu(request)
        menu_id = created.rich_menu_id
        # The SDK ignores _content_type for this call: the header must be given explicitly.
        await blob.set_rich_menu_image(menu_id, image, _headers={"Content-Type": content_type})
        await api.set_default_rich_menu(menu_id)
        if delete_old:
            listing = await api.get_rich_menu_list()
            for old in listing.richmenus or []:
                if old.name == MENU_NAME and old.rich_menu_id != menu_id:
                    await api.delete_rich_menu(old.rich_menu_id)
        return menu_id
    except ApiException as exc:
        raise RichMenuError(f"LINE 拒絕了請求（HTTP {exc.status}）：{_short(exc.body)}") from exc
    except OSError as exc:  # aiohttp connection errors are OSErrors
        raise RichMenuError(f"連不到 LINE（{settings.line_api_base}）：{exc}") from exc
    finally:
        await api_client.close()
        await data_client.close()


def _short(body: Any) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, (bytes, bytearray)) else str(body or "")
    return text[:300]
