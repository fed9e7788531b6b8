"""``/tenants/<tid>/periods/<pid>/report``: reading, saving a draft and every move of the report,
as each of the world's users."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.notifications.models import Notification
from core.reports.models import Comment

from .helpers import error_of
from .test_reports_kit import (  # noqa: F401 (fixtures)
    COMPLETE,
    HIDDEN,
    REASON,
    USERS,
    at_stage,
    expect,
    report_world_fixture,
    save,
    stored_submission,
    thidua_config_fixture,
    url,
)

# Reading


@pytest.mark.parametrize("username", USERS)
def test_who_reads_school_a1s_report(api_as, report_world, username):
    response = api_as(username).get(url(report_world))
    if username in HIDDEN:
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
        return
    body = expect(response, 200)
    assert body["status"] == "draft" and body["version"] == 0
    assert body["tenant"]["id"] == str(report_world.tenant("school-a1").id)
    assert [s["key"] for s in body["sections"]] == ["rpt.safety"]
    assert body["provisional"] is True
    assert body["deadline"] == {"open": True, "late": False, "extended_until": None}
    assert body["can"]["fill"] is (username in ("a1_reporter", "a1_head"))
    assert body["can"]["submit"] is (username == "a1_head")
    assert body["can"]["review"] is (username in ("ward_reviewer", "ward_admin", "city_admin"))
    assert body["can"]["reopen"] is (username in ("ward_admin", "city_admin"))


def test_the_view_shows_fields_values_scores_and_what_is_missing(api_as, report_world):
    body = save(api_as("a1_reporter"), report_world, values={"plan_issued": True, "staff": 20})
    section = body["sections"][0]
    assert {f["name"] for f in section["fields"]} >= {"plan_issued", "staff", "trained"}
    assert section["values"]["staff"] == 20
    assert section["self_score"] is None  # incomplete: not scored yet
    missing = {(m["field"], m["reason"]) for m in body["missing"]}
    assert missing == {("trained", "required")}
    body = save(api_as("a1_reporter"), report_world, version=1)
    assert body["sections"][0]["self_score"] == 100.0
    assert body["self_score"] == 100.0 and body["classification"]
    assert {(m["field"], m["reason"]) for m in body["missing"]} == {("plan_issued", "evidence")}


def test_a_unit_outside_the_period_answers_404(api_as, report_world, db, period_body):
    ward_period = expect(api_as("ward_admin").post("/api/v1/periods", json=period_body()), 201)
    commune_b = report_world.tenant("commune-b").id
    response = api_as("city_admin").get(f"/api/v1/tenants/{commune_b}/periods/{ward_period['id']}/report")
    assert response.status_code == 404


# Saving a draft


@pytest.mark.parametrize("username", USERS)
def test_who_saves_a_draft(api_as, report_world, db, username):
    response = api_as(username).put(url(report_world), json={"version": 0, "sections": {
        "rpt.safety": {"staff": 12}}})
    expected = 200 if username in ("a1_reporter", "a1_head") else 404 if username in HIDDEN else 403
    assert response.status_code == expected, response.get_data(as_text=True)
    stored = stored_submission(db, report_world)
    if expected == 200:
        assert response.get_json()["version"] == 1
        assert stored.version == 1
    else:
        assert error_of(response)["code"] in ("forbidden", "not_found")
        assert stored is None


def test_a_stale_version_answers_409_with_the_current_version_and_changes_nothing(api_as, report_world, db):
    save(api_as("a1_reporter"), report_world, values={"staff": 20})
    saves = db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "report.save"))
    response = api_as("a1_head").put(url(report_world), json={"version": 0, "sections": {
        "rpt.safety": {"staff": 99, "trained": 1}}})
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict" and error["version"] == 1
    assert "1" in error["message"]
    view = expect(api_as("a1_head").get(url(report_world)), 200)
    assert view["version"] == 1
    assert view["sections"][0]["values"] == {"staff": 20}
    db.rollback()
    assert db.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "report.save")) == saves
    # With the version the 409 named, the same change goes through.
    body = save(api_as("a1_head"), report_world, values={"staff": 99, "trained": 1}, version=error["version"])
    assert body["version"] == 2 and body["sections"][0]["values"]["staff"] == 99


def test_invalid_values_answer_422_per_field_and_save_nothing(api_as, report_world, db):
    response = api_as("a1_reporter").put(url(report_world), json={"version": 0, "sections": {
        "rpt.safety": {"staff": -1, "trained": "nhiều", "level": "xuat-sac", "incidents": 2}}})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {
        "sections.rpt.safety.staff", "sections.rpt.safety.trained", "sections.rpt.safety.level"}
    for messages in error["fields"].values():
        assert messages and all(isinstance(m, str) and m for m in messages)
    assert stored_submission(db, report_world) is None


@pytest.mark.parametrize(("body", "field"), [
    ({"sections": {}}, "version"),
    ({"version": "1", "sections": {}}, "version"),
    ({"version": -1, "sections": {}}, "version"),
    ({"version": 0}, "sections"),
    ({"version": 0, "sections": []}, "sections"),
    ({"version": 0, "sections": {"rpt.safety": [1, 2]}}, "sections.rpt.safety"),
    ({"version": 0, "sections": {"rpt.units": {"models": 3}}}, "sections.rpt.units"),
    ({"version": 0, "sections": {"khong.ton.tai": {}}}, "sections.khong.ton.tai"),
    ({"version": 0, "sections": {}, "extra": 1}, "extra"),
])
def test_a_malformed_save_names_the_field(api_as, report_world, body, field):
    response = api_as("a1_reporter").put(url(report_world), json=body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in error_of(response)["fields"]


def test_an_approved_report_cannot_be_saved(api_as, report_world, db):
    view = at_stage(api_as, db, report_world, "approved")
    response = api_as("a1_head").put(url(report_world), json={
        "version": view["version"], "sections": {"rpt.safety": COMPLETE}})
    assert response.status_code == 409
    assert error_of(response)["version"] == view["version"]


def test_cookie_session_writes_need_the_csrf_token(client_as, report_world):
    client = client_as("a1_reporter")
    body = {"version": 0, "sections": {"rpt.safety": {"staff": 3}}}
    refused = client.put(url(report_world), json=body)
    assert refused.status_code == 400 and error_of(refused)["code"] == "csrf_failed"
    token = expect(client.get("/api/v1/csrf-token"), 200)["csrf_token"]
    accepted = client.put(url(report_world), json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200 and accepted.get_json()["version"] == 1


# Submitting


@pytest.mark.parametrize("username", USERS)
def test_who_submits(api_as, report_world, db, username):
    at_stage(api_as, db, report_world, "complete")
    response = api_as(username).post(url(report_world, "/submit"))
    expected = 200 if username == "a1_head" else 404 if username in HIDDEN else 403
    assert response.status_code == expected, response.get_data(as_text=True)
    assert stored_submission(db, report_world).status == ("submitted" if expected == 200 else "draft")


def test_an_incomplete_report_answers_422_with_what_is_missing(api_as, report_world, db):
    save(api_as("a1_head"), report_world, values={"plan_issued": True, "staff": 5, "trained": 9})
    response = api_as("a1_head").post(url(report_world, "/submit"))
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "incomplete"
    assert {(m["section"], m["field"], m["reason"]) for m in error["missing"]} == {
        ("rpt.safety", "trained", "invalid"), ("rpt.safety", "plan_issued", "evidence")}
    assert set(error["fields"]) == {"sections.rpt.safety.trained", "sections.rpt.safety.plan_issued"}
    save(api_as("a1_head"), report_world, values={"plan_issued": True, "staff": 20}, version=1)
    error = error_of(api_as("a1_head").post(url(report_world, "/submit")))
    assert [(m["field"], m["reason"]) for m in error["missing"]] == [("trained", "required")]
    save(api_as("a1_head"), report_world, version=2)
    error = error_of(api_as("a1_head").post(url(report_world, "/submit")))
    assert [(m["field"], m["reason"]) for m in error["missing"]] == [("plan_issued", "evidence")]
    assert stored_submission(db, report_world).status == "draft"


def test_submitting_twice_answers_409(api_as, report_world, db):
    at_stage(api_as, db, report_world, "submitted")
    response = api_as("a1_head").post(url(report_world, "/submit"))
    assert response.status_code == 409 and error_of(response)["code"] == "conflict"


# Returning, approving, reopening, explaining

REVIEWERS = ("ward_reviewer", "ward_admin", "city_admin")


@pytest.mark.parametrize("username", USERS)
def test_who_returns(api_as, report_world, db, username):
    at_stage(api_as, db, report_world, "submitted")
    response = api_as(username).post(url(report_world, "/return"), json={"reason": REASON})
    expected = 200 if username in REVIEWERS else 404 if username in HIDDEN else 403
    assert response.status_code == expected, response.get_data(as_text=True)
    submission = stored_submission(db, report_world)
    assert submission.status == ("returned" if expected == 200 else "submitted")
    if expected == 200:
        assert response.get_json()["returned_reason"] == REASON


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": None}])
def test_a_return_needs_a_reason(api_as, report_world, db, body):
    at_stage(api_as, db, report_world, "submitted")
    response = api_as("ward_reviewer").post(url(report_world, "/return"), json=body)
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["reason"]
    assert stored_submission(db, report_world).status == "submitted"


def test_a_return_tells_the_units_people_why(api_as, report_world, db):
    at_stage(api_as, db, report_world, "returned")
    db.rollback()
    notices = db.scalars(select(Notification).where(Notification.kind == "report.returned")).all()
    users = {n.user_id for n in notices}
    assert users == {report_world.user("a1_reporter").id, report_world.user("a1_head").id}
    assert all(n.tenant_id == report_world.tenant("school-a1").id for n in notices)
    assert all(REASON in n.body for n in notices)
    # The reason is also kept on the report, beside the comments.
    comments = expect(api_as("a1_reporter").get(url(report_world, "/comments")), 200)["items"]
    assert [(c["kind"], c["body"]) for c in comments] == [("return", REASON)]


def test_a_returned_report_is_edited_and_submitted_again(api_as, report_world, db):
    view = at_stage(api_as, db, report_world, "returned")
    assert view["can"]["fill"] is False  # the reviewer's view
    head_view = expect(api_as("a1_head").get(url(report_world)), 200)
    assert head_view["can"]["fill"] and head_view["can"]["submit"]
    view = save(api_as("a1_reporter"), report_world, values={**COMPLETE, "trained": 16},
                version=head_view["version"])
    expect(api_as("a1_head").post(url(report_world, "/submit")), 200)
    assert stored_submission(db, report_world).status == "submitted"


@pytest.mark.parametrize("username", USERS)
def test_who_approves(api_as, report_world, db, username):
    at_stage(api_as, db, report_world, "submitted")
    response = api_as(username).post(url(report_world, "/approve"), json={"reason": "Đạt yêu cầu"})
    expected = 200 if username in REVIEWERS else 404 if username in HIDDEN else 403
    assert response.status_code == expected, response.get_data(as_text=True)
    submission = stored_submission(db, report_world)
    assert submission.status == ("approved" if expected == 200 else "submitted")
    if expected == 200:
        body = response.get_json()
        assert body["provisional"] is False and body["approved_at"]
        assert body["can"]["fill"] is False


def test_approve_without_a_body_and_only_once(api_as, report_world, db):
    at_stage(api_as, db, report_world, "submitted")
    expect(api_as("ward_reviewer").post(url(report_world, "/approve")), 200)
    again = api_as("ward_admin").post(url(report_world, "/approve"))
    assert again.status_code == 409
    draft_only = api_as("ward_reviewer").post(url(report_world, "/return"), json={"reason": REASON})
    assert draft_only.status_code == 409


@pytest.mark.parametrize("username", USERS)
def test_who_reopens(api_as, report_world, db, username):
    at_stage(api_as, db, report_world, "approved")
    response = api_as(username).post(url(report_world, "/reopen"), json={"reason": "Sai số liệu"})
    expected = 200 if username in ("ward_admin", "city_admin") else 404 if username in HIDDEN else 403
    assert response.status_code == expected, response.get_data(as_text=True)
    submission = stored_submission(db, report_world)
    assert submission.status == ("returned" if expected == 200 else "approved")


def test_reopen_needs_a_reason_and_an_approved_report(api_as, report_world, db):
    at_stage(api_as, db, report_world, "submitted")
    response = api_as("ward_admin").post(url(report_world, "/reopen"), json={"reason": "Sai số liệu"})
    assert response.status_code == 409
    expect(api_as("ward_reviewer").post(url(report_world, "/approve")), 200)
    response = api_as("ward_admin").post(url(report_world, "/reopen"), json={})
    assert response.status_code == 422 and list(error_of(response)["fields"]) == ["reason"]
    response = api_as("ward_admin").post(url(report_world, "/reopen"), json={"reason": " "})
    assert response.status_code == 422 and list(error_of(response)["fields"]) == ["reason"]


@pytest.mark.parametrize("username", USERS)
def test_who_explains(api_as, report_world, db, username):
    at_stage(api_as, db, report_world, "explaining")
    response = api_as(username).post(url(report_world, "/explanation"), json={
        "body": "Đơn vị đã rà soát lại danh sách tập huấn"})
    expected = 200 if username == "a1_head" else 404 if username in HIDDEN else 403
    assert response.status_code == expected, response.get_data(as_text=True)
    assert stored_submission(db, report_world).explanation_required is (expected != 200)


def test_the_explanation_round(api_as, report_world, db):
    view = at_stage(api_as, db, report_world, "explaining")
    assert view["explanation_required"] is True
    head = api_as("a1_head")
    refused = head.post(url(report_world, "/submit"))
    assert refused.status_code == 409  # the explanation comes first
    empty = head.post(url(report_world, "/explanation"), json={"body": "  "})
    assert empty.status_code == 422 and list(error_of(empty)["fields"]) == ["body"]
    missing = head.post(url(report_world, "/explanation"), json={})
    assert missing.status_code == 422 and list(error_of(missing)["fields"]) == ["body"]
    view = expect(head.post(url(report_world, "/explanation"), json={"body": "Đã rà soát lại"}), 200)
    assert view["explanation_required"] is False
    again = head.post(url(report_world, "/explanation"), json={"body": "Lần nữa"})
    assert again.status_code == 409
    expect(head.post(url(report_world, "/submit")), 200)
    db.rollback()
    kinds = [c.kind for c in db.scalars(select(Comment).order_by(Comment.created_at))]
    assert kinds == ["return", "explanation"]


def test_every_move_is_audited_with_its_reason(api_as, report_world, db):
    at_stage(api_as, db, report_world, "approved")
    expect(api_as("ward_admin").post(url(report_world, "/reopen"), json={"reason": "Sai số liệu"}), 200)
    db.rollback()
    submission = stored_submission(db, report_world)
    entries = db.scalars(select(AuditEntry).where(AuditEntry.object_id == str(submission.id))
                         .order_by(AuditEntry.seq)).all()
    assert [e.action for e in entries] == ["report.save", "report.submit", "report.approve", "report.reopen"]
    assert [e.actor_label for e in entries] == ["a1_head", "a1_head", "ward_reviewer", "ward_admin"]
    assert entries[-1].reason == "Sai số liệu"
    assert entries[-1].changes == {"status": ["approved", "returned"]}


def test_the_workflow_is_in_the_openapi_document(app, report_world):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    report = "/api/v1/tenants/{tenant_id}/periods/{period_id}/report"
    paths = document["paths"]
    assert set(paths[report]) == {"get", "put"}
    assert {"409", "422"} <= set(paths[report]["put"]["responses"])
    assert "422" in paths[f"{report}/submit"]["post"]["responses"]
    for suffix in ("/return", "/approve", "/reopen", "/explanation", "/comments", "/review", "/audit",
                   "/audit.csv"):
        assert f"{report}{suffix}" in paths, suffix
    assert "/api/v1/periods/{period_id}/queue/approve" in paths
    extensions = "/api/v1/tenants/{tenant_id}/periods/{period_id}/extensions"
    assert f"{extensions}/{{extension_id}}/decision" in paths
    schemas = document["components"]["schemas"]
    assert {"version", "sections"} <= set(schemas["ReportSave"]["required"])
    assert schemas["Return"]["required"] == ["reason"]
