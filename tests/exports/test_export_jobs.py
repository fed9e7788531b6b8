"""The exports API: 202 with a job id, the job's state and progress, the file once finished; the
same on rq with Redis and in process (``REDIS_URL`` picks the backend); only the starter and the
scope's readers follow a job (404 for a sibling); asking twice answers the same job; a failed
job says why and can be asked for again."""

from __future__ import annotations

import io
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select

from core.audit.models import AuditEntry
from core.exports.models import Export
from core.jobs.testing import drain
from core.users.models import Membership

from .flow import reported_world


def start(client, world, report="city", fmt="xlsx", scope="ha-noi"):
    return client.post(f"/api/v1/periods/{world.period.id}/exports",
                       json={"report": report, "format": fmt, "scope": str(world.tenant(scope).id)})


@pytest.fixture
def reported(report_world, db, host):
    return reported_world(db, host, report_world)


def test_an_export_is_queued_then_runs_to_a_file(app, reported, api_as, db):
    admin = api_as("city_admin")
    answer = start(admin, reported)
    assert answer.status_code == 202, answer.get_json()
    job_id = answer.get_json()["id"]
    assert answer.headers["Location"].endswith(f"/api/v1/jobs/{job_id}")
    queued = admin.get(f"/api/v1/jobs/{job_id}").get_json()
    assert (queued["state"], queued["progress"], queued["download_url"]) == ("queued", 0, None)
    assert admin.get(f"/api/v1/exports/{queued['export']['id']}/file").status_code == 409

    drain(app)
    done = admin.get(f"/api/v1/jobs/{job_id}").get_json()
    assert (done["state"], done["progress"]) == ("finished", 100)
    assert done["export"]["report"] == "city" and done["export"]["snapshot_version"] is None
    file = admin.get(done["download_url"])
    assert file.status_code == 200
    disposition = file.headers["Content-Disposition"]
    assert "attachment" in disposition and ".xlsx" in disposition
    workbook = load_workbook(io.BytesIO(file.data), read_only=True)
    assert {"Báo cáo", "Chậm, thiếu", "Các đơn vị"} <= set(workbook.sheetnames)
    audit = db.scalars(select(AuditEntry.action).where(AuditEntry.action == "export.start")).all()
    assert audit == ["export.start"]


def test_asking_again_while_it_waits_answers_the_same_job(app, reported, api_as):
    admin = api_as("city_admin")
    first, second = start(admin, reported).get_json(), start(admin, reported).get_json()
    assert first["id"] == second["id"] and first["created"] and not second["created"]
    other_format = start(admin, reported, fmt="pdf").get_json()
    assert other_format["id"] != first["id"]


def test_only_the_starter_and_the_scopes_readers_follow_a_job(app, reported, api_as):
    job_id = start(api_as("ward_admin"), reported, report="subtree", scope="ward-a").get_json()["id"]
    drain(app)
    file = api_as("ward_admin").get(f"/api/v1/jobs/{job_id}").get_json()["download_url"]
    for reader in ("ward_admin", "ward_reviewer", "city_viewer", "city_reviewer"):
        assert api_as(reader).get(f"/api/v1/jobs/{job_id}").status_code == 200, reader
        assert api_as(reader).get(file).status_code == 200, reader
    # The sibling commune, the department, and the ward's own reporter (a subtree report is
    # read by subtree roles only) learn nothing.
    for stranger in ("commune_admin", "edu_reviewer", "ward_reporter", "a1_reporter"):
        assert api_as(stranger).get(f"/api/v1/jobs/{job_id}").status_code == 404, stranger
        assert api_as(stranger).get(file).status_code == 404, stranger
    assert api_as("city_admin").get(f"/api/v1/jobs/{uuid.uuid4()}").status_code == 404


def test_a_scope_the_caller_may_not_read_is_404_and_bad_input_names_the_field(app, reported, api_as):
    commune = api_as("commune_admin")
    assert start(commune, reported, report="subtree", scope="ward-a").status_code == 404
    assert start(commune, reported, report="city", scope="ha-noi").status_code == 404
    assert start(api_as("a1_reporter"), reported, report="unit", scope="school-a2").status_code == 404
    # A unit's own reporter may make its own unit's report.
    own = start(api_as("a1_reporter"), reported, report="unit", fmt="pdf", scope="school-a1")
    assert own.status_code == 202
    wrong = start(api_as("city_admin"), reported, report="raw", fmt="pdf")
    assert wrong.status_code == 422 and "format" in str(wrong.get_json())
    unknown = start(api_as("city_admin"), reported, report="everything")
    assert unknown.status_code == 422 and "report" in str(unknown.get_json())
    city_of_ward = start(api_as("city_admin"), reported, report="city", scope="ward-a")
    assert city_of_ward.status_code == 422 and "scope" in str(city_of_ward.get_json())
    missing = api_as("city_admin").post(f"/api/v1/periods/{reported.period.id}/exports",
                                        json={"report": "city"})
    assert missing.status_code == 422
    assert "format" in str(missing.get_json()) and "scope" in str(missing.get_json())


def test_a_failed_job_says_why_and_can_be_asked_for_again(app, reported, api_as, client_as, db):
    ward = api_as("ward_admin")
    job_id = start(ward, reported, report="subtree", scope="ward-a").get_json()["id"]
    # The ward admin loses the role before the job runs: the job runs with the starter's rights.
    db.execute(delete(Membership).where(Membership.user_id == reported.user("ward_admin").id))
    db.commit()
    drain(app)
    failed = api_as("city_admin").get(f"/api/v1/jobs/{job_id}").get_json()
    assert failed["state"] == "failed" and "may no longer read" in failed["error"]
    assert failed["download_url"] is None
    # The reader is told why in their language, never the exception's class or text.
    assert failed["reason"].startswith("Người yêu cầu không còn quyền xem số liệu của đơn vị này")
    page = client_as("city_admin").get(f"/periods/{reported.period.id}/exports"
                                       f"?scope={reported.tenant('ward-a').id}").get_data(as_text=True)
    assert "Không tạo được tệp: Người yêu cầu không còn quyền" in " ".join(page.split())
    assert "ScopeWithdrawn" not in page and "may no longer read" not in page
    english = api_as("city_admin").get(f"/api/v1/jobs/{job_id}?lang=en").get_json()
    assert english["reason"].startswith("The person who asked for it may no longer read")
    # Asking again makes a new job (the failed one is not reused).
    again = start(api_as("city_admin"), reported, report="subtree", scope="ward-a").get_json()
    assert again["id"] != job_id and again["created"]
    drain(app)
    assert api_as("city_admin").get(f"/api/v1/jobs/{again['id']}").get_json()["state"] == "finished"


def test_a_closed_periods_file_is_kept_and_reused_then_expires(app, reported, api_as, db):
    from datetime import timedelta

    from core.clock import frozen
    from core.db.types import utcnow

    from .flow import close

    close(db, reported)
    admin = api_as("city_admin")
    first = start(admin, reported, report="raw", fmt="csv").get_json()
    drain(app)
    status = admin.get(f"/api/v1/jobs/{first['id']}").get_json()
    assert status["export"]["snapshot_version"] == 1 and status["state"] == "finished"
    # The same file from the same snapshot is kept: asking again answers it.
    assert start(admin, reported, report="raw", fmt="csv").get_json()["id"] == first["id"]
    with frozen(utcnow() + timedelta(hours=3)):
        assert admin.get(status["download_url"]).status_code == 404
        renewed = start(admin, reported, report="raw", fmt="csv").get_json()
        assert renewed["id"] != first["id"]
        drain(app)
        export = db.scalar(select(Export).where(Export.job_id == uuid.UUID(first["id"])))
        db.refresh(export)
        assert export.stored_as == ""  # the expired file was removed by the next run


def test_a_kept_file_is_made_again_once_the_narrative_changes(app, reported, api_as, client_as, db):
    """A closed period's file is kept and handed out again, but not after the admin has rewritten
    the report's narrative: the next request makes a file that prints the new text."""
    from core.testing.fixtures import csrf_token_from

    from .flow import close
    from .test_reports import pdf_text

    close(db, reported)
    admin = api_as("city_admin")
    first = start(admin, reported, fmt="pdf").get_json()
    drain(app)
    assert start(admin, reported, fmt="pdf").get_json()["id"] == first["id"]
    web = client_as("city_admin")
    token = csrf_token_from(web.get("/").get_data(as_text=True))
    body = "Thành phố hoàn thành chỉ tiêu năm."
    assert web.post(f"/periods/{reported.period.id}/reports/city/narrative",
                    data={"csrf_token": token, "scope": str(reported.tenant("ha-noi").id), "body": body,
                          "version": "0"}).status_code == 303
    again = start(admin, reported, fmt="pdf").get_json()
    assert again["id"] != first["id"] and again["created"]
    drain(app)
    status = admin.get(f"/api/v1/jobs/{again['id']}").get_json()
    assert body in " ".join(pdf_text(admin.get(status["download_url"]).data).split())
    # Unchanged since, the new file is the one kept.
    assert start(admin, reported, fmt="pdf").get_json()["id"] == again["id"]
