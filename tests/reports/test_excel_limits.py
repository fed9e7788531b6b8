"""Uploads are bounded: a workbook over the caps on rows, columns, cells or unpacked size is
refused before it is loaded, and a malformed or hostile file answers 422 on ``file``, never 500."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from core.reports import workbooks
from core.reports.xlsx import Limits, Unreadable, scan

from .test_excel import SAFETY, as_bytes, download, send, stored
from .test_excel_integrity import rewrite


def refusal(response) -> str:
    assert response.status_code == 422, response.get_data(as_text=True)
    fields = response.get_json()["error"]["fields"]
    assert list(fields) == ["file"]
    return fields["file"][0]


@pytest.fixture
def small_caps(monkeypatch):
    monkeypatch.setattr(workbooks, "limits", lambda: Limits(max_rows=100, max_columns=10, max_cells=400))


def test_too_many_rows_are_refused_before_loading(report_world, api_as, db, small_caps):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    for row in range(10, 160):
        book[SAFETY].cell(row, 1).value = f"ten-{row}"
    assert "quá nhiều dòng" in refusal(send(client, report_world, as_bytes(book)))
    assert stored(db, report_world) == {}


def test_a_declared_dimension_over_the_cap_is_refused_at_once(report_world, api_as, small_caps):
    client = api_as("a1_reporter")
    data = rewrite(as_bytes(download(client, report_world)), "xl/worksheets/sheet2.xml",
                   lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:F490000"', xml))
    assert "quá nhiều dòng" in refusal(send(client, report_world, data))


def test_too_many_columns_or_cells_are_refused(report_world, api_as, small_caps):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    book[SAFETY].cell(4, 40).value = 1
    assert "quá nhiều cột" in refusal(send(client, report_world, as_bytes(book)))
    book = download(client, report_world)
    for row in range(10, 90):
        for column in range(1, 7):
            book[SAFETY].cell(row, column).value = 1
    assert "quá nhiều ô" in refusal(send(client, report_world, as_bytes(book)))


def test_a_truncated_workbook_part_answers_422(report_world, api_as):
    client = api_as("a1_reporter")
    data = rewrite(as_bytes(download(client, report_world)), "xl/workbook.xml",
                   lambda xml: xml[: len(xml) // 2])
    assert "Không đọc được" in refusal(send(client, report_world, data))


def test_malformed_xml_in_a_sheet_answers_422(report_world, api_as):
    client = api_as("a1_reporter")
    data = rewrite(as_bytes(download(client, report_world)), "xl/worksheets/sheet2.xml",
                   lambda xml: xml.replace(b"</sheetData>", b"<row><c></sheetData>"))
    assert "Không đọc được" in refusal(send(client, report_world, data))


def test_entity_expansion_is_refused(report_world, api_as):
    entities = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'

    def bomb(xml: bytes) -> bytes:
        body = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
        return entities + body.replace(b"</sheetData>", b'<row r="30"><c r="A30" t="inlineStr"><is><t>&b;</t>'
                                                        b"</is></c></row></sheetData>")

    client = api_as("a1_reporter")
    data = rewrite(as_bytes(download(client, report_world)), "xl/worksheets/sheet2.xml", bomb)
    assert "Không đọc được" in refusal(send(client, report_world, data))


def test_a_missing_part_answers_422(report_world, api_as):
    client = api_as("a1_reporter")
    source = zipfile.ZipFile(io.BytesIO(as_bytes(download(client, report_world))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != "xl/_rels/workbook.xml.rels":
                target.writestr(info.filename, source.read(info.filename))
    assert "Không đọc được" in refusal(send(client, report_world, out.getvalue()))


def test_the_scan_stops_at_the_cap_and_keeps_one_row_at_a_time():
    """A sheet of 20,000 rows with no declared dimension is refused at row 101."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dữ liệu")
    for row in range(20_000):
        sheet.append([f"ten-{row}", row])
    buffer = io.BytesIO()
    book.save(buffer)
    data = rewrite(buffer.getvalue(), "xl/worksheets/sheet1.xml",
                   lambda xml: re.sub(rb"<dimension[^>]*/>", b"", xml))
    with pytest.raises(Unreadable, match="101|100"):
        scan(data, Limits(max_rows=100, max_cells=10**6))
    assert scan(data, Limits(max_rows=20_000, max_cells=10**6))["Dữ liệu"].uncalculated == {}
