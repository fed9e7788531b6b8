"""Eligibility hints and quota warnings at their boundaries, and the hints of a dossier read from
the closed period's snapshot, the frozen cluster ranking and the plugin's award rule."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from core import clock
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


# --- a unit's history across the years a rule needs -------------------------------------------


def year(value, classification=None, atantt=None, result=True, bands=None):
    found = UnitResult(uuid.uuid4(), "Phường A", "ward", "/x/", "approved", 90.0, classification, False,
                       {} if atantt is None else {"atantt": atantt}) if result else None
    return eligibility.YearResult(value, found, BANDS if bands is None else bands, True)


def over(*years) -> eligibility.Subject:
    return eligibility.Subject(award_key="co-thi-dua-tp", subject="collective", unit_id=uuid.uuid4(),
                               unit_kind="ward", bands=BANDS, history=years)


def test_a_rule_over_several_years_names_each_year_that_fails_or_is_missing():
    rule = award(requires={"top_band": True, "years": 3, "standards": ["atantt"]})
    every = eligibility.hints(rule, over(year(2024, "Xuất sắc", True), year(2025, "Xuất sắc", True),
                                         year(2026, "Xuất sắc", True)))
    assert [(h.rule, h.met, h.failing, h.missing) for h in every] == [
        ("top_band", True, (), ()), ("standard:atantt", True, (), ())]
    assert every[0].message == "Đơn vị được xếp loại Xuất sắc các năm 2024, 2025, 2026."

    # One year below the top band fails the rule, whatever the other years say; the year is named.
    failing = eligibility.hints(rule, over(year(2024, "Xuất sắc", True), year(2025, "Khá", False),
                                           year(2026, None, result=False)))
    assert [(h.rule, h.met, h.failing, h.missing) for h in failing] == [
        ("top_band", False, (2025,), (2026,)), ("standard:atantt", False, (2025,), (2026,))]
    assert failing[0].message == ("Năm 2025 đơn vị được xếp loại Khá, chưa đạt Xuất sắc. Chưa có kết quả "
                                  "xếp loại của đơn vị năm 2026 (cần: Xuất sắc).")
    assert failing[1].message == ("Năm 2025 chưa đạt tiêu chuẩn «An toàn về ANTT». Chưa có kết quả tiêu "
                                  "chuẩn «An toàn về ANTT» năm 2026.")

    # Only missing years: unknown, naming them; a year without a period has no bands to judge by.
    unknown = eligibility.hints(rule, over(year(2024, result=False, bands=[]), year(2025, "Xuất sắc", True),
                                           year(2026, "Xuất sắc", None)))
    assert [(h.rule, h.met, h.failing, h.missing) for h in unknown] == [
        ("top_band", None, (), (2024,)), ("standard:atantt", None, (), (2024, 2026))]
    assert unknown[0].message == "Chưa có kết quả xếp loại của đơn vị năm 2024 (cần: Xuất sắc)."


def test_an_english_hint_names_the_bands_in_english(app):
    """The classification bands are named in the page's language, as the reports' pages name them
    ("Good", "Excellent"); a band an admin named keeps its name."""
    from flask_babel import force_locale

    rule = award(requires={"top_band": True, "years": 2})
    with app.test_request_context("/"), force_locale("en"):
        failing = eligibility.hints(rule, over(year(2025, "Khá"), year(2026, "Xuất sắc")))
        single = eligibility.hints(award(requires={"top_band": True}), subject("Khá"))
        renamed = eligibility.hints(rule, over(year(2025, "Hoàn thành xuất sắc", bands=[
            {"name": "Hoàn thành xuất sắc", "min": 90}, {"name": "Hoàn thành", "min": 0}]),
            year(2026, "Xuất sắc")))
    assert failing[0].message == "In 2025 the unit was classified Good, short of Excellent."
    assert single[0].message == "The unit is classified Good, not Excellent."
    assert renamed[0].message == "The unit was classified Hoàn thành xuất sắc, Excellent in 2025, 2026."
    for hint in (*failing, *single):
        assert "Khá" not in hint.message and "Xuất sắc" not in hint.message


def test_each_year_is_judged_on_its_own_periods_bands():
    renamed = [{"name": "Hoàn thành xuất sắc", "min": 90}, {"name": "Hoàn thành", "min": 0}]
    rule = award(requires={"top_band": True, "years": 2})
    hints = eligibility.hints(rule, over(year(2025, "Hoàn thành xuất sắc", bands=renamed),
                                         year(2026, "Xuất sắc")))
    assert [(h.met, h.failing) for h in hints] == [(True, ())]
    assert hints[0].message == "Đơn vị được xếp loại Hoàn thành xuất sắc, Xuất sắc các năm 2025, 2026."


def _annual(db, app, world, year_value):
    """An open annual period of the city covering ``year_value`` that asks wards for the
    plugin's set (closing it freezes the wards' results)."""
    from core.plugins.manager import plugin_host
    from core.plugins.operations import configure_period

    access = SystemAccess(db=db, user=None)
    opens = datetime(year_value, 11, 1, tzinfo=UTC)
    period = period_ops.create(db, access, world.tenant("ha-noi"), {
        "key": f"{year_value}-nam", "kind": "annual", "title": f"Báo cáo năm {year_value}",
        "window_start": date(year_value, 1, 1), "window_end": date(year_value, 12, 31),
        "opens_at": opens, "due_at": opens + timedelta(days=30), "city_due_at": opens + timedelta(days=40),
        "closes_at": opens + timedelta(days=60)})
    configure_period(db, access, plugin_host(app), period,
                     [{"key": "awd.safety", "tenant_kinds": ["ward", "commune"], "weight": 1.0}])
    period_ops.transition(db, access, period, period_models.OPEN)
    return period


def test_a_five_year_award_reads_each_years_results_from_the_closed_snapshots(acting, awards_world, db, app):
    world = awards_world
    ward = world.tenant("ward-a")
    last = clock.today().year - 1
    with app.app_context():
        system = SystemAccess(db=db, user=None)
        for value, band, atantt in ((last - 4, "Xuất sắc", True), (last - 3, "Xuất sắc", True),
                                    (last - 1, "Khá", True), (last, "Xuất sắc", True)):
            period = _annual(db, app, world, value)
            _report(db, ward.id, period.id, band, 95.0, atantt)
            db.flush()
            if value != last:
                period_ops.transition(db, system, period, period_models.CLOSED)
        # Once a year's period is closed, a later change of its live report does not count.
        db.flush()
        db.execute(Submission.__table__.update().where(
            Submission.tenant_id == ward.id, Submission.period_id == db.scalar(
                select(ReportingPeriod.id).where(ReportingPeriod.key == f"{last - 1}-nam")))
            .values(classification="Xuất sắc"))
        now = clock.now_in_hanoi()
        summary = period_ops.create(db, system, world.tenant("ha-noi"), {
            "key": "tong-ket", "kind": "summary", "title": "Tổng kết 5 năm phong trào",
            "window_start": date(last - 4, 1, 1), "window_end": date(last, 12, 31),
            "opens_at": now - timedelta(days=1), "due_at": now + timedelta(days=10),
            "city_due_at": now + timedelta(days=20), "closes_at": now + timedelta(days=30)})
        period_ops.transition(db, system, summary, period_models.OPEN)
        db.commit()

    session, access = acting("ward_head")
    period = session.get(ReportingPeriod, summary.id)
    assert ops.period_years(period) == list(range(last - 4, last + 1))
    dossier_id = ops.create(session, access, period, session.get(Tenant, ward.id), "Thành tích")
    ops.add_nominee(session, access, period, dossier_id,
                    {"subject": "collective", "award": "co-thi-dua-tp", "unit": ward.id})
    session.commit()
    hints = {h.rule: h for h in ops.describe(session, access, period, dossier_id)["nominees"][0]["hints"]}
    # The year before last reads its frozen «Khá»; the year in the middle had no period at all;
    # the last year's period is still open, so its live result counts.
    assert (hints["top_band"].met, hints["top_band"].failing, hints["top_band"].missing) == (
        False, (last - 1,), (last - 2,))
    assert hints["top_band"].message == (
        f"Năm {last - 1} đơn vị được xếp loại Khá, chưa đạt Xuất sắc. Chưa có kết quả xếp loại của đơn "
        f"vị năm {last - 2} (cần: Xuất sắc).")
    assert sorted(hints) == ["cluster_rank", "top_band"]


def test_an_annual_award_without_years_reads_only_the_rounds_year():
    rule = award(requires={"top_band": True})
    assert ops.needed_years(ReportingPeriod(kind="annual"), rule) == []
    found = eligibility.hints(rule, subject("Xuất sắc"))
    assert [(h.met, h.failing, h.missing, h.message) for h in found] == [
        (True, (), (), "Đơn vị được xếp loại Xuất sắc.")]
