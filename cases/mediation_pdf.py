"""The filled mediation application (勞資爭議調解申請書) as a PDF: `render(app, case_id, filed_at) -> bytes`.

Pure (no database): fpdf2 lays out one A4 page (two when the facts are long) and embeds a subset of a
CJK font found on the machine (Debian: fonts-noto-cjk; its .ttc holds the Traditional Chinese face,
picked by name). LABOURBOT_PDF_FONT names another font file. Without any CJK font `FontMissing` is
raised: a PDF of empty boxes would be worse than none.
"""

from __future__ import annotations

import os
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from cases.mediation import (
    CONTENT_CITATION,
    DISPUTES,
    DOCUMENTS,
    METHOD_CITATION,
    METHODS,
    WHERE_CITATION,
    Application,
    money,
)
from labourbot.bureau import BUREAU

if TYPE_CHECKING:
    from fpdf import FPDF

NOTO = "/usr/share/fonts/opentype/noto/"
FONT_CANDIDATES = (  # (regular, bold); Debian packages: fonts-noto-cjk, fonts-wqy-zenhei, fonts-arphic-uming
    (NOTO + "NotoSansCJK-Regular.ttc", NOTO + "NotoSansCJK-Bold.ttc"),
    (NOTO + "NotoSerifCJK-Regular.ttc", NOTO + "NotoSerifCJK-Bold.ttc"),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", ""),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", ""),
)
PREFERRED_FACES = ("CJK TC", "CJK HK", "TW", "Zen Hei", "Ming")
TITLE = "勞資爭議調解申請書"
LEFT, TOP, WIDTH = 15.0, 14.0, 180.0  # mm on A4 (210 x 297)
LABEL_W = 32.0
ROW_H = 9.0
# Asked at the counter: 第10條第1款 also names sex, age and occupation, which the chat does not ask.
AT_COUNTER = "（臨櫃補填）"


class FontMissing(RuntimeError):
    """No PDF can be made here: no CJK font on this machine (install fonts-noto-cjk, or set
    LABOURBOT_PDF_FONT), or fpdf2 is not installed."""


def _face_index(path: str) -> int:
    """The index of the Traditional Chinese face in a font collection (0 for a single font)."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    from fontTools.ttLib import TTCollection

    names = [font["name"].getDebugName(1) or "" for font in TTCollection(path, lazy=True).fonts]
    for wanted in PREFERRED_FACES:
        for index, name in enumerate(names):
            if wanted in name and "Mono" not in name:
                return index
    return 0


@lru_cache(maxsize=4)
def find_fonts(override: Optional[str] = None) -> tuple[tuple[str, int], tuple[str, int]]:
    """((regular path, face index), (bold path, face index)); bold falls back to the regular face."""
    if override:
        if not Path(override).is_file():
            raise FontMissing(f"LABOURBOT_PDF_FONT={override} is not a file")
        regular = (override, _face_index(override))
        return regular, regular
    for regular_path, bold_path in FONT_CANDIDATES:
        if Path(regular_path).is_file():
            regular = (regular_path, _face_index(regular_path))
            bold = (bold_path, _face_index(bold_path)) if bold_path and Path(bold_path).is_file() else regular
            return regular, bold
    raise FontMissing("no CJK font found: apt-get install fonts-noto-cjk (or set LABOURBOT_PDF_FONT)")


def _sheet() -> Any:
    """An FPDF with the footer of every page (fpdf2 is imported here: importing this module, as the
    console does, never needs it)."""
    try:
        from fpdf import FPDF
    except ImportError as exc:
        raise FontMissing("fpdf2 is not installed") from exc

    class Sheet(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("cjk", size=8)
            self.set_text_color(90, 90, 90)
            basis = f"依據：{WHERE_CITATION}、{CONTENT_CITATION}、{METHOD_CITATION}"
            self.cell(0, 5, f"{basis}　第 {self.page_no()} 頁", align="C")
            self.set_text_color(0, 0, 0)

    return Sheet(format="A4", unit="mm")


def render(app: Application, case_id: int, filed_at: datetime, *, font: Optional[str] = None) -> bytes:
    """The application as PDF bytes."""
    chosen = font or os.environ.get("LABOURBOT_PDF_FONT") or None
    (regular, regular_index), (bold, bold_index) = find_fonts(chosen)
    pdf = _sheet()
    pdf.set_title(f"{TITLE} #{case_id}")
    pdf.set_creator("臺南市勞動法令小幫手")
    pdf.add_font("cjk", fname=regular, collection_font_number=regular_index)
    pdf.add_font("cjk", style="B", fname=bold, collection_font_number=bold_index)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(LEFT, TOP, LEFT)
    pdf.add_page()
    _header(pdf, case_id, filed_at)
    _section(pdf, "一、申請人（勞方）")
    _pair(pdf, "姓名", app.applicant_name, "聯絡電話", app.applicant_phone)
    _pair(pdf, "性別／年齡", AT_COUNTER, "職業", AT_COUNTER, muted=True)
    _row(pdf, "住所或居所", app.applicant_address)
    _section(pdf, "二、相對人（資方）")
    _pair(pdf, "名稱", app.employer_name, "代表人", app.employer_representative or "（未提供）")
    _row(pdf, "營業所地址", app.employer_address)
    _section(pdf, "三、爭議類型（可複選）")
    _checks(pdf, [(label if code != "other" or not app.other_dispute else f"其他：{app.other_dispute}",
                   code in app.disputes) for code, label in DISPUTES.items()], per_line=4)
    _section(pdf, "四、請求調解事項及金額")
    _claims(pdf, app)
    _section(pdf, "五、爭議事實經過")
    _text_box(pdf, app.facts)
    _section(pdf, f"六、調解方式（{METHOD_CITATION}第1項，擇一）")
    _checks(pdf, [(label, code == app.method) for code, label in METHODS.items()], per_line=2)
    _section(pdf, "七、應備文件（請於調解時攜帶）")
    _checks(pdf, [(doc, False) for doc in DOCUMENTS], per_line=2)
    _consent_and_signature(pdf, app, filed_at)
    return bytes(pdf.output())


def _header(pdf: "FPDF", case_id: int, filed_at: datetime) -> None:
    pdf.set_font("cjk", "B", 18)
    pdf.cell(WIDTH, 10, TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    pdf.cell(WIDTH / 2, 7, f"受理機關：{BUREAU.name}")
    pdf.cell(WIDTH / 2, 7, f"線上申請案號：#{case_id}　申請日期：{_date(filed_at)}", align="R",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _section(pdf: "FPDF", title: str) -> None:
    if pdf.get_y() > 297 - 40:
        pdf.add_page()
    pdf.set_font("cjk", "B", 11)
    pdf.set_fill_color(230, 236, 245)
    pdf.cell(WIDTH, 7.5, " " + title, border=1, fill=True, new_x="LMARGIN", new_y="NEXT")


def _label(pdf: "FPDF", text: str, width: float = LABEL_W) -> None:
    pdf.set_font("cjk", "B", 10)
    pdf.set_fill_color(245, 245, 245)
    pdf.cell(width, ROW_H, text, border=1, fill=True, align="C")


def _value(pdf: "FPDF", text: str, width: float, *, last: bool, muted: bool = False) -> None:
    pdf.set_font("cjk", size=10.5)
    if muted:
        pdf.set_text_color(120, 120, 120)
    size = 10.5
    while pdf.get_string_width(text) > width - 3 and size > 7:
        size -= 0.5
        pdf.set_font("cjk", size=size)
    if pdf.get_string_width(text) > width - 3:  # still too long: cut with an ellipsis
        while text and pdf.get_string_width(text + "…") > width - 3:
            text = text[:-1]
        text += "…"
    pdf.cell(width, ROW_H, " " + text, border=1, new_x="LMARGIN" if last else "RIGHT",
             new_y="NEXT" if last else "TOP")
    pdf.set_text_color(0, 0, 0)


def _row(pdf: "FPDF", label: str, value: str) -> None:
    _label(pdf, label)
    _value(pdf, value, WIDTH - LABEL_W, last=True)


def _pair(pdf: "FPDF", label1: str, value1: str, label2: str, value2: str, *, muted: bool = False) -> None:
    half = (WIDTH - 2 * LABEL_W) / 2
    _label(pdf, label1)
    _value(pdf, value1, half, last=False, muted=muted)
    _label(pdf, label2)
    _value(pdf, value2, half, last=True, muted=muted)


def _box(pdf: "FPDF", x: float, y: float, ticked: bool) -> None:
    size = 3.6
    pdf.rect(x, y, size, size)
    if ticked:  # a drawn tick: no font needs a ☑ glyph
        pdf.set_line_width(0.5)
        pdf.line(x + 0.6, y + 1.9, x + 1.5, y + 3.0)
        pdf.line(x + 1.5, y + 3.0, x + 3.3, y + 0.5)
        pdf.set_line_width(0.2)


def _checks(pdf: "FPDF", items: list[tuple[str, bool]], per_line: int) -> None:
    column = WIDTH / per_line
    lines = (len(items) + per_line - 1) // per_line
    top = pdf.get_y()
    height = lines * 7.5 + 2
    pdf.rect(LEFT, top, WIDTH, height)
    pdf.set_font("cjk", size=10)
    for i, (text, ticked) in enumerate(items):
        x = LEFT + 3 + (i % per_line) * column
        y = top + 1.5 + (i // per_line) * 7.5
        _box(pdf, x, y + 1.6, ticked)
        pdf.set_xy(x + 5, y)
        label = text
        while pdf.get_string_width(label) > column - 9:
            label = label[:-2] + "…"
        pdf.cell(column - 6, 7, label)
    pdf.set_xy(LEFT, top + height)


def _claims(pdf: "FPDF", app: Application) -> None:
    item_w, source_w = 70.0, 50.0
    amount_w = WIDTH - item_w - source_w
    pdf.set_font("cjk", "B", 10)
    pdf.set_fill_color(245, 245, 245)
    for text, width, last in (("項目", item_w, False), ("金額（新臺幣）", amount_w, False), ("金額來源", source_w, True)):
        pdf.cell(width, 7.5, text, border=1, align="C", fill=True, new_x="LMARGIN" if last else "RIGHT",
                 new_y="NEXT" if last else "TOP")
    pdf.set_font("cjk", size=10.5)
    sources = {"calculator": "小幫手試算，民眾確認", "user": "民眾自行填寫", "staff": "勞工局同仁更正"}
    rows = [(c.label, money(c.amount), sources.get(c.source, c.source)) for c in app.claims]
    if not rows:
        rows = [("（未填金額，調解時說明）", "", "")]
    elif len(rows) > 1:
        rows.append(("合計", money(app.total), ""))
    for label, amount, source in rows:
        pdf.cell(item_w, 8, " " + label, border=1)
        pdf.cell(amount_w, 8, amount + " ", border=1, align="R")
        pdf.cell(source_w, 8, " " + source, border=1, new_x="LMARGIN", new_y="NEXT")


def _text_box(pdf: "FPDF", text: str) -> None:
    """The facts, framed; at least 20 mm high (room to add a line by hand at the counter). Long facts
    flow onto the next page, each page's part framed by fpdf2's own border."""
    pdf.set_font("cjk", size=10.5)
    top, page = pdf.get_y(), pdf.page_no()
    pdf.multi_cell(WIDTH, 6.2, text.strip() or "（未填）", border=0, padding=(1.5, 2.5),
                   new_x="LMARGIN", new_y="NEXT")
    if pdf.page_no() == page:
        bottom = max(pdf.get_y(), top + 20)
        pdf.rect(LEFT, top, WIDTH, bottom - top)
        pdf.set_y(bottom)
    else:
        pdf.line(LEFT, pdf.get_y(), LEFT + WIDTH, pdf.get_y())


def _consent_and_signature(pdf: "FPDF", app: Application, filed_at: datetime) -> None:
    if pdf.get_y() > 297 - 45:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font("cjk", size=9)
    consent = (f"申請人已於 {_date_time(app.consent_at) or _date(filed_at)} 在線上同意個人資料告知事項："
               f"資料僅供{BUREAU.name}處理本件勞資爭議調解使用。")
    pdf.multi_cell(WIDTH, 5, consent, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", size=11)
    pdf.cell(WIDTH / 2, 8, "申請人簽名或蓋章：________________")
    pdf.cell(WIDTH / 2, 8, "日期：______年____月____日", align="R", new_x="LMARGIN", new_y="NEXT")


def _date(value: datetime) -> str:
    from cases.office_hours import TAIPEI

    local = value.astimezone(TAIPEI)
    return f"{local.year - 1911}年{local.month}月{local.day}日"


def _date_time(iso: Optional[str]) -> str:
    if not iso:
        return ""
    try:
        value = datetime.fromisoformat(iso)
    except ValueError:
        return ""
    if value.tzinfo is None:
        return ""
    from cases.office_hours import TAIPEI

    return _date(value) + value.astimezone(TAIPEI).strftime(" %H:%M")
