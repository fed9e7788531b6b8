"""The report's lifecycle through the operations layer, as each role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.notifications.models import Notification
from core.reports import extensions, operations, queue, review
from core.reports.models import Evidence, Section, Submission
from core.reports.operations import Incomplete


def period_and_tenant(session, world, slug):
    from core.periods.models import ReportingPeriod
    from core.tenants.models import Tenant

    return session.get(ReportingPeriod, world.period.id), session.get(Tenant, world.tenant(slug).id)


def attach_evidence(session, submission, criterion="rpt.safety.plan_issued"):
    session.add(Evidence(tenant_id=submission.tenant_id, submission_id=submission.id,
                         criterion=criterion, filename="ke-hoach.pdf", content_type="application/pdf",
                         size=10, sha256="0" * 64))
    session.flush()


def fill(acting, host, world, slug="school-a1", user="a1_reporter", values=None, version=0):
    session, access = acting(user)
    period, tenant = period_and_tenant(session, world, slug)
    submission = operations.save_draft(session, access, host, tenant, period, version,
                                       {"rpt.safety": values or {"plan_issued": True, "staff": 20,
                                                                 "trained": 15, "incidents": 0}})
    session.commit()
    return submission


def submitted(acting, host, world, slug="school-a1", head="a1_head"):
    submission = fill(acting, host, world, slug, user=head)
    session, access = acting(head)
    period, tenant = period_and_tenant(session, world, slug)
    attach_evidence(session, session.get(Submission, (submission.tenant_id, submission.id)))
    operations.submit(session, access, host, tenant, period)
    session.commit()
    return submission


def test_draft_saves_partial_values_and_scores_only_complete_sections(acting, host, report_world):
    submission = fill(acting, host, report_world, values={"staff": 20})
    assert submission.version == 1 and submission.status == "draft"
    assert submission.self_score is None
    submission = fill(acting, host, report_world, values={"plan_issued": True, "staff": 20,
                                                         "trained": 15}, version=1)
    assert submission.self_score == 100.0
    assert submission.outcomes == {"atantt": True}


def test_stale_version_conflicts_and_loses_nothing(acting, host, report_world, db):
    fill(acting, host, report_world)
    with pytest.raises(Conflict):
        fill(acting, host, report_world, values={"plan_issued": False, "staff": 1, "trained": 0})
    section = db.scalars(select(Section)).one()
    assert section.values["staff"] == 20


def test_invalid_values_name_each_field_and_save_nothing(acting, host, report_world, db):
    session, access = acting("a1_reporter")
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    with pytest.raises(Invalid) as error:
        operations.save_draft(session, access, host, tenant, period, 0, {
            "rpt.safety": {"staff": -1, "trained": "nhiều", "level": "xuat-sac"},
        })
    assert set(error.value.errors) == {
        "sections.rpt.safety.staff", "sections.rpt.safety.trained", "sections.rpt.safety.level"}
    session.rollback()
    assert db.scalars(select(Submission)).all() == []


def test_sets_not_enabled_for_the_kind_are_refused(acting, host, report_world):
    session, access = acting("a1_reporter")
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    with pytest.raises(Invalid) as error:
        operations.save_draft(session, access, host, tenant, period, 0, {"rpt.units": {"models": 3}})
    assert list(error.value.errors) == ["sections.rpt.units"]


@pytest.mark.parametrize(("user", "error"), [
    ("a2_reporter", NotFound), ("b1_reporter", NotFound), ("ward_reviewer", Forbidden),
    ("city_admin", Forbidden), ("city_viewer", Forbidden),
])
def test_only_the_units_own_staff_fill(acting, host, report_world, user, error):
    with pytest.raises(error):
        fill(acting, host, report_world, user=user)


def test_submit_lists_what_is_missing(acting, host, report_world):
    fill(acting, host, report_world, values={"plan_issued": True, "staff": 5, "trained": 9})
    session, access = acting("a1_head")
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    with pytest.raises(Incomplete) as error:
        operations.submit(session, access, host, tenant, period)
    reasons = {(m.field, m.reason) for m in error.value.missing}
    assert ("trained", "invalid") in reasons
    fill(acting, host, report_world, values={"plan_issued": True, "staff": 20}, version=1)
    with pytest.raises(Incomplete) as error:
        operations.submit(session, access, host, tenant, period)
    assert {(m.field, m.reason) for m in error.value.missing} == {("trained", "required")}


def test_submit_requires_evidence_then_succeeds(acting, host, report_world):
    submission = fill(acting, host, report_world)
    session, access = acting("a1_head")
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    with pytest.raises(Incomplete) as error:
        operations.submit(session, access, host, tenant, period)
    assert [(m.field, m.reason) for m in error.value.missing] == [("plan_issued", "evidence")]
    attach_evidence(session, session.get(Submission, (submission.tenant_id, submission.id)))
    done = operations.submit(session, access, host, tenant, period)
    session.commit()
    assert done.status == "submitted" and not done.late


def test_reporter_cannot_submit(acting, host, report_world):
    fill(acting, host, report_world)
    session, access = acting("a1_reporter")
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    with pytest.raises(Forbidden):
        operations.submit(session, access, host, tenant, period)


def test_deadline_edges(acting, host, report_world, db):
    submission = fill(acting, host, report_world, user="a1_head")
    session, access = acting("a1_head")
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    attach_evidence(session, session.get(Submission, (submission.tenant_id, submission.id)))
    session.commit()
    with pytest.raises(Conflict):
        operations.submit(session, access, host, tenant, period, now=period.closes_at + timedelta(seconds=1))
    session.rollback()
    on_time = operations.submit(session, access, host, tenant, period, now=period.due_at)
    assert on_time.late is False
    session.rollback()
    late = operations.submit(session, access, host, tenant, period, now=period.due_at + timedelta(seconds=1))
    assert late.late is True


def test_extension_lets_a_unit_submit_after_closing(acting, host, report_world):
    submission = fill(acting, host, report_world, user="a1_head")
    session, access = acting("a1_head")
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    attach_evidence(session, session.get(Submission, (submission.tenant_id, submission.id)))
    until = period.closes_at + timedelta(days=5)
    request = extensions.request_extension(session, access, tenant, period, "Mất điện kéo dài", until)
    session.commit()
    admin_session, admin = acting("ward_admin")
    period_a, tenant_a = period_and_tenant(admin_session, report_world, "school-a1")
    with pytest.raises(Forbidden):
        extensions.decide(*acting("a1_head"), tenant_a, request.id, True)
    extensions.decide(admin_session, admin, tenant_a, request.id, True, "Đồng ý")
    admin_session.commit()
    late = operations.submit(session, access, host, tenant, period, now=period.closes_at + timedelta(days=1))
    assert late.status == "submitted" and late.late
    notices = admin_session.scalars(select(Notification.kind)).all()
    assert "extension.granted" in notices


def test_return_needs_a_reason_and_tells_the_unit(acting, host, report_world, db):
    submitted(acting, host, report_world)
    session, access = acting("ward_reviewer")
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    with pytest.raises(Invalid) as error:
        operations.return_report(session, access, host, tenant, period, "  ")
    assert list(error.value.errors) == ["reason"]
    operations.return_report(session, access, host, tenant, period, "Thiếu số liệu tập huấn")
    session.commit()
    notes = db.scalars(select(Notification).where(Notification.kind == "report.returned")).all()
    unit_staff = {report_world.user("a1_reporter").id, report_world.user("a1_head").id}
    assert {n.user_id for n in notes} == unit_staff
    assert all("Thiếu số liệu tập huấn" in n.body for n in notes)


@pytest.mark.parametrize(("user", "error"), [
    ("a1_head", Forbidden), ("a2_head", NotFound), ("commune_admin", NotFound), ("city_viewer", Forbidden),
])
def test_only_reviewers_above_review(acting, host, report_world, user, error):
    submitted(acting, host, report_world)
    session, access = acting(user)
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    with pytest.raises(error):
        operations.approve(session, access, host, tenant, period)


def test_a_ward_does_not_review_itself(acting, host, report_world):
    fill(acting, host, report_world, slug="ward-a", user="ward_head",
         values={"plan_issued": False, "staff": 3, "trained": 3})
    session, access = acting("ward_reviewer")
    period, tenant = period_and_tenant(session, report_world, "ward-a")
    with pytest.raises(Forbidden):
        operations.approve(session, access, host, tenant, period)


def test_approve_locks_and_admin_reopens_with_a_reason(acting, host, report_world):
    submitted(acting, host, report_world)
    session, access = acting("ward_reviewer")
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    approved = operations.approve(session, access, host, tenant, period)
    session.commit()
    assert approved.status == "approved" and not approved.provisional
    with pytest.raises(Conflict):
        fill(acting, host, report_world, version=approved.version)
    with pytest.raises(Forbidden):
        operations.reopen(session, access, host, tenant, period, "Sai số liệu")
    admin_session, admin = acting("ward_admin")
    period, tenant = period_and_tenant(admin_session, report_world, "school-a1")
    with pytest.raises(Invalid):
        operations.reopen(admin_session, admin, host, tenant, period, "")
    reopened = operations.reopen(admin_session, admin, host, tenant, period, "Sai số liệu")
    admin_session.commit()
    assert reopened.status == "returned" and reopened.returned_reason == "Sai số liệu"


def test_explanation_round(acting, host, report_world):
    submitted(acting, host, report_world)
    session, access = acting("ward_reviewer")
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    operations.return_report(session, access, host, tenant, period, "Giải trình số vụ việc",
                             require_explanation=True)
    session.commit()
    head_session, head = acting("a1_head")
    period, tenant = period_and_tenant(head_session, report_world, "school-a1")
    with pytest.raises(Conflict):
        operations.submit(head_session, head, host, tenant, period)
    operations.explain(head_session, head, tenant, period, "Vụ việc đã được xử lý theo quy định.")
    resubmitted = operations.submit(head_session, head, host, tenant, period)
    head_session.commit()
    assert resubmitted.status == "submitted"
    kinds = [c.kind for c in review.comments(head_session, head, tenant, period)]
    assert kinds == ["return", "explanation"]


def test_reviewer_scores_sit_beside_self_scores(acting, host, report_world):
    submitted(acting, host, report_world)
    session, access = acting("ward_reviewer")
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    result = review.score_criteria(session, access, host, tenant, period, "rpt.safety",
                                   {"trained": {"score": 30, "note": "Chỉ 75% được tập huấn"}})
    session.commit()
    assert result.self_score == 100.0
    assert result.review_score == 70.0
    with pytest.raises(Invalid):
        review.score_criteria(session, access, host, tenant, period, "rpt.safety", {"nope": {"score": 1}})


def test_classification_follows_the_bands_and_the_standard(acting, host, report_world):
    first = fill(acting, host, report_world)
    assert first.classification == "Xuất sắc"
    second = fill(acting, host, report_world, values={"plan_issued": True, "staff": 20, "trained": 15,
                                                     "incidents": 2}, version=first.version)
    assert second.outcomes == {"atantt": False}
    assert second.classification == "Khá"


def test_a_ward_is_judged_on_its_schools(acting, host, report_world):
    submitted(acting, host, report_world, "school-a1", "a1_head")
    fill(acting, host, report_world, slug="school-a2", user="a2_head",
         values={"plan_issued": True, "staff": 10, "trained": 5, "incidents": 1})
    session, access = acting("a2_head")
    period, tenant = period_and_tenant(session, report_world, "school-a2")
    attach_evidence(session, operations.find(session, tenant, period))
    operations.submit(session, access, host, tenant, period)
    session.commit()
    ward = fill(acting, host, report_world, slug="ward-a", user="ward_head",
                values={"plan_issued": False, "staff": 3, "trained": 3})
    session, access = acting("ward_head")
    period, tenant = period_and_tenant(session, report_world, "ward-a")
    operations.save_draft(session, access, host, tenant, period, ward.version, {"rpt.units": {"models": 2}})
    session.commit()
    units = session.scalars(select(Section).where(Section.set_key == "rpt.units")).one()
    assert units.outcomes == {"units_safe": False}  # 1 of 2 schools passed: 50% < 70%


def test_every_move_is_audited_with_from_and_to(acting, host, report_world, db):
    submitted(acting, host, report_world)
    session, access = acting("ward_reviewer")
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    operations.return_report(session, access, host, tenant, period, "Bổ sung")
    session.commit()
    entries = db.scalars(select(AuditEntry).where(AuditEntry.object_type == "submission")
                         .order_by(AuditEntry.seq)).all()
    assert [e.action for e in entries] == ["report.save", "report.submit", "report.return"]
    assert entries[0].changes["rpt.safety.staff"] == [None, 20]
    assert entries[2].changes == {"status": ["submitted", "returned"]}
    assert entries[2].reason == "Bổ sung" and entries[2].actor_label == "ward_reviewer"


def test_queue_and_bulk_approve(acting, host, report_world, db):
    submitted(acting, host, report_world, "school-a1", "a1_head")
    submitted(acting, host, report_world, "school-a2", "a2_head")
    session, access = acting("ward_reviewer")
    period, _ = period_and_tenant(session, report_world, "school-a1")
    rows = queue.queue(session, access, period, status="submitted").rows
    assert {r.tenant.slug for r in rows} == {"school-a1", "school-a2"}
    assert {r.tenant.slug for r in queue.queue(session, access, period).rows} == {"school-a1", "school-a2"}
    outsider = report_world.tenant("enterprise-b1").id
    results = review.bulk_approve(session, access, host, period,
                                  [report_world.tenant("school-a1").id, report_world.tenant("school-a2").id,
                                   outsider], "Đạt yêu cầu")
    session.commit()
    assert list(results.values())[:2] == ["approved", "approved"]
    assert results[str(outsider)] != "approved"
    approvals = db.scalars(select(AuditEntry).where(AuditEntry.action == "report.approve")).all()
    assert [a.reason for a in approvals] == ["Đạt yêu cầu", "Đạt yêu cầu"]


def test_a_locked_report_says_so_before_any_version_check(acting, host, report_world):
    submission = submitted(acting, host, report_world)
    with pytest.raises(Conflict) as error:
        fill(acting, host, report_world, version=submission.version + 5)
    assert "đã gửi hoặc đã duyệt" in error.value.message


def test_submit_checked_on_a_state_newer_than_its_read_answers_stale_not_incomplete(
        acting, host, report_world):
    """A proof removed (and the version moved) by another request after the submit loaded the
    report but before it checked the proofs: the submit saw a newer state than the version it
    read, so it answers 409 with that version, not 422 naming a proof the caller had."""
    from sqlalchemy import event, update

    submitted_values = fill(acting, host, report_world, user="a1_head")
    session, access = acting("a1_head")
    period, tenant = period_and_tenant(session, report_world, "school-a1")
    attach_evidence(session, session.get(Submission, (submitted_values.tenant_id, submitted_values.id)))
    session.commit()
    read = session.get(Submission, (submitted_values.tenant_id, submitted_values.id)).version
    other, _ = acting("a1_reporter")
    engine = session.get_bind()
    fired = []

    def remove_proof_first(conn, cursor, statement, parameters, context, executemany):
        # The other request commits between the submit's read of the report and of its proofs.
        if not fired and "FROM evidence" in statement and conn is not other.connection():
            fired.append(statement)
            other.execute(Evidence.__table__.delete().where(
                Evidence.submission_id == submitted_values.id))
            other.execute(update(Submission).where(Submission.id == submitted_values.id)
                          .values(version=Submission.version + 1))
            other.commit()

    session.expire_all()
    event.listen(engine, "before_cursor_execute", remove_proof_first)
    try:
        with pytest.raises(Conflict) as error:
            operations.submit(session, access, host, tenant, period, version=read)
    finally:
        event.remove(engine, "before_cursor_execute", remove_proof_first)
    assert fired, "the proofs were never read"
    assert not isinstance(error.value, Incomplete)
    assert error.value.details["version"] == read + 1
