"""An uploaded form never drops or changes a value silently: each cell the reader cannot take as
written is reported by the sheet's full name, the cell and the field's label, in Vietnamese, all
of them (up to a cap, then how many more), and nothing is saved while any error remains."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from core.reports import workbooks
from core.reports.xlsx import Limits

from .test_excel import LABEL, SAFETY, as_bytes, download, fill, place, send, stored


def fields_of(response) -> dict:
    assert response.status_code == 422, response.get_data(as_text=True)
    return response.get_json()["error"]["fields"]


def rewrite(data: bytes, part: str, change) -> bytes:
    """``data`` with the zip entry ``part`` replaced by ``change(old bytes)``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == part else content)
    return out.getvalue()


def hostile_copies(good: bytes, sheet: str = "xl/worksheets/sheet1.xml") -> dict[str, bytes]:
    """Broken copies of the workbook ``good`` that an upload must refuse on ``file``: its
    workbook part cut in half, malformed XML in ``sheet``, the file itself cut in half."""
    return {
        "truncated": rewrite(good, "xl/workbook.xml", lambda xml: xml[: len(xml) // 2]),
        "malformed": rewrite(good, sheet, lambda xml: xml.replace(b"</sheetData>", b"<row><c></sheetData>")),
        "not a zip": good[: len(good) // 2],
    }


def safety_part(data: bytes) -> str:
    """The zip entry of the safety sheet (the guide is sheet1)."""
    return "xl/worksheets/sheet2.xml"


def test_a_formula_without_a_cached_value_is_reported_not_dropped(report_world, api_as, db):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    fill(book, SAFETY, plan_issued="Có", staff="=1+2", trained=1)
    fields = fields_of(send(client, report_world, as_bytes(book)))
    assert list(fields) == [place("staff")]
    assert "=1+2" in fields[place("staff")][0]
    assert stored(db, report_world) == {}


def test_a_formula_with_the_value_excel_calculated_is_read(report_world, api_as, db):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    fill(book, SAFETY, staff="=1+2")
    data = rewrite(as_bytes(book), safety_part(b""),
                   lambda xml: xml.replace(b"<f>1+2</f><v></v>", b"<f>1+2</f><v>3</v>")
                   .replace(b"<f>1+2</f><v/>", b"<f>1+2</f><v>3</v>"))
    response = send(client, report_world, data)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert stored(db, report_world)["rpt.safety"].values == {"staff": 3}


def test_an_excel_error_in_a_value_cell_is_reported(report_world, api_as, db):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    fill(book, SAFETY, level="#DIV/0!")  # openpyxl writes an error cell (t="e") for this text
    data = as_bytes(book)
    assert re.search(rb'<c r="D7"[^>]* t="e"', zipfile.ZipFile(io.BytesIO(data)).read(safety_part(data)))
    fields = fields_of(send(client, report_world, data))
    assert "#DIV/0!" in fields[place("level")][0]
    assert stored(db, report_world) == {}


def test_merged_value_cells_are_reported(report_world, api_as, db):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    fill(book, SAFETY, staff=20, trained=15)
    book[SAFETY].merge_cells("D4:D5")
    fields = fields_of(send(client, report_world, as_bytes(book)))
    assert list(fields) == [f"Trang «{SAFETY}», ô D4:D5"]
    assert "gộp" in fields[f"Trang «{SAFETY}», ô D4:D5"][0]
    assert stored(db, report_world) == {}


def test_values_outside_the_form_are_reported(report_world, api_as, db):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    fill(book, SAFETY, staff=20)
    book[SAFETY]["H4"] = 25          # beside the form
    book[SAFETY]["D20"] = 7          # below it, on no criterion's row
    fields = fields_of(send(client, report_world, as_bytes(book)))
    assert set(fields) == {f"Trang «{SAFETY}», ô H4", f"Trang «{SAFETY}», ô D20"}
    assert stored(db, report_world) == {}


def test_moved_and_hidden_rows_are_read_by_their_criterion(report_world, api_as, db):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    sheet = book[SAFETY]
    # Swap the rows of staff and trained, name and value together, and hide one of them.
    for column in range(1, 7):
        upper, lower = sheet.cell(4, column), sheet.cell(5, column)
        upper.value, lower.value = lower.value, upper.value
    sheet["D4"], sheet["D5"] = 15, 20  # row 4 is now "trained", row 5 "staff"
    sheet.row_dimensions[5].hidden = True
    response = send(client, report_world, as_bytes(book))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert stored(db, report_world)["rpt.safety"].values == {"staff": 20, "trained": 15}


def test_a_missing_or_doubled_criterion_row_is_reported(report_world, api_as, db):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    sheet = book[SAFETY]
    sheet["A6"] = "staff"   # the incidents row now claims to be staff a second time
    fields = fields_of(send(client, report_world, as_bytes(book)))
    assert f"Trang «{SAFETY}», ô A6 ({LABEL['staff']})" in fields
    assert f"Trang «{SAFETY}» ({LABEL['incidents']})" in fields
    assert stored(db, report_world) == {}


@pytest.mark.parametrize(("name", "value"), [
    ("staff", True),                       # yes/no in a count
    ("level", True),                       # yes/no in a choice
    ("plan_issued", 3.5),                  # a number for yes/no
    ("incidents", "hai"),                  # text for a count
])
def test_a_type_mismatch_is_reported(report_world, api_as, db, name, value):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    fill(book, SAFETY, **{name: value})
    fields = fields_of(send(client, report_world, as_bytes(book)))
    assert list(fields) == [place(name)]
    assert stored(db, report_world) == {}


def test_every_error_is_listed_in_vietnamese_with_the_label_and_no_internal_key(report_world, api_as, db):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    fill(book, SAFETY, plan_issued="có lẽ", staff=-5, trained="nhiều", level="xuat-sac")
    fields = fields_of(send(client, report_world, as_bytes(book)))
    assert set(fields) == {place("plan_issued"), place("staff"), place("trained"), place("level")}
    for key in fields:
        assert not re.search(r"\b(row|staff|trained|level|plan_issued|rpt\.safety)\b", key), key
    assert stored(db, report_world) == {}


def test_the_sheet_is_named_in_full_even_when_its_tab_is_cut(report_world, api_as, db):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    book[SAFETY].title = "An toàn về an ninh, tr"  # as Excel cuts a title past 31 characters
    book["An toàn về an ninh, tr"]["D4"] = "hai mươi"
    fields = fields_of(send(client, report_world, as_bytes(book)))
    assert list(fields) == [place("staff")]


def test_errors_past_the_cap_are_counted(report_world, api_as, db, monkeypatch):
    monkeypatch.setattr(workbooks, "limits", lambda: Limits(max_errors=2))
    client = api_as("a1_reporter")
    book = download(client, report_world)
    fill(book, SAFETY, plan_issued="có lẽ", staff="x", trained="y", incidents="z", level=True)
    fields = fields_of(send(client, report_world, as_bytes(book)))
    assert len(fields) == 3
    assert fields["file"] == ["và 3 lỗi khác (hãy sửa các lỗi trên rồi tải lên lại để xem tiếp)."]
    assert stored(db, report_world) == {}


def test_the_web_page_lists_every_error_with_its_place(report_world, client_as, db):
    from .test_excel_web import page, upload

    client = client_as("a1_reporter")
    response = client.get(page(report_world).replace("/report/excel", "/report.xlsx"))
    book = load_workbook(io.BytesIO(response.data))
    fill(book, SAFETY, staff="=1+2", trained="nhiều")
    refused = upload(client, report_world, book)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert place("staff") in html and place("trained") in html
    assert stored(db, report_world) == {}


def test_a_text_cell_is_read_in_nfc_and_a_control_character_is_reported(app):
    """A choice typed with combining accents (as macOS and some keyboards write it) is the
    choice; a control character is refused as the edge refuses it in the API and the form."""
    import unicodedata

    from core.reports.excel import _converted

    good = "Hoàn thành tốt nhiệm vụ"
    decomposed = unicodedata.normalize("NFD", good)
    assert decomposed != good
    with app.test_request_context():
        assert _converted("string", f" {decomposed} ") == (good, None)
        value, message = _converted("string", "Tốt\x01")
        assert value is None and "ký tự điều khiển" in message
