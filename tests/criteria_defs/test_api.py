"""An owner's table of criteria through the API: import, download, enable, fill, score, roll up;
versions across a closed period; errors by row and column; siblings kept out."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core import clock
from core.audit.models import AuditEntry
from core.criteria_defs.excel import COLUMNS, REQUIRED, SHEET
from core.criteria_defs.models import CriteriaDefinition, CriteriaDefinitionVersion
from core.periods import models as period_models
from core.periods import operations as period_ops
from core.users.access import SystemAccess

from .kit import FIVE_LEVELS, rows, workbook


def error_of(response) -> dict:
    assert response.is_json, response.get_data(as_text=True)
    return response.get_json()["error"]


@pytest.fixture
def thidua_config():
    return {"THIDUA_PLUGINS": "defined_criteria"}


def ward_period(db, world, key: str = "ward-2026", state: str = period_models.OPEN):
    """A period owned by Phường A, open now."""
    now = clock.now_in_hanoi()
    access = SystemAccess(db=db, user=None)
    period = period_ops.create(db, access, world.tenant("ward-a"), {
        "key": key, "kind": "thematic", "title": "Phong trào của phường",
        "opens_at": now - timedelta(days=1), "due_at": now + timedelta(days=10),
        "city_due_at": now + timedelta(days=20), "closes_at": now + timedelta(days=30),
    })
    if state != period_models.DRAFT:
        period_ops.transition(db, access, period, period_models.OPEN)
    db.commit()
    return period


def upload(client, world, table=FIVE_LEVELS, *, owner="ward-a", key="an_ninh", title="Tiêu chí phường A",
           data=None, **form):
    body = {"file": (io.BytesIO(data if data is not None else workbook(table)), "bang.xlsx"),
            "key": key, "title": title, **form}
    return client.post(f"/api/v1/tenants/{world.tenant(owner).id}/criteria-sets/import", data=body,
                       content_type="multipart/form-data")


def enable(client, period, set_key, version=None):
    item = {"key": set_key, "tenant_kinds": ["school"]}
    if version is not None:
        item["version"] = version
    return client.put(f"/api/v1/periods/{period.id}/criteria-sets", json=[item])


def report_url(world, period, slug="school-a1"):
    return f"/api/v1/tenants/{world.tenant(slug).id}/periods/{period.id}/report"


FILLED = {"c_i_1_1_1_a_1": 5, "c_i_1_1_1_a_2": True, "c_i_1_1_1_a_3": 15,
          "c_i_1_1_1_a_3_giai_trinh": "Tổ chức đủ các đợt cao điểm.", "c_i_1_1_1_a_4": 3,
          "c_i_1_1_1_a_5_cong": 2, "c_i_1_1_1_a_5_tru": 1, "c_ii": True}


def test_a_five_level_table_is_imported_enabled_filled_scored_and_rolled_up(api_as, world, db):
    period = ward_period(db, world)
    admin = api_as("ward_admin")
    answer = upload(admin, world)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    imported = answer.get_json()
    assert imported["key"] == "an_ninh" and imported["version"] == 1
    assert imported["nodes"] == len(FIVE_LEVELS) and imported["maximum"] == 150
    set_key = imported["set_key"]
    assert enable(admin, period, set_key).status_code == 200
    listed = admin.get(f"/api/v1/periods/{period.id}/criteria-sets").get_json()["criteria_sets"][0]
    assert listed["plugin"] == "defined_criteria" and listed["available"] is True
    fields = {f["name"]: f for f in listed["fields"]}
    # Codes in the metadata; bullets ("-", "+"…) are named by their place among their siblings.
    assert fields["c_i_1_1_1_a_1"]["code"] == "-" and fields["c_ii"]["code"] == "II."
    assert fields["c_i_1_1_1_a_2"]["evidence_required"] is True
    assert list(fields) == list(FILLED)
    reporter = api_as("a1_reporter")
    saved = reporter.put(report_url(world, period), json={"version": 0, "sections": {set_key: FILLED}})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    # 40 × 5/10 + 20 + 15 + min(3 × 2, 10) + (2 × 3 − 1 × 2) + 50
    assert saved.get_json()["self_score"] == 20 + 20 + 15 + 6 + 4 + 50
    board = api_as("ward_admin").get(f"/api/v1/periods/{period.id}/matrix?scope={world.tenant('ward-a').id}")
    assert board.status_code == 200, board.get_data(as_text=True)
    scores = {item["name"]: item["score"] for item in board.get_json()["items"]}
    assert scores["Trường THCS A1"] == 115
    # The unit's Excel form carries the table's criteria with their codes, and reads back.
    form = reporter.get(report_url(world, period) + ".xlsx")
    assert form.status_code == 200
    book = load_workbook(io.BytesIO(form.data))
    labels = [cell for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
              for cell in row]
    assert "- Số buổi tuyên truyền *" in labels and "II. Kết quả *" in labels  # * required
    back = reporter.post(report_url(world, period) + ".xlsx",
                         data={"file": (io.BytesIO(form.data), "f.xlsx")}, content_type="multipart/form-data")
    assert back.status_code == 200, back.get_data(as_text=True)
    assert back.get_json()["self_score"] == 115


def test_self_scored_points_need_an_explanation_and_stay_within_the_maximum(api_as, world, db):
    period = ward_period(db, world)
    set_key = upload(api_as("ward_admin"), world).get_json()["set_key"]
    enable(api_as("ward_admin"), period, set_key)
    reporter = api_as("a1_reporter")
    values = {**FILLED, "c_i_1_1_1_a_3": 21, "c_i_1_1_1_a_2": False}
    values.pop("c_i_1_1_1_a_3_giai_trinh")
    refused = reporter.put(report_url(world, period), json={"version": 0, "sections": {set_key: values}})
    assert refused.status_code == 422
    assert "c_i_1_1_1_a_3" in str(refused.get_json())
    values["c_i_1_1_1_a_3"] = 20
    # A draft may wait for its explanation; the report cannot be sent without it.
    saved = reporter.put(report_url(world, period), json={"version": 0, "sections": {set_key: values}})
    assert saved.status_code == 200
    refused = api_as("a1_head").post(report_url(world, period) + "/submit", json={"version": 1})
    assert refused.status_code == 422 and "c_i_1_1_1_a_3_giai_trinh" in refused.get_data(as_text=True)
    values["c_i_1_1_1_a_3_giai_trinh"] = "Đủ các đợt cao điểm."
    again = reporter.put(report_url(world, period), json={"version": 1, "sections": {set_key: values}})
    assert again.status_code == 200
    sent = api_as("a1_head").post(report_url(world, period) + "/submit", json={"version": 2})
    assert sent.status_code == 200, sent.get_data(as_text=True)
    assert sent.get_json()["self_score"] == 20 + 0 + 20 + 6 + 4 + 50
    # Thẩm định: the reviewer sets 12 reviewed points for the self-scored criterion.
    reviewed = api_as("ward_reviewer").put(report_url(world, period) + "/review", json={
        "set": set_key, "version": 3, "scores": {"c_i_1_1_1_a_3": {"score": 12, "note": "Thiếu minh chứng"}}})
    assert reviewed.status_code == 200, reviewed.get_data(as_text=True)
    assert reviewed.get_json()["review_score"] == 20 + 0 + 12 + 6 + 4 + 50


def test_the_template_downloads_filled_and_imports_back_unchanged(api_as, world):
    admin = api_as("ward_admin")
    upload(admin, world)
    answer = admin.get(f"/api/v1/tenants/{world.tenant('ward-a').id}/criteria-sets/an_ninh.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data))[SHEET]
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == list(COLUMNS)
    assert [row[0] for row in table[1:]] == [row["Mã"] for row in FIVE_LEVELS]
    assert table[9][4] == "Cộng/trừ" and table[6][11] == "Có"
    again = upload(admin, world, data=answer.data)
    assert again.status_code == 201 and again.get_json()["version"] == 2
    back = admin.get(f"/api/v1/tenants/{world.tenant('ward-a').id}/criteria-sets/an_ninh.xlsx?version=2")
    assert list(load_workbook(io.BytesIO(back.data))[SHEET].iter_rows(values_only=True)) == table


def test_errors_name_the_row_and_the_column_and_nothing_is_saved(api_as, world, db):
    admin = api_as("ward_admin")
    wrong = rows((0, "Điểm tối đa", 90), (4, "Chỉ tiêu", None), (5, "Loại", "Khác"),
                 (7, "Điểm mỗi lần", "1.5"), (8, "Minh chứng", "Có thể"))
    answer = upload(admin, world, wrong)
    assert answer.status_code == 422
    fields = error_of(answer)["fields"]
    assert set(fields) == {"Dòng 6, cột «Chỉ tiêu»", "Dòng 7, cột «Loại»", "Dòng 9, cột «Điểm mỗi lần»",
                           "Dòng 10, cột «Minh chứng»"}
    # The tree's checks run once every row reads.
    answer = upload(admin, world, rows((0, "Điểm tối đa", 90)))
    assert "Dòng 2, cột «Điểm tối đa»" in error_of(answer)["fields"]
    assert db.scalar(select(func.count()).select_from(CriteriaDefinition)) == 0
    missing = upload(admin, world, data=workbook(FIVE_LEVELS, columns=REQUIRED[:-1]))
    assert "Dòng 1, cột «Hướng dẫn»" in error_of(missing)["fields"]
    other_sheet = upload(admin, world, data=workbook(FIVE_LEVELS, sheet="Sheet1"))
    assert "file" in error_of(other_sheet)["fields"]
    not_excel = upload(admin, world, data=b"%PDF-1.4 not a workbook")
    assert "file" in error_of(not_excel)["fields"]
    bad_key = upload(admin, world, key="An Ninh")
    assert "key" in error_of(bad_key)["fields"]
    assert db.scalar(select(func.count()).select_from(CriteriaDefinitionVersion)) == 0


def test_versions_across_a_closed_period(api_as, world, db):
    admin = api_as("ward_admin")
    first = ward_period(db, world, "ward-2025")
    draft = ward_period(db, world, "ward-2027", state=period_models.DRAFT)
    set_key = upload(admin, world).get_json()["set_key"]
    assert enable(admin, first, set_key).status_code == 200
    assert enable(admin, draft, set_key).status_code == 200
    reporter = api_as("a1_reporter")
    saved = reporter.put(report_url(world, first), json={"version": 0, "sections": {set_key: FILLED}})
    assert saved.status_code == 200
    access = SystemAccess(db=db, user=None)
    period_ops.transition(db, access, db.merge(first), period_models.CLOSED)
    db.commit()
    # The second version doubles criterion II.
    second = upload(admin, world, rows((9, "Điểm tối đa", 100)))
    assert second.get_json()["version"] == 2
    closed = admin.get(f"/api/v1/periods/{first.id}/criteria-sets").get_json()["criteria_sets"][0]
    assert closed["version"] == 1 and {f["name"]: f for f in closed["fields"]}["c_ii"]["points"] == 50
    followed = admin.get(f"/api/v1/periods/{draft.id}/criteria-sets").get_json()["criteria_sets"][0]
    assert followed["version"] == 2 and {f["name"]: f for f in followed["fields"]}["c_ii"]["points"] == 100
    report = reporter.get(report_url(world, first)).get_json()
    assert report["self_score"] == 115
    assert db.scalar(select(func.count()).select_from(AuditEntry)
                     .where(AuditEntry.action == "criteria_set.import")) == 2


@pytest.mark.parametrize("username", ["commune_admin", "commune_reporter", "b1_reporter"])
def test_a_sibling_cannot_read_import_or_enable_another_units_table(api_as, world, db, username):
    set_key = upload(api_as("ward_admin"), world).get_json()["set_key"]
    other = api_as(username)
    ward = world.tenant("ward-a").id
    assert other.get(f"/api/v1/tenants/{ward}/criteria-sets/an_ninh.xlsx").status_code == 404
    assert upload(other, world, key="an_ninh").status_code == 404
    own_period = period_ops.create(db, SystemAccess(db=db, user=None), world.tenant("commune-b"), {
        "key": "xa-b", "kind": "thematic", "title": "Xã B",
        "opens_at": clock.now_in_hanoi(), "due_at": clock.now_in_hanoi() + timedelta(days=3),
        "city_due_at": clock.now_in_hanoi() + timedelta(days=4),
        "closes_at": clock.now_in_hanoi() + timedelta(days=5)})
    db.commit()
    refused = api_as("commune_admin").put(f"/api/v1/periods/{own_period.id}/criteria-sets",
                                          json=[{"key": set_key, "tenant_kinds": ["enterprise"]}])
    nobody = "d" + "0" * 32 + ".an_ninh"
    unknown = api_as("commune_admin").put(f"/api/v1/periods/{own_period.id}/criteria-sets",
                                          json=[{"key": nobody, "tenant_kinds": ["enterprise"]}])
    # Answered as a key that does not exist: same status, same field, same words.
    assert refused.status_code == unknown.status_code == 422
    assert error_of(refused)["fields"] == {"0.key": [f"Không có bộ tiêu chí {set_key}."]}
    assert error_of(unknown)["fields"] == {"0.key": [f"Không có bộ tiêu chí {nobody}."]}


def test_the_city_cannot_enable_a_wards_table_and_only_admins_import(api_as, world):
    set_key = upload(api_as("ward_admin"), world).get_json()["set_key"]
    city = api_as("city_admin")
    # The city sees the ward's table (it is above it) but its own periods cover more than the ward.
    ward = world.tenant("ward-a").id
    assert city.get(f"/api/v1/tenants/{ward}/criteria-sets/an_ninh.xlsx").status_code == 200
    assert enable(city, world.period, set_key).status_code == 422
    assert upload(api_as("ward_reviewer"), world, key="khac").status_code == 403
    assert upload(api_as("ward_admin"), world, key="khac", tenant_kinds="enterprise").status_code == 422


def test_a_table_is_copied_into_a_new_one_of_the_copier_within_reach_only(api_as, world, db):
    ward_admin = api_as("ward_admin")
    own = upload(ward_admin, world).get_json()["set_key"]
    city = upload(api_as("city_admin"), world, owner="ha-noi", key="chung", title="Tiêu chí chung",
                  tenant_kinds="ward").get_json()["set_key"]
    copy = f"/api/v1/tenants/{world.tenant('ward-a').id}/criteria-sets/copy"
    next_year = ward_admin.post(copy, json={"source": own, "key": "an_ninh_2027", "title": "Năm 2027"})
    assert next_year.status_code == 201, next_year.get_data(as_text=True)
    assert next_year.get_json()["version"] == 1 and next_year.get_json()["nodes"] == len(FIVE_LEVELS)
    from_city = ward_admin.post(copy, json={"source": city, "key": "chung", "title": "Của phường",
                                            "tenant_kinds": ["school"]})
    assert from_city.status_code == 201, from_city.get_data(as_text=True)
    assert from_city.get_json()["set_key"].startswith(
        f"d{world.tenant('ward-a').id.hex}.")
    sibling = api_as("commune_admin").post(
        f"/api/v1/tenants/{world.tenant('commune-b').id}/criteria-sets/copy",
        json={"source": own, "key": "lay", "title": "Lấy của phường A"})
    nobody = api_as("commune_admin").post(
        f"/api/v1/tenants/{world.tenant('commune-b').id}/criteria-sets/copy",
        json={"source": "d" + "0" * 32 + ".an_ninh", "key": "lay", "title": "Lấy của phường A"})
    # An unpublished table of a sibling answers as one that does not exist.
    assert sibling.status_code == nobody.status_code == 404
    assert error_of(sibling)["message"] == error_of(nobody)["message"].replace("0" * 32, world.tenant(
        "ward-a").id.hex)
    into_sibling = api_as("commune_admin").post(copy, json={"source": own, "key": "x", "title": "x"})
    assert into_sibling.status_code == 404
    assert db.scalar(select(func.count()).select_from(AuditEntry)
                     .where(AuditEntry.action == "criteria_set.copy")) == 2


def test_a_unit_enables_and_fills_a_table_of_the_unit_above_it(api_as, world, db):
    city = upload(api_as("city_admin"), world, owner="ha-noi", key="chung", title="Tiêu chí chung",
                  tenant_kinds="school").get_json()["set_key"]
    period = ward_period(db, world)
    assert enable(api_as("ward_admin"), period, city).status_code == 200
    saved = api_as("a1_reporter").put(report_url(world, period),
                                      json={"version": 0, "sections": {city: FILLED}})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert saved.get_json()["self_score"] == 115


def test_a_malformed_or_oversized_table_answers_422_on_file_and_saves_nothing(api_as, world, db, monkeypatch):
    """The hostile files the report form refuses (tests/reports/test_excel_limits.py) are refused
    by the criteria-table import the same way: a truncated or malformed part, a workbook over the
    caps on rows, columns or cells."""
    from core.reports import workbooks
    from core.reports.xlsx import Limits
    from tests.reports.test_excel_integrity import hostile_copies

    admin = api_as("ward_admin")
    for name, data in hostile_copies(workbook(FIVE_LEVELS)).items():
        answer = upload(admin, world, data=data)
        assert answer.status_code == 422, (name, answer.status_code)
        assert list(error_of(answer)["fields"]) == ["file"], name
    monkeypatch.setattr(workbooks, "limits", lambda: Limits(max_rows=100, max_columns=10, max_cells=400))
    over = workbook([{"Mã": f"{n}", "Tên tiêu chí": f"Tiêu chí {n}"} for n in range(1, 150)])
    answer = upload(admin, world, data=over)
    assert answer.status_code == 422 and "quá nhiều dòng" in error_of(answer)["fields"]["file"][0]
    assert db.scalar(select(func.count()).select_from(CriteriaDefinition)) == 0
