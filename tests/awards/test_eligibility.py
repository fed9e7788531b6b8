"""Eligibility hints and quota warnings at their boundaries, and the hints of a dossier read from
the closed period's snapshot, the frozen cluster ranking and the plugin's award rule."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from core.awards import eligibility
from core.awards import operations as ops
from core.awards.models import AwardType
from core.clusters.models import Cluster, ClusterResult
from core.clusters.operations import best_frozen_ranks
from core.errors import Invalid
from core.periods import models as period_models
from core.periods import operations as period_ops
from core.periods.models import DEFAULT_BANDS, ReportingPeriod
from core.reports.models import Submission
from core.snapshots.operations import UnitResult
from core.tenants.models import Tenant
from core.users.access import SystemAccess
from tests.awards.files import attach_memo

BANDS = [dict(band) for band in DEFAULT_BANDS]


def award(key="bang-khen-chu-tich-tp", requires=None, quota=None, position=1) -> AwardType:
    return AwardType(id=uuid.uuid4(), key=key, name=key, requires=requires or {}, quota=quota or {},
                     position=position)


def subject(classification=None, outcomes=None, score=None, rank=None, kind="collective", award_key=None,
            result=True) -> eligibility.Subject:
    unit = uuid.uuid4()
    found = UnitResult(unit, "Phường A", "ward", "/x/", "approved", score, classification, False,
                       outcomes or {}) if result else None
    return eligibility.Subject(award_key=award_key or "bang-khen-chu-tich-tp", subject=kind, unit_id=unit,
                               unit_kind="ward", result=found, cluster_rank=rank, bands=BANDS)


def met(hints, rule):
    return {h.rule: h.met for h in hints}[rule]


def test_top_band_is_the_highest_band_of_the_period():
    top = award(requires={"top_band": True})
    assert eligibility.top_band(BANDS) == "Xuất sắc"
    assert met(eligibility.hints(top, subject("Xuất sắc")), "top_band") is True
    assert met(eligibility.hints(top, subject("Khá")), "top_band") is False
    assert met(eligibility.hints(top, subject(None)), "top_band") is None
    assert met(eligibility.hints(top, subject(result=False)), "top_band") is None
    # A person is not judged by the unit's classification.
    assert eligibility.hints(top, subject("Xuất sắc", kind="individual")) == []


def test_listed_bands_and_standards():
    rule = award(requires={"bands": ["Xuất sắc", "Khá"], "standards": ["atantt"]})
    hints = eligibility.hints(rule, subject("Khá", {"atantt": True}))
    assert (met(hints, "bands"), met(hints, "standard:atantt")) == (True, True)
    hints = eligibility.hints(rule, subject("Trung bình", {"atantt": False}))
    assert (met(hints, "bands"), met(hints, "standard:atantt")) == (False, False)
    assert met(eligibility.hints(rule, subject("Khá", {"atantt": None})), "standard:atantt") is None
    assert met(eligibility.hints(rule, subject("Khá", {})), "standard:atantt") is None


def test_cluster_rank_at_its_boundary():
    rule = award(requires={"cluster_rank": 2})
    assert met(eligibility.hints(rule, subject(rank=2)), "cluster_rank") is True
    assert met(eligibility.hints(rule, subject(rank=3)), "cluster_rank") is False
    assert met(eligibility.hints(rule, subject(rank=None)), "cluster_rank") is None


class ScoreRule:
    key = "awd.score"
    label = "Từ 95 điểm"
    awards = ("bang-khen-chu-tich-tp",)
    subjects = ("collective",)

    def check(self, found):
        return None if found.result is None or found.result.score is None else found.result.score >= 95


class BrokenRule:
    key = "awd.broken"
    label = "Lỗi"

    def check(self, found):
        raise RuntimeError("plugin bug")


def test_plugin_rules_apply_to_their_awards_and_never_break_the_hints():
    plain = award()
    assert met(eligibility.hints(plain, subject(score=95.0), [ScoreRule()]), "awd.score") is True
    assert met(eligibility.hints(plain, subject(score=94.99), [ScoreRule()]), "awd.score") is False
    assert met(eligibility.hints(plain, subject(score=None), [ScoreRule()]), "awd.score") is None
    assert eligibility.hints(award("giay-khen-cong-an-tp"),
                             subject(score=99, award_key="giay-khen-cong-an-tp"), [ScoreRule()]) == []
    assert eligibility.hints(plain, subject(score=99, kind="individual"), [ScoreRule()]) == []
    assert met(eligibility.hints(plain, subject(), [BrokenRule()]), "awd.broken") is None
    # Objects without a check are not rules the workflow can read.
    assert eligibility.hints(plain, subject(), [object()]) == []


@pytest.mark.parametrize(("quota", "collectives", "individuals", "units", "warned"), [
    ({"max_collectives": 2}, 2, 0, 10, []),
    ({"max_collectives": 2}, 3, 0, 10, ["max_collectives"]),
    ({"max_individuals": 1}, 0, 1, 10, []),
    ({"max_individuals": 1}, 0, 2, 10, ["max_individuals"]),
    ({"max_share": 0.2}, 2, 0, 10, []),  # 20% of 10 units: 2
    ({"max_share": 0.2}, 3, 0, 10, ["max_share"]),
    ({"max_share": 0.2}, 1, 0, 9, []),  # 1.8 rounds down to 1: 1 passes…
    ({"max_share": 0.2}, 2, 0, 9, ["max_share"]),  # …and 2 does not
    ({"max_share": 0.3}, 3, 5, 10, []),  # 0.3 × 10 is 3 despite binary fractions
    ({}, 50, 50, 1, []),
])
def test_quota_warnings_at_their_limits(quota, collectives, individuals, units, warned):
    rule = award(quota=quota)
    nominees = [(rule.id, "collective")] * collectives + [(rule.id, "individual")] * individuals
    found = eligibility.quota_warnings({rule.id: rule}, nominees, units)
    assert [w.rule for w in found] == warned
    for warning in found:
        assert warning.count > warning.limit and rule.name in warning.message


def test_a_dossier_over_its_quota_is_proposed_only_once_confirmed(acting, awards_world, db):
    world = awards_world
    db.execute(AwardType.__table__.update().where(AwardType.key == "giay-khen-xa-phuong")
               .values(quota={"max_collectives": 1}))
    db.commit()
    session, access = acting("ward_head")
    period = session.get(ReportingPeriod, world.period.id)
    ward = session.get(Tenant, world.tenant("ward-a").id)
    dossier_id = ops.create(session, access, period, ward, "Thành tích")
    for slug in ("school-a1",):
        ops.add_nominee(session, access, period, dossier_id, {
            "subject": "collective", "award": "giay-khen-xa-phuong", "unit": world.tenant(slug).id})
    session.commit()
    assert ops.describe(session, access, period, dossier_id)["warnings"] == []
    ops.add_nominee(session, access, period, dossier_id, {
        "subject": "collective", "award": "giay-khen-xa-phuong", "unit": world.tenant("school-a2").id})
    session.commit()
    warnings = ops.describe(session, access, period, dossier_id)["warnings"]
    assert [(w.award_key, w.rule, w.limit, w.count) for w in warnings] == [
        ("giay-khen-xa-phuong", "max_collectives", 1, 2)]
    attach_memo(session, access, period, dossier_id)
    session.commit()
    with pytest.raises(Invalid) as unconfirmed:
        ops.step(session, access, period, dossier_id, "submit", {})
    session.rollback()
    assert unconfirmed.value.errors["confirm"] == [warnings[0].message]
    assert ops.step(session, access, period, dossier_id, "submit", {"confirm": True}).status == "proposed"
    session.commit()


def _report(db, tenant_id, period_id, classification, score, atantt):
    db.add(Submission(tenant_id=tenant_id, period_id=period_id, status="approved", self_score=score,
                      classification=classification, outcomes={"atantt": atantt}))


def test_hints_read_the_closed_snapshot_the_ranking_and_the_plugin_rule(acting, awards_world, db, app):
    world = awards_world
    ward, commune = world.tenant("ward-a"), world.tenant("commune-b")
    _report(db, ward.id, world.period.id, "Xuất sắc", 96.0, True)
    _report(db, commune.id, world.period.id, "Khá", 80.0, False)
    db.commit()

    session, access = acting("ward_head")
    period = session.get(ReportingPeriod, world.period.id)
    dossier_id = ops.create(session, access, period, session.get(Tenant, ward.id), "Thành tích")
    ops.add_nominee(session, access, period, dossier_id,
                    {"subject": "collective", "award": "bang-khen-chu-tich-tp", "unit": ward.id})
    session.commit()
    live = ops.describe(session, access, period, dossier_id, _rules(app))
    assert live["results_frozen"] is False
    assert {h.rule: h.met for h in live["nominees"][0]["hints"]} == {
        "top_band": True, "standard:atantt": True, "awd.high_score": True}
    session.close()

    # Closing freezes the results; a later change of the live report does not move the hints.
    with app.app_context():
        system = SystemAccess(db=db, user=None)
        period_ops.transition(db, system, db.get(ReportingPeriod, world.period.id), period_models.CLOSED)
        db.commit()
    db.execute(Submission.__table__.update().where(Submission.tenant_id == ward.id)
               .values(classification="Khá", self_score=70.0, outcomes={"atantt": False}))
    db.commit()
    session, access = acting("ward_head")
    period = session.get(ReportingPeriod, world.period.id)
    frozen = ops.describe(session, access, period, dossier_id, _rules(app))
    assert frozen["results_frozen"] is True
    assert {h.rule: h.met for h in frozen["nominees"][0]["hints"]} == {
        "top_band": True, "standard:atantt": True, "awd.high_score": True}
    session.close()

    # The commune's collective is judged by its own frozen result and its cluster rank.
    session, access = acting("commune_head")
    period = session.get(ReportingPeriod, world.period.id)
    cluster = Cluster(tenant_id=world.tenant("ha-noi").id, slug="cum-1", name="Cụm 1", kind="cum")
    db.add(cluster)
    db.flush()
    db.add(ClusterResult(tenant_id=cluster.tenant_id, cluster_id=cluster.id, period_id=world.period.id,
                         member_id=commune.id, score=80.0, rank=2))
    db.commit()
    hints = _commune_hints(session, access, period, commune, app)
    assert hints == {"top_band": False, "standard:atantt": False, "awd.high_score": False}
    assert db.scalar(select(ClusterResult.rank).where(ClusterResult.member_id == commune.id)) == 2
    assert best_frozen_ranks(session, period, [commune.id, ward.id]) == {commune.id: 2}


def _commune_hints(session, access, period, commune, app):
    dossier_id = ops.create(session, access, period, session.get(Tenant, commune.id), "Thành tích")
    ops.add_nominee(session, access, period, dossier_id,
                    {"subject": "collective", "award": "bang-khen-chu-tich-tp", "unit": commune.id})
    session.commit()
    return {h.rule: h.met for h in ops.describe(session, access, period, dossier_id, _rules(app))
            ["nominees"][0]["hints"]}


def _rules(app):
    from core.plugins.manager import plugin_host

    return plugin_host(app).award_rules
