"""A table's reach beyond unit kinds (chosen units, a cluster), the units' own targets, copying
another owner's table with its consent, the leader option scored in the unit's cluster, and
classification bands on the table's own scale."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.audit.models import AuditEntry
from core.criteria_defs.models import CriteriaDefinition, CriteriaTarget
from core.periods import models as period_models
from core.periods import operations as period_ops
from core.periods.models import ReportingPeriod
from core.users.access import SystemAccess

from .kit import rows
from .test_api import FILLED, enable, error_of, report_url, upload, ward_period

QUANTITATIVE = "c_i_1_1_1_a_1"  # «Số buổi tuyên truyền»: 40 points, target 10


@pytest.fixture
def thidua_config():
    return {"THIDUA_PLUGINS": "defined_criteria"}


def table_url(world, key: str = "an_ninh", owner: str = "ward-a") -> str:
    return f"/api/v1/tenants/{world.tenant(owner).id}/criteria-sets/{key}"


def sets_of(client, period, world, slug: str) -> list[str]:
    answer = client.get(f"/api/v1/periods/{period.id}/criteria-sets?tenant={world.tenant(slug).id}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return [item["key"] for item in answer.get_json()["criteria_sets"]]


def new_cluster(client, world, owner: str, members: list[str]) -> str:
    made = client.post("/api/v1/clusters", json={
        "name": f"Cụm {owner} {len(members)}", "owner": str(world.tenant(owner).id), "kind": "cum",
        "members": [str(world.tenant(m).id) for m in members]})
    assert made.status_code == 201, made.get_data(as_text=True)
    return made.get_json()["id"]


def test_a_table_for_chosen_units_is_filled_by_them_only(api_as, world, db):
    period = ward_period(db, world)
    admin = api_as("ward_admin")
    set_key = upload(admin, world).get_json()["set_key"]
    assert enable(admin, period, set_key).status_code == 200
    assert sets_of(admin, period, world, "school-a2") == [set_key]
    chosen = admin.patch(table_url(world), json={"unit_ids": [str(world.tenant("school-a1").id)]})
    assert chosen.status_code == 200, chosen.get_data(as_text=True)
    assert chosen.get_json()["unit_ids"] == [str(world.tenant("school-a1").id)]
    assert sets_of(admin, period, world, "school-a1") == [set_key]
    assert sets_of(admin, period, world, "school-a2") == []
    saved = api_as("a1_reporter").put(report_url(world, period),
                                      json={"version": 0, "sections": {set_key: FILLED}})
    assert saved.status_code == 200 and saved.get_json()["self_score"] == 115
    # Back to every unit of the kinds.
    assert admin.patch(table_url(world), json={"unit_ids": []}).get_json()["unit_ids"] == []
    assert sets_of(admin, period, world, "school-a2") == [set_key]
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "criteria_set.configure")
                      .order_by(AuditEntry.at))
    assert entry.changes["unit_ids"] == [[], [str(world.tenant("school-a1").id)]]


def test_a_table_for_a_cluster_is_filled_by_its_members(api_as, world, db):
    period = ward_period(db, world)
    admin = api_as("ward_admin")
    set_key = upload(admin, world).get_json()["set_key"]
    enable(admin, period, set_key)
    cluster = new_cluster(admin, world, "ward-a", ["school-a2"])
    answer = admin.patch(table_url(world), json={"cluster_id": cluster})
    assert answer.status_code == 200 and answer.get_json()["cluster_id"] == cluster
    assert sets_of(admin, period, world, "school-a1") == []
    assert sets_of(admin, period, world, "school-a2") == [set_key]


def test_reach_stays_within_the_owners_subtree(api_as, world, db):
    admin = api_as("ward_admin")
    upload(admin, world)
    outside = admin.patch(table_url(world), json={"unit_ids": [str(world.tenant("enterprise-b1").id)]})
    assert outside.status_code == 422 and list(error_of(outside)["fields"]) == ["unit_ids"]
    itself = admin.patch(table_url(world), json={"unit_ids": [str(world.tenant("ward-a").id)]})
    assert itself.status_code == 422 and list(error_of(itself)["fields"]) == ["unit_ids"]
    theirs = new_cluster(api_as("commune_admin"), world, "commune-b", ["enterprise-b1"])
    foreign = admin.patch(table_url(world), json={"cluster_id": theirs})
    assert foreign.status_code == 422 and list(error_of(foreign)["fields"]) == ["cluster_id"]
    above = new_cluster(api_as("city_admin"), world, "ha-noi", ["ward-a", "commune-b"])
    above_answer = admin.patch(table_url(world), json={"cluster_id": above})
    assert list(error_of(above_answer)["fields"]) == ["cluster_id"]
    own = new_cluster(admin, world, "ward-a", ["school-a1"])
    both = admin.patch(table_url(world), json={"cluster_id": own,
                                               "unit_ids": [str(world.tenant("school-a2").id)]})
    assert both.status_code == 422 and list(error_of(both)["fields"]) == ["cluster_id"]
    assert admin.patch(table_url(world), json={"unit_ids": ["khong-phai-ma"]}).status_code == 422
    assert api_as("commune_admin").patch(table_url(world), json={"published": True}).status_code == 404
    assert api_as("ward_reporter").patch(table_url(world), json={"published": True}).status_code == 403
    assert admin.patch(table_url(world, "khong_co"), json={"published": True}).status_code == 404
    stored = db.scalar(select(CriteriaDefinition))
    assert (stored.unit_ids, stored.cluster_id, stored.published) == ([], None, False)


def test_a_units_own_target_scores_its_quantitative_row(api_as, world, db):
    period = ward_period(db, world)
    admin = api_as("ward_admin")
    set_key = upload(admin, world).get_json()["set_key"]
    enable(admin, period, set_key)
    a1, a2 = str(world.tenant("school-a1").id), str(world.tenant("school-a2").id)
    put = admin.put(table_url(world) + "/targets", json={"targets": [
        {"unit_id": a1, "field": QUANTITATIVE, "target": 5},
        {"unit_id": a2, "field": QUANTITATIVE, "target": 20}]})
    assert put.status_code == 200, put.get_data(as_text=True)
    body = put.get_json()
    assert body["version"] == 1 and body["changed"] == 2
    assert [(t["unit_name"], t["code"], t["target"], t["default"]) for t in body["targets"]] == [
        ("Trường THCS A1", "-", 5, 10), ("Trường THCS A2", "-", 20, 10)]
    # 5 sessions: the whole 40 against A1's own 5, 10 against A2's 20 (20 against the row's 10).
    for slug, user, expected in (("school-a1", "a1_reporter", 40 + 95),
                                 ("school-a2", "a2_reporter", 10 + 95)):
        saved = api_as(user).put(report_url(world, period, slug),
                                 json={"version": 0, "sections": {set_key: FILLED}})
        assert saved.status_code == 200 and saved.get_json()["self_score"] == expected
    # The unit's report shows its own target beside the criterion.
    shown = api_as("a1_reporter").get(report_url(world, period)).get_json()["sections"][0]
    assert shown["targets"] == {QUANTITATIVE: 5}
    # Just under A1's own target.
    saved = api_as("a1_reporter").put(report_url(world, period), json={
        "version": 1, "sections": {set_key: {**FILLED, QUANTITATIVE: 4.5}}})
    assert saved.get_json()["self_score"] == 36 + 95
    # null goes back to the row's target.
    back = admin.put(table_url(world) + "/targets", json={"targets": [
        {"unit_id": a1, "field": QUANTITATIVE, "target": None}]})
    assert back.get_json()["changed"] == 1 and len(back.get_json()["targets"]) == 1
    saved = api_as("a1_reporter").put(report_url(world, period), json={
        "version": 2, "sections": {set_key: {**FILLED, QUANTITATIVE: 5}}})
    assert saved.get_json()["self_score"] == 20 + 95
    assert db.scalar(select(AuditEntry.changes).where(AuditEntry.action == "criteria_set.targets")
                     .order_by(AuditEntry.at))[f"{a1}:{QUANTITATIVE}"] == [None, 5.0]


def test_targets_are_refused_by_field_and_kept_for_a_closed_period(api_as, world, db):
    period = ward_period(db, world)
    admin = api_as("ward_admin")
    set_key = upload(admin, world).get_json()["set_key"]
    enable(admin, period, set_key)
    a1 = str(world.tenant("school-a1").id)
    wrong = admin.put(table_url(world) + "/targets", json={"targets": [
        {"unit_id": a1, "field": QUANTITATIVE, "target": 0},
        {"unit_id": a1, "field": "c_ii", "target": 3},
        {"unit_id": str(world.tenant("enterprise-b1").id), "field": QUANTITATIVE, "target": 3},
        {"unit_id": a1, "field": QUANTITATIVE, "target": -1}]})
    assert wrong.status_code == 422
    assert set(error_of(wrong)["fields"]) == {"targets.0.target", "targets.1.field", "targets.2.unit_id",
                                               "targets.3.target"}
    # A unit outside the table's chosen units has no target in it.
    admin.patch(table_url(world), json={"unit_ids": [str(world.tenant("school-a2").id)]})
    outside = admin.put(table_url(world) + "/targets", json={"targets": [
        {"unit_id": a1, "field": QUANTITATIVE, "target": 3}]})
    assert outside.status_code == 422 and list(error_of(outside)["fields"]) == ["targets.0.unit_id"]
    admin.patch(table_url(world), json={"unit_ids": []})
    assert api_as("ward_reporter").put(table_url(world) + "/targets", json={"targets": []}).status_code == 403
    assert api_as("commune_admin").put(table_url(world) + "/targets", json={"targets": []}).status_code == 404
    assert api_as("commune_admin").get(table_url(world) + "/targets").status_code == 404
    assert api_as("ward_reviewer").get(table_url(world) + "/targets").status_code == 200
    done = db.get(ReportingPeriod, period.id)
    period_ops.transition(db, SystemAccess(db=db, user=None), done, period_models.CLOSED)
    db.commit()
    closed = admin.put(table_url(world) + "/targets", json={"targets": [
        {"unit_id": a1, "field": QUANTITATIVE, "target": 3}]})
    assert closed.status_code == 409
    assert db.scalar(select(CriteriaTarget.id)) is None


def test_another_owners_table_is_copied_only_once_published(api_as, world, db):
    ward = api_as("ward_admin")
    set_key = upload(ward, world).get_json()["set_key"]
    copy = f"/api/v1/tenants/{world.tenant('commune-b').id}/criteria-sets/copy"
    commune = api_as("commune_admin")
    body = {"source": set_key, "key": "tu_phuong_a", "title": "Bảng của xã, theo phường A"}
    assert commune.post(copy, json=body).status_code == 404
    assert ward.patch(table_url(world), json={"published": True}).get_json()["published"] is True
    copied = commune.post(copy, json=body)
    assert copied.status_code == 201, copied.get_data(as_text=True)
    made = copied.get_json()
    assert made["version"] == 1 and made["set_key"] == f"d{world.tenant('commune-b').id.hex}.tu_phuong_a"
    assert made["nodes"] == 10 and made["maximum"] == 150
    mine = db.scalar(select(CriteriaDefinition).where(CriteriaDefinition.set_key == made["set_key"]))
    assert mine.tenant_id == world.tenant("commune-b").id and mine.published is False
    # Consent withdrawn: no more copies.
    ward.patch(table_url(world), json={"published": False})
    assert commune.post(copy, json={**body, "key": "lan_hai"}).status_code == 404
    # The copy is the commune's: the ward neither reads nor enables it.
    assert ward.get(table_url(world, "tu_phuong_a", "commune-b") + ".xlsx").status_code == 404


LEADER_TABLE = [
    {"Mã": "1.", "Cấp": 1, "Tên tiêu chí": "Số buổi tuyên truyền", "Điểm tối đa": 60, "Loại": "Định lượng",
     "Đơn vị tính": "buổi", "Chỉ tiêu": 10, "So với dẫn đầu cụm": "Có"},
    {"Mã": "2.", "Cấp": 1, "Tên tiêu chí": "Ban hành kế hoạch", "Điểm tối đa": 40, "Loại": "Định tính"},
]


def test_the_leader_option_scores_against_the_best_of_the_unit_cluster(api_as, world, db):
    period = ward_period(db, world)
    admin = api_as("ward_admin")
    answer = upload(admin, world, LEADER_TABLE, key="tuyen_truyen")
    assert answer.status_code == 201, answer.get_data(as_text=True)
    set_key = answer.get_json()["set_key"]
    enable(admin, period, set_key)
    admin.put(table_url(world, "tuyen_truyen") + "/targets", json={"targets": [
        {"unit_id": str(world.tenant("school-a2").id), "field": "c_1", "target": 20}]})
    for slug, user, head, sessions in (("school-a1", "a1_reporter", "a1_head", 8),
                                       ("school-a2", "a2_reporter", "a2_head", 12)):
        saved = api_as(user).put(report_url(world, period, slug), json={
            "version": 0, "sections": {set_key: {"c_1": sessions, "c_2": True}}})
        assert saved.status_code == 200, saved.get_data(as_text=True)
        sent = api_as(head).post(report_url(world, period, slug) + "/submit", json={"version": 1})
        assert sent.status_code == 200, sent.get_data(as_text=True)
    cluster = new_cluster(admin, world, "ward-a", ["school-a1", "school-a2"])
    ranking = admin.get(f"/api/v1/clusters/{cluster}/ranking?period={period.id}").get_json()
    found = {row["unit"]["name"]: row for row in ranking["rows"]}
    a1, a2 = found["Trường THCS A1"], found["Trường THCS A2"]
    # Own rule: A1 60 × 8/10 = 48, A2 60 × 12/20 = 36 (its own target), plus 40 each.
    assert (a1["report_score"], a2["report_score"]) == (88, 76)
    # Leader rule: A1 leads with 0,8 and takes the 60; A2 gets 60 × 0,6 ÷ 0,8 = 45.
    assert (a1["score"], a2["score"]) == (100, 85) and (a1["rank"], a2["rank"]) == (1, 2)
    assert a1["standings"][0]["leader"] is True and a2["standings"][0]["target"] == 20
    assert ranking["final"] is False and a1["provisional"] is True
    template = admin.get(table_url(world, "tuyen_truyen") + ".xlsx")
    sheet = load_workbook(BytesIO(template.data))["Tiêu chí"]
    header = [cell.value for cell in sheet[1]]
    assert header[-1] == "So với dẫn đầu cụm"
    assert [row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Có", None]


def test_the_leader_option_on_another_type_is_refused_by_row_and_column(api_as, world):
    answer = upload(api_as("ward_admin"), world, rows((1, "So với dẫn đầu cụm", "Có"), base=LEADER_TABLE))
    assert answer.status_code == 422
    assert list(error_of(answer)["fields"]) == ["Dòng 3, cột «So với dẫn đầu cụm»"]


@pytest.mark.parametrize(("self_scored", "met", "score", "band"), [
    (15, True, 115, "Khá"),          # 76,7 % of 150
    (5, True, 105, "Khá"),           # 70 % exactly
    (4.99, True, 104.99, "Trung bình"),
    (15, False, 65, "Yếu"),          # 43,3 %: under 50 % of 150, though above 50 points
])
def test_a_tables_report_is_classified_on_the_tables_own_scale(api_as, world, db, self_scored, met, score,
                                                                band):
    period = ward_period(db, world)
    admin = api_as("ward_admin")
    set_key = upload(admin, world).get_json()["set_key"]
    enable(admin, period, set_key)
    values = {**FILLED, "c_i_1_1_1_a_3": self_scored, "c_ii": met}
    saved = api_as("a1_reporter").put(report_url(world, period),
                                      json={"version": 0, "sections": {set_key: values}})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    body = saved.get_json()
    assert body["self_score"] == score and body["classification"] == band
    assert api_as("a1_reporter").get(report_url(world, period)).get_json()["sections"][0]["maximum"] == 150
