"""The nomination dossier through the operations layer: the whole chain with its returns, the
steps refused to the wrong role or tenant, duplicates, stale versions and the registry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.audit.models import AuditEntry
from core.awards import operations as ops
from core.awards.models import AwardType, Dossier
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.notifications.models import Notification
from core.periods import models as period_models
from core.periods import operations as period_ops
from core.periods.models import ReportingPeriod
from core.tenants.models import Tenant
from core.users.access import SystemAccess
from tests.awards.files import attach_memo

JUSTIFICATION = "Năm năm liền không để xảy ra vụ việc phức tạp về an ninh, trật tự."


def loaded(session, world, slug="ward-a"):
    return session.get(ReportingPeriod, world.period.id), session.get(Tenant, world.tenant(slug).id)


def prepared(acting, world, unit="ward-a", user="ward_head", nominees=None):
    """A dossier of ``unit`` with a collective and an individual; returns its id."""
    session, access = acting(user)
    period, tenant = loaded(session, world, unit)
    dossier_id = ops.create(session, access, period, tenant, JUSTIFICATION)
    for nominee in nominees if nominees is not None else (
        {"subject": "collective", "award": "bang-khen-chu-tich-tp", "unit": tenant.id},
        {"subject": "individual", "award": "giay-khen-cong-an-tp", "unit": tenant.id,
         "person_name": "Nguyễn Văn Đức", "person_position": "Trưởng Công an phường"},
    ):
        ops.add_nominee(session, access, period, dossier_id, nominee)
    attach_memo(session, access, period, dossier_id)
    session.commit()
    session.close()
    return dossier_id


def take(acting, world, user, dossier_id, name, **data):
    session, access = acting(user)
    try:
        period, _unit = loaded(session, world)
        result = ops.step(session, access, period, dossier_id, name, data)
        session.commit()
        return result
    finally:
        session.close()


def view(acting, world, user, dossier_id):
    session, access = acting(user)
    try:
        period, _unit = loaded(session, world)
        return ops.describe(session, access, period, dossier_id)
    finally:
        session.close()


def test_a_vetted_dossier_reaches_the_boards_reviewer(acting, app, awards_world, db):
    """A reviewer of Ban Thi đua - Khen thưởng (inside Sở Nội vụ: they appraise) hears of a
    dossier Công an Thành phố has vetted, with a link to it; the vetting unit's people do not."""
    from core.users import operations as user_ops

    world = awards_world
    with app.app_context():
        access = SystemAccess(db=db, user=None)
        board_reviewer = user_ops.create_user(db, access, "board_reviewer", world.password)
        board = world.tenant("ban-thi-dua-khen-thuong")
        user_ops.add_membership(db, access, board_reviewer, board, "reviewer")
        db.commit()
    dossier_id = prepared(acting, world)
    take(acting, world, "ward_head", dossier_id, "submit")
    take(acting, world, "police_reviewer", dossier_id, "vet")
    notices = db.scalars(select(Notification).where(Notification.user_id == board_reviewer.id)).all()
    assert [(n.kind, n.link) for n in notices] == [
        ("award.vet", f"/periods/{world.period.id}/nominations/{dossier_id}")]
    assert "Phường A" in notices[0].title
    police = world.user("police_reviewer").id
    assert not db.scalars(select(Notification).where(Notification.kind == "award.vet",
                                                     Notification.user_id == police)).all()


def test_whole_chain_with_returns_audited_and_notified(acting, awards_world, db):
    world = awards_world
    dossier_id = prepared(acting, world)
    assert view(acting, world, "ward_head", dossier_id)["actions"] == ["edit", "submit"]

    assert take(acting, world, "ward_head", dossier_id, "submit").status == "proposed"
    police_view = view(acting, world, "police_reviewer", dossier_id)
    assert police_view["actions"] == ["vet", "return"]
    assert {n["person_name"] for n in police_view["nominees"]} == {"", "Nguyễn Văn Đức"}

    # Công an TP returns it; the unit fixes it and proposes again.
    assert take(acting, world, "police_reviewer", dossier_id, "return",
                reason="Thiếu biên bản họp xét").status == "returned"
    returned = view(acting, world, "ward_head", dossier_id)
    assert returned["return_reason"] == "Thiếu biên bản họp xét" and returned["returned_from"] == "proposed"
    session, access = acting("ward_head")
    period, _unit = loaded(session, world)
    ops.update_justification(session, access, period, dossier_id, JUSTIFICATION + " Đã bổ sung biên bản.")
    session.commit()
    take(acting, world, "ward_head", dossier_id, "submit")
    assert take(acting, world, "police_reviewer", dossier_id, "vet", note="Đủ hồ sơ").status == "vetted"

    # Sở Nội vụ appraises, then returns after appraisal; the dossier goes round again.
    assert view(acting, world, "noivu_reviewer", dossier_id)["actions"] == ["appraise", "return"]
    take(acting, world, "noivu_reviewer", dossier_id, "appraise")
    take(acting, world, "board_admin", dossier_id, "return", reason="Sai chức vụ cá nhân")
    assert view(acting, world, "ward_head", dossier_id)["returned_from"] == "appraised"
    take(acting, world, "ward_head", dossier_id, "submit")
    take(acting, world, "police_reviewer", dossier_id, "vet")
    take(acting, world, "noivu_reviewer", dossier_id, "appraise")
    # City-level awards only: nothing to forward, and a decision is not dated in the future.
    assert view(acting, world, "board_admin", dossier_id)["actions"] == ["decide", "return"]
    with pytest.raises(Conflict):
        take(acting, world, "board_admin", dossier_id, "forward", to="Thủ tướng Chính phủ")
    tomorrow = clock.today() + timedelta(days=1)
    with pytest.raises(Invalid) as future:
        take(acting, world, "board_admin", dossier_id, "decide", number="1234/QĐ-UBND", date=tomorrow)
    assert list(future.value.errors) == ["date"]
    decided = take(acting, world, "board_admin", dossier_id, "decide", number="1234/QĐ-UBND",
                   date=date(2026, 11, 20), authority="")
    assert decided.status == "decided"

    final = view(acting, world, "ward_head", dossier_id)
    assert final["status"] == "decided" and final["actions"] == []
    assert final["decision"]["number"] == "1234/QĐ-UBND"
    # Without an authority typed, the decision names the awards' own.
    assert "Chủ tịch Ủy ban nhân dân Thành phố Hà Nội" in final["decision"]["authority"]

    actions = [a for a in db.scalars(select(AuditEntry.action).where(AuditEntry.object_id == str(dossier_id))
                                     .order_by(AuditEntry.seq))]
    assert actions == ["award_dossier.created", "award_dossier.nominee_added", "award_dossier.nominee_added",
                       "award_dossier.attachment_added", "award_dossier.submit", "award_dossier.return",
                       "award_dossier.edited",
                       "award_dossier.submit", "award_dossier.vet", "award_dossier.appraise",
                       "award_dossier.return", "award_dossier.submit", "award_dossier.vet",
                       "award_dossier.appraise", "award_dossier.decide"]
    returns = db.scalars(select(AuditEntry.reason).where(AuditEntry.action == "award_dossier.return")).all()
    assert sorted(returns) == ["Sai chức vụ cá nhân", "Thiếu biên bản họp xét"]

    notices = db.scalars(select(Notification).where(Notification.kind.like("award.%"))).all()
    to_police = [n for n in notices if n.user_id == world.user("police_reviewer").id]
    to_noivu = [n for n in notices if n.user_id == world.user("noivu_reviewer").id]
    to_ward = [n for n in notices if n.user_id == world.user("ward_head").id]
    assert [n.kind for n in to_police] == ["award.submit"] * 3
    # Every step tells who acts next: once vetted the appraising unit (Sở Nội vụ) and the units
    # below it (its Ban Thi đua - Khen thưởng) appraise; once appraised they decide.
    to_board = [n for n in notices if n.user_id == world.user("board_admin").id]
    assert sorted(n.kind for n in to_noivu) == ["award.appraise"] * 2 + ["award.vet"] * 2
    assert sorted(n.kind for n in to_board) == ["award.appraise"] * 2 + ["award.vet"] * 2
    assert all(n.link == f"/periods/{world.period.id}/nominations/{dossier_id}" for n in to_board)
    # Both returns reached the unit, each with its reason (the notices' order is not asserted:
    # two may share a timestamp).
    returned_bodies = [n.body for n in to_ward if n.kind == "award.return"]
    assert len(returned_bodies) == 2
    assert sorted("Thiếu biên bản họp xét" in body for body in returned_bodies) == [False, True]
    assert sorted("Sai chức vụ cá nhân" in body for body in returned_bodies) == [False, True]
    assert any(n.kind == "award.decide" and "1234/QĐ-UBND" in n.body for n in to_ward)
    assert not [n for n in notices if n.user_id == world.user("police_reporter").id]

    # What the decision's list and the certificates print: collectives first, each certificate
    # with its printed form.
    session, access = acting("ward_head")
    doc = ops.decision_document(session, access, loaded(session, world)[0], dossier_id)
    assert [r["name"] for r in doc.collectives] == ["Phường A"]
    assert [(r["name"], r["position"]) for r in doc.individuals] == [
        ("Nguyễn Văn Đức", "Trưởng Công an phường")]
    assert [(c["name"], c["title"]) for c in doc.certificates()] == [
        ("Phường A", "BẰNG KHEN"), ("Nguyễn Văn Đức", "GIẤY KHEN")]
    session.close()

    # The registry finds the decided commendations across units, accent-free.
    session, access = acting("ward_admin")
    found = ops.registry(session, access, query="nguyen van duc", year=2026)
    assert [(r.person_name, r.award.key, r.decision_number) for r in found] == [
        ("Nguyễn Văn Đức", "giay-khen-cong-an-tp", "1234/QĐ-UBND")]
    assert ops.registry(session, access, year=2025) == []
    assert {r.award.key for r in ops.registry(session, access, unit_id=world.tenant("ward-a").id)} == {
        "giay-khen-cong-an-tp", "bang-khen-chu-tich-tp"}
    session, access = acting("commune_admin")
    assert ops.registry(session, access, query="nguyen van duc") == []


def test_steps_refused_to_the_wrong_role_or_tenant(acting, awards_world):
    world = awards_world
    dossier_id = prepared(acting, world)

    # A draft is the unit's own: the chain and siblings do not see it.
    for user in ("police_reviewer", "commune_head", "commune_admin", "a1_head"):
        with pytest.raises(NotFound):
            view(acting, world, user, dossier_id)
    # The unit's reporter sees it but may not propose; a reviewer above sees it but is not the chain.
    for user in ("ward_reporter", "city_reviewer"):
        with pytest.raises(Forbidden):
            take(acting, world, user, dossier_id, "submit")
    session, access = acting("ward_reporter")
    period, tenant = loaded(session, world)
    with pytest.raises(Forbidden):
        ops.create(session, access, period, session.get(Tenant, world.tenant("school-a1").id))
    with pytest.raises(Forbidden):
        ops.add_nominee(session, access, period, dossier_id,
                        {"subject": "collective", "award": "giay-khen-cong-an-tp", "unit": tenant.id})

    take(acting, world, "ward_head", dossier_id, "submit")
    with pytest.raises(NotFound):
        view(acting, world, "commune_head", dossier_id)
    with pytest.raises(NotFound):  # a member of the police without a reviewing role
        take(acting, world, "police_reporter", dossier_id, "vet")
    with pytest.raises(Forbidden):
        take(acting, world, "ward_head", dossier_id, "vet")
    with pytest.raises(Forbidden):
        take(acting, world, "noivu_reviewer", dossier_id, "vet")
    with pytest.raises(Forbidden):
        take(acting, world, "noivu_reviewer", dossier_id, "return", reason="Không phải bước của Sở")
    with pytest.raises(Forbidden):
        take(acting, world, "police_reviewer", dossier_id, "submit")
    with pytest.raises(Conflict):  # the right role, the wrong moment
        take(acting, world, "noivu_reviewer", dossier_id, "decide", number="1/QĐ", date=date(2026, 11, 1))
    take(acting, world, "police_reviewer", dossier_id, "vet")
    with pytest.raises(Forbidden):
        take(acting, world, "police_reviewer", dossier_id, "appraise")
    session, access = acting("ward_head")
    with pytest.raises(Conflict):  # once proposed, the unit no longer edits
        ops.update_justification(session, access, loaded(session, world)[0], dossier_id, "Khác")
    # Nothing moved by the refusals.
    assert view(acting, world, "ward_head", dossier_id)["status"] == "vetted"


def test_editing_after_proposal_and_stale_versions_answer_conflict(acting, awards_world):
    world = awards_world
    dossier_id = prepared(acting, world)
    version = view(acting, world, "ward_head", dossier_id)["version"]
    assert version == 3  # created at 0, two nominees added, the memo attached
    take(acting, world, "ward_head", dossier_id, "submit", version=version)
    with pytest.raises(ops.StaleDossier) as stale:
        take(acting, world, "police_reviewer", dossier_id, "vet", version=version)
    assert stale.value.version == version + 1
    session, access = acting("ward_head")
    with pytest.raises(Conflict):
        ops.update_justification(session, access, loaded(session, world)[0], dossier_id, "Khác")


def test_one_dossier_per_unit_and_period(acting, awards_world):
    dossier_id = prepared(acting, awards_world)
    session, access = acting("ward_admin")
    period, tenant = loaded(session, awards_world)
    with pytest.raises(Conflict) as again:
        ops.create(session, access, period, tenant)
    assert again.value.details["id"] == str(dossier_id)


def test_nominees_checked_and_duplicates_caught_across_dossiers(acting, awards_world):
    world = awards_world
    dossier_id = prepared(acting, world)
    session, access = acting("ward_head")
    period, ward = loaded(session, world)

    def refused(data, field):
        with pytest.raises(Invalid) as error:
            ops.add_nominee(session, access, period, dossier_id, data)
        session.rollback()
        assert field in error.value.errors, error.value.errors

    refused({"subject": "collective", "award": "bang-khen-chu-tich-tp", "unit": ward.id}, "unit")
    refused({"subject": "collective", "award": "co-thi-dua-tp", "unit": ward.id}, "award")  # five-year
    refused({"subject": "collective", "award": "khong-co", "unit": ward.id}, "award")
    refused({"subject": "collective", "award": "giay-khen-so-nganh", "unit": ward.id}, "award")  # ward
    refused({"subject": "collective", "award": "giay-khen-cong-an-tp",
             "unit": world.tenant("enterprise-b1").id}, "unit")  # another commune's unit
    refused({"subject": "individual", "award": "giay-khen-cong-an-tp", "unit": ward.id,
             "person_name": ""}, "person_name")
    # The same person typed without accents is the same person.
    refused({"subject": "individual", "award": "giay-khen-cong-an-tp", "unit": ward.id,
             "person_name": "Nguyen Van Duc"}, "person_name")

    # A school proposes one of its teachers; the ward above cannot propose her again.
    school = prepared(acting, world, unit="school-a1", user="a1_head", nominees=[
        {"subject": "individual", "award": "giay-khen-xa-phuong", "unit": world.tenant("school-a1").id,
         "person_name": "Trần Thị Bình", "person_position": "Giáo viên"}])
    assert school != dossier_id
    refused({"subject": "individual", "award": "giay-khen-xa-phuong", "unit": world.tenant("school-a1").id,
             "person_name": "Trần Thị Bình"}, "person_name")
    # Another award for her is another nomination.
    ops.add_nominee(session, access, period, dossier_id, {
        "subject": "collective", "award": "giay-khen-xa-phuong", "unit": world.tenant("school-a1").id})
    session.commit()
    assert len(view(acting, world, "ward_head", dossier_id)["nominees"]) == 3


def test_submitting_needs_nominees_and_a_justification(acting, awards_world):
    world = awards_world
    session, access = acting("commune_head")
    period, commune = loaded(session, world, "commune-b")
    dossier_id = ops.create(session, access, period, commune, "")
    session.commit()
    with pytest.raises(Invalid) as empty:
        take(acting, world, "commune_head", dossier_id, "submit")
    assert "nominees" in empty.value.errors
    session, access = acting("commune_head")
    ops.add_nominee(session, access, loaded(session, world)[0], dossier_id,
                    {"subject": "collective", "award": "giay-khen-cong-an-tp", "unit": commune.id})
    session.commit()
    with pytest.raises(Invalid) as unjustified:
        take(acting, world, "commune_head", dossier_id, "submit")
    assert "justification" in unjustified.value.errors
    session, access = acting("commune_head")
    ops.update_justification(session, access, loaded(session, world)[0], dossier_id, JUSTIFICATION)
    session.commit()
    with pytest.raises(Invalid) as no_memo:
        take(acting, world, "commune_head", dossier_id, "submit")
    assert "tờ trình" in no_memo.value.errors["attachments"][0]
    session, access = acting("commune_head")
    attach_memo(session, access, loaded(session, world)[0], dossier_id)
    session.commit()
    assert take(acting, world, "commune_head", dossier_id, "submit").status == "proposed"


def test_awards_above_the_city_are_forwarded_before_the_decision(acting, awards_world, db, app):
    world = awards_world
    with app.app_context():
        now = clock.now_in_hanoi()
        summary = period_ops.create(db, SystemAccess(db=db, user=None), world.tenant("ha-noi"), {
            "key": "tong-ket-5-nam", "kind": "summary", "title": "Tổng kết 5 năm phong trào",
            "opens_at": now - timedelta(days=1), "due_at": now + timedelta(days=10),
            "city_due_at": now + timedelta(days=20), "closes_at": now + timedelta(days=30)})
        period_ops.transition(db, SystemAccess(db=db, user=None), summary, period_models.OPEN)
        db.commit()
    world.period = summary
    dossier_id = prepared(acting, world, nominees=[
        {"subject": "collective", "award": "co-thi-dua-chinh-phu", "unit": world.tenant("ward-a").id}])
    take(acting, world, "ward_head", dossier_id, "submit")
    take(acting, world, "police_reviewer", dossier_id, "vet")
    take(acting, world, "noivu_reviewer", dossier_id, "appraise")
    assert view(acting, world, "noivu_reviewer", dossier_id)["actions"] == ["forward", "return"]
    with pytest.raises(Conflict):
        take(acting, world, "noivu_reviewer", dossier_id, "decide", number="99/QĐ-TTg",
             date=date(2026, 11, 5))
    take(acting, world, "noivu_reviewer", dossier_id, "forward", to="Thủ tướng Chính phủ (qua Bộ Nội vụ)")
    assert view(acting, world, "noivu_reviewer", dossier_id)["actions"] == ["decide"]
    take(acting, world, "noivu_reviewer", dossier_id, "decide", number="99/QĐ-TTg", date=date(2026, 11, 5),
         authority="Thủ tướng Chính phủ")
    final = view(acting, world, "ward_head", dossier_id)
    assert (final["status"], final["forwarded_to"], final["decision"]["authority"]) == (
        "decided", "Thủ tướng Chính phủ (qua Bộ Nội vụ)", "Thủ tướng Chính phủ")


def test_a_period_without_a_round_takes_no_dossier(acting, awards_world, db, app):
    world = awards_world
    with app.app_context():
        now = clock.now_in_hanoi()
        thematic = period_ops.create(db, SystemAccess(db=db, user=None), world.tenant("ha-noi"), {
            "key": "chuyen-de", "kind": "thematic", "title": "Chuyên đề", "opens_at": now - timedelta(days=1),
            "due_at": now + timedelta(days=10), "city_due_at": now + timedelta(days=20),
            "closes_at": now + timedelta(days=30)})
        db.commit()
    session, access = acting("ward_head")
    with pytest.raises(Invalid) as error:
        ops.create(session, access, session.get(ReportingPeriod, thematic.id), loaded(session, world)[1])
    assert "period" in error.value.errors


def test_award_types_are_data_installed_once(awards_world, db):
    assert ops.install_defaults(db) == 0
    annual = [a.key for a in ops.award_types(db, "annual")]
    assert annual == ["giay-khen-cong-an-tp", "giay-khen-so-nganh", "giay-khen-xa-phuong",
                      "bang-khen-chu-tich-tp"]
    assert [a.key for a in ops.award_types(db, "five_year")] == [
        "co-thi-dua-tp", "co-thi-dua-chinh-phu", "bang-khen-thu-tuong", "huan-chuong-lao-dong-hang-ba"]
    # Which unit may propose what is data: a change takes effect at once.
    award = db.scalar(select(AwardType).where(AwardType.key == "giay-khen-so-nganh"))
    award.proposer_kinds = [*award.proposer_kinds, "ward"]
    db.commit()
    assert "ward" in db.scalar(select(AwardType.proposer_kinds).where(AwardType.key == "giay-khen-so-nganh"))
    assert db.scalar(select(Dossier.id)) is None


def _record(db, world, slug="ward-a", score=87.5):
    """The individuals criteria set filled in the unit's report for the period, as the report
    form stores it."""
    from core.reports.models import Section
    from core.reports.operations import get_or_start

    tenant = db.get(Tenant, world.tenant(slug).id)
    submission = get_or_start(db, tenant, db.get(ReportingPeriod, world.period.id))
    db.add(Section(tenant_id=tenant.id, submission_id=submission.id, set_key=ops.ACHIEVEMENT_SET,
                   set_version=1, values={"full_name": "Trần Thị Mai", "position": "Tổ trưởng tổ dân phố",
                                          "category": "Đoàn viên, hội viên", "exemplary": True},
                   self_score=score))
    db.commit()


def test_an_individual_carries_the_achievement_record_of_the_individuals_set(acting, awards_world, db):
    world = awards_world
    _record(db, world)
    session, access = acting("ward_head")
    period, ward = loaded(session, world)
    dossier_id = ops.create(session, access, period, ward, JUSTIFICATION)
    assert ops.achievement_record(session, ward, period)["score"] == 87.5
    ops.add_nominee(session, access, period, dossier_id, {
        "subject": "individual", "award": "giay-khen-cong-an-tp", "unit": ward.id, "achievement": True})
    session.commit()
    nominee = view(acting, world, "ward_head", dossier_id)["nominees"][0]
    assert (nominee["person_name"], nominee["person_position"]) == ("Trần Thị Mai", "Tổ trưởng tổ dân phố")
    assert nominee["achievement"] == {"set_key": "individual.achievements", "set_version": 1,
                                      "full_name": "Trần Thị Mai", "position": "Tổ trưởng tổ dân phố",
                                      "category": "Đoàn viên, hội viên", "score": 87.5}
    # A collective carries no personal record; a unit whose report holds none has nothing to attach.
    session, access = acting("ward_head")
    period, ward = loaded(session, world)
    for data in ({"subject": "collective", "award": "giay-khen-cong-an-tp", "unit": ward.id},
                 {"subject": "individual", "award": "giay-khen-cong-an-tp",
                  "unit": world.tenant("school-a1").id, "person_name": "Lê Văn Nam"}):
        with pytest.raises(Invalid) as refused:
            ops.add_nominee(session, access, period, dossier_id, {**data, "achievement": True})
        assert list(refused.value.errors) == ["achievement"]
        session.rollback()
    # Without asking for it, a nominee carries none.
    ops.add_nominee(session, access, period, dossier_id, {
        "subject": "individual", "award": "giay-khen-cong-an-tp", "unit": ward.id,
        "person_name": "Phạm Văn An"})
    session.commit()
    assert view(acting, world, "ward_head", dossier_id)["nominees"][1]["achievement"] is None
