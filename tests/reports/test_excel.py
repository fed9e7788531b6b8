"""The Excel round-trip through the API: the pre-filled protected form, and a filled form saved
as the draft (all rows or none), with errors by sheet and row, 409 for a stale file."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.plugins.manager import plugin_host
from core.reports import operations, workbooks
from core.reports.excel import _sheet_titles
from core.reports.models import Section
from core.users.access import Access

SAFETY = "An toàn về an ninh, trật tự"
UNITS = "Mô hình và đơn vị trực thuộc"
ROW = {"plan_issued": 3, "staff": 4, "trained": 5, "incidents": 6, "level": 7, "grassroots_budget": 8}
LABEL = {"plan_issued": "Có kế hoạch thực hiện phong trào", "staff": "Tổng số cán bộ",
         "trained": "Số cán bộ được tập huấn", "incidents": "Số vụ việc về ANTT", "level": "Tự đánh giá"}


def place(name: str, sheet: str = SAFETY) -> str:
    """Where an error about ``name``'s value is reported: the sheet in full, the cell, the label."""
    return f"Trang «{sheet}», ô D{ROW[name]} ({LABEL[name]})"


def path(world, tenant: str = "school-a1") -> str:
    return f"/api/v1/tenants/{world.tenant(tenant).id}/periods/{world.period.id}/report.xlsx"


def download(client, world, tenant: str = "school-a1"):
    response = client.get(path(world, tenant))
    assert response.status_code == 200, response.get_data(as_text=True)
    return load_workbook(io.BytesIO(response.data))


def send(client, world, data: bytes, tenant: str = "school-a1", name: str = "bao-cao.xlsx"):
    return client.post(path(world, tenant), data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def as_bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def fill(book, sheet: str, **values) -> None:
    for name, value in values.items():
        assert book[sheet].cell(ROW[name], 1).value == name
        book[sheet].cell(ROW[name], 4).value = value


def save(app, db, world, username: str, version: int, sections: dict, tenant: str = "school-a1"):
    with app.app_context():
        submission = operations.save_draft(db, Access.for_user(db, world.user(username)), plugin_host(app),
                                           world.tenant(tenant), world.period, version, sections)
        db.commit()
        return submission.version


def stored(db, world, tenant: str = "school-a1") -> dict:
    db.expire_all()
    return {s.set_key: s for s in db.scalars(select(Section).where(
        Section.tenant_id == world.tenant(tenant).id))}


def test_the_form_is_prefilled_labelled_and_protected(report_world, api_as, app, db):
    save(app, db, report_world, "a1_reporter", 0, {"rpt.safety": {"staff": 12, "plan_issued": True}})
    book = download(api_as("a1_reporter"), report_world)

    assert book.sheetnames == ["Hướng dẫn", SAFETY, "_thidua_form"]
    assert book["_thidua_form"].sheet_state == "veryHidden"
    guide = {row[0].value: row[2].value for row in book["Hướng dẫn"].iter_rows(max_col=3) if row[0].value}
    assert guide["tenant"] == "Trường THCS A1"
    assert guide["version"] == 1
    assert guide["period_id"] == str(report_world.period.id)

    sheet = book[SAFETY]
    assert sheet.cell(1, 1).value == "rpt.safety"
    assert [sheet.cell(2, c).value for c in range(1, 7)] == [
        "Mã trường", "Tiêu chí", "Đơn vị tính", "Giá trị", "Điểm", "Hướng dẫn"]
    assert sheet.cell(ROW["staff"], 2).value == "Tổng số cán bộ *"
    assert sheet.cell(ROW["staff"], 3).value == "người"
    assert sheet.cell(ROW["staff"], 4).value == 12
    assert sheet.cell(ROW["plan_issued"], 4).value == "Có"
    assert sheet.cell(ROW["plan_issued"], 5).value == 40
    assert "minh chứng" in sheet.cell(ROW["plan_issued"], 6).value
    assert sheet.cell(ROW["trained"], 4).value is None

    assert sheet.protection.sheet and book["Hướng dẫn"].protection.sheet
    assert book.security.lockStructure
    assert sheet.column_dimensions["A"].hidden
    assert sheet.cell(ROW["staff"], 4).protection.locked is False
    assert sheet.cell(ROW["staff"], 2).protection.locked is True
    assert sheet.cell(ROW["staff"], 1).protection.locked is True

    rules = {str(v.sqref): (v.type, v.formula1, v.formula2) for v in sheet.data_validations.dataValidation}
    assert rules["D3"] == ("list", '"Có,Không"', None)
    assert rules["D4"] == ("whole", "0", "10000")
    assert rules["D7"] == ("list", '"tot,kha,dat"', None)


def test_a_ward_gets_one_sheet_per_enabled_set_and_readers_may_download(report_world, api_as):
    book = download(api_as("ward_reviewer"), report_world, tenant="ward-a")
    assert book.sheetnames == ["Hướng dẫn", SAFETY, UNITS, "_thidua_form"]
    assert api_as("a2_reporter").get(path(report_world)).status_code == 404
    assert api_as("commune_admin").get(path(report_world)).status_code == 404


def test_a_filled_form_is_saved_and_scored(report_world, api_as, db):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    fill(book, SAFETY, plan_issued="Có", staff=20, trained=15, incidents=0, level="tot")
    response = send(client, report_world, as_bytes(book))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["version"] == 1 and body["status"] == "draft"
    assert body["classification"]

    section = stored(db, report_world)["rpt.safety"]
    assert section.values == {"plan_issued": True, "staff": 20, "trained": 15, "incidents": 0, "level": "tot"}
    assert section.self_score == body["self_score"] == 100  # 40 for the plan + 60 for training

    again = download(client, report_world)
    assert again[SAFETY].cell(ROW["trained"], 4).value == 15
    assert dict((r[0].value, r[2].value) for r in again["Hướng dẫn"].iter_rows(max_col=3))["version"] == 1


def test_an_emptied_cell_clears_the_value(report_world, api_as, app, db):
    save(app, db, report_world, "a1_reporter", 0, {"rpt.safety": {"staff": 12, "trained": 3}})
    client = api_as("a1_head")
    book = download(client, report_world)
    fill(book, SAFETY, trained=None)
    response = send(client, report_world, as_bytes(book))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert stored(db, report_world)["rpt.safety"].values == {"staff": 12}


@pytest.mark.parametrize(("values", "bad"), [
    ({"staff": "hai mươi"}, "staff"),          # not a number at all: refused while reading
    ({"plan_issued": "có lẽ"}, "plan_issued"),
    ({"staff": -5}, "staff"),                  # read, then refused by the draft save's range
    ({"level": "xuat-sac"}, "level"),
])
def test_one_bad_row_names_sheet_and_row_and_nothing_is_saved(report_world, api_as, db, values, bad):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    fill(book, SAFETY, plan_issued="Có", trained=15, incidents=0)
    fill(book, SAFETY, **values)
    response = send(client, report_world, as_bytes(book))
    assert response.status_code == 422, response.get_data(as_text=True)
    fields = response.get_json()["error"]["fields"]
    assert list(fields) == [place(bad)]
    assert fields[place(bad)][0]
    assert stored(db, report_world) == {}


def test_an_unknown_row_is_refused(report_world, api_as, db):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    book[SAFETY].cell(9, 1).value = "secret_field"
    book[SAFETY].cell(9, 4).value = 1
    response = send(client, report_world, as_bytes(book))
    assert list(response.get_json()["error"]["fields"]) == [f"Trang «{SAFETY}», ô A9"]
    assert stored(db, report_world) == {}


def test_a_stale_file_answers_409_and_loses_nothing(report_world, api_as, app, db):
    client = api_as("a1_reporter")
    book = download(client, report_world)  # version 0
    save(app, db, report_world, "a1_head", 0, {"rpt.safety": {"staff": 30}})
    fill(book, SAFETY, staff=20)
    response = send(client, report_world, as_bytes(book))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert stored(db, report_world)["rpt.safety"].values == {"staff": 30}


def test_a_renamed_text_file_is_refused(report_world, api_as):
    text = "Tên;Giá trị\nstaff;20\n".encode()
    response = send(api_as("a1_reporter"), report_world, text, name="bao-cao.xlsx")
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["file"]


def test_a_workbook_that_unpacks_to_too_much_is_refused(report_world, api_as, monkeypatch):
    data = as_bytes(download(api_as("a1_reporter"), report_world))
    monkeypatch.setattr(workbooks, "limits", lambda: workbooks.xlsx.Limits(max_unpacked_bytes=1000))
    response = send(api_as("a1_reporter"), report_world, data)
    assert response.status_code == 422
    assert "giải nén" in response.get_json()["error"]["fields"]["file"][0]


def test_a_workbook_of_another_unit_is_refused(report_world, api_as, db):
    book = download(api_as("a2_reporter"), report_world, tenant="school-a2")
    fill(book, SAFETY, staff=20)
    response = send(api_as("a1_reporter"), report_world, as_bytes(book))
    assert response.status_code == 422
    assert "khác" in response.get_json()["error"]["fields"]["file"][0]
    assert stored(db, report_world) == {}


def test_only_the_unit_uploads(report_world, api_as):
    book = download(api_as("a1_reporter"), report_world)
    data = as_bytes(book)
    assert send(api_as("ward_reviewer"), report_world, data).status_code == 403
    assert send(api_as("a2_head"), report_world, data).status_code == 404


def test_an_upload_after_submit_answers_409(report_world, api_as, app, db, complete_values):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    values = dict(complete_values, plan_issued=False)
    version = save(app, db, report_world, "a1_reporter", 0, {"rpt.safety": values})
    with app.app_context():
        operations.submit(db, Access.for_user(db, report_world.user("a1_head")), plugin_host(app),
                          report_world.tenant("school-a1"), report_world.period)
        db.commit()
    fresh = download(client, report_world)
    assert version == 1
    assert send(client, report_world, as_bytes(fresh)).status_code == 409
    assert send(client, report_world, as_bytes(book)).status_code == 409


def test_sheet_titles_are_short_unique_and_legal():
    titles = _sheet_titles(["Hướng dẫn", "A" * 40, "A" * 40, "Tỷ lệ [%]: đạt/không?"])
    assert all(len(t) <= 31 for t in titles)
    assert len({t.lower() for t in titles} | {"hướng dẫn"}) == 5
    assert titles[3] == "Tỷ lệ  %   đạt không"
