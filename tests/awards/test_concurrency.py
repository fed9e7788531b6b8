"""Real concurrent requests against a live server: two decisions on one dossier, exactly one is
recorded (the other answers 409, nothing written twice); two units proposing the same person for
the same award at once, exactly one nomination stands. CI runs this on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.awards import operations as ops
from core.awards.models import Attachment, Dossier, Nominee
from core.notifications.models import Notification
from core.periods.models import ReportingPeriod
from core.tenants.models import Tenant
from core.users.access import SystemAccess
from core.users.operations import issue_token
from tests.awards.files import attach_memo
from tests.reports.test_concurrency import Api, at_once


@pytest.fixture
def api(app, db, awards_world, live_server):
    def make(username: str) -> Api:
        with app.app_context():
            token = issue_token(db, SystemAccess(db=db, user=None), awards_world.user(username))
            db.commit()
        return Api(live_server, token)

    return make


def _appraised(acting, world) -> tuple[str, int]:
    session, access = acting("ward_head")
    period = session.get(ReportingPeriod, world.period.id)
    ward = session.get(Tenant, world.tenant("ward-a").id)
    dossier_id = ops.create(session, access, period, ward, "Thành tích")
    ops.add_nominee(session, access, period, dossier_id,
                    {"subject": "collective", "award": "bang-khen-chu-tich-tp", "unit": ward.id})
    attach_memo(session, access, period, dossier_id)
    ops.step(session, access, period, dossier_id, "submit", {})
    session.commit()
    for user, step in (("police_reviewer", "vet"), ("noivu_reviewer", "appraise")):
        session, access = acting(user)
        period = session.get(ReportingPeriod, world.period.id)
        result = ops.step(session, access, period, dossier_id, step, {})
        session.commit()
    return str(dossier_id), result.version


def test_two_concurrent_decisions_exactly_one_wins(acting, awards_world, api, db):
    world = awards_world
    dossier_id, version = _appraised(acting, world)
    path = f"/api/v1/periods/{world.period.id}/nominations/{dossier_id}/decide"
    answers = at_once([
        (api("noivu_reviewer"), "POST", path,
         {"version": version, "number": "100/QĐ-UBND", "date": "2026-11-20"}),
        (api("board_admin"), "POST", path,
         {"version": version, "number": "200/QĐ-UBND", "date": "2026-11-21"}),
    ])
    statuses = sorted(status for status, _body in answers)
    assert statuses == [200, 409], answers
    winner = next(body for status, body in answers if status == 200)
    loser = next(body for status, body in answers if status == 409)
    assert loser["error"]["version"] == version + 1
    db.expire_all()
    stored = db.scalar(select(Dossier).where(Dossier.id == uuid.UUID(winner["id"])))
    assert (stored.status, stored.version, stored.decision_number) == (
        "decided", version + 1, winner["decision"]["number"])
    assert db.scalar(select(func.count()).select_from(AuditEntry)
                     .where(AuditEntry.action == "award_dossier.decide")) == 1
    assert db.scalar(select(func.count()).select_from(Notification)
                     .where(Notification.kind == "award.decide",
                            Notification.user_id == world.user("ward_head").id)) == 1


def test_the_same_person_proposed_by_two_units_at_once_stands_once(acting, awards_world, api, db):
    world = awards_world
    paths = []
    for user, slug in (("ward_head", "ward-a"), ("a1_head", "school-a1")):
        session, access = acting(user)
        dossier_id = ops.create(session, access, session.get(ReportingPeriod, world.period.id),
                                session.get(Tenant, world.tenant(slug).id), "Thành tích")
        session.commit()
        paths.append((user, f"/api/v1/periods/{world.period.id}/nominations/{dossier_id}/nominees"))
    body = {"subject": "individual", "award": "giay-khen-xa-phuong",
            "unit": str(world.tenant("school-a1").id), "person_name": "Phạm Văn Minh",
            "person_position": "Bảo vệ"}
    answers = at_once([(api(user), "POST", path, body) for user, path in paths])
    assert sorted(status for status, _body in answers) == [201, 422], answers
    refused = next(body for status, body in answers if status == 422)
    assert "person_name" in refused["error"]["fields"]
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Nominee)) == 1


def test_removing_the_memo_while_proposing_cannot_both_apply(acting, awards_world, api, db):
    """The submit checks the memo and the removal takes it away: of the two sent at the same
    version, exactly one applies, so no dossier is proposed without its tờ trình."""
    world = awards_world
    session, access = acting("ward_head")
    period = session.get(ReportingPeriod, world.period.id)
    ward = session.get(Tenant, world.tenant("ward-a").id)
    dossier_id = ops.create(session, access, period, ward, "Thành tích")
    ops.add_nominee(session, access, period, dossier_id,
                    {"subject": "collective", "award": "bang-khen-chu-tich-tp", "unit": ward.id})
    memo = attach_memo(session, access, period, dossier_id)
    session.commit()
    version = 2
    base = f"/api/v1/periods/{world.period.id}/nominations/{dossier_id}"
    answers = at_once([
        (api("ward_head"), "POST", f"{base}/submit", {"version": version}),
        (api("ward_head"), "DELETE", f"{base}/attachments/{memo.id}?version={version}", None),
    ])
    assert sorted(status for status, _body in answers) in ([200, 409], [204, 409]), answers
    db.expire_all()
    stored = db.scalar(select(Dossier).where(Dossier.id == dossier_id))
    memos = db.scalar(select(func.count()).select_from(Attachment).where(Attachment.dossier_id == dossier_id))
    assert stored.version == version + 1
    assert (stored.status, memos) in (("proposed", 1), ("draft", 0))
