"""The filled mediation application as a PDF: Chinese embedded, fields where the form puts them.

Renders test-artifacts/mediation_application.png (look at it after a layout change)."""

from __future__ import annotations

from datetime import datetime, timezone

import pypdfium2 as pdfium
import pytest

from cases.mediation import Application, Claim
from cases.mediation_pdf import render
from labourbot.config import PROJECT_ROOT

FILED = datetime(2026, 12, 5, 3, 0, tzinfo=timezone.utc)  # 115年12月5日 11:00 in Taipei


def sample() -> Application:
    return Application(
        applicant_name="王小明", applicant_phone="0912-345-678", applicant_address="臺南市東區大學路1號",
        employer_name="好運餐飲有限公司", employer_address="臺南市中西區民生路二段100號",
        employer_representative="陳大同", disputes=["wage_arrears", "severance", "other"],
        other_dispute="離職證明不發", facts="民國115年10月起公司未發薪水，11月30日被口頭資遣，未給資遣費。",
        claims=[Claim("wage_arrears", 64000, "user"), Claim("severance", 48750, "calculator")],
        method="mediator", consent_at="2026-12-05T02:58:00+00:00",
    )


def _text_and_png(data: bytes, png_name: str | None = None) -> tuple[str, list[int]]:
    doc = pdfium.PdfDocument(data)
    texts = []
    for index in range(len(doc)):
        page = doc[index]
        texts.append(page.get_textpage().get_text_range())
        if png_name and index == 0:
            out = PROJECT_ROOT / "test-artifacts" / png_name
            out.parent.mkdir(exist_ok=True)
            page.render(scale=2).to_pil().save(out)
    return "\n".join(texts), [len(doc)]


def test_pdf_holds_every_field_in_chinese_and_renders():
    data = render(sample(), 42, FILED)
    assert data.startswith(b"%PDF")
    text, pages = _text_and_png(data, "mediation_application.png")
    assert pages == [1]
    for field in ("勞資爭議調解申請書", "臺南市政府勞工局", "#42", "115年12月5日", "王小明", "0912-345-678",
                  "臺南市東區大學路1號", "好運餐飲有限公司", "陳大同", "臺南市中西區民生路二段100號",
                  "64,000 元", "48,750 元", "112,750 元", "小幫手試算，民眾確認", "離職證明不發",
                  "未給資遣費", "指派調解人", "勞資爭議處理法第10條"):
        assert field in text, field


def test_the_font_is_embedded_not_referenced():
    data = render(sample(), 1, FILED)
    assert b"/FontFile" in data  # FontFile2 (TrueType) or FontFile3 (CFF): the glyphs travel with the file


def test_long_facts_and_names_do_not_break_the_layout():
    app = sample()
    app.facts = "老闆一直拖欠薪水，" * 200
    app.employer_name = "非常非常長的公司名稱" * 10
    data = render(app, 7, FILED)
    text, pages = _text_and_png(data)
    assert pages[0] >= 2  # the facts flow onto a second page
    flat = "".join(text.split())  # lines wrap inside the words
    assert flat.count("老闆一直拖欠薪水") == 200
    assert "…" in text  # the name is cut to its cell, with an ellipsis


def test_missing_font_is_an_error_not_tofu(tmp_path):
    from cases.mediation_pdf import FontMissing

    with pytest.raises(FontMissing):
        render(sample(), 1, FILED, font=str(tmp_path / "nope.ttf"))
