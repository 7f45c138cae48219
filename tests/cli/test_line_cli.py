"""`labourbot line setup-richmenu` against the fake LINE API, the rich menu image, and `labourbot qr`."""

from __future__ import annotations

import io
import json

import pytest
import typer
from fakes.fake_line import FakeLineApi
from PIL import Image
from typer.testing import CliRunner

from channels import richmenu
from cli.channels import line_app, qr, telegram_app

TOKEN = "fake-token-for-the-rich-menu"
runner = CliRunner()


def cli() -> typer.Typer:
    """The sub-commands mounted the way cli/main.py mounts them."""
    app = typer.Typer()
    app.add_typer(line_app, name="line")
    app.add_typer(telegram_app, name="telegram")
    app.command("qr")(qr)
    return app


@pytest.fixture()
def fake_api(monkeypatch):
    server = FakeLineApi(access_token=TOKEN).start()
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("LINE_API_BASE", server.url)
    monkeypatch.setenv("LINE_DATA_API_BASE", server.url)
    yield server
    server.stop()


def test_the_image_is_a_2500x1686_png_under_one_megabyte():
    data = richmenu.render_image()
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (2500, 1686)
    assert len(data) < 1_000_000
    # Each area has its own colour: sample the middle top of each cell.
    colours = {image.getpixel((x + w // 2, y + 20)) for x, y, w, h in map(richmenu.cell_bounds, range(6))}
    assert len(colours) == 6


def test_the_six_areas_cover_the_menu_without_overlap_and_post_payloads():
    definition = richmenu.rich_menu_definition()
    areas = definition["areas"]
    assert [a["action"]["label"] for a in areas] == [
        "勞動法令",
        "計算機",
        "求職防騙",
        "找工作",
        "找真人",
        "校園專區",
    ]
    assert sum(a["bounds"]["width"] * a["bounds"]["height"] for a in areas) == 2500 * 1686
    for a in areas:
        b = a["bounds"]
        assert b["x"] + b["width"] <= 2500 and b["y"] + b["height"] <= 1686
        assert a["action"]["type"] == "postback" and a["action"]["data"].startswith("/")
        assert len(a["action"]["data"]) <= 300
    assert [a["action"]["data"] for a in areas if a["action"]["label"] == "找真人"] == ["/request_human"]


def test_setup_richmenu_uploads_the_image_and_makes_the_menu_the_default(fake_api, tmp_path):
    saved = tmp_path / "menu.png"
    result = runner.invoke(cli(), ["line", "setup-richmenu", "--save", str(saved)])
    assert result.exit_code == 0, result.output
    menu_id = fake_api.default_rich_menu
    assert menu_id and menu_id in result.output
    content_type, image = fake_api.images[menu_id]
    assert content_type == "image/png" and image == saved.read_bytes()
    assert Image.open(io.BytesIO(image)).size == (2500, 1686)
    uploads = fake_api.matching(lambda r: r.path.endswith("/content"))
    assert uploads[0].headers["authorization"] == f"Bearer {TOKEN}"
    created = fake_api.rich_menus[menu_id]
    assert created["chatBarText"] == "選單" and len(created["areas"]) == 6

    again = runner.invoke(cli(), ["line", "setup-richmenu"])
    assert again.exit_code == 0, again.output
    assert list(fake_api.rich_menus) == [fake_api.default_rich_menu] != [menu_id], "the old menu is deleted"


def test_dry_run_calls_nothing_and_prints_the_definition(fake_api):
    result = runner.invoke(cli(), ["line", "setup-richmenu", "--dry-run"])
    assert result.exit_code == 0
    assert len(json.loads(result.output)["areas"]) == 6
    assert fake_api.requests == []


def test_line_refusing_is_a_clean_error(fake_api):
    fake_api.fail_next(500)
    result = runner.invoke(cli(), ["line", "setup-richmenu"])
    assert result.exit_code == 1
    assert "HTTP 500" in result.output and "Traceback" not in result.output


def test_a_missing_access_token_is_a_clean_error(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("LINE_CHANNEL_ACCESS_TOKEN", raising=False)
    result = runner.invoke(cli(), ["line", "setup-richmenu"])
    assert result.exit_code == 1 and "LINE_CHANNEL_ACCESS_TOKEN" in result.output


def test_qr_writes_a_square_black_and_white_png(tmp_path):
    out = tmp_path / "qr.png"
    result = runner.invoke(cli(), ["qr", "https://line.me/R/ti/p/@example", "-o", str(out)])
    assert result.exit_code == 0, result.output
    image = Image.open(out).convert("L")
    assert image.width == image.height >= 300
    assert set(image.getdata()) == {0, 255}
    assert image.getpixel((5, 5)) == 255, "a white quiet zone around the code"
    assert runner.invoke(cli(), ["qr", "not a url", "-o", str(out)]).exit_code == 2


def test_every_channel_command_has_help_with_an_example():
    for args in (
        ["line", "setup-richmenu"],
        ["telegram", "poll"],
        ["telegram", "set-webhook"],
        ["telegram", "delete-webhook"],
        ["telegram", "info"],
        ["qr"],
    ):
        result = runner.invoke(cli(), [*args, "--help"])
        assert result.exit_code == 0, args
        assert "Example" in result.output, args


def test_every_channel_command_is_documented():
    from labourbot.config import PROJECT_ROOT

    doc = (PROJECT_ROOT / "docs" / "channels.md").read_text(encoding="utf-8")
    for command in (
        "labourbot line setup-richmenu",
        "labourbot telegram poll",
        "labourbot telegram set-webhook",
        "labourbot telegram delete-webhook",
        "labourbot telegram info",
        "labourbot qr",
    ):
        assert command in doc, command
