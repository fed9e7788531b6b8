"""/admin/users: listing, creating accounts, memberships, deactivation."""

from __future__ import annotations

import json
from html import unescape

import pytest
from sqlalchemy import func, select

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
    # Named within the unit it was created in (its slug completes the name).
    user = db.scalar(select(User).where(User.username == "nguyen.van.an@school-a1"))
    assert user is not None and user.full_name == "Nguyễn Văn An"
    assert memberships_of(db, user) == {(str(world.tenant("school-a1").id), "reporter")}
    created = audit_actions(db, "user.create")[-1]
    assert created.object_id == str(user.id)
    assert created.changes == {"username": [None, "nguyen.van.an@school-a1"]}
    assert any(e.object_id == str(user.id) and e.actor_label == "ward_admin"
               for e in audit_actions(db, "membership.add"))
    assert ("Đã tạo tài khoản. Tên đăng nhập để trao cho người dùng: nguyen.van.an@school-a1"
            in text_of(client.get("/admin/users")))
    assert login(app.test_client(), "nguyen.van.an@school-a1", "mot-mat-khau-dai").status_code == 302
    assert login(app.test_client(), "nguyen.van.an", "mot-mat-khau-dai").status_code == 401


def test_account_form_errors_are_inline_with_422(client_as, world, db):
    client = client_as("ward_admin")
    response = post_form(client, "/admin/users", "/admin/users", {
        "username": "Có Dấu", "full_name": "Có Dấu", "password": "mot-mat-khau-dai",
        "tenant": str(world.tenant("ward-a").id), "role": "reporter",
    }, prefix="new")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="new-username-error"' in html
    assert _field_error(response, "new-username").startswith("Từ 2 đến 60 ký tự: chữ cái không dấu a–z")

    response = post_form(client, "/admin/users", "/admin/users", {
        "username": "ngan", "full_name": "Ngắn", "password": "ngan",
        "tenant": str(world.tenant("ward-a").id), "role": "reporter",
    }, prefix="new")
    assert response.status_code == 422
    assert "Mật khẩu phải có ít nhất 8 ký tự." in text_of(response)

    db.expire_all()
    assert db.scalar(select(User).where(User.username.in_(["ngan@ward-a", "có dấu@ward-a"]))) is None


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


def _create(client, tenant, username: str):
    return post_form(client, "/admin/users", "/admin/users", {
        "username": username, "full_name": "Nguyễn Văn A", "password": "mot-mat-khau-dai",
        "tenant": str(tenant.id), "role": "reporter",
    }, prefix="new")


def _add_role(client, tenant, username: str):
    return post_form(client, "/admin/users", "/admin/users/memberships", {
        "username": username, "tenant": str(tenant.id), "role": "viewer",
    }, prefix="member")


def _field_error(response, field_id: str) -> str:
    html = response.get_data(as_text=True)
    marker = f'id="{field_id}-error">'
    assert marker in html, html
    return html.split(marker, 1)[1].split("</p>", 1)[0]


def _flash(response) -> str:
    return text_of(response).split("Người dùng", 1)[1].split("Tài khoản có vai trò", 1)[0]


def test_sign_in_names_are_qualified_by_the_unit_so_a_sibling_learns_nothing(app, client_as, world, db):
    ward, commune = world.tenant("ward-a"), world.tenant("commune-b")
    ward_admin, commune_admin = client_as("ward_admin"), client_as("commune_admin")

    response = _create(ward_admin, ward, "VanA")
    assert response.status_code == 302, text_of(response)
    assert login(app.test_client(), "vana@ward-a", "mot-mat-khau-dai").status_code == 302

    # The sibling's admin types the same name: it answers as a free name does, with its own
    # unit's suffix.
    taken_elsewhere = _create(commune_admin, commune, "vana")
    taken_elsewhere_flash = _flash(commune_admin.get("/admin/users"))
    free = _create(commune_admin, commune, "vanb")
    free_flash = _flash(commune_admin.get("/admin/users"))
    assert (taken_elsewhere.status_code, taken_elsewhere.location) == (free.status_code, free.location) == (
        302, "/admin/users#main")
    assert "Tên đăng nhập để trao cho người dùng: vana@commune-b" in taken_elsewhere_flash
    assert taken_elsewhere_flash.replace("vana", "vanb") == free_flash
    db.expire_all()
    names = set(db.scalars(select(User.username).where(User.username.like("van_@%"))))
    assert names == {"vana@ward-a", "vana@commune-b", "vanb@commune-b"}
    assert login(app.test_client(), "vana@commune-b", "mot-mat-khau-dai").status_code == 302

    # Within its own unit the conflict is the admin's to see.
    again = _create(commune_admin, commune, "vana")
    assert again.status_code == 422
    assert _field_error(again, "new-username") == "Tên đăng nhập vana@commune-b đã có trong đơn vị này."


@pytest.mark.parametrize("typed", ["vana@ward-a", "vana@", "@ward-a", "v" * 61])
def test_a_local_part_with_an_at_sign_or_too_long_is_refused_on_its_field(client_as, world, db, typed):
    db.expire_all()
    before = db.scalar(select(func.count()).select_from(User))
    response = _create(client_as("commune_admin"), world.tenant("commune-b"), typed)
    assert response.status_code == 422
    assert _field_error(response, "new-username")
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(User)) == before


def test_a_role_for_an_account_beyond_reach_answers_as_an_unknown_name(client_as, world, db):
    ward, commune = world.tenant("ward-a"), world.tenant("commune-b")
    assert _create(client_as("ward_admin"), ward, "vana").status_code == 302
    commune_admin = client_as("commune_admin")
    answers = {}
    for name in ("vana@ward-a", "nobody@ward-a", "ward_reporter", "khong_co"):
        response = _add_role(commune_admin, commune, name)
        answers[name] = (response.status_code, _field_error(response, "member-username"))
    assert set(answers.values()) == {(422, "Không tìm thấy tài khoản này.")}
    db.expire_all()
    for name in ("vana@ward-a", "ward_reporter"):
        user = db.scalar(select(User).where(User.username == name))
        assert all(tenant_id != str(commune.id) for tenant_id, _role in memberships_of(db, user))
    assert not [e for e in audit_actions(db, "membership.add") if e.actor_label == "commune_admin"]


def test_a_role_for_an_account_within_reach_is_added(client_as, world, db):
    ward, school = world.tenant("ward-a"), world.tenant("school-a2")
    ward_admin = client_as("ward_admin")
    assert _create(ward_admin, ward, "vana").status_code == 302
    user = db.scalar(select(User).where(User.username == "vana@ward-a"))
    assert _add_role(ward_admin, school, "VanA@Ward-A").status_code == 302
    assert (str(school.id), "viewer") in memberships_of(db, user)
    # A member of a unit below, under an older, unqualified name.
    assert _add_role(ward_admin, school, "a1_head").status_code == 302
    assert (str(school.id), "viewer") in memberships_of(db, world.user("a1_head"))
    # Named after a unit of the subtree, the account stays within reach without any role there.
    for membership in db.scalars(select(Membership).where(Membership.user_id == user.id)):
        db.delete(membership)
    db.commit()
    assert _add_role(ward_admin, ward, "vana@ward-a").status_code == 302
    assert memberships_of(db, user) == {(str(ward.id), "viewer")}


def test_the_account_form_shows_the_name_it_will_make(client_as, world):
    client = client_as("ward_admin")
    html = client.get("/admin/users").get_data(as_text=True)
    hint = html.split('id="new-username-hint">', 1)[1].split("</p>", 1)[0]
    assert hint == "Chỉ gõ phần trước @. Phần sau @ được thêm tự động theo đơn vị đã chọn, ví dụ vana@ward-a."
    assert 'aria-describedby="new-username-hint"' in html
    # The script keeps the hint in step with the unit select: every offered unit's slug.
    suffixes = html.split("data-name-suffixes='", 1)[1].split("'", 1)[0]
    assert json.loads(unescape(suffixes))[str(world.tenant("school-a1").id)] == "school-a1"
    assert "user-name.js" in html
    # The script's two hints, the name left for it to fill in.
    hints = json.loads(unescape(html.split("data-name-hints='", 1)[1].split("'", 1)[0]))
    assert hints == {
        "typed": "Chỉ gõ phần trước @. Phần sau @ được thêm tự động theo đơn vị đã chọn: {name}.",
        "sample": "Chỉ gõ phần trước @. Phần sau @ được thêm tự động theo đơn vị đã chọn, ví dụ {name}.",
        "sample_local": "vana",
    }
    # A form sent back names the part typed, with the suffix of the unit chosen in it.
    refused = _create(client, world.tenant("school-a2"), "Van A")
    assert _field_hint(refused) == (
        "Chỉ gõ phần trước @. Phần sau @ được thêm tự động theo đơn vị đã chọn: van a@school-a2.")
    typed_whole = _create(client, world.tenant("school-a2"), "vana@ward-a")
    assert _field_hint(typed_whole).endswith("đã chọn: vana@school-a2.")
    english = text_of(client.get("/admin/users?lang=en"))
    assert ("Type only the part before @. The part after @ is added automatically from the unit chosen, "
            "for example vana@ward-a.") in english


def _field_hint(response) -> str:
    return response.get_data(as_text=True).split('id="new-username-hint">', 1)[1].split("</p>", 1)[0]


def _member_hint(response) -> str:
    return response.get_data(as_text=True).split('id="member-username-hint">', 1)[1].split("</p>", 1)[0]


def test_a_failed_form_is_where_the_page_lands_and_linked_from_the_top(client_as, world):
    client = client_as("ward_admin")
    html = client.get("/admin/users").get_data(as_text=True)
    # The browser keeps the action's fragment for the answer: a 422 page opens at its form.
    assert 'action="/admin/users#new-user"' in html and 'id="new-user"' in html
    assert 'action="/admin/users/memberships#add-membership"' in html and 'id="add-membership"' in html
    assert "Chưa tạo được tài khoản." not in text_of(client.get("/admin/users"))

    refused = _create(client, world.tenant("ward-a"), "x")
    assert refused.status_code == 422
    top = text_of(refused).split("Tài khoản có vai trò tại ", 1)[1]
    assert top.startswith("Phường A và các đơn vị trực thuộc. Chưa tạo được tài khoản. "
                          "Xem lỗi trong mục “Tạo tài khoản”")
    assert '<a href="#new-user">Xem lỗi trong mục “Tạo tài khoản”</a>' in refused.get_data(as_text=True)

    unknown = _add_role(client, world.tenant("ward-a"), "khong_co")
    assert unknown.status_code == 422
    assert '<a href="#add-membership">Xem lỗi trong mục “Thêm vai trò cho tài khoản có sẵn”</a>' in (
        unknown.get_data(as_text=True))
    assert "Chưa tạo được tài khoản." not in text_of(unknown)
    # A change done goes back to the top of the list, where its confirmation is.
    done = _create(client, world.tenant("ward-a"), "vana")
    assert done.location == "/admin/users#main"
    assert _add_role(client, world.tenant("school-a1"), "vana@ward-a").location == "/admin/users#main"


def test_a_bare_local_part_finds_the_account_of_the_unit_chosen_for_the_role(client_as, world, db):
    ward, school = world.tenant("ward-a"), world.tenant("school-a2")
    ward_admin = client_as("ward_admin")
    assert _create(ward_admin, school, "vana").status_code == 302
    user = db.scalar(select(User).where(User.username == "vana@school-a2"))
    response = _add_role(ward_admin, school, " VanA ")
    assert response.status_code == 302
    assert (str(school.id), "viewer") in memberships_of(db, user)
    assert "Đã thêm vana@school-a2 vào Trường THCS A2." in _flash(ward_admin.get("/admin/users"))
    # Another unit chosen: its own suffix, which no account has.
    elsewhere = _add_role(ward_admin, ward, "vana")
    assert (elsewhere.status_code, _field_error(elsewhere, "member-username")) == (
        422, "Không tìm thấy tài khoản này.")
    # A whole name within reach comes first: the older, unqualified "a1_head".
    assert _add_role(ward_admin, school, "a1_head").status_code == 302
    assert (str(school.id), "viewer") in memberships_of(db, world.user("a1_head"))
    # A sibling's admin typing the bare name gets its own unit's suffix: nothing beyond reach.
    commune_admin = client_as("commune_admin")
    beyond = _add_role(commune_admin, world.tenant("commune-b"), "vana")
    assert (beyond.status_code, _field_error(beyond, "member-username")) == (
        422, "Không tìm thấy tài khoản này.")
    assert all(tenant_id != str(world.tenant("commune-b").id) for tenant_id, _r in memberships_of(db, user))


def test_the_role_form_says_a_bare_local_part_is_enough(client_as, world):
    client = client_as("ward_admin")
    assert _member_hint(client.get("/admin/users")) == (
        "Tên đăng nhập đầy đủ, ví dụ vana@ward-a; với tài khoản của đơn vị đã chọn, gõ phần trước @ là đủ.")
    assert 'aria-describedby="member-username-hint"' in client.get("/admin/users").get_data(as_text=True)
    refused = _add_role(client, world.tenant("school-a1"), "khong_co")
    assert "ví dụ vana@school-a1;" in _member_hint(refused)
    english = text_of(client.get("/admin/users?lang=en"))
    assert ("The full sign-in name, for example vana@ward-a; for an account of the unit chosen, the part "
            "before @ is enough.") in english


def test_a_role_already_held_says_so_and_changes_nothing(client_as, world, db):
    client = client_as("ward_admin")
    before = len(audit_actions(db, "membership.add"))
    response = _add_role(client, world.tenant("school-a1"), "a1_reporter")
    assert response.status_code == 302
    first = _flash(client.get("/admin/users"))
    assert "Đã thêm a1_reporter vào Trường THCS A1." in first
    again = _add_role(client, world.tenant("school-a1"), "a1_reporter")
    assert again.status_code == 302
    flash = _flash(client.get("/admin/users"))
    assert ("Tài khoản a1_reporter đã có vai trò Người theo dõi tại Trường THCS A1: không có gì thay đổi."
            in flash)
    assert "Đã thêm" not in flash
    assert len(audit_actions(db, "membership.add")) == before + 1


def test_creating_an_account_is_audited_in_its_unit_with_the_address(client_as, world, db):
    school = world.tenant("school-a1")
    client = client_as("ward_admin")
    response = post_form(client, "/admin/users", "/admin/users", {
        "username": "vana", "full_name": "Nguyễn Văn A", "password": "mot-mat-khau-dai",
        "tenant": str(school.id), "role": "reporter",
    }, prefix="new", environ_base={"REMOTE_ADDR": "198.51.100.23"})
    assert response.status_code == 302
    user = db.scalar(select(User).where(User.username == "vana@school-a1"))
    created = [e for e in audit_actions(db, "user.create") if e.object_id == str(user.id)]
    added = [e for e in audit_actions(db, "membership.add") if e.object_id == str(user.id)]
    assert [(e.tenant_id, e.ip) for e in created] == [(school.id, "198.51.100.23")]
    assert [(e.tenant_id, e.ip) for e in added] == [(school.id, "198.51.100.23")]


def test_a_long_name_sits_in_an_element_that_wraps(client_as, world):
    client = client_as("ward_admin")
    local = "nguyenvanan" * 5 + "abcde"
    assert len(local) == 60
    assert _create(client, world.tenant("school-a1"), local).status_code == 302
    html = client.get(f"/admin/users?q={local}").get_data(as_text=True)
    assert f'<span class="code wrap-anywhere">{local}@school-a1</span>' in html
    assert '<h2 class="h3 wrap-anywhere">Nguyễn Văn A</h2>' in html
    css = client.get("/static/thidua.css").get_data(as_text=True)
    assert ".wrap-anywhere { overflow-wrap: anywhere; min-width: 0; }" in css
