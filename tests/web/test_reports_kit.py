"""Fixtures and helpers shared by the web tests of the reporting workflow (no tests here).

The pages run with the reporting tests' small plugin (tests/reports/fixtures/report_plugin.py),
installed through its entry point and enabled in the world's open period."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core.plugins.testing import config_for_marker
from core.reports.models import Evidence, Submission
from core.testing.fixtures import csrf_token_from

PLUGIN = Path(__file__).parents[1] / "reports" / "fixtures" / "report_plugin.py"
COMPLETE = {"plan_issued": True, "staff": 20, "trained": 15, "incidents": 0}
REASON = "Số cán bộ được tập huấn chưa khớp với danh sách"


@pytest.fixture(name="thidua_config")
def thidua_config_fixture(request, install_plugin):
    install_plugin("rpt", {"thidua_rpt.py": PLUGIN.read_text(encoding="utf-8")})
    return config_for_marker(request.node.get_closest_marker("thidua_plugins")) or {"THIDUA_PLUGINS": "rpt"}


@pytest.fixture(name="report_world")
def report_world_fixture(world, enable_criteria_sets):
    enable_criteria_sets("rpt.safety", "rpt.units")
    return world


def page(world, suffix: str = "", slug: str = "school-a1") -> str:
    return f"/tenants/{world.tenant(slug).id}/periods/{world.period.id}/report{suffix}"


def form_fields(values: dict, set_key: str = "rpt.safety") -> dict:
    """The report form's names for ``values`` of one set; a boolean is a ticked checkbox."""
    fields = {}
    for name, value in values.items():
        if value is False:
            continue
        fields[f"{set_key}--{name}"] = "on" if value is True else str(value)
    return fields


def post(client, world, suffix: str, data: dict, slug: str = "school-a1", **kwargs):
    """Post ``data`` to the report's ``suffix`` with a CSRF token from the report page."""
    html = client.get(page(world, slug=slug)).get_data(as_text=True)
    return client.post(page(world, suffix, slug), data={**data, "csrf_token": csrf_token_from(html)},
                       **kwargs)


def version_of(client, world, slug: str = "school-a1") -> int:
    html = client.get(page(world, slug=slug)).get_data(as_text=True)
    marker = 'name="version" value="'
    return int(html.split(marker, 1)[1].split('"', 1)[0])


def save(client, world, values: dict | None = None, slug: str = "school-a1", version: int | None = None):
    version = version_of(client, world, slug) if version is None else version
    data = {"version": str(version), **form_fields(COMPLETE if values is None else values)}
    return post(client, world, "", data, slug)


def stored(db, world, slug: str = "school-a1") -> Submission | None:
    db.rollback()
    db.expire_all()
    return db.scalar(select(Submission).where(Submission.tenant_id == world.tenant(slug).id))


def attach_evidence(db, world, slug: str = "school-a1", criterion: str = "rpt.safety.plan_issued") -> None:
    submission = stored(db, world, slug)
    db.add(Evidence(tenant_id=submission.tenant_id, submission_id=submission.id, criterion=criterion,
                    filename="ke-hoach.pdf", content_type="application/pdf", size=10, sha256="0" * 64))
    db.commit()


def submitted(client_as, db, world, slug: str = "school-a1"):
    """A complete report of ``slug`` with its proof, submitted by the unit's head; returns the
    head's client."""
    head = client_as("a1_head" if slug == "school-a1" else "a2_head")
    assert save(head, world, slug=slug).status_code == 302
    attach_evidence(db, world, slug)
    response = post(head, world, "/submit", {"confirm": "yes"}, slug)
    assert response.status_code == 302, response.get_data(as_text=True)
    return head
