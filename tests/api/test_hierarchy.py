"""A ward judged by its schools (the test plugin's ``rpt.units``: the ward's ``units_safe`` holds
when at least 70 % of the schools whose report counts are "An toàn về ANTT"). When a school's
result changes after the ward's computation used it, the ward's report says so; approving the
ward computes it again first and never approves a stale result."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from core.audit.models import AuditEntry
from core.db.engine import database
from core.reports import hierarchy
from core.reports.models import ChildChange, Submission
from core.tenants.models import Tenant

from .helpers import error_of
from .test_reports_kit import (  # noqa: F401 (fixtures)
    COMPLETE,
    attach_evidence,
    expect,
    report_world_fixture,
    save,
    stored_submission,
    submitted,
    thidua_config_fixture,
    url,
)

WARD = "ward-a"
WARD_VALUES = {"rpt.safety": COMPLETE, "rpt.units": {"models": 3}}


def ward_submitted(api_as, db, world) -> dict:
    head = api_as("ward_head")
    view = expect(head.get(url(world, slug=WARD)), 200)
    expect(head.put(url(world, slug=WARD), json={"version": view["version"], "sections": WARD_VALUES}), 200)
    attach_evidence(db, world, WARD)
    return expect(head.post(url(world, "/submit", WARD)), 200)


def schools_approved(api_as, db, world) -> None:
    for slug in ("school-a1", "school-a2"):
        submitted(api_as, db, world, slug)
        expect(api_as("ward_reviewer").post(url(world, "/approve", slug), json={}), 200)


def resubmitted_with_an_incident(api_as, db, world) -> None:
    """school-a1 reopened by the ward's admin, an incident entered, sent again and approved."""
    expect(api_as("ward_admin").post(url(world, "/reopen"), json={"reason": "Bổ sung vụ việc"}), 200)
    save(api_as("a1_head"), world, values={**COMPLETE, "incidents": 2})
    expect(api_as("a1_head").post(url(world, "/submit")), 200)


def test_a_ward_approved_on_its_schools_is_flagged_when_one_changes(api_as, db, report_world):
    schools_approved(api_as, db, report_world)
    ward = ward_submitted(api_as, db, report_world)
    assert ward["outcomes"]["units_safe"] is True and ward["children_changed"] == []
    expect(api_as("city_reviewer").post(url(report_world, "/approve", WARD), json={}), 200)

    # The school is sent back: the ward's reading of it no longer holds.
    expect(api_as("ward_admin").post(url(report_world, "/reopen"), json={"reason": "Bổ sung vụ việc"}), 200)
    flags = expect(api_as("city_reviewer").get(url(report_world, slug=WARD)), 200)["children_changed"]
    assert [f["tenant"]["name"] for f in flags] == ["Trường THCS A1"]
    assert flags[0]["changes"] == [{"what": "status", "key": None, "label": "Trạng thái báo cáo",
                                    "from": "approved", "to": "returned"}]

    # Its values change and it is sent again: the flag says what the ward would now read.
    save(api_as("a1_head"), report_world, values={**COMPLETE, "incidents": 2})
    expect(api_as("a1_head").post(url(report_world, "/submit")), 200)
    ward_view = expect(api_as("ward_head").get(url(report_world, slug=WARD)), 200)
    assert ward_view["status"] == "approved"
    flag = ward_view["children_changed"][0]
    changes = {(c["what"], c["key"]): (c["from"], c["to"]) for c in flag["changes"]}
    assert changes == {("status", None): ("approved", "submitted"),
                       ("outcome", "atantt"): (True, False),
                       ("values", None): (None, None)}
    assert ward_view["children_changed"][0]["changes"][1]["label"] == "An toàn về ANTT"
    # The reviewer's queue shows which reports are flagged.
    queue = expect(api_as("city_reviewer").get(f"/api/v1/periods/{report_world.period.id}/queue"), 200)
    flagged = {row["tenant"]["name"]: row["children_changed"] for row in queue["items"]}
    assert flagged["Phường A"] == 1 and flagged["Trường THCS A1"] == 0
    # The school's own report carries no flag; its computation reads no unit below it.
    assert expect(api_as("a1_head").get(url(report_world)), 200)["children_changed"] == []
    db.rollback()
    assert stored_submission(db, report_world).children_basis is None


def test_approving_a_parent_whose_result_changed_asks_to_recompute_first(api_as, db, report_world):
    schools_approved(api_as, db, report_world)
    ward_submitted(api_as, db, report_world)
    resubmitted_with_an_incident(api_as, db, report_world)
    reviewer = api_as("city_reviewer")
    before = expect(reviewer.get(url(report_world, slug=WARD)), 200)
    assert before["outcomes"]["units_safe"] is True and before["children_changed"]

    refused = reviewer.post(url(report_world, "/approve", WARD), json={})
    assert refused.status_code == 409
    error = error_of(refused)
    assert error["changes"] == {"outcomes.units_safe": [True, False]}
    assert error["version"] == before["version"]
    submission = stored_submission(db, report_world, WARD)
    assert submission.status == "submitted" and submission.outcomes["units_safe"] is True

    recomputed = expect(reviewer.post(url(report_world, "/recompute", WARD), json={}), 200)
    assert recomputed["outcomes"]["units_safe"] is False and recomputed["children_changed"] == []
    assert recomputed["version"] == before["version"] + 1
    db.rollback()
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "report.recompute"))
    assert entry.changes == {"outcomes.units_safe": [True, False]}
    approved = expect(reviewer.post(url(report_world, "/approve", WARD), json={}), 200)
    assert approved["status"] == "approved" and approved["outcomes"]["units_safe"] is False


def test_a_change_that_leaves_the_parents_result_as_it_is_lets_the_approval_through(api_as, db, report_world):
    schools_approved(api_as, db, report_world)
    ward_submitted(api_as, db, report_world)
    # One school of two returned: the other alone still passes, so the ward's result holds.
    expect(api_as("ward_admin").post(url(report_world, "/reopen"), json={"reason": "Kiểm tra lại"}), 200)
    reviewer = api_as("city_reviewer")
    assert expect(reviewer.get(url(report_world, slug=WARD)), 200)["children_changed"]
    approved = expect(reviewer.post(url(report_world, "/approve", WARD), json={}), 200)
    assert approved["status"] == "approved" and approved["outcomes"]["units_safe"] is True
    assert approved["children_changed"] == []  # approved on the reading it recorded just now
    basis = stored_submission(db, report_world, WARD).children_basis
    assert set(basis) == {str(report_world.tenant("school-a2").id)}


def test_a_unit_back_to_what_was_used_clears_its_flag(api_as, db, report_world):
    schools_approved(api_as, db, report_world)
    ward_submitted(api_as, db, report_world)
    expect(api_as("ward_admin").post(url(report_world, "/reopen"), json={"reason": "Kiểm tra lại"}), 200)
    assert expect(api_as("ward_head").get(url(report_world, slug=WARD)), 200)["children_changed"]
    # Sent again unchanged and approved again: the ward's reading holds once more.
    expect(api_as("a1_head").post(url(report_world, "/submit")), 200)
    expect(api_as("ward_reviewer").post(url(report_world, "/approve"), json={}), 200)
    assert expect(api_as("ward_head").get(url(report_world, slug=WARD)), 200)["children_changed"] == []


def test_the_unit_recomputes_its_own_flagged_draft(api_as, db, report_world):
    schools_approved(api_as, db, report_world)
    head = api_as("ward_head")
    expect(head.put(url(report_world, slug=WARD), json={"version": 0, "sections": WARD_VALUES}), 200)
    resubmitted_with_an_incident(api_as, db, report_world)
    view = expect(head.get(url(report_world, slug=WARD)), 200)
    assert view["can"]["recompute"] is True and view["children_changed"]
    view = expect(head.post(url(report_world, "/recompute", WARD), json={"version": view["version"]}), 200)
    assert view["outcomes"]["units_safe"] is False and view["children_changed"] == []
    # A stale version is refused like any change.
    stale = head.post(url(report_world, "/recompute", WARD), json={"version": view["version"] - 1})
    assert stale.status_code == 409 and error_of(stale)["version"] == view["version"]
    # Readers without a role in the move may not recompute.
    assert api_as("city_viewer").post(url(report_world, "/recompute", WARD)).status_code == 403
    assert api_as("a2_head").post(url(report_world, "/recompute", WARD)).status_code == 404


def _statements(app, action) -> int:
    engine = database(app).engine
    seen = []

    def count(*_args) -> None:
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


@pytest.mark.parametrize("extra_schools", [0, 12])
def test_telling_the_parents_costs_the_same_whatever_the_number_of_units(
        app, api_as, db, report_world, extra_schools, request):
    """The work of flagging a change follows the depth of the tree, not the units below it."""
    from core.tenants.operations import new_tenant

    ward = db.get(Tenant, report_world.tenant(WARD).id)
    for number in range(extra_schools):
        school = new_tenant(db, name=f"Trường {number}", kind="school", parent=ward, slug=f"extra-{number}")
        db.flush()
        db.add(Submission(tenant_id=school.id, period_id=report_world.period.id, status="approved",
                          version=1, outcomes={"atantt": True}))
    db.commit()
    schools_approved(api_as, db, report_world)
    ward_submitted(api_as, db, report_world)
    basis = stored_submission(db, report_world, WARD).children_basis
    assert len(basis) == 2 + extra_schools
    with app.app_context():
        school = db.get(Tenant, report_world.tenant("school-a1").id)
        submission = stored_submission(db, report_world)
        submission.status = "returned"
        db.flush()
        costs = _statements(app, lambda: hierarchy.child_changed(db, submission, school))
        db.rollback()
    # Reading the ancestors' reports in one statement, then one write for the ward's flag.
    assert costs == 2
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ChildChange)) == 0  # rolled back
