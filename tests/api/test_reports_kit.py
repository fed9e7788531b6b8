"""Fixtures and helpers shared by the API tests of the reporting workflow (no tests here).

The tests run with the reporting tests' small plugin (tests/reports/fixtures/report_plugin.py),
installed through its entry point and enabled in the world's open period."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from core.periods.models import ReportingPeriod
from core.plugins.testing import config_for_marker
from core.reports.models import Evidence, Submission

PLUGIN = Path(__file__).parents[1] / "reports" / "fixtures" / "report_plugin.py"
COMPLETE = {"plan_issued": True, "staff": 20, "trained": 15, "incidents": 0}
REASON = "Số cán bộ được tập huấn chưa khớp với danh sách"

# The world's users the workflow tests run as, and what each is to school-a1's report.
USERS = ("a1_reporter", "a1_head", "a2_head", "ward_reviewer", "ward_admin", "city_admin",
         "city_viewer", "commune_admin", "b1_reporter")
HIDDEN = frozenset({"a2_head", "commune_admin", "b1_reporter"})  # sibling, cousins
HEADS = {"school-a1": "a1_head", "school-a2": "a2_head"}


@pytest.fixture(name="thidua_config")
def thidua_config_fixture(request, install_plugin):
    install_plugin("rpt", {"thidua_rpt.py": PLUGIN.read_text(encoding="utf-8")})
    return config_for_marker(request.node.get_closest_marker("thidua_plugins")) or {"THIDUA_PLUGINS": "rpt"}


@pytest.fixture(name="report_world")
def report_world_fixture(world, enable_criteria_sets):
    enable_criteria_sets("rpt.safety", "rpt.units")
    return world


def url(world, suffix: str = "", slug: str = "school-a1") -> str:
    return f"/api/v1/tenants/{world.tenant(slug).id}/periods/{world.period.id}/report{suffix}"


def extensions_url(world, suffix: str = "", slug: str = "school-a1") -> str:
    return f"/api/v1/tenants/{world.tenant(slug).id}/periods/{world.period.id}/extensions{suffix}"


def expect(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def save(client, world, slug: str = "school-a1", values: dict | None = None, version: int | None = None,
         status: int = 200) -> dict:
    """PUT the draft; without ``version``, the one the report has now."""
    if version is None:
        version = expect(client.get(url(world, slug=slug)), 200)["version"]
    body = {"version": version, "sections": {"rpt.safety": dict(COMPLETE if values is None else values)}}
    return expect(client.put(url(world, slug=slug), json=body), status)


def stored_submission(db, world, slug: str = "school-a1") -> Submission | None:
    db.rollback()
    db.expire_all()
    return db.scalar(select(Submission).where(Submission.tenant_id == world.tenant(slug).id))


def attach_evidence(db, world, slug: str = "school-a1", criterion: str = "rpt.safety.plan_issued") -> None:
    submission = stored_submission(db, world, slug)
    db.add(Evidence(tenant_id=submission.tenant_id, submission_id=submission.id, criterion=criterion,
                    filename="ke-hoach.pdf", content_type="application/pdf", size=10,
                    sha256="0" * 64))
    db.commit()


def submitted(api_as, db, world, slug: str = "school-a1") -> dict:
    """A complete report of ``slug``, with its proof, submitted by the unit's head."""
    head = api_as(HEADS[slug])
    save(head, world, slug)
    attach_evidence(db, world, slug)
    return expect(head.post(url(world, "/submit", slug)), 200)


def at_stage(api_as, db, world, stage: str, slug: str = "school-a1") -> dict:
    """Bring ``slug``'s report to ``stage``: draft | complete | submitted | returned | explaining
    | approved."""
    if stage == "draft":
        return save(api_as(HEADS[slug]), world, slug, values={"staff": 20})
    if stage == "complete":
        view = save(api_as(HEADS[slug]), world, slug)
        attach_evidence(db, world, slug)
        return view
    view = submitted(api_as, db, world, slug)
    reviewer = api_as("ward_reviewer")
    if stage in ("returned", "explaining"):
        body = {"reason": REASON, "require_explanation": stage == "explaining"}
        return expect(reviewer.post(url(world, "/return", slug), json=body), 200)
    if stage == "approved":
        return expect(reviewer.post(url(world, "/approve", slug), json={}), 200)
    return view


def move_period(db, world, **dates) -> None:
    """Change the period's dates in the database, as if time had passed."""
    db.rollback()
    period = db.get(ReportingPeriod, world.period.id)
    for name, value in dates.items():
        setattr(period, name, value)
    db.commit()


def request_extension(api_as, world, until, slug: str = "school-a1") -> dict:
    body = {"reason": "Đơn vị đang tổng hợp số liệu của các tổ", "until": until.isoformat()}
    return expect(api_as(HEADS[slug]).post(extensions_url(world, slug=slug), json=body), 201)


def random_id() -> str:
    return str(uuid.uuid4())
