"""``GET /me``."""

from __future__ import annotations

from core.users.access import SystemAccess
from core.users.operations import add_membership


def test_me_names_the_user_and_their_memberships(api_as, world):
    body = api_as("ward_reviewer").get("/api/v1/me").get_json()
    user = world.user("ward_reviewer")
    assert body["user"] == {"id": str(user.id), "username": "ward_reviewer", "full_name": ""}
    ward = world.tenant("ward-a")
    assert body["memberships"] == [{
        "tenant_id": str(ward.id), "slug": "ward-a", "name": "Phường A", "kind": "ward",
        "role": "reviewer",
    }]


def test_me_lists_every_membership_and_nothing_else(api_as, world, db):
    add_membership(db, SystemAccess(db=db, user=None), world.user("a1_reporter"),
                   world.tenant("school-a2"), "head")
    db.commit()
    body = api_as("a1_reporter").get("/api/v1/me").get_json()
    assert sorted((m["slug"], m["role"]) for m in body["memberships"]) == [
        ("school-a1", "reporter"), ("school-a2", "head"),
    ]
    assert set(body) == {"user", "memberships"}
