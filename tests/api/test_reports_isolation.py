"""Sibling, cousin, parent and child isolation on every endpoint of the reporting workflow: a unit
the caller may not see answers 404, whatever the method, and nothing changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.db.types import utcnow
from core.reports.models import Comment, Extension, Submission

from .helpers import error_of
from .test_reports_kit import (  # noqa: F401 (fixtures)
    COMPLETE,
    at_stage,
    expect,
    extensions_url,
    report_world_fixture,
    save,
    thidua_config_fixture,
    url,
)


def _endpoints(world, slug: str, extension_id: str) -> list[tuple[str, str, dict | None]]:
    until = (utcnow() + timedelta(days=90)).isoformat()
    return [
        ("GET", url(world, "", slug), None),
        ("PUT", url(world, "", slug), {"version": 1, "sections": {"rpt.safety": {"staff": 1}}}),
        ("POST", url(world, "/submit", slug), None),
        ("POST", url(world, "/return", slug), {"reason": "Trả lại"}),
        ("POST", url(world, "/approve", slug), {"reason": "Duyệt"}),
        ("POST", url(world, "/reopen", slug), {"reason": "Mở lại"}),
        ("POST", url(world, "/explanation", slug), {"body": "Giải trình"}),
        ("GET", url(world, "/comments", slug), None),
        ("POST", url(world, "/comments", slug), {"body": "Góp ý"}),
        ("PUT", url(world, "/review", slug), {"set": "rpt.safety", "scores": {"staff": {"score": 1}}}),
        ("GET", url(world, "/audit", slug), None),
        ("GET", url(world, "/audit.csv", slug), None),
        ("GET", extensions_url(world, "", slug), None),
        ("POST", extensions_url(world, "", slug), {"reason": "Xin gia hạn", "until": until}),
        ("POST", extensions_url(world, f"/{extension_id}/decision", slug), {"grant": True}),
    ]


@pytest.fixture
def reports_everywhere(api_as, report_world, db):
    """school-a1 submitted; school-a2, enterprise-b1 and ward-a drafts; an extension request
    waiting in each of them."""
    at_stage(api_as, db, report_world, "submitted")
    save(api_as("a2_head"), report_world, slug="school-a2")
    save(api_as("b1_reporter"), report_world, slug="enterprise-b1")
    expect(api_as("ward_head").put(url(report_world, slug="ward-a"), json={
        "version": 0, "sections": {"rpt.safety": COMPLETE, "rpt.units": {"models": 3}}}), 200)
    db.rollback()
    extensions = {}
    for slug in ("school-a1", "school-a2", "enterprise-b1", "ward-a"):
        extension = Extension(tenant_id=report_world.tenant(slug).id, period_id=report_world.period.id,
                              reason="Cần thêm thời gian", until=utcnow() + timedelta(days=90))
        db.add(extension)
        db.flush()
        extensions[slug] = str(extension.id)
    db.commit()
    return extensions


def _snapshot(db) -> tuple:
    db.rollback()
    db.expire_all()
    return (
        sorted((str(s.tenant_id), s.status, s.version) for s in db.scalars(select(Submission))),
        db.scalar(select(func.count()).select_from(Comment)),
        sorted((str(e.id), e.status) for e in db.scalars(select(Extension))),
        db.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action.like("report.%") | AuditEntry.action.like("extension.%"))),
    )


@pytest.mark.parametrize(("username", "slug"), [
    ("a2_head", "school-a1"),        # sibling
    ("a1_head", "school-a2"),        # sibling
    ("a1_reporter", "school-a2"),    # sibling
    ("b1_reporter", "school-a1"),    # cousin
    ("commune_admin", "school-a1"),  # admin of another branch
    ("ward_admin", "enterprise-b1"),  # admin of another branch
    ("edu_reviewer", "school-a1"),   # a department beside the ward
    ("a1_head", "ward-a"),           # a child looking up at its parent
    ("ward_reporter", "school-a1"),  # the parent's own staff looking down: not reviewers
    ("ward_head", "school-a1"),
])
def test_an_invisible_unit_answers_404_on_every_endpoint(api_as, report_world, db, reports_everywhere,
                                                         username, slug):
    before = _snapshot(db)
    client = api_as(username)
    for method, path, body in _endpoints(report_world, slug, reports_everywhere[slug]):
        response = client.open(path, method=method, json=body)
        assert response.status_code == 404, (method, path, response.get_data(as_text=True))
        assert error_of(response)["code"] == "not_found", (method, path)
        # Nothing of the report leaks into the answer.
        assert "rpt.safety" not in response.get_data(as_text=True), (method, path)
    assert _snapshot(db) == before


@pytest.mark.parametrize("username", ["ward_admin", "city_admin", "a1_reporter"])
def test_the_same_addresses_answer_those_who_see_the_unit(api_as, report_world, db, reports_everywhere,
                                                         username):
    client = api_as(username)
    for method, path, _body in _endpoints(report_world, "school-a1", reports_everywhere["school-a1"]):
        if method == "GET":
            assert client.get(path).status_code == 200, path


def test_a_period_the_caller_cannot_see_answers_404(api_as, report_world, db, period_body):
    commune_period = expect(api_as("commune_admin").post("/api/v1/periods", json=period_body()), 201)
    hidden = [
        f"/api/v1/tenants/{report_world.tenant('school-a1').id}/periods/{commune_period['id']}/report",
        f"/api/v1/tenants/{report_world.tenant('school-a1').id}/periods/{commune_period['id']}/extensions",
        f"/api/v1/periods/{commune_period['id']}/queue",
    ]
    for path in hidden:
        assert api_as("a1_head").get(path).status_code == 404, path
        assert api_as("ward_admin").get(path).status_code == 404, path
