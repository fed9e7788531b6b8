"""/admin/users: listing, creating accounts, memberships, deactivation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.testing.fixtures import login
from core.users import operations as user_ops
from core.users.access import SystemAccess
from core.users.models import Membership, User
from tests.web.helpers import audit_actions, post_form, text_of


def memberships_of(db, user: User) -> set[tuple[str, str]]:
    db.expire_all()
    rows = db.scalars(select(Membership).where(Membership.user_id == user.id))
    return {(str(m.tenant_id), m.role) for m in rows}


@pytest.mark.parametrize("username", ["a1_reporter", "ward_reviewer", "city_viewer"])
def test_non_admins_are_refused(client_as, username):
    assert client_as(username).get("/admin/users").status_code == 403


def test_list_shows_the_subtree_only(client_as):
    text = text_of(client_as("ward_admin").get("/admin/users"))
    for username in ("ward_reporter", "a1_reporter", "a2_head"):
        assert username in text
    for username in ("commune_admin", "b1_reporter", "city_admin", "edu_reviewer"):
        assert username not in text


def test_creating_an_account_with_its_role_persists_and_is_audited(app, client_as, world, db):
    client = client_as("ward_admin")
    response = post_form(client, "/admin/users", "/admin/users", {
        "username": "Nguyen.Van.An", "full_name": "Nguyễn Văn An", "password": "mot-mat-khau-dai",
        "tenant": str(world.tenant("school-a1").id), "role": "reporter",
    }, prefix="new")
    assert response.status_code == 302, text_of(response)
    db.expire_all()
    user = db.scalar(select(User).where(User.username == "nguyen.van.an"))
    assert user is not None and user.full_name == "Nguyễn Văn An"
    assert memberships_of(db, user) == {(str(world.tenant("school-a1").id), "reporter")}
    assert [e.object_id for e in audit_actions(db, "user.create")][-1] == str(user.id)
    assert any(e.object_id == str(user.id) and e.actor_label == "ward_admin"
               for e in audit_actions(db, "membership.add"))
    assert login(app.test_client(), "nguyen.van.an", "mot-mat-khau-dai").status_code == 302


def test_account_form_errors_are_inline_with_422(client_as, world, db):
    client = client_as("ward_admin")
    response = post_form(client, "/admin/users", "/admin/users", {
        "username": "Có Dấu", "full_name": "Có Dấu", "password": "mot-mat-khau-dai",
        "tenant": str(world.tenant("ward-a").id), "role": "reporter",
    }, prefix="new")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="new-username-error"' in html
    assert "Chỉ dùng chữ cái không dấu" in html

    response = post_form(client, "/admin/users", "/admin/users", {
        "username": "ngan", "full_name": "Ngắn", "password": "ngan",
        "tenant": str(world.tenant("ward-a").id), "role": "reporter",
    }, prefix="new")
    assert response.status_code == 422
    assert "Mật khẩu phải có ít nhất 8 ký tự." in text_of(response)

    response = post_form(client, "/admin/users", "/admin/users", {
        "username": "a1_reporter", "full_name": "Trùng", "password": "mot-mat-khau-dai",
        "tenant": str(world.tenant("ward-a").id), "role": "reporter",
    }, prefix="new")
    assert response.status_code == 422
    assert "Tên đăng nhập này đã được sử dụng." in text_of(response)
    db.expire_all()
    assert db.scalar(select(User).where(User.username.in_(["ngan", "có dấu"]))) is None


def test_an_account_cannot_be_placed_outside_the_subtree(client_as, world, db):
    response = post_form(client_as("ward_admin"), "/admin/users", "/admin/users", {
        "username": "ke_gian", "full_name": "Kẻ gian", "password": "mot-mat-khau-dai",
        "tenant": str(world.tenant("commune-b").id), "role": "admin",
    }, prefix="new")
    assert response.status_code == 404
    db.expire_all()
    assert db.scalar(select(User).where(User.username == "ke_gian")) is None


def test_adding_and_removing_a_membership(client_as, world, db):
    client = client_as("ward_admin")
    user = world.user("a1_reporter")
    response = post_form(client, "/admin/users", "/admin/users/memberships", {
        "username": "a1_reporter", "tenant": str(world.tenant("school-a2").id), "role": "viewer",
    }, prefix="member")
    assert response.status_code == 302
    added = (str(world.tenant("school-a2").id), "viewer")
    assert added in memberships_of(db, user)

    membership = db.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.tenant_id == world.tenant("school-a2").id))
    response = post_form(client, "/admin/users", f"/admin/users/memberships/{membership.id}/remove", {})
    assert response.status_code == 302
    assert added not in memberships_of(db, user)
    assert audit_actions(db, "membership.remove")


def test_adding_a_membership_for_an_unknown_account_is_inline(client_as, world):
    response = post_form(client_as("ward_admin"), "/admin/users", "/admin/users/memberships", {
        "username": "khong_co", "tenant": str(world.tenant("ward-a").id), "role": "viewer",
    }, prefix="member")
    assert response.status_code == 422
    assert 'id="member-username-error"' in response.get_data(as_text=True)


def test_removing_a_membership_of_another_subtree_is_not_found(client_as, world, db):
    membership = db.scalar(select(Membership).where(Membership.user_id == world.user("b1_reporter").id))
    response = post_form(client_as("ward_admin"), "/admin/users",
                         f"/admin/users/memberships/{membership.id}/remove", {})
    assert response.status_code == 404
    assert memberships_of(db, world.user("b1_reporter"))


def test_deactivating_ends_the_sessions_and_reactivating_restores_sign_in(app, client_as, world, db):
    victim = client_as("a1_reporter")
    admin = client_as("ward_admin")
    user = world.user("a1_reporter")
    response = post_form(admin, "/admin/users", f"/admin/users/{user.id}/active", {"active": "0"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(User, user.id).active is False
    assert victim.get("/").status_code == 302
    assert login(app.test_client(), "a1_reporter", world.password).status_code == 401
    assert audit_actions(db, "user.deactivate")

    response = post_form(admin, "/admin/users", f"/admin/users/{user.id}/active", {"active": "1"})
    assert response.status_code == 302
    assert login(app.test_client(), "a1_reporter", world.password).status_code == 302


def test_a_user_who_also_belongs_elsewhere_cannot_be_deactivated(app, client_as, world, db):
    with app.test_request_context():
        user_ops.add_membership(db, SystemAccess(db=db, user=None), world.user("a1_reporter"),
                                world.tenant("enterprise-b1"), "viewer")
        db.commit()
    user = world.user("a1_reporter")
    response = post_form(client_as("ward_admin"), "/admin/users", f"/admin/users/{user.id}/active",
                         {"active": "0"})
    assert response.status_code == 403
    db.expire_all()
    assert db.get(User, user.id).active is True


def test_users_outside_the_subtree_are_not_found(client_as, world, db):
    user = world.user("commune_reporter")
    response = post_form(client_as("ward_admin"), "/admin/users", f"/admin/users/{user.id}/active",
                         {"active": "0"})
    assert response.status_code == 404
    db.expire_all()
    assert db.get(User, user.id).active is True


def test_admins_cannot_lock_themselves_out(client_as, world, db):
    user = world.user("ward_admin")
    response = post_form(client_as("ward_admin"), "/admin/users", f"/admin/users/{user.id}/active",
                         {"active": "0"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(User, user.id).active is True


def test_search_by_name_or_username(client_as):
    text = text_of(client_as("ward_admin").get("/admin/users?q=A1_"))
    assert "a1_reporter" in text and "a1_head" in text
    assert "a2_head" not in text and "ward_reporter" not in text
    assert "a1_reporter" not in text_of(client_as("ward_admin").get("/admin/users?q=%25_"))


def test_a_unit_beyond_the_first_page_of_the_picker_is_found_and_chosen(client_as, world, db, monkeypatch):
    from core.web import unit_picker

    monkeypatch.setattr(unit_picker, "PICKER_SIZE", 2)
    client = client_as("ward_admin")
    html = client.get("/admin/users").get_data(as_text=True)
    # The ward first (chosen), then one page of its units, and a link to the next page.
    select_html = html.split('name="new-tenant"', 1)[1].split("</select>", 1)[0]
    assert select_html.count("<option") == 2
    assert 'rel="next"' in html and "unit_page=2" in html
    found = client.get("/admin/users?unit_q=thcs a2").get_data(as_text=True)
    select_html = found.split('name="member-tenant"', 1)[1].split("</select>", 1)[0]
    assert "Trường THCS A2" in select_html and "Trường THCS A1" not in select_html
    response = post_form(client, "/admin/users?unit_q=thcs a2", "/admin/users/memberships", {
        "username": "a1_reporter", "tenant": str(world.tenant("school-a2").id), "role": "viewer",
    }, prefix="member")
    assert response.status_code == 302
    user = db.scalar(select(User).where(User.username == "a1_reporter"))
    assert (str(world.tenant("school-a2").id), "viewer") in memberships_of(db, user)


def test_the_accounts_page(client_as, monkeypatch):
    from core.web import admin_users

    monkeypatch.setattr(admin_users, "MEMBERS_PAGE", 2)
    client = client_as("ward_admin")
    names = ("a1_head", "a1_reporter", "a2_head", "a2_reporter", "ward_admin", "ward_head", "ward_reporter",
             "ward_reviewer")
    seen = []
    for page in (1, 2, 3):
        listed = text_of(client.get(f"/admin/users?page={page}")).split("Tạo tài khoản")[1]
        seen += [name for name in names if name in listed]
    assert seen == ["a1_head", "a1_reporter", "a2_head", "a2_reporter", "ward_admin", "ward_head"]
    assert "Tài khoản 1–2 trong 8." in text_of(client.get("/admin/users"))
