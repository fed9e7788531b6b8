"""The Excel page: download the form, upload it filled in, see errors by sheet and row."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from core.testing.fixtures import csrf_token_from

SAFETY = "An toàn về an ninh, trật tự"


def page(world) -> str:
    return f"/tenants/{world.tenant('school-a1').id}/periods/{world.period.id}/report/excel"


def upload(client, world, book):
    buffer = io.BytesIO()
    book.save(buffer)
    token = csrf_token_from(client.get(page(world)).get_data(as_text=True))
    form = {"csrf_token": token, "file": (io.BytesIO(buffer.getvalue()), "f.xlsx")}
    return client.post(page(world), data=form, content_type="multipart/form-data")


def test_download_fill_and_upload_through_the_page(report_world, client_as):
    client = client_as("a1_reporter")
    html = client.get(page(report_world)).get_data(as_text=True)
    assert "/report.xlsx" in html
    download = client.get(page(report_world).replace("/report/excel", "/report.xlsx"))
    assert download.status_code == 200
    assert "attachment;" in download.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(download.data))

    book[SAFETY]["D4"] = "nhiều"
    refused = upload(client, report_world, book)
    assert refused.status_code == 422
    assert f"Trang «{SAFETY}», ô D4 (Tổng số cán bộ)" in refused.get_data(as_text=True)

    book[SAFETY]["D4"] = 25
    saved = upload(client, report_world, book)
    assert saved.status_code == 302
    assert "phiên bản 1" in client.get(page(report_world)).get_data(as_text=True)
