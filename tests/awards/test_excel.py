"""Nominees imported from Excel: every bad row named and nothing saved; a good sheet saves every
row; a file that is not a workbook is refused by its content; the web form does the same."""

from __future__ import annotations

import html
import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from core.awards import excel
from core.awards import operations as ops
from core.awards.models import Nominee
from core.errors import Invalid
from core.periods.models import ReportingPeriod
from core.tenants.models import Tenant
from core.testing.fixtures import csrf_token_from

HEADER = ("Đối tượng", "Hình thức khen thưởng", "Đơn vị", "Họ và tên", "Chức vụ", "Ghi chú")


def workbook(*rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


@pytest.fixture
def dossier(acting, awards_world):
    session, access = acting("ward_head")
    period = session.get(ReportingPeriod, awards_world.period.id)
    ward = session.get(Tenant, awards_world.tenant("ward-a").id)
    dossier_id = ops.create(session, access, period, ward, "")
    session.commit()
    session.close()
    return dossier_id


def load(acting, world, dossier_id, data, version=None):
    session, access = acting("ward_head")
    try:
        period = session.get(ReportingPeriod, world.period.id)
        added = excel.import_nominees(session, access, period, dossier_id, data, version)
        session.commit()
        return added
    finally:
        session.rollback()
        session.close()


def count(db) -> int:
    return db.scalar(select(func.count()).select_from(Nominee))


def test_bad_rows_are_each_named_and_nothing_is_saved(acting, awards_world, dossier, db):
    data = workbook(
        ("Tập thể", "Giấy khen của Giám đốc Công an Thành phố", "Trường THCS A1", "", "", ""),  # row 2: fine
        ("Ca nhan", "giay-khen-cong-an-tp", "", "", "", ""),  # row 3: no name
        ("Tập thể", "Huy chương vàng", "Phường A", "", "", ""),  # row 4: no such award
        ("Tập thể", "giay-khen-cong-an-tp", "Xã B", "", "", ""),  # row 5: another commune
        ("Đội", "giay-khen-cong-an-tp", "Phường A", "", "", ""),  # row 6: no such subject
        (None, None, None, None, None, None),  # an empty row is skipped
        ("Tập thể", "giay-khen-cong-an-tp", "Trường THCS A1", "", "", ""),  # row 8: same as row 2
    )
    with pytest.raises(Invalid) as error:
        load(acting, awards_world, dossier, data)
    rows = [message.split(":", 1)[0] for message in error.value.errors["file"]]
    assert rows == ["Dòng 3", "Dòng 4", "Dòng 5", "Dòng 6", "Dòng 8"]
    assert "Cần nhập họ và tên" in error.value.errors["file"][0]
    assert "sai cột «Đối tượng»" in error.value.errors["file"][3]
    assert "đã được đề nghị" in error.value.errors["file"][4]
    assert count(db) == 0


def test_a_good_sheet_saves_every_row(acting, awards_world, dossier, db):
    # Columns are read by their header, in any order.
    data = workbook(
        ("Giấy khen của Giám đốc Công an Thành phố", "Tập thể", "school-a1", "", "", ""),
        ("giay-khen-cong-an-tp", "Cá nhân", "", "Hoàng Văn Nam", "Công an viên", "Ghi chú"),
        header=("Hình thức khen thưởng", "Đối tượng", *HEADER[2:]),
    )
    assert load(acting, awards_world, dossier, data, version=0) == 2
    session, access = acting("ward_head")
    found = ops.describe(session, access, session.get(ReportingPeriod, awards_world.period.id), dossier)
    assert [(n["subject"], n["unit"]["name"], n["person_name"]) for n in found["nominees"]] == [
        ("collective", "Trường THCS A1", ""), ("individual", "Phường A", "Hoàng Văn Nam")]
    assert found["version"] == 2


def test_a_program_is_refused_as_no_workbook_not_as_evidence(acting, awards_world, dossier):
    from tests.awards.files import EXE

    with pytest.raises(Invalid) as error:
        load(acting, awards_world, dossier, EXE)
    assert error.value.errors == {"file": [
        "Tệp này là chương trình hoặc mã lệnh chạy được, không phải bảng tính Excel; hệ thống không nhận tệp "
        "này dù tên tệp là gì. Tệp tải lên phải là bảng tính Excel (.xlsx)."]}


def test_files_that_are_not_a_workbook_or_have_no_header_are_refused(acting, awards_world, dossier):
    for data in (b"%PDF-1.4 not a sheet", workbook(("Tập thể", "giay-khen-cong-an-tp"), header=("A", "B"))):
        with pytest.raises(Invalid) as error:
            load(acting, awards_world, dossier, data)
        assert list(error.value.errors) == ["file"]
    with pytest.raises(Invalid):
        load(acting, awards_world, dossier, workbook())  # a header and nothing else


def test_cells_that_cannot_be_read_as_written_are_reported_and_nothing_is_saved(
        acting, awards_world, dossier, db):
    """A formula never calculated, an Excel error, merged cells and a value under no header are
    each named by sheet and cell; none of them is dropped or read as something else."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(list(HEADER))
    sheet.append(["Cá nhân", "giay-khen-cong-an-tp", "", '="Hoàng "&"Văn Nam"', "Công an viên", ""])
    sheet.append(["Tập thể", "giay-khen-cong-an-tp", "school-a1", "", "", "#N/A"])
    sheet.append(["Cá nhân", "giay-khen-cong-an-tp", "Trường THCS A1", "Lê Thị Hoa", "", "", "ngoài bảng"])
    sheet.append(["Cá nhân", "giay-khen-cong-an-tp", None, "Trần Văn Bình", "", ""])
    sheet.merge_cells("C4:C5")  # one unit for two people: the second row would read the proposer
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(Invalid) as error:  # openpyxl writes "#N/A" as Excel's error cell
        load(acting, awards_world, dossier, data.getvalue())
    messages = error.value.errors["file"]
    assert [m.split(":", 1)[0] for m in messages] == [
        "Trang «Danh sách», ô D2", "Trang «Danh sách», ô F3", "Trang «Danh sách», ô C4",
        "Trang «Danh sách», ô G4"]
    assert '="Hoàng "&"Văn Nam"' in messages[0]
    assert "#N/A" in messages[1]
    assert "C4:C5" in messages[2] and "gộp" in messages[2]
    assert "cột không có tiêu đề" in messages[3]
    assert count(db) == 0


def _send(client, url, token, data, name="ds.xlsx"):
    return client.post(f"{url}/nominees.xlsx", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def test_the_web_form_reports_the_rows(client_as, awards_world, db):
    # Through the pages only: a request context pushed by the operation fixtures would share
    # ``g`` (and its form token) between the client's requests.
    head = client_as("ward_head")
    listing = f"/periods/{awards_world.period.id}/nominations"
    token = csrf_token_from(head.get(listing).get_data(as_text=True))
    url = head.post(listing, data={"csrf_token": token}).headers["Location"]
    token = csrf_token_from(head.get(url).get_data(as_text=True))
    answer = _send(head, url, token, workbook(("Cá nhân", "giay-khen-cong-an-tp", "", "", "", ""),
                                              ("Đội", "giay-khen-cong-an-tp", "Phường A", "", "", ""),
                                              ("Tập thể", "Huy chương vàng", "Phường A", "", "", "")))
    # Each row's messages are sentences, joined by a space: never ".;", ". ." or ": .".
    flashed = html.unescape(answer.get_data(as_text=True))
    assert ("Dòng 2: Cần nhập họ và tên cá nhân được đề nghị. Dòng 3: sai cột «Đối tượng». Dòng 4: Hình "
            "thức khen thưởng không có trong đợt xét của kỳ này.") in flashed
    assert ".;" not in flashed and ". ." not in flashed and ": ." not in flashed
    good = workbook(("Cá nhân", "giay-khen-cong-an-tp", "", "Trịnh Văn An", "", ""))
    assert "Đã nhập 1 đối tượng từ tệp Excel." in _send(head, url, token, good).get_data(as_text=True)
    assert count(db) == 1
    sibling = client_as("commune_head")
    token = csrf_token_from(sibling.get(listing).get_data(as_text=True))
    assert _send(sibling, url, token, good).status_code == 404


def test_a_malformed_or_oversized_sheet_is_refused_on_file(acting, awards_world, dossier, db, monkeypatch):
    """The hostile files the report form refuses (tests/reports/test_excel_limits.py) are refused
    by the nominee import the same way, before any row is read."""
    from core.reports import workbooks
    from core.reports.xlsx import Limits
    from tests.reports.test_excel_integrity import hostile_copies

    good = workbook(("Tập thể", "giay-khen-cong-an-tp", "Trường THCS A1"))
    for name, data in hostile_copies(good).items():
        with pytest.raises(Invalid) as error:
            load(acting, awards_world, dossier, data)
        assert list(error.value.errors) == ["file"], name
    monkeypatch.setattr(workbooks, "limits", lambda: Limits(max_rows=100, max_columns=10, max_cells=400))
    over = workbook(*[("Tập thể", "giay-khen-cong-an-tp", "Trường THCS A1")] * 150)
    with pytest.raises(Invalid) as error:
        load(acting, awards_world, dossier, over)
    assert "quá nhiều dòng" in error.value.errors["file"][0]
    assert count(db) == 0
