"""The units × criteria matrix: values, own and reviewer's points per criterion under the sets'
headers; paged and filtered; one grouped query whatever the number of units; XLSX export."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from core.db import scoping
from core.db.engine import database
from core.matrix import operations as matrix
from core.periods.models import ReportingPeriod
from core.plugins.manager import plugin_host
from core.reports import review
from core.tenants.models import Tenant
from core.tenants.operations import new_tenant
from core.users.access import Access, SystemAccess

from .flow import report
from .test_dashboards import counting


def _matrix(client, world, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"/api/v1/periods/{world.period.id}/matrix?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_values_and_points_self_and_reviewed_under_the_set_headers(report_world, db, host, api_as):
    report(db, host, report_world, "school-a1", until="submitted", safety={"trained": 12})
    tenant = db.get(Tenant, report_world.tenant("school-a1").id)
    review.score_criteria(db, SystemAccess(db=db, user=None), host, tenant,
                          db.get(ReportingPeriod, report_world.period.id), "rpt.safety",
                          {"trained": {"score": 30, "note": "Thiếu danh sách"}})
    db.commit()
    body = _matrix(api_as("city_admin"), report_world, kind="school")
    assert [g["set"] for g in body["groups"]] == ["rpt.safety"]
    assert [c["field"] for c in body["groups"][0]["columns"]][:3] == ["plan_issued", "staff", "trained"]
    rows = {row["name"]: row for row in body["items"]}
    assert list(rows) == ["Trường THCS A1", "Trường THCS A2"] and body["total"] == 2
    cells = {c["field"]: c for c in rows["Trường THCS A1"]["cells"]}
    assert cells["trained"] == {"set": "rpt.safety", "field": "trained", "value": 12, "self": 60.0,
                                "reviewed": 30.0}
    assert cells["plan_issued"]["value"] is False and cells["plan_issued"]["self"] == 0.0
    assert cells["staff"]["self"] is None  # a field without points
    assert rows["Trường THCS A2"]["status"] == "missing" and rows["Trường THCS A2"]["cells"] == []


def test_paging_and_filters(report_world, db, host, api_as):
    report(db, host, report_world, "ward-a", until="submitted")
    client = api_as("city_admin")
    everything = _matrix(client, report_world)
    assert everything["total"] == 5
    assert {g["set"] for g in everything["groups"]} == {"rpt.safety", "rpt.units"}
    page = _matrix(client, report_world, per_page=2, page=3)
    assert [r["name"] for r in page["items"]] == [everything["items"][4]["name"]] and page["pages"] == 3
    assert [r["name"] for r in _matrix(client, report_world, status="submitted")["items"]] == ["Phường A"]
    assert [r["name"] for r in _matrix(client, report_world, q="cong ty")["items"]] == ["Công ty B1"]
    ward = api_as("ward_admin")
    assert _matrix(ward, report_world)["total"] == 3
    commune = report_world.tenant("commune-b").id
    assert ward.get(f"/api/v1/periods/{report_world.period.id}/matrix?scope={commune}").status_code == 404


def _page_queries(app, world) -> int:
    session = database(app).new_session()
    try:
        access = Access.for_user(session, world.user("city_admin"))
        scoping.set_context(session, access.tenant_context())
        access.tenant_context()
        period = session.get(ReportingPeriod, world.period.id)
        city = session.get(Tenant, world.tenant("ha-noi").id)
        with app.test_request_context(), counting(app) as statements:
            page = matrix.page(session, access, plugin_host(app), period, city, per_page=200)
        assert page.total == len(page.rows)
        return len(statements)
    finally:
        session.close()


def test_the_matrix_reads_one_grouped_query_whatever_the_units(report_world, app, db, host):
    report(db, host, report_world, "school-a1")
    small = _page_queries(app, report_world)
    ward = db.get(Tenant, report_world.tenant("ward-a").id)
    for n in range(10):
        school = new_tenant(db, name=f"Trường số {n}", kind="school", parent=ward, slug=f"m-{n}")
        db.flush()
        report_world.tenants[school.slug] = school
        report(db, host, report_world, school.slug, until="submitted")
    assert _page_queries(app, report_world) == small <= 5


def test_the_xlsx_export_has_the_headers_and_a_row_per_unit(report_world, db, host, client_as, api_as):
    report(db, host, report_world, "school-a1", safety={"trained": 9})
    response = client_as("ward_admin").get(f"/matrix.xlsx?period={report_world.period.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.get_data()))
    # One sheet per kind of unit, each with the criteria its kind fills.
    assert workbook.sheetnames == ["Phường", "Trường học"]
    wards = list(workbook["Phường"].iter_rows(values_only=True))
    assert "Số mô hình (mô hình)" in wards[1] and [row[0] for row in wards[3:]] == ["Phường A"]
    rows = list(workbook["Trường học"].iter_rows(values_only=True))
    assert rows[0][4] == "An toàn về an ninh, trật tự"
    assert rows[1][4] == "Có kế hoạch thực hiện phong trào" and "Số mô hình (mô hình)" not in rows[1]
    assert rows[2][:7] == ("Đơn vị", "Loại", "Trạng thái", "Điểm", "Giá trị", "Điểm tự chấm",
                           "Điểm thẩm định")
    units = {row[0]: row for row in rows[3:]}
    assert set(units) == {"Trường THCS A1", "Trường THCS A2"}
    trained = rows[1].index("Số cán bộ được tập huấn (người)")
    assert units["Trường THCS A1"][trained:trained + 2] == (9, 60)
    assert units["Trường THCS A1"][2] == "Đã duyệt"
    api = api_as("city_admin").get(f"/api/v1/periods/{report_world.period.id}/matrix.xlsx?kind=school")
    assert api.status_code == 200
    assert len(list(load_workbook(io.BytesIO(api.get_data())).active.iter_rows())) == 3 + 2


def test_the_matrix_page_shows_the_table(report_world, db, host, client_as):
    report(db, host, report_world, "school-a1")
    page = client_as("city_admin").get(f"/matrix?period={report_world.period.id}&kind=school")
    html = page.get_data(as_text=True)
    assert "Ma trận đơn vị × tiêu chí" in html and "Trường THCS A1" in html
    assert 'colspan="3">Số cán bộ được tập huấn' in html
    assert client_as("a1_head").get(f"/matrix?period={report_world.period.id}").status_code == 404


def test_the_xlsx_names_every_status_and_kind_in_the_readers_language(report_world, db, host, client_as,
                                                                      api_as):
    """A unit without a report reads "Chưa bắt đầu" (never the code ``missing``), in the web's
    file and the API's alike; in English every word is English."""
    report(db, host, report_world, "school-a1")
    url = f"/matrix.xlsx?period={report_world.period.id}&kind=school"
    for client, path, english in (
        (client_as("ward_admin"), url, False),
        (client_as("ward_admin"), url + "&lang=en", True),
        (api_as("ward_admin"), f"/api/v1/periods/{report_world.period.id}/matrix.xlsx?kind=school", False),
    ):
        response = client.get(path)
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(response.get_data()))
        assert workbook.sheetnames == (["School"] if english else ["Trường học"])
        rows = list(workbook.active.iter_rows(values_only=True))
        units = {row[0]: row for row in rows[3:]}
        assert units["Trường THCS A2"][1:3] == (("School", "Not started") if english
                                                else ("Trường học", "Chưa bắt đầu"))
        assert units["Trường THCS A1"][2] == ("Approved" if english else "Đã duyệt")


def test_units_and_choices_follow_the_language_on_the_page_and_in_the_file(report_world, db, host,
                                                                           client_as):
    """In English the unit of a criterion (người → people) and a choice's value (its
    ``choices_en``) are English, in the table and in the workbook; in Vietnamese, Vietnamese."""
    report(db, host, report_world, "school-a1", safety={"level": "tot"})
    client = client_as("ward_admin")
    base = f"period={report_world.period.id}&kind=school"
    english = client.get(f"/matrix?{base}&lang=en").get_data(as_text=True)
    assert "(people)" in english and "(người)" not in english
    assert "<td>Good</td>" in english and "<td>tot</td>" not in english
    vietnamese = client.get(f"/matrix?{base}&lang=vi").get_data(as_text=True)
    assert "Số cán bộ được tập huấn (người)" in vietnamese and "<td>tot</td>" in vietnamese
    workbook = load_workbook(io.BytesIO(client.get(f"/matrix.xlsx?{base}&lang=en").get_data()))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert "Số cán bộ được tập huấn (people)" in rows[1]
    level = rows[1].index("Tự đánh giá")
    assert {row[0]: row[level] for row in rows[3:]}["Trường THCS A1"] == "Good"


def test_a_page_past_the_last_says_so_and_links_to_the_last(report_world, db, host, client_as):
    html = client_as("city_admin").get(f"/matrix?period={report_world.period.id}&page=999")
    text = html.get_data(as_text=True)
    assert html.status_code == 200
    assert "Trang 999 không có dòng nào: danh sách có 5 dòng trên 1 trang." in text
    assert "Về trang cuối (trang 1)" in text and "Không có đơn vị nào phù hợp." not in text
