"""The evidence page: attach, list, download and remove a file through the web forms."""

from __future__ import annotations

import io

from core.testing.fixtures import csrf_token_from

PDF = b"%PDF-1.4\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 64


def page(world, tenant: str = "school-a1") -> str:
    return f"/tenants/{world.tenant(tenant).id}/periods/{world.period.id}/report/evidence"


def post_file(client, world, data: bytes, name: str, criterion: str = ""):
    token = csrf_token_from(client.get(page(world)).get_data(as_text=True))
    return client.post(page(world), data={"csrf_token": token, "criterion": criterion,
                                          "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_a_reporter_attaches_downloads_and_removes_a_file(report_world, client_as):
    client = client_as("a1_reporter")
    listing = client.get(page(report_world))
    assert listing.status_code == 200
    assert "Chưa có minh chứng nào." in listing.get_data(as_text=True)
    assert 'value="rpt.safety.plan_issued"' in listing.get_data(as_text=True)

    response = post_file(client, report_world, PDF, "Kế hoạch.pdf", "rpt.safety.plan_issued")
    assert response.status_code == 302
    html = client.get(page(report_world)).get_data(as_text=True)
    assert "Kế hoạch.pdf" in html
    assert "Có kế hoạch thực hiện phong trào" in html

    link = next(part.split('"', 1)[0] for part in html.split('href="') if "/report/evidence/" in part)
    download = client.get(link)
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")

    token = csrf_token_from(html)
    removed = client.post(link + "/delete", data={"csrf_token": token})
    assert removed.status_code == 302
    assert "Chưa có minh chứng nào." in client.get(page(report_world)).get_data(as_text=True)


def test_a_renamed_program_is_refused_with_a_clear_message(report_world, client_as):
    response = post_file(client_as("a1_reporter"), report_world, EXE, "bao-cao.pdf")
    assert response.status_code == 422
    assert "chạy được" in response.get_data(as_text=True)


def test_readers_see_no_upload_form_and_siblings_get_404(report_world, client_as):
    html = client_as("ward_reviewer").get(page(report_world)).get_data(as_text=True)
    assert 'type="file"' not in html
    assert client_as("a2_reporter").get(page(report_world)).status_code == 404


def test_an_oversize_file_gets_the_413_page(report_world, client_as):
    response = post_file(client_as("a1_reporter"), report_world, PDF + b"0" * (10 * 1024 * 1024), "lon.pdf")
    assert response.status_code == 413
    assert "dung lượng" in response.get_data(as_text=True)
