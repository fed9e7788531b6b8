"""Clusters (cụm, khối thi đua): managed by an admin of the owner over units below it, read by the
owner's subtree roles and, as a published ranking, by the members' own staff; ranked with ties
shared; the leader rule; frozen when the period closes; loaded from the directory file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.clusters import leader
from core.clusters.models import Cluster, ClusterResult
from core.periods import operations as period_ops
from core.periods.models import ReportingPeriod
from core.tenants.directory import DirectoryError, load_file, load_text
from core.testing.fixtures import csrf_token_from
from core.users.access import SystemAccess

from .flow import report

HANOI = Path(__file__).parents[2] / "tenants" / "hanoi.yaml"


def create(client, world, name: str, owner: str, members: list[str], status: int = 201) -> dict:
    body = {"name": name, "owner": str(world.tenant(owner).id), "kind": "cum",
            "members": [str(world.tenant(m).id) for m in members]}
    response = client.post("/api/v1/clusters", json=body)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_an_admin_defines_a_cluster_of_units_below_its_unit(report_world, api_as, db):
    city = api_as("city_admin")
    made = create(city, report_world, "Cụm các phường, xã thí điểm", "ha-noi", ["ward-a", "commune-b"])
    assert [m["name"] for m in made["members"]] == ["Phường A", "Xã B"]
    assert made["slug"] == "cum-cac-phuong-xa-thi-diem"
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "cluster.create")) is not None
    outside = create(api_as("ward_admin"), report_world, "Cụm sai", "ward-a",
                     ["school-a1", "enterprise-b1"], 422)
    assert "members" in outside["error"]["fields"]
    create(api_as("ward_reviewer"), report_world, "Cụm của người thẩm định", "ward-a", ["school-a1"], 403)
    cluster_id = made["id"]
    assert api_as("city_viewer").get(f"/api/v1/clusters/{cluster_id}").status_code == 200
    # The members' own staff read their cluster, and change nothing in it.
    for member_staff in ("ward_admin", "commune_admin", "ward_reporter"):
        assert api_as(member_staff).get(f"/api/v1/clusters/{cluster_id}").status_code == 200
        assert api_as(member_staff).delete(f"/api/v1/clusters/{cluster_id}").status_code == 403
    for outsider in ("a1_head", "edu_reviewer"):
        assert api_as(outsider).get(f"/api/v1/clusters/{cluster_id}").status_code == 404
        assert api_as(outsider).delete(f"/api/v1/clusters/{cluster_id}").status_code == 404
    ward = str(report_world.tenant("ward-a").id)
    changed = city.put(f"/api/v1/clusters/{cluster_id}",
                       json={"name": "Cụm thí điểm", "kind": "khoi", "members": [ward]})
    assert changed.status_code == 200 and [m["name"] for m in changed.get_json()["members"]] == ["Phường A"]
    assert api_as("city_viewer").put(f"/api/v1/clusters/{cluster_id}", json={"name": "x"}).status_code == 403
    assert city.delete(f"/api/v1/clusters/{cluster_id}").status_code == 204
    assert city.get(f"/api/v1/clusters/{cluster_id}").status_code == 404


def test_equal_scores_share_a_rank_and_the_next_rank_is_skipped():
    order = leader.ranks([("a", 90.0), ("b", 80.004), ("c", 80.0), ("d", 70.0), ("e", None)])
    assert order == {"a": 1, "b": 2, "c": 2, "d": 4, "e": None}


def test_the_leader_earns_the_points_and_the_others_in_proportion():
    entries = {"a": (30, 20), "b": (15, 20), "c": (10, 0), "d": (5, None), "e": (None, 10)}
    result = leader.standings(entries, 40)
    assert result["a"].points == 40 and result["a"].leader and result["a"].ratio == 1.5
    assert result["b"].points == pytest.approx(20.0)  # 0.75 ÷ 1.5 of the points
    # Units without a target are compared among themselves on the actual value.
    assert result["c"].points == 40 and result["c"].leader and result["d"].points == 20
    assert result["e"].points == 0 and not result["e"].leader


def _ranking(client, cluster_id: str, world) -> dict:
    response = client.get(f"/api/v1/clusters/{cluster_id}/ranking?period={world.period.id}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_ranking_is_provisional_then_frozen_at_closing(report_world, db, host, api_as, app):
    city = api_as("city_admin")
    made = create(city, report_world, "Cụm trường học", "ha-noi", ["school-a1", "school-a2", "enterprise-b1"])
    report(db, host, report_world, "school-a1", safety={"trained": 15})
    report(db, host, report_world, "school-a2", until="submitted", safety={"trained": 15})
    body = _ranking(city, made["id"], report_world)
    assert body["final"] is False
    rows = [(r["unit"]["name"], r["rank"], r["provisional"]) for r in body["rows"]]
    # Equal scores share the first rank; the unit without a report comes last, unranked.
    assert rows == [("Trường THCS A1", 1, False), ("Trường THCS A2", 1, True), ("Công ty B1", None, True)]
    period = db.get(ReportingPeriod, report_world.period.id)
    with app.app_context():
        period_ops.transition(db, SystemAccess(db=db, user=None), period, "closed")
    db.commit()
    frozen = _ranking(city, made["id"], report_world)
    assert frozen["final"] is True and frozen["computed_at"]
    # At closing only approved reports count.
    assert [(r["unit"]["name"], r["rank"]) for r in frozen["rows"]] == [
        ("Trường THCS A1", 1), ("Công ty B1", None), ("Trường THCS A2", None)]
    assert len(db.scalars(select(ClusterResult)).all()) == 3
    with app.app_context():
        period_ops.transition(db, SystemAccess(db=db, user=None), period, "open", reason="Bổ sung số liệu")
    db.commit()
    assert _ranking(city, made["id"], report_world)["final"] is False
    assert db.scalars(select(ClusterResult)).all() == []


@pytest.mark.thidua_plugins("rpt", "pnl")
def test_a_leader_rule_criterion_is_scored_against_the_best_of_the_cluster(report_world, db, host, api_as,
                                                                          enable_criteria_sets):
    from core.reports import operations as report_ops
    from core.tenants.models import Tenant

    enable_criteria_sets("pnl.patrol", kinds=["school"])
    access = SystemAccess(db=db, user=None)
    period = db.get(ReportingPeriod, report_world.period.id)
    for slug, patrols in (("school-a1", 30), ("school-a2", 15)):
        tenant = db.get(Tenant, report_world.tenant(slug).id)
        report_ops.save_draft(db, access, host, tenant, period, 0, {
            "pnl.patrol": {"patrols": patrols, "patrols_target": 20, "hotline": True}})
        report_ops.submit(db, access, host, tenant, period)
    db.commit()
    city = api_as("city_admin")
    made = create(city, report_world, "Cụm trường", "ha-noi", ["school-a1", "school-a2"])
    rows = {r["unit"]["name"]: r for r in _ranking(city, made["id"], report_world)["rows"]}
    a1, a2 = rows["Trường THCS A1"], rows["Trường THCS A2"]
    # Both reports score 100 by the default rule; the leader rule gives A2 half the 40 points.
    assert a1["report_score"] == a2["report_score"] == 100.0
    assert a1["score"] == 100.0 and a2["score"] == 80.0
    assert (a1["rank"], a2["rank"]) == (1, 2)
    assert a1["standings"][0]["leader"] is True and a2["standings"][0]["points"] == 20.0
    assert a2["standings"][0]["ratio"] == 0.75 and a2["standings"][0]["target"] == 20


def test_the_directory_file_loads_hanoi_clusters(db, app):
    with app.app_context():
        report = load_file(db, HANOI)
    assert (report.clusters_created, report.clusters_updated) == (6, 0)
    clusters = {c.slug: c for c in db.scalars(select(Cluster))}
    assert clusters["khoi-cac-so-ban-nganh"].kind == "khoi"
    with app.app_context():
        again = load_file(db, HANOI)
    assert (again.clusters_created, again.clusters_updated) == (0, 0)


def test_a_cluster_member_outside_its_owner_is_refused_with_its_line(db, app):
    text = """
version: 1
tenants:
  - {name: "Thành phố", slug: tp, kind: city, children: [
      {name: "Phường Một", slug: p-mot, kind: ward, children: [
        {name: "Trường Một", slug: t-mot, kind: school}]},
      {name: "Phường Hai", slug: p-hai, kind: ward}]}
clusters:
  - slug: cum-sai
    name: "Cụm sai"
    owner: p-mot
    members: [t-mot, p-hai]
"""
    with app.app_context(), pytest.raises(DirectoryError) as error:
        load_text(db, text)
    assert error.value.problems[0].line == 9 and "p-hai" in error.value.problems[0].reason
    assert db.scalars(select(Cluster)).all() == []


def test_clusters_on_the_web(report_world, client_as):
    client = client_as("city_admin")
    page = client.get("/clusters")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Lập cụm thi đua mới" in html
    members = [str(report_world.tenant(s).id) for s in ("ward-a", "commune-b")]
    refused = client.post("/clusters", data={"name": "Cụm A", "members": members})
    assert refused.status_code == 400  # no CSRF token
    made = client.post("/clusters", data={"name": "Cụm A", "kind": "cum", "members": members,
                                          "csrf_token": csrf_token_from(html)})
    assert made.status_code == 302
    detail = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "Cụm A" in detail and "Phường A" in detail and "Kết quả tạm tính" in detail
    assert client_as("a1_head").get(made.headers["Location"]).status_code == 404


def test_a_wards_staff_see_their_cluster_and_their_place_in_it(report_world, db, host, client_as, api_as):
    """A member's reporter, head or viewer sees the cluster on its home page and dashboard, its
    members and the ranking as published: every unit's rank and score, its own report's details,
    none of the other units' (status, report score, leader-rule figures), and no way to edit."""
    report(db, host, report_world, "ward-a", until="submitted")
    report(db, host, report_world, "commune-b", safety={"trained": 0})
    made = create(api_as("city_admin"), report_world, "Cụm phường, xã số 1", "ha-noi",
                  ["ward-a", "commune-b"])
    reporter = client_as("ward_reporter")
    home = reporter.get("/").get_data(as_text=True)
    assert "Cụm, khối thi đua của Phường A" in home and "Cụm phường, xã số 1" in home
    page = reporter.get(f"/clusters/{made['id']}?period={report_world.period.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Phường A xếp hạng 1 trên 2 đơn vị." in html and "Đơn vị của bạn" in html
    assert "Xã B" in html and "Sửa cụm thi đua" not in html and "Điểm báo cáo" not in html
    # Only the ward's own report is linked; the commune's is not offered.
    assert f"/tenants/{report_world.tenant('ward-a').id}/periods/" in html
    assert f"/tenants/{report_world.tenant('commune-b').id}/periods/" not in html
    listed = reporter.get("/clusters").get_data(as_text=True)
    assert "Cụm phường, xã số 1" in listed and "Đơn vị của bạn là thành viên" in listed
    listing = api_as("ward_reporter").get("/api/v1/clusters").get_json()
    assert [c["name"] for c in listing["items"]] == ["Cụm phường, xã số 1"]
    assert api_as("a1_reporter").get("/api/v1/clusters").get_json()["items"] == []
    body = _ranking(api_as("ward_reporter"), made["id"], report_world)
    rows = {r["unit"]["name"]: r for r in body["rows"]}
    assert [(r["rank"], r["unit"]["name"]) for r in body["rows"]] == [(1, "Phường A"), (2, "Xã B")]
    assert rows["Xã B"]["score"] is not None and rows["Xã B"]["status"] is None
    assert rows["Xã B"]["report_score"] is None and rows["Xã B"]["standings"] == []
    assert rows["Phường A"]["status"] == "submitted" and rows["Phường A"]["report_score"] is not None
    # The ward's dashboard names the cluster too; a unit of another cluster sees nothing of it.
    board = client_as("ward_admin").get(f"/dashboard?period={report_world.period.id}").get_data(as_text=True)
    assert "Cụm phường, xã số 1" in board
    assert client_as("a1_reporter").get(f"/clusters/{made['id']}").status_code == 404
    assert "Cụm phường, xã số 1" not in client_as("a1_reporter").get("/clusters").get_data(as_text=True)


def test_the_cluster_form_offers_a_search_not_every_unit(report_world, db, client_as):
    """The form lists the members chosen and one page of the owner's units found by an accent-free
    search (the unit picker of the admin pages), not all of the owner's units."""
    from core.tenants.models import Tenant
    from core.tenants.operations import count_below, new_tenant
    from core.web.unit_picker import PICKER_SIZE

    ward = db.get(Tenant, report_world.tenant("ward-a").id)
    for n in range(PICKER_SIZE + 10):
        new_tenant(db, name=f"Trường Tiểu học số {n}", kind="school", parent=ward, slug=f"th-{n}")
    db.commit()
    client = client_as("city_admin")
    html = client.get("/clusters").get_data(as_text=True)
    assert 'id="unit-picker"' in html and 'name="unit_q"' in html
    # A full page of the units below the city, counted as the picker says: the city is no choice.
    assert html.count('name="members"') == PICKER_SIZE
    below = count_below(db, db.get(Tenant, report_world.tenant("ha-noi").id))
    assert f"Đơn vị 1–{PICKER_SIZE} trong {below}, cấp trên trước." in html
    found = client.get("/clusters?unit_q=tieu%20hoc%20so%2017").get_data(as_text=True)
    assert "Trường Tiểu học số 17" in found and found.count('name="members"') == 1
    made = client.post("/clusters", data={"name": "Cụm B", "kind": "cum", "csrf_token": csrf_token_from(html),
                                          "members": [str(report_world.tenant("school-a1").id)]})
    detail = client.get(made.headers["Location"] + "?unit_q=xa%20b").get_data(as_text=True)
    boxes = detail[detail.index('class="member-list"'):]
    # The member stays chosen (first), the search adds Xã B unchecked.
    assert boxes.index("Trường THCS A1") < boxes.index("Xã B")
    assert f'value="{report_world.tenant("school-a1").id}" checked' in boxes
    assert f'value="{report_world.tenant("commune-b").id}">' in boxes
    assert f'action="/clusters/{made.headers["Location"].rsplit("/", 1)[-1]}"' in detail
