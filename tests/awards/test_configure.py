"""``PATCH /api/v1/award-types/<key>``: the city's admin decides which kinds of unit may propose
an award and its quotas; the change applies to the next nomination and is audited."""

from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEntry
from tests.api.helpers import error_of
from tests.awards.test_api import base, opened

TYPES = "/api/v1/award-types"
AWARD = "giay-khen-cong-an-tp"


def nominate(api, world, url):
    return api("ward_head").post(f"{url}/nominees", json={
        "subject": "individual", "award": AWARD, "unit": str(world.tenant("ward-a").id),
        "person_name": "Lê Thị Hoa", "person_position": "Công an viên"})


def stored(api, key=AWARD) -> dict:
    items = api("ward_reporter").get(TYPES).get_json()["items"]
    return next(item for item in items if item["key"] == key)


def test_the_city_admin_decides_who_may_propose_and_the_quotas(api_as, awards_world, db):
    world = awards_world
    kinds = stored(api_as)["proposer_kinds"]
    assert "ward" in kinds
    without_wards = sorted(set(kinds) - {"ward"})
    changed = api_as("city_admin").patch(f"{TYPES}/{AWARD}", json={
        "proposer_kinds": without_wards, "quota": {"max_individuals": 3, "max_share": 0.25}})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["proposer_kinds"] == without_wards
    assert changed.get_json()["quota"] == {"max_individuals": 3, "max_share": 0.25}
    # A ward may no longer propose it.
    url = f"{base(world)}/{opened(api_as, world)['id']}"
    refused = nominate(api_as, world, url)
    assert refused.status_code == 422 and list(error_of(refused)["fields"]) == ["award"]
    # Null lifts one cap and leaves the other; wards may propose it again.
    again = api_as("city_admin").patch(f"{TYPES}/{AWARD}", json={
        "proposer_kinds": kinds, "quota": {"max_share": None}})
    assert again.get_json()["quota"] == {"max_individuals": 3}
    assert nominate(api_as, world, url).status_code == 201
    db.rollback()
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "award_type.configure")
                         .order_by(AuditEntry.seq)).all()
    assert [e.object_id for e in entries] == [AWARD, AWARD]
    assert entries[0].changes["proposer_kinds"] == [kinds, without_wards]


def test_only_the_city_admin_configures_and_values_are_checked(api_as, awards_world):
    for user in ("ward_admin", "city_viewer", "police_reviewer"):
        answer = api_as(user).patch(f"{TYPES}/{AWARD}", json={"active": False})
        assert answer.status_code == 403, user
    assert stored(api_as)["key"] == AWARD  # still offered
    admin = api_as("city_admin")
    assert admin.patch(f"{TYPES}/no-such-award", json={"active": False}).status_code == 404
    for body, field in (({"quota": {"max_share": 1.5}}, "quota.max_share"),
                        ({"quota": {"max_individuals": -1}}, "quota.max_individuals"),
                        ({"proposer_kinds": ["Phường A"]}, "proposer_kinds.0"),
                        ({"proposer_kinds": ["martian"]}, "proposer_kinds"),
                        ({"proposer_kinds": []}, "proposer_kinds"),
                        ({"colour": "gold"}, "colour")):
        answer = admin.patch(f"{TYPES}/{AWARD}", json=body)
        assert answer.status_code == 422 and field in error_of(answer)["fields"], (body, answer.get_json())


def test_an_award_withdrawn_is_no_longer_offered(api_as, awards_world):
    assert api_as("city_admin").patch(f"{TYPES}/{AWARD}", json={"active": False}).status_code == 200
    keys = [item["key"] for item in api_as("ward_reporter").get(TYPES).get_json()["items"]]
    assert AWARD not in keys and len(keys) == 7


def test_the_city_admin_names_which_units_head_grants_an_award(api_as, awards_world):
    assert stored(api_as, "giay-khen-xa-phuong")["issuer_kinds"] == ["ward", "commune"]
    assert stored(api_as)["issuer_kinds"] == []
    unknown = api_as("city_admin").patch(f"{TYPES}/{AWARD}", json={"issuer_kinds": ["planet"]})
    assert unknown.status_code == 422 and list(error_of(unknown)["fields"]) == ["issuer_kinds"]
    assert api_as("ward_admin").patch(f"{TYPES}/{AWARD}", json={"issuer_kinds": ["ward"]}).status_code == 403
    changed = api_as("city_admin").patch(f"{TYPES}/{AWARD}", json={"issuer_kinds": ["ward"]})
    assert changed.status_code == 200 and changed.get_json()["issuer_kinds"] == ["ward"]
    cleared = api_as("city_admin").patch(f"{TYPES}/{AWARD}", json={"issuer_kinds": []})
    assert cleared.status_code == 200 and cleared.get_json()["issuer_kinds"] == []


def test_a_quota_is_never_truncated_and_text_is_read_the_vietnamese_way(api_as, awards_world):
    """A count with a fraction answers 422 (marshmallow alone would keep 2 of 2.5); a count
    or a share sent as text reads as everywhere else: "1.500" is 1500, "0,25" is a quarter."""
    admin = api_as("city_admin")
    before = stored(api_as)["quota"]
    for body, field in (({"quota": {"max_individuals": 2.5}}, "quota.max_individuals"),
                        ({"quota": {"max_collectives": "2,5"}}, "quota.max_collectives"),
                        ({"quota": {"max_share": "0.25"}}, "quota.max_share")):  # 0,25 or 25? refused
        answer = admin.patch(f"{TYPES}/{AWARD}", json=body)
        assert answer.status_code == 422, (body, answer.get_json())
        assert field in error_of(answer)["fields"], answer.get_json()
    assert stored(api_as)["quota"] == before
    answer = admin.patch(f"{TYPES}/{AWARD}", json={
        "quota": {"max_individuals": "1.500", "max_collectives": 4.0, "max_share": "0,25"}})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["quota"] == {"max_individuals": 1500, "max_collectives": 4, "max_share": 0.25}
