"""The LINE rich menus: a 2500x1686 image drawn with Pillow and six areas, each posting a payload the bot
understands; one menu per language (docs/channels.md "Rich menus per language").

* zh (the default menu for every user): 勞動法令, 計算機, 求職防騙, 找工作, 找真人, 校園專區; drawn with
  Noto Sans CJK TC (Debian fonts-noto-cjk).
* en, id, vi, th: the same first five areas with labels in the language (channels/labels.py) and a
  language switch (/choose_language) instead of 校園專區. en and id are drawn with the CJK font (it
  has Latin); vi needs a font with every Vietnamese letter and th a Thai font: Noto Sans / Noto Sans
  Thai from Debian fonts-noto-core (DejaVu Sans and TLWG fonts are taken when they are there).

`labourbot line setup-richmenu` calls `setup_rich_menus`: for each language create the menu, upload
its image, make the Chinese one the default for every user, then delete older menus of the same name.
The gateway links a user's menu to the conversation's language (`RichMenuLinker`), once per change.
"""

from __future__ import annotations

import io
import logging
import math
import shutil
import subprocess
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from channels.labels import label
from channels.settings import ChannelSettings
from labourbot.buttons import REQUEST_HUMAN, choose_topic
from labourbot.language import DEFAULT_LANGUAGE, LANGUAGES

logger = logging.getLogger(__name__)

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
# Fonts for the menus whose letters the CJK font lacks, best first (Debian packages in the comments).
SCRIPT_FONTS: dict[str, tuple[Path, ...]] = {
    "vi": (Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),  # fonts-noto-core
           Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")),  # fonts-dejavu-core
    "th": (Path("/usr/share/fonts/truetype/noto/NotoSansThai-Bold.ttf"),  # fonts-noto-core
           Path("/usr/share/fonts/truetype/tlwg/Loma-Bold.ttf"),  # fonts-tlwg-loma-ttf
           Path("/usr/share/fonts/opentype/tlwg/Loma-Bold.otf")),  # fonts-tlwg-loma-otf
}
CHOOSE_LANGUAGE = "/choose_language"


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


_LANGUAGE_AREAS: tuple[tuple[str, str, str, str], ...] = (  # label key, payload, icon, colour
    ("menu_law", "/greet", "book", "#00695C"),
    ("menu_calculator", "/calculate", "calculator", "#00796B"),
    ("menu_scam", choose_topic("job_scam"), "shield", "#C62828"),
    ("menu_jobs", "/search_job", "briefcase", "#1565C0"),
    ("menu_human", REQUEST_HUMAN, "person", "#6A1B9A"),
    ("menu_language", CHOOSE_LANGUAGE, "globe", "#EF6C00"),
)


def areas_for(lang: str) -> tuple[Area, ...]:
    """The six areas of the menu in `lang` (the Chinese menu keeps its 校園專區)."""
    if lang == DEFAULT_LANGUAGE:
        return AREAS
    return tuple(Area(label(key, lang), label(key + "_sub", lang), payload, icon, colour)
                 for key, payload, icon, colour in _LANGUAGE_AREAS)


def menu_name(lang: str) -> str:
    """labourbot-main for Chinese (the name it always had), labourbot-main-en and so on."""
    return MENU_NAME if lang == DEFAULT_LANGUAGE else f"{MENU_NAME}-{lang}"


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


def find_font(lang: str) -> Path:
    """The font the menu in `lang` is drawn with (RichMenuError names the Debian package when missing)."""
    if lang not in SCRIPT_FONTS:
        return find_cjk_font()
    for path in SCRIPT_FONTS[lang]:
        if path.is_file():
            return path
    script = {"vi": "越南文", "th": "泰文"}[lang]
    raise RichMenuError(
        f"找不到{script}字型：請安裝 Debian 套件 fonts-noto-core（apt-get install fonts-noto-core）。"
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
    elif kind == "globe":
        draw.ellipse((cx - s, cy - s, cx + s, cy + s), outline=white, width=w)
        draw.ellipse((cx - s // 2, cy - s, cx + s // 2, cy + s), outline=white, width=w // 2)
        draw.line((cx - s, cy, cx + s, cy), fill=white, width=w // 2)
        draw.line((cx, cy - s, cx, cy + s), fill=white, width=w // 2)


def _fit(draw: ImageDraw.ImageDraw, path: Path, font: ImageFont.FreeTypeFont, text: str,
         width: int) -> ImageFont.FreeTypeFont:
    """`font`, or a smaller size of it, so that `text` fits inside a cell `width` wide with a margin."""
    size = int(font.size)
    while size > 30 and draw.textlength(text, font=font) > width * 0.9:
        size -= 6
        font = _font(path, size)
    return font


def render_image(font_path: Path | None = None, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """The rich menu image in `lang` as PNG bytes (2500x1686, under LINE's 1 MB limit)."""
    font_path = font_path or find_font(lang)
    areas = areas_for(lang)
    longest = max(len(a.label) for a in areas)
    title_font = _font(font_path, 150 if longest <= 6 else 110 if longest <= 11 else 90)
    sub_font = _font(font_path, 64 if max(len(a.subtitle) for a in areas) <= 16 else 54)
    image = Image.new("RGB", (WIDTH, HEIGHT), "#FFFFFF")
    draw = ImageDraw.Draw(image)
    for index, area in enumerate(areas):
        x, y, w, h = cell_bounds(index)
        draw.rectangle((x, y, x + w - 1, y + h - 1), fill=area.colour)
        draw.rectangle((x, y, x + w - 1, y + h - 1), outline="#FFFFFF", width=6)
        cx = x + w // 2
        _icon(draw, area.icon, cx, y + h * 30 // 100, 130)
        draw.text((cx, y + h * 62 // 100), area.label, font=_fit(draw, font_path, title_font, area.label, w),
                  fill="#FFFFFF", anchor="mm")
        subtitle_font = _fit(draw, font_path, sub_font, area.subtitle, w)
        draw.text((cx, y + h * 82 // 100), area.subtitle, font=subtitle_font, fill="#F1F1F1", anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    data = out.getvalue()
    if len(data) > MAX_IMAGE_BYTES:
        raise RichMenuError(f"rich menu image is {len(data)} bytes, LINE accepts at most {MAX_IMAGE_BYTES}")
    return data


def rich_menu_definition(lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """The rich menu object of the Messaging API in `lang` (areas in the same order as the image)."""
    areas = []
    for index, area in enumerate(areas_for(lang)):
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
        "name": menu_name(lang),
        "chatBarText": label("menu_chat_bar", lang),
        "areas": areas,
    }


async def setup_rich_menu(
    settings: ChannelSettings, image: bytes | None = None, *, delete_old: bool = True
) -> str:
    """Create the Chinese rich menu, upload its image, make it the default; returns the new richMenuId."""
    images = {DEFAULT_LANGUAGE: image if image is not None else render_image()}
    return (await setup_rich_menus(settings, images, delete_old=delete_old))[DEFAULT_LANGUAGE]


def _content_type(image: bytes) -> str:
    return "image/jpeg" if image[:3] == b"\xff\xd8\xff" else "image/png"


async def setup_rich_menus(
    settings: ChannelSettings, images: dict[str, bytes], *, delete_old: bool = True
) -> dict[str, str]:
    """Create one rich menu per language in `images` (language -> image), upload each image, make the
    Chinese one the default; older menus of the same names are deleted. Returns language -> richMenuId."""
    from linebot.v3.messaging import RichMenuRequest
    from linebot.v3.messaging.exceptions import ApiException

    unknown = sorted(set(images) - set(LANGUAGES))
    if unknown:
        raise RichMenuError(f"不認得的語言：{', '.join(unknown)}（可用：{', '.join(LANGUAGES)}）")
    api_client, data_client, api, blob = _clients(settings)
    created: dict[str, str] = {}
    try:
        for lang in [code for code in LANGUAGES if code in images]:
            request = RichMenuRequest.from_dict(rich_menu_definition(lang))
            await api.validate_rich_menu_object(request)
            menu_id = (await api.create_rich_menu(request)).rich_menu_id
            # The SDK ignores _content_type for this call: the header must be given explicitly.
            headers = {"Content-Type": _content_type(images[lang])}
            await blob.set_rich_menu_image(menu_id, images[lang], _headers=headers)
            created[lang] = menu_id
        if DEFAULT_LANGUAGE in created:
            await api.set_default_rich_menu(created[DEFAULT_LANGUAGE])
        if delete_old:
            names = {menu_name(lang) for lang in created}
            listing = await api.get_rich_menu_list()
            for old in listing.richmenus or []:
                if old.name in names and old.rich_menu_id not in created.values():
                    await api.delete_rich_menu(old.rich_menu_id)
        return created
    except ApiException as exc:
        raise RichMenuError(f"LINE 拒絕了請求（HTTP {exc.status}）：{_short(exc.body)}") from exc
    except OSError as exc:  # aiohttp connection errors are OSErrors
        raise RichMenuError(f"連不到 LINE（{settings.line_api_base}）：{exc}") from exc
    finally:
        await api_client.close()
        await data_client.close()


def _clients(settings: ChannelSettings) -> tuple[Any, Any, Any, Any]:
    """The Messaging API and its data API (rich menu images), with the channel's access token."""
    from linebot.v3.messaging import AsyncApiClient, AsyncMessagingApi, AsyncMessagingApiBlob, Configuration

    if settings.line_missing and "LINE_CHANNEL_ACCESS_TOKEN" in settings.line_missing:
        raise RichMenuError("LINE_CHANNEL_ACCESS_TOKEN 沒有設定（請見 docs/channels.md）。")
    token = settings.line_channel_access_token.get_secret_value()
    api_client = AsyncApiClient(Configuration(host=settings.line_api_base, access_token=token))
    data_client = AsyncApiClient(Configuration(host=settings.line_data_api_base, access_token=token))
    return api_client, data_client, AsyncMessagingApi(api_client), AsyncMessagingApiBlob(data_client)


class RichMenuLinker:
    """Shows each LINE user the rich menu of their conversation's language: links the user's menu when the
    language changes, once per change (never per message). Every user starts on the default (Chinese)
    menu; going back to Chinese unlinks. Which menu a user has is remembered in memory (up to `capacity`
    users): after a restart a user is linked again once, which LINE takes as a no-op. A failed call is
    logged and tried again on the user's next reply; it never holds up or breaks a reply."""

    def __init__(
        self, settings: ChannelSettings, capacity: int = 100_000, menus_ttl_s: float = 600.0
    ) -> None:
        self.settings = settings
        self.capacity = capacity
        self.menus_ttl_s = menus_ttl_s
        self._linked: OrderedDict[str, str] = OrderedDict()
        self._menus: dict[str, str] = {}
        self._menus_at = -math.inf
        self._clients: tuple[Any, Any, Any, Any] | None = None

    def linked(self, user_id: str) -> str:
        """The language of the menu `user_id` has now (as far as this gateway knows)."""
        return self._linked.get(user_id, DEFAULT_LANGUAGE)

    async def observe(self, user_id: str, lang: str | None) -> bool:
        """The conversation of `user_id` is in `lang` (None: this turn does not tell): link the user's menu
        when that is another language than the menu they have. True when a call was made and succeeded."""
        if lang not in LANGUAGES or lang == self.linked(user_id):
            return False
        from linebot.v3.messaging.exceptions import ApiException

        try:
            api = self._api()
            if lang == DEFAULT_LANGUAGE:
                await api.unlink_rich_menu_id_from_user(user_id)
            else:
                menu_id = (await self._menu_ids(api)).get(str(lang))
                if menu_id is None:  # `labourbot line setup-richmenu --languages` not run: nothing to link
                    logger.info("no rich menu for %s: run labourbot line setup-richmenu --languages", lang)
                    return False
                await api.link_rich_menu_id_to_user(user_id, menu_id)
        except (ApiException, OSError, RichMenuError) as exc:
            self._menus_at = -math.inf  # the menus may have been set up again: list them anew next time
            logger.warning("rich menu link for %s failed: %s", lang, getattr(exc, "status", exc))
            return False
        self._linked[user_id] = str(lang)
        self._linked.move_to_end(user_id)
        while len(self._linked) > self.capacity:
            self._linked.popitem(last=False)
        return True

    def _api(self) -> Any:
        if self._clients is None:
            self._clients = _clients(self.settings)
        return self._clients[2]

    async def _menu_ids(self, api: Any) -> dict[str, str]:
        """Language -> richMenuId of the menus `setup-richmenu` made (listed at most every `menus_ttl_s`)."""
        if time.monotonic() - self._menus_at > self.menus_ttl_s:
            names = {menu_name(lang): lang for lang in LANGUAGES}
            listing = await api.get_rich_menu_list()
            self._menus = {names[m.name]: m.rich_menu_id for m in listing.richmenus or [] if m.name in names}
            self._menus_at = time.monotonic()
        return self._menus

    async def close(self) -> None:
        if self._clients is not None:
            await self._clients[0].close()
            await self._clients[1].close()
            self._clients = None


def _short(body: Any) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, (bytes, bytearray)) else str(body or "")
    return text[:300]
