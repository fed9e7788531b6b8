"""Evidence files through the API: types judged by content, names cleaned, storage by tenant and
hash, who may read, upload and remove, and the 413 / 422 / 409 / 404 answers."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.plugins.manager import plugin_host
from core.reports import operations
from core.reports.evidence import PDF as PDF_KIND
from core.reports.evidence import display_name, store_for
from core.reports.models import Evidence
from core.users.access import Access

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"This program cannot be run in DOS mode."
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
SCRIPT = b"#!/bin/sh\nrm -rf /\n"


def url(world, tenant: str = "school-a1", suffix: str = "") -> str:
    return (f"/api/v1/tenants/{world.tenant(tenant).id}/periods/{world.period.id}"
            f"/report/evidence{suffix}")


def upload(client, world, data: bytes, name: str = "bien-ban.pdf", tenant: str = "school-a1",
           criterion: str | None = None):
    form = {"file": (io.BytesIO(data), name)}
    if criterion is not None:
        form["criterion"] = criterion
    return client.post(url(world, tenant), data=form, content_type="multipart/form-data")


def zipped(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def docx() -> bytes:
    return zipped({
        "[Content_Types].xml": '<Types><Override PartName="/word/document.xml" ContentType="application/'
                               'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "word/document.xml": "<w:document/>",
    })


def xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def file_error(response) -> list[str]:
    assert response.status_code == 422, response.get_data(as_text=True)
    return response.get_json()["error"]["fields"]["file"]


@pytest.mark.parametrize(("data", "name", "content_type"), [
    (PDF, "bien-ban.pdf", "application/pdf"),
    (PNG, "anh.png", "image/png"),
    (JPEG, "anh.jpg", "image/jpeg"),
    (docx(), "ke-hoach.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (xlsx(), "so-lieu.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("Báo cáo tóm tắt\n".encode(), "tom-tat.txt", "text/plain; charset=utf-8"),
])
def test_allowed_types_are_recognised_by_content(report_world, api_as, data, name, content_type):
    response = upload(api_as("a1_reporter"), report_world, data, name)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["content_type"] == content_type
    assert response.get_json()["filename"] == name


def test_download_returns_the_same_bytes_as_an_attachment(report_world, api_as):
    client = api_as("a1_reporter")
    created = upload(client, report_world, PDF, "Biên bản họp.pdf").get_json()
    assert created["size"] == len(PDF)
    assert created["sha256"] == hashlib.sha256(PDF).hexdigest()

    response = client.get(created["download_url"])
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('Biên bản họp.pdf', safe='')}" in disposition
    assert 'filename="Bien ban hop.pdf"' in disposition


def test_a_renamed_windows_program_is_refused(report_world, api_as, db):
    messages = file_error(upload(api_as("a1_reporter"), report_world, EXE, "report.pdf"))
    assert "chạy được" in messages[0]
    assert db.scalars(select(Evidence)).all() == []


@pytest.mark.parametrize(("data", "name"), [
    (ELF, "anh.png"),
    (SCRIPT, "ghi-chu.txt"),
    (zipped({"a.txt": "x", "setup.exe": "MZ"}), "so-lieu.xlsx"),
    (zipped({"[Content_Types].xml": "<Types/>", "payload.bin": "x"}), "ke-hoach.docx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "cu.doc"),
    (b"GIF89a" + b"\x00" * 32, "anh.gif"),
    (b"\x00\x01\x02binary", "du-lieu.txt"),
    (b"", "rong.pdf"),
])
def test_other_content_is_refused_whatever_its_name(report_world, api_as, data, name):
    assert file_error(upload(api_as("a1_reporter"), report_world, data, name))


def test_a_macro_workbook_is_refused(report_world, api_as):
    data = zipped({
        "[Content_Types].xml": "<Types><Override ContentType=\"application/vnd.ms-excel.sheet."
                               "macroEnabled.main+xml\"/></Types>",
        "xl/workbook.xml": "<workbook/>", "xl/vbaProject.bin": "x",
    })
    assert "macro" in file_error(upload(api_as("a1_reporter"), report_world, data, "so-lieu.xlsx"))[0]


def test_oversize_answers_413_with_the_error_shape(report_world, api_as, db):
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = upload(api_as("a1_reporter"), report_world, big)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"
    assert db.scalars(select(Evidence)).all() == []


def test_a_traversal_name_is_stored_by_hash_and_shown_cleaned(report_world, api_as, app, tmp_path):
    data = "Danh sách tổ tự quản\n".encode()
    response = upload(api_as("a1_reporter"), report_world, data, "../../etc/passwd")
    assert response.status_code == 201
    assert response.get_json()["filename"] == "passwd.txt"

    sha = hashlib.sha256(data).hexdigest()
    root = Path(store_for(app).root)
    tenant_id = str(report_world.tenant("school-a1").id)
    assert (root / tenant_id / sha[:2] / sha).read_bytes() == data
    assert not (root.parent / "etc").exists()
    stored = [p for p in root.rglob("*") if p.is_file()]
    assert stored == [root / tenant_id / sha[:2] / sha]


@pytest.mark.parametrize(("raw", "shown"), [
    ("/var/www/../../evil.pdf", "evil.pdf"),
    ("bao\x00cao\x1f.pdf", "baocao.pdf"),
    ("hoa-don\u202egpj.pdf", "hoa-dongpj.pdf"),
    ("..", "minh-chung.pdf"),
    ("trang.html", "trang.html.pdf"),
    ("a" * 400 + ".pdf", "a" * 251 + ".pdf"),
])
def test_display_names_are_sanitised(report_world, api_as, raw, shown):
    response = upload(api_as("a1_reporter"), report_world, PDF, raw)
    assert response.status_code == 201
    assert response.get_json()["filename"] == shown


@pytest.mark.parametrize(("raw", "shown"), [
    ("..\\..\\Windows\\evil.pdf", "evil.pdf"),
    ("C:\\Users\\cb\\Báo cáo.pdf", "Báo cáo.pdf"),
    (None, "minh-chung.pdf"),
    ("  .hidden.pdf  ", "hidden.pdf"),
    ("Bao cao.PDF", "Bao cao.PDF"),
])
def test_display_name_strips_windows_paths_and_hidden_dots(raw, shown):
    assert display_name(raw, PDF_KIND) == shown


def test_same_content_is_stored_once_per_tenant(report_world, api_as, app):
    client = api_as("a1_reporter")
    first = upload(client, report_world, PDF, "mot.pdf").get_json()
    second = upload(client, report_world, PDF, "hai.pdf", criterion="rpt.safety.plan_issued").get_json()
    other_unit = upload(api_as("a2_reporter"), report_world, PDF, "ba.pdf", tenant="school-a2").get_json()
    assert first["id"] != second["id"] and first["sha256"] == second["sha256"] == other_unit["sha256"]

    root = Path(store_for(app).root)
    assert len([p for p in root.rglob("*") if p.is_file()]) == 2  # one per tenant
    a1_file = root / str(report_world.tenant("school-a1").id) / first["sha256"][:2] / first["sha256"]

    assert client.delete(url(report_world, suffix=f"/{first['id']}")).status_code == 204
    assert a1_file.exists()  # the second row still needs it
    assert client.delete(url(report_world, suffix=f"/{second['id']}")).status_code == 204
    assert not a1_file.exists()
    assert client.get(url(report_world)).get_json()["total"] == 0


def test_any_number_of_files_per_criterion_and_report(report_world, api_as):
    client = api_as("a1_head")
    for index in range(3):
        assert upload(client, report_world, PDF + bytes([index]), f"{index}.pdf",
                      criterion="rpt.safety.plan_issued").status_code == 201
    assert upload(client, report_world, PNG, "chung.png").status_code == 201
    listing = client.get(url(report_world)).get_json()
    assert listing["total"] == 4
    assert sorted(str(i["criterion"]) for i in listing["items"]) == ["None"] + ["rpt.safety.plan_issued"] * 3


@pytest.mark.parametrize("criterion", ["rpt.safety.nope", "rpt.units.models", "plan_issued", "x.y.z"])
def test_criterion_must_name_a_field_of_an_enabled_set(report_world, api_as, criterion):
    response = upload(api_as("a1_reporter"), report_world, PDF, criterion=criterion)
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["criterion"]


def test_readers_download_siblings_and_cousins_get_404(report_world, api_as):
    created = upload(api_as("a1_reporter"), report_world, PDF).get_json()
    for reader in ("a1_head", "ward_reviewer", "city_viewer"):
        assert api_as(reader).get(created["download_url"]).status_code == 200, reader
    # A sibling school, a cousin, and a department that does not sit above the school.
    for outsider in ("a2_reporter", "a2_head", "commune_admin", "b1_reporter", "edu_reviewer"):
        client = api_as(outsider)
        assert client.get(created["download_url"]).status_code == 404, outsider
        assert client.get(url(report_world)).status_code == 404, outsider
        assert client.delete(url(report_world, suffix=f"/{created['id']}")).status_code == 404, outsider


def test_an_evidence_id_of_another_unit_is_not_found_through_this_one(report_world, api_as):
    theirs = upload(api_as("a2_reporter"), report_world, PDF, tenant="school-a2").get_json()
    # The ward reviewer reads both schools, but a2's file is not part of a1's report.
    response = api_as("ward_reviewer").get(url(report_world, suffix=f"/{theirs['id']}"))
    assert response.status_code == 404


def test_only_the_unit_uploads_and_removes(report_world, api_as):
    assert upload(api_as("ward_reviewer"), report_world, PDF).status_code == 403
    assert upload(api_as("a2_reporter"), report_world, PDF).status_code == 404
    created = upload(api_as("a1_reporter"), report_world, PDF).get_json()
    assert api_as("ward_admin").delete(url(report_world, suffix=f"/{created['id']}")).status_code == 403
    assert api_as("a1_head").delete(url(report_world, suffix=f"/{created['id']}")).status_code == 204


def test_upload_and_removal_are_audited(report_world, api_as, db):
    client = api_as("a1_reporter")
    created = upload(client, report_world, PDF, "bien-ban.pdf").get_json()
    client.delete(url(report_world, suffix=f"/{created['id']}"))
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action.like("evidence.%"))
                         .order_by(AuditEntry.seq)).all()
    assert [e.action for e in entries] == ["evidence.add", "evidence.remove"]
    submission = operations.find(db, report_world.tenant("school-a1"), report_world.period)
    for entry in entries:
        assert (entry.object_type, entry.object_id) == ("submission", str(submission.id))
        assert entry.changes["evidence"] == created["id"]
        assert entry.actor_label == "a1_reporter"
        assert entry.changes["filename"] == "bien-ban.pdf"
        assert entry.changes["size"] == len(PDF)
        assert entry.changes["sha256"] == created["sha256"]


def _access(db, world, username: str) -> Access:
    return Access.for_user(db, world.user(username))


def test_required_evidence_unblocks_submit_and_locks_the_files(report_world, api_as, app, db,
                                                               complete_values):
    tenant, period = report_world.tenant("school-a1"), report_world.period
    host = plugin_host(app)
    with app.app_context():
        operations.save_draft(db, _access(db, report_world, "a1_reporter"), host, tenant, period, 0,
                              {"rpt.safety": complete_values})
        db.commit()
        with pytest.raises(operations.Incomplete) as refused:
            operations.submit(db, _access(db, report_world, "a1_head"), host, tenant, period)
        assert [(m.field, m.reason) for m in refused.value.missing] == [("plan_issued", "evidence")]
        db.rollback()

    client = api_as("a1_reporter")
    created = upload(client, report_world, PDF, criterion="rpt.safety.plan_issued").get_json()

    with app.app_context():
        submission = operations.submit(db, _access(db, report_world, "a1_head"), host, tenant, period)
        db.commit()
        assert submission.status == "submitted"

    assert client.delete(url(report_world, suffix=f"/{created['id']}")).status_code == 409
    assert upload(client, report_world, PNG, "them.png").status_code == 409
    assert client.get(created["download_url"]).data == PDF


def test_openapi_documents_the_evidence_routes(report_world, app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    path = "/api/v1/tenants/{tenant_id}/periods/{period_id}/report/evidence"
    assert set(document["paths"][path]) == {"get", "post"}
    assert set(document["paths"][path + "/{evidence_id}"]) == {"get", "delete"}
    assert "multipart/form-data" in document["paths"][path]["post"]["description"]


@pytest.mark.parametrize("version", ["²", "１", "-1", "1,0"])
def test_a_version_that_is_not_plain_digits_answers_422_not_500(report_world, api_as, version):
    """str.isdigit() takes "²" and full-width digits that int() refuses or reads differently:
    the version read must be ASCII digits, refused by name otherwise."""
    client = api_as("a1_reporter")
    created = upload(client, report_world, PDF).get_json()
    response = client.delete(url(report_world, suffix=f"/{created['id']}?version={quote(version)}"))
    assert response.status_code == 422, response.get_data(as_text=True)
    assert list(response.get_json()["error"]["fields"]) == ["version"]
    assert client.get(created["download_url"]).status_code == 200  # still there
