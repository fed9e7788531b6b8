"""Evidence with configured limits and storage place: THIDUA_MAX_UPLOAD_BYTES below the request
limit, and THIDUA_EVIDENCE_DIR."""

from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import select

from core.reports.models import Evidence

PDF = b"%PDF-1.4\n" + b"0" * 2000 + b"\n%%EOF\n"


@pytest.fixture
def thidua_config(thidua_config, tmp_path):
    return dict(thidua_config, THIDUA_MAX_UPLOAD_BYTES=1024, THIDUA_EVIDENCE_DIR=str(tmp_path / "kho"))


def url(world) -> str:
    return f"/api/v1/tenants/{world.tenant('school-a1').id}/periods/{world.period.id}/report/evidence"


def send(client, world, data: bytes):
    return client.post(url(world), data={"file": (io.BytesIO(data), "a.pdf")},
                       content_type="multipart/form-data")


def test_the_configured_file_limit_answers_413(report_world, api_as, db):
    response = send(api_as("a1_reporter"), report_world, PDF)
    assert response.status_code == 413
    assert set(response.get_json()) == {"error"}
    assert db.scalars(select(Evidence)).all() == []


def test_files_go_to_the_configured_directory(report_world, api_as, tmp_path):
    small = b"%PDF-1.4\n%%EOF\n"
    assert send(api_as("a1_reporter"), report_world, small).status_code == 201
    sha = hashlib.sha256(small).hexdigest()
    tenant_id = report_world.tenant("school-a1").id
    assert (tmp_path / "kho" / str(tenant_id) / sha[:2] / sha).read_bytes() == small


def test_the_limit_is_told_in_the_readers_numbers(app, report_world, client_as):
    # 1024 bytes is "1 KB", not "0.0 MB"; the page offering the upload says the same.
    from core.reports.evidence import TooLarge, read_limited

    with app.test_request_context(), pytest.raises(TooLarge) as refused:
        read_limited(io.BytesIO(PDF), 1024)
    assert str(refused.value.message) == "Tệp vượt quá dung lượng cho phép (1 KB)."
    page = client_as("a1_reporter").get(url(report_world).replace("/api/v1", "") + "?lang=en")
    assert "up to 1 KB each" in page.get_data(as_text=True)


@pytest.mark.parametrize(("size", "vietnamese", "english"), [
    (10 * 1024 * 1024, "10 MB", "10 MB"),
    (1536 * 1024, "1,5 MB", "1.5 MB"),
    (2560, "2,5 KB", "2.5 KB"),
])
def test_readable_sizes(app, size, vietnamese, english):
    from flask_babel import force_locale

    from core.reports.evidence import readable_size

    with app.test_request_context():
        with force_locale("vi"):
            assert readable_size(size) == vietnamese
        with force_locale("en"):
            assert readable_size(size) == english
