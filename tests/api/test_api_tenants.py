"""``/tenants``: each caller sees its own subtree only; admins register units below theirs."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.tenants.models import Tenant

from .helpers import error_of, ids_of

ALL = {"ha-noi", "ward-a", "commune-b", "dept-edu", "school-a1", "school-a2", "enterprise-b1"}

# Which units each caller sees; every other unit answers 404.
VISIBLE = {
    "city_viewer": ALL,
    "city_admin": ALL,
    "ward_reviewer": {"ward-a", "school-a1", "school-a2"},
    "ward_admin": {"ward-a", "school-a1", "school-a2"},
    "ward_reporter": {"ward-a"},
    "commune_admin": {"commune-b", "enterprise-b1"},
    "edu_reviewer": {"dept-edu"},
    "a1_reporter": {"school-a1"},
    "a2_head": {"school-a2"},
    "b1_reporter": {"enterprise-b1"},
}


def _ids(world, slugs) -> set[str]:
    return {str(world.tenant(slug).id) for slug in slugs}


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_get_answers_200_for_visible_units_and_404_for_the_rest(api_as, world, username):
    client = api_as(username)
    for slug in sorted(ALL):
        response = client.get(f"/api/v1/tenants/{world.tenant(slug).id}")
        if slug in VISIBLE[username]:
            assert response.status_code == 200, (username, slug)
            assert response.get_json()["slug"] == slug
        else:
            assert response.status_code == 404, (username, slug)
            assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_listing_holds_exactly_the_visible_units(api_as, world, username):
    response = api_as(username).get("/api/v1/tenants")
    assert ids_of(response) == _ids(world, VISIBLE[username])
    assert response.get_json()["total"] == len(VISIBLE[username])


def test_a_siblings_id_answers_exactly_like_a_random_one(api_as, world):
    client = api_as("a1_reporter")
    sibling = client.get(f"/api/v1/tenants/{world.tenant('school-a2').id}")
    cousin = client.get(f"/api/v1/tenants/{world.tenant('enterprise-b1').id}")
    random = client.get(f"/api/v1/tenants/{uuid.uuid4()}")
    assert sibling.status_code == cousin.status_code == random.status_code == 404
    assert sibling.get_json() == cousin.get_json() == random.get_json()


def test_one_unit_has_its_fields(api_as, world):
    body = api_as("ward_admin").get(f"/api/v1/tenants/{world.tenant('ward-a').id}").get_json()
    assert body == {
        "id": str(world.tenant("ward-a").id),
        "slug": "ward-a",
        "name": "Phường A",
        "kind": "ward",
        "code": "90001",
        "code_valid_from": None,
        "parent": str(world.tenant("ha-noi").id),
        "depth": 1,
        "attributes": {},
    }


@pytest.mark.parametrize(("username", "query", "expected"), [
    ("city_viewer", "kind=school", {"school-a1", "school-a2"}),
    ("commune_admin", "kind=school", set()),
    ("city_viewer", "code=90001", {"ward-a"}),
    ("city_viewer", "slug=school-a2", {"school-a2"}),
    ("a1_reporter", "slug=school-a2", set()),
    ("city_viewer", "q=truong thcs a1", {"school-a1"}),
    ("city_viewer", "q=Trường THCS", {"school-a1", "school-a2"}),
    ("city_viewer", "q=PHUONG", {"ward-a"}),
    ("ward_reviewer", "q=xa b", set()),
    ("city_viewer", "kind=school&q=a2", {"school-a2"}),
    ("city_viewer", "code=&kind=", ALL),
])
def test_filters(api_as, world, username, query, expected):
    response = api_as(username).get(f"/api/v1/tenants?{query}")
    assert ids_of(response) == _ids(world, expected)


def test_parent_filter_stays_inside_what_the_caller_sees(api_as, world):
    ward = world.tenant("ward-a").id
    assert ids_of(api_as("city_admin").get(f"/api/v1/tenants?parent={ward}")) == _ids(
        world, {"school-a1", "school-a2"})
    assert ids_of(api_as("commune_admin").get(f"/api/v1/tenants?parent={ward}")) == set()
    assert ids_of(api_as("a1_reporter").get(f"/api/v1/tenants?parent={ward}")) == _ids(
        world, {"school-a1"})


def test_pagination_walks_every_visible_unit_once(api_as, world):
    client = api_as("city_viewer")
    seen: list[str] = []
    for offset in range(0, 8, 3):
        body = client.get(f"/api/v1/tenants?limit=3&offset={offset}").get_json()
        assert body["total"] == len(ALL)
        assert body["limit"] == 3 and body["offset"] == offset
        assert len(body["items"]) == min(3, len(ALL) - offset)
        seen.extend(item["id"] for item in body["items"])
    assert len(seen) == len(set(seen)) == len(ALL)
    assert set(seen) == _ids(world, ALL)
    # The parents come before the units below them.
    assert seen[0] == str(world.tenant("ha-noi").id)


@pytest.mark.parametrize(("query", "parameter"), [
    ("limit=0", "limit"),
    ("limit=501", "limit"),
    ("limit=ten", "limit"),
    ("offset=-1", "offset"),
    ("parent=ward-a", "parent"),
    ("kinds=school", "kinds"),
    ("q=" + "x" * 201, "q"),
])
def test_invalid_parameters_answer_422_naming_them(api_as, world, query, parameter):
    response = api_as("city_viewer").get(f"/api/v1/tenants?{query}")
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [parameter]


def test_limit_500_is_accepted(api_as, world):
    assert api_as("city_viewer").get("/api/v1/tenants?limit=500").status_code == 200


# Creating units


def _count(db, **where) -> int:
    db.rollback()
    query = select(func.count()).select_from(Tenant)
    for name, value in where.items():
        query = query.where(getattr(Tenant, name) == value)
    return db.scalar(query)


def _new_school(world, parent="ward-a", **extra) -> dict:
    return {"name": "Trường Tiểu học A3", "kind": "school", "parent": str(world.tenant(parent).id),
            **extra}


def test_ward_admin_registers_a_school_below_the_ward(api_as, world, db):
    client = api_as("ward_admin")
    response = client.post("/api/v1/tenants", json=_new_school(world, code="A3-001"))
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["name"] == "Trường Tiểu học A3"
    assert body["kind"] == "school"
    assert body["code"] == "A3-001"
    assert body["parent"] == str(world.tenant("ward-a").id)
    assert body["depth"] == 2
    assert response.headers["Location"].endswith(f"/api/v1/tenants/{body['id']}")

    # Committed, visible to its admin, and on the audit record.
    assert client.get(response.headers["Location"]).get_json()["id"] == body["id"]
    db.rollback()
    entry = db.scalar(select(AuditEntry).where(
        AuditEntry.action == "tenant.create", AuditEntry.object_id == body["id"]))
    assert entry is not None
    assert entry.actor_label == "ward_admin"
    assert entry.changes["parent"] == [None, str(world.tenant("ward-a").id)]


def test_the_new_unit_stays_invisible_to_siblings(api_as, world):
    created = api_as("ward_admin").post("/api/v1/tenants", json=_new_school(world)).get_json()
    assert api_as("commune_admin").get(f"/api/v1/tenants/{created['id']}").status_code == 404
    assert api_as("a1_reporter").get(f"/api/v1/tenants/{created['id']}").status_code == 404
    assert created["id"] in ids_of(api_as("ward_reviewer").get("/api/v1/tenants"))


def test_city_admin_registers_below_a_ward(api_as, world):
    response = api_as("city_admin").post("/api/v1/tenants", json=_new_school(world))
    assert response.status_code == 201


def test_a_parent_the_caller_cannot_see_answers_404(api_as, world, db):
    before = _count(db)
    response = api_as("commune_admin").post("/api/v1/tenants", json=_new_school(world))
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    random = api_as("commune_admin").post(
        "/api/v1/tenants", json=_new_school(world) | {"parent": str(uuid.uuid4())})
    assert random.get_json() == response.get_json()
    assert _count(db) == before


@pytest.mark.parametrize(("username", "parent"), [
    ("ward_reviewer", "ward-a"),
    ("ward_reporter", "ward-a"),
    ("a1_head", "school-a1"),
    ("city_viewer", "ward-a"),
])
def test_a_visible_parent_without_admin_role_answers_403(api_as, world, db, username, parent):
    before = _count(db)
    response = api_as(username).post("/api/v1/tenants", json=_new_school(world, parent=parent))
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert _count(db) == before


@pytest.mark.parametrize(("parent", "kind"), [("ward-a", "ward"), ("ward-a", "city")])
def test_a_kind_the_parent_may_not_hold_answers_422_kind(api_as, world, db, parent, kind):
    before = _count(db)
    response = api_as("ward_admin").post("/api/v1/tenants", json=_new_school(world, parent, kind=kind))
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["kind"]
    assert _count(db) == before


def test_a_school_holds_no_units(api_as, world):
    response = api_as("ward_admin").post("/api/v1/tenants", json=_new_school(world, "school-a1"))
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["kind"]


def test_a_code_already_in_use_answers_422_code(api_as, world, db):
    # The ward's own code, within its admin's reach (a code used only outside it answers as a
    # free one: tests/api/test_edge_validation.py).
    response = api_as("ward_admin").post("/api/v1/tenants", json=_new_school(world, code="90001"))
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["code"]
    assert _count(db, code="90001") == 1


def test_a_tenant_id_smuggled_in_the_body_is_refused(api_as, world, db):
    body = _new_school(world) | {"tenant_id": str(world.tenant("commune-b").id)}
    response = api_as("ward_admin").post("/api/v1/tenants", json=body)
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["tenant_id"]
    assert _count(db, name="Trường Tiểu học A3") == 0


@pytest.mark.parametrize(("change", "field"), [
    ({"name": ""}, "name"),
    ({"name": "x" * 256}, "name"),
    ({"kind": "Trường học"}, "kind"),
    ({"parent": None}, "parent"),
    ({"code": "x" * 41}, "code"),
    ({"attributes": ["a"]}, "attributes"),
])
def test_invalid_fields_answer_422_naming_them(api_as, world, change, field):
    response = api_as("ward_admin").post("/api/v1/tenants", json=_new_school(world) | change)
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == [field]
