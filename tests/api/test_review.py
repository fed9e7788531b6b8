"""Review through the API: comments, reviewer scores, the queue and bulk approval."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.reports.models import Comment

from .helpers import error_of
from .test_reports_kit import (  # noqa: F401 (fixtures)
    HIDDEN,
    USERS,
    at_stage,
    expect,
    move_period,
    random_id,
    report_world_fixture,
    save,
    stored_submission,
    submitted,
    thidua_config_fixture,
    url,
)

# Comments

COMMENTERS = ("a1_reporter", "a1_head", "ward_reviewer", "ward_admin", "city_admin")


@pytest.mark.parametrize("username", USERS)
def test_who_comments(api_as, report_world, db, username):
    at_stage(api_as, db, report_world, "draft")
    response = api_as(username).post(url(report_world, "/comments"), json={
        "body": "Đề nghị bổ sung danh sách", "criterion": "rpt.safety.trained"})
    expected = 201 if username in COMMENTERS else 404 if username in HIDDEN else 403
    assert response.status_code == expected, response.get_data(as_text=True)
    db.rollback()
    stored = db.scalars(select(Comment)).all()
    if expected == 201:
        body = response.get_json()
        assert body["criterion"] == "rpt.safety.trained" and body["kind"] == "comment"
        assert body["author_id"] == str(report_world.user(username).id)
        assert response.headers["Location"].endswith("/report/comments")
        assert [c.body for c in stored] == ["Đề nghị bổ sung danh sách"]
    else:
        assert stored == []


@pytest.mark.parametrize("username", USERS)
def test_who_reads_comments(api_as, report_world, db, username):
    at_stage(api_as, db, report_world, "draft")
    expect(api_as("ward_reviewer").post(url(report_world, "/comments"), json={"body": "Góp ý chung"}), 201)
    response = api_as(username).get(url(report_world, "/comments"))
    if username in HIDDEN:
        assert response.status_code == 404
    else:
        body = expect(response, 200)
        assert body["total"] == 1 and body["items"][0]["criterion"] is None


@pytest.mark.parametrize(("body", "field"), [
    ({}, "body"),
    ({"body": "   "}, "body"),
    ({"body": "Góp ý", "criterion": "staff"}, "criterion"),
    ({"body": "x" * 5001}, "body"),
])
def test_a_bad_comment_names_the_field(api_as, report_world, db, body, field):
    at_stage(api_as, db, report_world, "draft")
    response = api_as("ward_reviewer").post(url(report_world, "/comments"), json=body)
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == [field]


def test_a_comment_needs_a_started_report(api_as, report_world):
    response = api_as("ward_reviewer").post(url(report_world, "/comments"), json={"body": "Góp ý"})
    assert response.status_code == 404


# Reviewer scores

REVIEWERS = ("ward_reviewer", "ward_admin", "city_admin")


@pytest.mark.parametrize("username", USERS)
def test_who_scores(api_as, report_world, db, username):
    at_stage(api_as, db, report_world, "submitted")
    response = api_as(username).put(url(report_world, "/review"), json={
        "set": "rpt.safety", "scores": {"trained": {"score": 30, "note": "Danh sách thiếu 5 người"}}})
    expected = 200 if username in REVIEWERS else 404 if username in HIDDEN else 403
    assert response.status_code == expected, response.get_data(as_text=True)
    if expected == 200:
        section = response.get_json()["sections"][0]
        assert section["review"]["trained"] == {"score": 30, "note": "Danh sách thiếu 5 người"}
        assert section["review_score"] is not None and section["review_score"] < section["self_score"]
        assert response.get_json()["review_score"] == section["review_score"]
    else:
        assert stored_submission(db, report_world).review_score is None


@pytest.mark.parametrize(("body", "field"), [
    ({"scores": {}}, "set"),
    ({"set": "rpt.safety"}, "scores"),
    ({"set": "rpt.units", "scores": {}}, "set"),
    ({"set": "rpt.safety", "scores": {"khong_co": {"score": 1}}}, "scores.khong_co"),
    ({"set": "rpt.safety", "scores": {"trained": {"score": 101}}}, "scores.trained.score"),
    ({"set": "rpt.safety", "scores": {"trained": {"score": "cao"}}}, "scores.trained.score"),
    ({"set": "rpt.safety", "scores": {"trained": {"score": "45.5"}}}, "scores.trained.score"),  # 45,5? 455?
    ({"set": "rpt.safety", "scores": {"trained": {"score": "1.500"}}}, "scores.trained.score"),  # 1500 > 100
    ({"set": "rpt.safety", "scores": {"trained": 5}}, "scores.trained"),
])
def test_bad_scores_name_the_field(api_as, report_world, db, body, field):
    at_stage(api_as, db, report_world, "submitted")
    response = api_as("ward_reviewer").put(url(report_world, "/review"), json=body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert list(error_of(response)["fields"]) == [field]


def test_a_score_sent_as_text_is_read_the_vietnamese_way(api_as, report_world, db):
    at_stage(api_as, db, report_world, "submitted")
    response = api_as("ward_reviewer").put(url(report_world, "/review"), json={
        "set": "rpt.safety", "scores": {"trained": {"score": "45,5"}, "staff": {"score": 20}}})
    assert response.status_code == 200, response.get_data(as_text=True)
    review = response.get_json()["sections"][0]["review"]
    assert review["trained"]["score"] == 45.5 and review["staff"]["score"] == 20


def test_scores_only_on_a_submitted_report(api_as, report_world, db):
    at_stage(api_as, db, report_world, "draft")
    response = api_as("ward_reviewer").put(url(report_world, "/review"), json={
        "set": "rpt.safety", "scores": {"trained": {"score": 30}}})
    assert response.status_code == 409


# Queue


def _queue(client, world, expected=200, **params) -> dict:
    return expect(client.get(f"/api/v1/periods/{world.period.id}/queue", query_string=params), expected)


def _slugs(world, body) -> set[str]:
    by_id = {str(t.id): slug for slug, t in world.tenants.items()}
    return {by_id[row["tenant"]["id"]] for row in body["items"]}


def test_the_ward_reviewer_sees_the_wards_units(api_as, report_world, db):
    submitted(api_as, db, report_world)
    body = _queue(api_as("ward_reviewer"), report_world)
    assert _slugs(report_world, body) == {"school-a1", "school-a2"}
    rows = {row["tenant"]["id"]: row for row in body["items"]}
    a1 = rows[str(report_world.tenant("school-a1").id)]
    assert a1["status"] == "submitted" and a1["late"] is False and a1["submitted_at"]
    assert a1["self_score"] == 100.0 and a1["classification"]
    a2 = rows[str(report_world.tenant("school-a2").id)]
    assert a2["status"] == "missing" and a2["self_score"] is None


def test_queue_filters(api_as, report_world, db):
    submitted(api_as, db, report_world)
    save(api_as("a2_head"), report_world, slug="school-a2", values={"staff": 3})
    city = api_as("city_admin")
    # The department has no criteria set enabled: the period asks no report of it.
    assert _slugs(report_world, _queue(city, report_world)) == {
        "ward-a", "commune-b", "school-a1", "school-a2", "enterprise-b1"}
    assert _slugs(report_world, _queue(city, report_world, kind="school")) == {"school-a1", "school-a2"}
    under = str(report_world.tenant("commune-b").id)
    assert _slugs(report_world, _queue(city, report_world, under=under)) == {"enterprise-b1"}
    assert _slugs(report_world, _queue(city, report_world, status="submitted")) == {"school-a1"}
    assert _slugs(report_world, _queue(city, report_world, status="draft")) == {"school-a2"}
    assert "school-a1" not in _slugs(report_world, _queue(city, report_world, status="missing"))
    assert _slugs(report_world, _queue(city, report_world, late="false")) == {"school-a1", "school-a2"}
    assert _slugs(report_world, _queue(city, report_world, late="true")) == set()


def test_the_late_filter(api_as, report_world, db):
    from datetime import timedelta

    from core.db.types import utcnow

    move_period(db, report_world, due_at=utcnow() - timedelta(hours=1))
    submitted(api_as, db, report_world)
    body = _queue(api_as("ward_reviewer"), report_world, late="true")
    assert _slugs(report_world, body) == {"school-a1"} and body["items"][0]["late"] is True


@pytest.mark.parametrize("username", ["a1_reporter", "a1_head", "b1_reporter", "city_viewer"])
def test_those_who_review_nobody_have_an_empty_queue(api_as, report_world, username):
    body = _queue(api_as(username), report_world)
    assert body["items"] == [] and body["total"] == 0


def test_queue_isolation(api_as, report_world):
    assert _slugs(report_world, _queue(api_as("commune_admin"), report_world)) == {"enterprise-b1"}
    hidden = str(report_world.tenant("commune-b").id)
    _queue(api_as("ward_reviewer"), report_world, 404, under=hidden)
    assert api_as("ward_reviewer").get(f"/api/v1/periods/{random_id()}/queue").status_code == 404


@pytest.mark.parametrize(("params", "field"), [
    ({"status": "gone"}, "status"), ({"late": "maybe"}, "late"), ({"under": "abc"}, "under"),
])
def test_bad_queue_filters_name_the_parameter(api_as, report_world, params, field):
    response = api_as("ward_reviewer").get(f"/api/v1/periods/{report_world.period.id}/queue",
                                           query_string=params)
    assert response.status_code == 422 and list(error_of(response)["fields"]) == [field]


# Bulk approval


def _bulk(client, world, body, status=200) -> dict:
    return expect(client.post(f"/api/v1/periods/{world.period.id}/queue/approve", json=body), status)


def test_bulk_approve_logs_one_reason_per_approval(api_as, report_world, db):
    submitted(api_as, db, report_world)
    submitted(api_as, db, report_world, slug="school-a2")
    reason = "Hồ sơ đầy đủ, số liệu khớp"
    ids = [str(report_world.tenant(s).id) for s in ("school-a1", "school-a2", "enterprise-b1")]
    stranger = random_id()
    body = _bulk(api_as("ward_reviewer"), report_world, {"tenants": [*ids, stranger], "reason": reason})
    results = {r["tenant"]: r for r in body["results"]}
    assert body["approved"] == 2
    assert results[ids[0]]["approved"] and results[ids[1]]["approved"]
    assert results[ids[0]]["message"] == ""
    assert not results[ids[2]]["approved"] and results[ids[2]]["message"]  # a cousin: not found
    assert results[stranger]["message"] == results[ids[2]]["message"]  # nothing tells them apart
    db.rollback()
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "report.approve")).all()
    assert sorted(str(e.tenant_id) for e in entries) == sorted(ids[:2])
    assert [e.reason for e in entries] == [reason, reason]
    assert stored_submission(db, report_world, "school-a2").status == "approved"


def test_bulk_approve_needs_no_comment_as_a_single_approval(api_as, report_world, db):
    submitted(api_as, db, report_world)
    ids = [str(report_world.tenant("school-a1").id)]
    body = _bulk(api_as("ward_reviewer"), report_world, {"tenants": ids})
    assert body["approved"] == 1
    assert stored_submission(db, report_world, "school-a1").status == "approved"


def test_bulk_approve_leaves_what_it_may_not_approve(api_as, report_world, db):
    submitted(api_as, db, report_world)
    save(api_as("a2_head"), report_world, slug="school-a2", values={"staff": 3})
    ids = [str(report_world.tenant(s).id) for s in ("school-a1", "school-a2")]
    body = _bulk(api_as("a1_head"), report_world, {"tenants": ids, "reason": "Duyệt"})
    assert body["approved"] == 0
    body = _bulk(api_as("ward_admin"), report_world, {"tenants": ids, "reason": "Duyệt"})
    assert [r["approved"] for r in body["results"]] == [True, False]  # school-a2 is still a draft
    assert stored_submission(db, report_world, "school-a2").status == "draft"


@pytest.mark.parametrize(("body", "field"), [
    ({"reason": "Duyệt"}, "tenants"),
    ({"tenants": [], "reason": "Duyệt"}, "tenants"),
    ({"tenants": ["abc"], "reason": "Duyệt"}, "tenants.0"),
    ({"tenants": None, "reason": "Duyệt"}, "tenants"),
    ({"tenants": ["00000000-0000-0000-0000-000000000001"], "reason": "x" * 5001}, "reason"),
])
def test_bulk_approve_input_is_checked(api_as, report_world, body, field):
    response = api_as("ward_reviewer").post(f"/api/v1/periods/{report_world.period.id}/queue/approve",
                                            json=body)
    assert response.status_code == 422 and list(error_of(response)["fields"]) == [field]


def test_bulk_approve_in_a_hidden_period_answers_404(api_as, report_world):
    response = api_as("ward_reviewer").post(f"/api/v1/periods/{random_id()}/queue/approve",
                                            json={"tenants": [random_id()], "reason": "Duyệt"})
    assert response.status_code == 404


@pytest.mark.parametrize("username", USERS)
def test_who_bulk_approves(api_as, report_world, db, username):
    submitted(api_as, db, report_world)
    body = _bulk(api_as(username), report_world, {
        "tenants": [str(report_world.tenant("school-a1").id)], "reason": "Hồ sơ đầy đủ"})
    allowed = username in REVIEWERS
    assert body["approved"] == (1 if allowed else 0)
    assert body["results"][0]["approved"] is allowed
    assert stored_submission(db, report_world).status == ("approved" if allowed else "submitted")
