"""Rich menus per language (channels/richmenu.py): five menus from `labourbot line setup-richmenu
--languages`, and a LINE user's menu linked when the conversation's language changes, once per change."""

from __future__ import annotations

import asyncio
import functools
import io
import json

import pytest
import typer
from fakes.fake_line import FakeLineApi
from fakes.payloads import line_user
from PIL import Image
from typer.testing import CliRunner

from channels import richmenu
from channels.labels import label
from channels.settings import ChannelSettings
from cli.channels import line_app

TOKEN = "fake-token-for-the-language-menus"
runner = CliRunner()
OTHERS = ("en", "id", "vi", "th")


def cli() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(line_app, name="line")
    app.command("noop")(lambda: None)  # a second command keeps `line` a sub-command group
    return app


@pytest.fixture()
def fake_api(monkeypatch):
    server = FakeLineApi(access_token=TOKEN).start()
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("LINE_API_BASE", server.url)
    monkeypatch.setenv("LINE_DATA_API_BASE", server.url)
    yield server
    server.stop()


@functools.cache
def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (richmenu.WIDTH, richmenu.HEIGHT), "#00695C").save(out, format="PNG", compress_level=1)
    return out.getvalue()


@pytest.mark.parametrize("lang", OTHERS)
def test_each_language_has_its_labels_and_a_language_switch(lang):
    definition = richmenu.rich_menu_definition(lang)
    labels = [a["action"]["label"] for a in definition["areas"]]
    assert labels == [label(k, lang) for k in ("menu_law", "menu_calculator", "menu_scam", "menu_jobs",
                                               "menu_human", "menu_language")]
    assert definition["name"] == f"labourbot-main-{lang}" and definition["chatBarText"] == label("menu_chat_bar", lang)
    payloads = [a["action"]["data"] for a in definition["areas"]]
    assert payloads[:5] == [a.payload for a in richmenu.AREAS[:5]] and payloads[5] == "/choose_language"
    assert all(len(a["action"]["label"]) <= 20 for a in definition["areas"])  # LINE's limit for a label


def test_the_chinese_menu_is_the_one_it_always_was():
    definition = richmenu.rich_menu_definition()
    assert definition == richmenu.rich_menu_definition("zh") and definition["name"] == "labourbot-main"
    assert [a["action"]["label"] for a in definition["areas"]][-1] == "校園專區"


def test_the_vietnamese_menu_is_drawn_with_a_font_that_has_its_letters():
    font = richmenu.find_font("vi")
    assert "CJK" not in font.name  # Noto Sans CJK lacks some of the Vietnamese letters
    image = Image.open(io.BytesIO(richmenu.render_image(lang="vi")))
    assert image.size == (2500, 1686)


def test_a_missing_thai_font_names_the_debian_package(monkeypatch, tmp_path):
    monkeypatch.setitem(richmenu.SCRIPT_FONTS, "th", (tmp_path / "none.ttf",))
    with pytest.raises(richmenu.RichMenuError, match="fonts-noto-core"):
        richmenu.render_image(lang="th")


def test_setup_creates_the_five_menus_and_keeps_chinese_the_default(fake_api, monkeypatch, tmp_path):
    drawn: list[str] = []

    def fake_render(font_path=None, lang="zh"):  # the Thai font may not be installed where tests run
        drawn.append(lang)
        return png()

    monkeypatch.setattr(richmenu, "render_image", fake_render)
    result = runner.invoke(cli(), ["line", "setup-richmenu", "--languages", "zh,en,id,vi,th",
                                   "--save", str(tmp_path / "menu.png")])
    assert result.exit_code == 0, result.output
    assert drawn == ["zh", "en", "id", "vi", "th"]
    names = {m["name"]: m["richMenuId"] for m in fake_api.rich_menus.values()}
    assert set(names) == {"labourbot-main", *(f"labourbot-main-{lang}" for lang in OTHERS)}
    assert fake_api.default_rich_menu == names["labourbot-main"]
    assert all(menu_id in fake_api.images for menu_id in names.values())
    assert (tmp_path / "menu-th.png").is_file()

    again = runner.invoke(cli(), ["line", "setup-richmenu", "--languages", "zh,en,id,vi,th"])
    assert again.exit_code == 0, again.output
    assert len(fake_api.rich_menus) == 5, "the older menus of the same names are deleted"


def test_an_unknown_language_is_a_clean_error(fake_api):
    result = runner.invoke(cli(), ["line", "setup-richmenu", "--languages", "zh,fr"])
    assert result.exit_code == 1 and "fr" in result.output and fake_api.requests == []


def test_dry_run_prints_every_language(fake_api, monkeypatch):
    monkeypatch.setattr(richmenu, "render_image", lambda font_path=None, lang="zh": png())
    result = runner.invoke(cli(), ["line", "setup-richmenu", "--languages", "en,id", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert [d["name"] for d in json.loads(result.output)] == ["labourbot-main-en", "labourbot-main-id"]


def linker_calls(fake_api: FakeLineApi) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in fake_api.requests if "/bot/user/U" in r.path]


def test_the_linker_links_once_per_change_and_unlinks_for_chinese(fake_api):
    menus = asyncio.run(richmenu.setup_rich_menus(
        ChannelSettings(), {lang: png() for lang in ("zh", *OTHERS)}))
    user = line_user()

    async def conversation() -> list[bool]:
        linker = richmenu.RichMenuLinker(ChannelSettings())
        try:
            return [await linker.observe(user, lang) for lang in ("zh", None, "vi", "vi", None, "vi", "th", "zh", "zh")]
        finally:
            await linker.close()

    done = asyncio.run(conversation())
    assert done == [False, False, True, False, False, False, True, True, False]
    assert linker_calls(fake_api) == [
        ("POST", f"/v2/bot/user/{user}/richmenu/{menus['vi']}"),
        ("POST", f"/v2/bot/user/{user}/richmenu/{menus['th']}"),
        ("DELETE", f"/v2/bot/user/{user}/richmenu"),
    ]
    assert user not in fake_api.user_rich_menus  # back on the default (Chinese) menu
    assert len(fake_api.matching(lambda r: r.path == "/v2/bot/richmenu/list")) == 1 + 1  # setup + linker once


def test_without_language_menus_or_with_line_failing_nothing_breaks_and_the_link_is_tried_again(fake_api):
    user = line_user()

    async def run() -> list[bool]:
        linker = richmenu.RichMenuLinker(ChannelSettings(), menus_ttl_s=0)
        try:
            first = await linker.observe(user, "en")  # no menus set up yet: nothing to link
            await richmenu.setup_rich_menus(ChannelSettings(), {"zh": png(), "en": png()})
            fake_api.fail_next(500)
            second = await linker.observe(user, "en")  # LINE refuses: logged, tried on the next reply
            third = await linker.observe(user, "en")
            return [first, second, third, linker.linked(user) == "en"]
        finally:
            await linker.close()

    assert asyncio.run(run()) == [False, False, True, True]
    assert fake_api.user_rich_menus[user].startswith("richmenu-")


def _cmap(path) -> set[int]:
    """The characters a font file has glyphs for (the Traditional Chinese face of a .ttc collection)."""
    from fontTools.ttLib import TTCollection, TTFont

    if str(path).endswith(".ttc"):
        faces = TTCollection(str(path)).fonts
        face = next((f for f in faces if richmenu.FONT_FACE in str(f["name"].getDebugName(1))), faces[0])
        return set(face.getBestCmap())
    return set(TTFont(str(path)).getBestCmap())


@pytest.mark.parametrize("lang", ("zh", *OTHERS))
def test_every_letter_of_a_menu_is_in_its_font_or_the_missing_font_is_named(lang):
    try:
        font = richmenu.find_font(lang)
    except richmenu.RichMenuError as exc:  # e.g. no Thai font here: the command says what to install
        assert "fonts-noto-core" in str(exc)
        return
    has = _cmap(font)
    text = "".join(a.label + a.subtitle for a in richmenu.areas_for(lang))
    missing = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in has})
    assert missing == [], (lang, font.name, missing)
