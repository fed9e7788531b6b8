"""Official documents: the NĐ 30/2020 texts, a real PDF with selectable Vietnamese text in the
vendored font, and a renderer that loads nothing but the app's own static files."""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

import core
from core.documents import (
    DocumentHeading,
    Signature,
    date_words,
    document_number,
    html_to_pdf,
    place_and_date,
    render_pdf,
)

FONTS = Path(core.__file__).parent / "static" / "fonts"
A4 = (595.28, 841.89)


@pytest.mark.parametrize(("sequence", "kind", "symbol", "text"), [
    (5, "report", "CAHN", "Số: 05/BC-CAHN"),
    (12, "decision", "UBND", "Số: 12/QĐ-UBND"),
    (123, "submission", "CAHN-PV05", "Số: 123/TTr-CAHN-PV05"),
])
def test_number_and_symbol(sequence, kind, symbol, text):
    assert document_number(sequence, kind, symbol) == text


def test_a_number_left_for_the_clerk_keeps_the_symbol():
    line = document_number(None, "report", "UBND")
    assert line.startswith("Số: ") and line.endswith("/BC-UBND") and not any(c.isdigit() for c in line)


@pytest.mark.parametrize(("day", "text"), [
    (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
    (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
    (date(2019, 6, 29), "ngày 29 tháng 6 năm 2019"),
    (date(2026, 11, 10), "ngày 10 tháng 11 năm 2026"),
    (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
])
def test_date_words_pad_days_below_ten_and_the_first_two_months(day, text):
    assert date_words(day) == text


def test_place_and_date():
    assert place_and_date("Hà Nội", date(2026, 11, 30)) == "Hà Nội, ngày 30 tháng 11 năm 2026"


VIETNAMESE_LETTERS = [
    unicodedata.normalize("NFC", base + tone)
    for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
    for tone in ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
] + ["đ", "Đ", "₫"]


@pytest.mark.parametrize("face", ["Regular", "Bold", "Italic", "BoldItalic"])
def test_the_vendored_font_has_every_vietnamese_letter(face):
    cmap = TTFont(FONTS / f"LiberationSerif-{face}.ttf").getBestCmap()
    missing = [ch for ch in VIETNAMESE_LETTERS if ord(ch) not in cmap]
    assert len(VIETNAMESE_LETTERS) == 147
    assert missing == []


def heading() -> DocumentHeading:
    return DocumentHeading(
        parent_body="ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
        issuer="Công an thành phố Hà Nội".upper(),
        number=document_number(5, "report", "CAHN"),
        place="Hà Nội",
        day=date(2026, 11, 30),
        document_type="report",
        summary="Kết quả phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2026",
        signature=Signature(authority="KT. GIÁM ĐỐC", title="PHÓ GIÁM ĐỐC", name="Nguyễn Văn Ánh"),
        addressees=("Ủy ban nhân dân Thành phố", "Bộ Công an"),
        recipients=("Như trên", "Sở Nội vụ", "Lưu: VT, PV05"),
    )


def test_recipient_lines_end_with_semicolons_and_a_full_stop():
    assert heading().recipient_lines() == ["- Như trên;", "- Sở Nội vụ;", "- Lưu: VT, PV05."]


def render_sample(app, paragraphs: int = 1) -> PdfReader:
    body = "".join(
        f"<p>Đoạn {i}: phường Hoàn Kiếm đạt chuẩn “An toàn về an ninh, trật tự”; "
        f"tỷ lệ 87,5% đơn vị đạt.</p>" for i in range(paragraphs)
    )
    with app.test_request_context():
        from flask import render_template_string

        html = render_template_string(
            "{% extends 'documents/base.html' %}{% block content %}" + body + "{% endblock %}",
            heading=heading(), for_pdf=True,
        )
        return PdfReader(io.BytesIO(html_to_pdf(html)))


def test_a_report_renders_as_a4_with_selectable_vietnamese_text(app):
    reader = render_sample(app)
    page = reader.pages[0]
    assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == (
        round(A4[0], 1), round(A4[1], 1))
    text = unicodedata.normalize("NFC", page.extract_text())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Số: 05/BC-CAHN", "Hà Nội, ngày 30 tháng 11 năm 2026", "BÁO CÁO",
                     "phường Hoàn Kiếm", "87,5%", "Nơi nhận:", "KT. GIÁM ĐỐC", "Nguyễn Văn Ánh"):
        assert expected in text, expected
    fonts = {str(f.get("/BaseFont")) for f in page["/Resources"]["/Font"].values()}
    assert fonts and all("TD-Serif" in name for name in fonts), fonts  # the vendored faces
    assert not page.images  # text, never a picture of text


def test_pages_after_the_first_carry_their_number(app):
    reader = render_sample(app, paragraphs=80)
    assert len(reader.pages) >= 3
    # The number is drawn in the top margin box after the page's content.
    last_line = lambda p: p.extract_text().strip().splitlines()[-1].strip()  # noqa: E731
    assert [last_line(p) for p in reader.pages[1:3]] == ["2", "3"]
    assert not last_line(reader.pages[0]).isdigit()


def test_the_renderer_loads_no_url_outside_the_static_files(app):
    from core.documents.pdf import BASE_URL, static_fetcher

    fetch = static_fetcher(Path(app.static_folder))
    assert fetch(BASE_URL + "static/document.css").content_type == "text/css"
    for url in ("http://127.0.0.1:9/secret", "file:///etc/passwd", BASE_URL + "static/../app.py",
                BASE_URL + "other/x.css"):
        with pytest.raises(ValueError):
            fetch(url)


def test_render_pdf_fills_a_template(app):
    with app.app_context():
        pdf = render_pdf("documents/base.html", heading=heading())
    assert pdf.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Kết quả phong trào" in unicodedata.normalize("NFC", text)
