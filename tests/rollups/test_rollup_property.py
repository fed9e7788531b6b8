"""Property: whatever sequence of saves, submits, approvals, returns, reopens, reviewer scores
and unit moves happens, the rollups kept incrementally equal the rollups rebuilt from scratch."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from core.errors import ThiDuaError
from core.periods.models import ReportingPeriod
from core.reports import operations as report_ops
from core.reports import review
from core.reports.models import Submission
from core.rollups import operations as rollups
from core.tenants.models import Tenant
from core.tenants.operations import rehang

from .helpers import differences, snapshot

UNITS = ("school-a1", "school-a2", "enterprise-b1", "ward-a", "commune-b")
MOVABLE = ("school-a1", "school-a2", "enterprise-b1")
PARENTS = ("ward-a", "commune-b", "dept-edu")

values = st.fixed_dictionaries({
    "staff": st.integers(0, 40),
    "share": st.floats(0, 1),
    "incidents": st.integers(0, 2),
    "level": st.sampled_from([None, "tot", "kha", "dat"]),
    "models": st.integers(0, 5),
})

step = st.one_of(
    st.tuples(st.just("save"), st.sampled_from(UNITS), values),
    st.tuples(st.sampled_from(["submit", "submit", "submit_late", "approve", "approve", "return", "reopen"]),
              st.sampled_from(UNITS), st.none()),
    st.tuples(st.just("review"), st.sampled_from(UNITS), st.one_of(st.none(), st.integers(0, 60))),
    st.tuples(st.just("move"), st.sampled_from(MOVABLE), st.sampled_from(PARENTS)),
    # The natural next move of the unit's report, so that long workflows happen often.
    st.tuples(st.just("next"), st.sampled_from(UNITS), values),
)


def _sections(tenant: Tenant, drawn: dict) -> dict:
    staff = drawn["staff"]
    safety = {"plan_issued": False, "staff": staff, "trained": int(staff * drawn["share"]),
              "incidents": drawn["incidents"]}
    if drawn["level"]:
        safety["level"] = drawn["level"]
    sections = {"rpt.safety": safety}
    if tenant.kind in ("ward", "commune"):
        sections["rpt.units"] = {"models": drawn["models"]}
    return sections


def _run(db, host, access, world, action: str, slug: str, argument) -> None:
    tenant = db.get(Tenant, world.tenant(slug).id)
    period = db.get(ReportingPeriod, world.period.id)
    if action == "save":
        found = report_ops.find(db, tenant, period)
        report_ops.save_draft(db, access, host, tenant, period, found.version if found else 0,
                              _sections(tenant, argument))
    elif action == "submit":
        report_ops.submit(db, access, host, tenant, period)
    elif action == "submit_late":
        report_ops.submit(db, access, host, tenant, period, now=period.due_at + timedelta(days=1))
    elif action == "approve":
        report_ops.approve(db, access, host, tenant, period)
    elif action == "return":
        report_ops.return_report(db, access, host, tenant, period, "Cần bổ sung số liệu")
    elif action == "reopen":
        report_ops.reopen(db, access, host, tenant, period, "Mở lại để sửa")
    elif action == "review":
        review.score_criteria(db, access, host, tenant, period, "rpt.safety",
                              {"trained": {"score": argument, "note": ""}})
    elif action == "move":
        rehang(db, tenant, db.get(Tenant, world.tenant(argument).id))
    elif action == "next":
        found = report_ops.find(db, tenant, period)
        status = found.status if found else None
        if status in (None, "draft", "returned"):
            _run(db, host, access, world, "save", slug, argument)
            _run(db, host, access, world, "submit" if argument["share"] < 0.8 else "submit_late", slug, None)
        elif status == "submitted":
            moves = ("approve", "return", "review")
            _run(db, host, access, world, moves[argument["models"] % 3], slug, argument["staff"])
        else:
            _run(db, host, access, world, "reopen", slug, None)


HOMES = {"school-a1": "ward-a", "school-a2": "ward-a", "enterprise-b1": "commune-b"}


def _reset(db, host, world) -> None:
    """Every example starts from the world as built: no report, every unit at home."""
    for slug, parent in HOMES.items():
        tenant = db.get(Tenant, world.tenant(slug).id)
        home = db.get(Tenant, world.tenant(parent).id)
        if tenant.parent_id != home.id:
            rehang(db, tenant, home)
    db.execute(delete(Submission))
    rollups.rebuild(db, host)
    db.commit()


def _check(db, host, done: list) -> None:
    incremental = snapshot(db)
    rollups.rebuild(db, host)
    db.flush()
    rebuilt = snapshot(db)
    db.rollback()  # keep the incremental rows for the next step
    assert differences(incremental, rebuilt) == [], done


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=10))
def test_incremental_rollups_equal_a_rebuild(report_world, db, host, system, steps):
    """The rollups are compared with a rebuild after every step."""
    _reset(db, host, report_world)
    done: list = []
    for action, slug, argument in steps:
        try:
            _run(db, host, system, report_world, action, slug, argument)
        except ThiDuaError:
            db.rollback()  # a move the workflow refuses changes nothing
            continue
        db.commit()
        done.append((action, slug))
        _check(db, host, done)
