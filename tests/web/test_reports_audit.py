"""The report's audit trail page and its CSV download."""

from __future__ import annotations

import csv
import io

from .helpers import text_of
from .test_reports_kit import (  # noqa: F401 (fixtures)
    REASON,
    page,
    post,
    report_world_fixture,
    save,
    submitted,
    thidua_config_fixture,
)


def test_the_trail_reads_who_did_what_from_what_to_what_and_why(report_world, client_as, db):
    submitted(client_as, db, report_world)
    assert post(client_as("ward_reviewer"), report_world, "/return", {"reason": REASON}).status_code == 302
    response = client_as("a1_head").get(page(report_world, "/audit"))
    assert response.status_code == 200
    text = text_of(response)
    for words in ("Lưu số liệu", "Gửi báo cáo", "Trả lại báo cáo", REASON,
                  "An toàn về an ninh, trật tự — Số cán bộ được tập huấn", "Đã gửi", "Bị trả lại"):
        assert words in text
    assert text.index("Trả lại báo cáo") < text.index("Gửi báo cáo")  # newest first
    assert page(report_world, "/audit.csv") in response.get_data(as_text=True)


def test_the_csv_opens_in_excel_with_one_row_per_change(report_world, client_as, db):
    client = client_as("a1_reporter")
    assert save(client, report_world, {"staff": 12}).status_code == 302
    response = client.get(page(report_world, "/audit.csv"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][0] == "Thời điểm"
    assert any(r[3] == "Lưu số liệu" and r[4].endswith("Tổng số cán bộ") and r[6] == "12" for r in rows[1:])


def test_the_trail_is_for_readers_of_the_unit_only(report_world, client_as):
    assert client_as("city_viewer").get(page(report_world, "/audit")).status_code == 200
    assert client_as("a2_head").get(page(report_world, "/audit.csv")).status_code == 404
    assert client_as("commune_admin").get(page(report_world, "/audit")).status_code == 404
