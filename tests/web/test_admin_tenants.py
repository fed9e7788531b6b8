"""/admin/tenants: role checks, the tree, search and registering a unit."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from core.db import scoping
from core.tenants.models import Tenant
from core.tenants.operations import new_tenant
from tests.web.helpers import audit_actions, post_form, text_of


def text_of_html(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize("username", ["a1_reporter", "ward_reviewer", "city_viewer", "ward_head"])
def test_non_admins_are_refused(client_as, username):
    response = client_as(username).get("/admin/tenants")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in text_of(response)


def test_admin_links_show_only_for_admins(client_as):
    assert 'href="/admin/tenants"' in client_as("ward_admin").get("/").get_data(as_text=True)
    assert 'href="/admin/tenants"' not in client_as("ward_reporter").get("/").get_data(as_text=True)


def test_tree_shows_the_subtree_and_nothing_else(client_as):
    response = client_as("ward_admin").get("/admin/tenants")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<details" in html and "<summary>" in html
    for name in ("Phường A", "Trường THCS A1", "Trường THCS A2"):
        assert name in html
    for name in ("Xã B", "Công ty B1", "Sở Giáo dục"):
        assert name not in html


def _results(response) -> str:
    return text_of(response).split("Kết quả tìm kiếm")[1].split("Đăng ký đơn vị trực thuộc")[0]


def test_search_ignores_accents_and_stays_in_the_subtree(client_as):
    text = _results(client_as("city_admin").get("/admin/tenants?q=truong thcs a1"))
    assert "Tìm thấy 1 đơn vị." in text
    assert "Trường THCS A1" in text
    assert "Trường THCS A2" not in text
    text = _results(client_as("commune_admin").get("/admin/tenants?q=truong"))
    assert "Trường THCS" not in text
    assert "Không có đơn vị nào khớp" in text


def test_registering_a_unit_persists_and_is_audited(client_as, world, db):
    client = client_as("commune_admin")
    response = post_form(client, "/admin/tenants", "/admin/tenants", {
        "parent": str(world.tenant("commune-b").id), "name": "Trường Tiểu học Xã B",
        "kind": "school", "code": "",
    })
    assert response.status_code == 302
    db.expire_all()
    school = db.scalar(select(Tenant).where(Tenant.name == "Trường Tiểu học Xã B"))
    assert school is not None
    assert school.parent_id == world.tenant("commune-b").id
    assert school.kind == "school" and school.code is None
    entries = audit_actions(db, "tenant.create")
    assert [e.object_id for e in entries] == [str(school.id)]
    assert entries[0].actor_label == "commune_admin"
    assert "Đã đăng ký đơn vị Trường Tiểu học Xã B." in text_of(client.get("/admin/tenants"))


def test_form_errors_are_inline_with_422(client_as, world, db):
    client = client_as("ward_admin")
    response = post_form(client, "/admin/tenants", "/admin/tenants", {
        "parent": str(world.tenant("ward-a").id), "name": "", "kind": "school",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="name-error"' in html and "Vui lòng điền mục này." in html
    assert 'aria-invalid="true"' in html

    response = post_form(client, "/admin/tenants", "/admin/tenants", {
        "parent": str(world.tenant("school-a1").id), "name": "Tổ bảo vệ", "kind": "agency",
    })
    assert response.status_code == 422
    assert "Không thể đăng ký loại đơn vị này tại đây." in text_of(response)

    response = post_form(client, "/admin/tenants", "/admin/tenants", {
        # The ward's own code: within reach (one used only outside it counts as free).
        "parent": str(world.tenant("ward-a").id), "name": "Trường mới", "kind": "school", "code": "90001",
    })
    assert response.status_code == 422
    assert "Mã đơn vị này đã được một đơn vị khác sử dụng." in text_of(response)
    db.expire_all()
    assert db.scalar(select(Tenant).where(Tenant.name.in_(["Tổ bảo vệ", "Trường mới"]))) is None


@pytest.mark.parametrize("parent", ["commune-b", "ha-noi", "enterprise-b1"])
def test_a_parent_outside_the_subtree_is_not_found(client_as, world, db, parent):
    response = post_form(client_as("ward_admin"), "/admin/tenants", "/admin/tenants", {
        "parent": str(world.tenant(parent).id), "name": "Đơn vị lạ", "kind": "school",
    })
    assert response.status_code == 404
    db.expire_all()
    assert db.scalar(select(Tenant).where(Tenant.name == "Đơn vị lạ")) is None


def test_a_user_without_any_unit_finds_no_admin_page(app, world, db, client_as):
    from core.users import operations as user_ops
    from core.users.access import SystemAccess

    with app.test_request_context():
        user_ops.create_user(db, SystemAccess(db=db, user=None), "lonely", world.password)
        db.commit()
    client = client_as("lonely")
    assert "Chưa được phân công" in text_of(client.get("/"))
    assert client.get("/admin/tenants").status_code == 404


def _parent_options(response) -> list[str]:
    select_html = response.get_data(as_text=True).split('name="parent"', 1)[1].split("</select>", 1)[0]
    return [unescape(o) for o in re.findall(r"<option[^>]*>([^<]*)</option>", select_html)]


def _agencies_under_commune_b(db, world) -> None:
    scoping.set_context(db, scoping.TenantContext.system_context())
    commune = db.get(Tenant, world.tenant("commune-b").id)
    for name in ("Đông Anh", "Dương Nội", "Ba Vì", "Đan Phượng"):
        new_tenant(db, name=name, kind="agency", parent=commune)
    db.commit()


def test_the_parent_picker_lists_higher_units_first_in_vietnamese_order_and_searches(client_as, world, db):
    _agencies_under_commune_b(db, world)
    client = client_as("city_admin")
    options = _parent_options(client.get("/admin/tenants"))
    names = [option.split(" · ")[0] for option in options]
    # The admin's unit (chosen by default) first, then each level in Vietnamese order: D before Đ.
    assert names[0] == "Thành phố Hà Nội"
    assert names.index("Xã B") < names.index("Ba Vì") < names.index("Dương Nội")
    assert names.index("Dương Nội") < names.index("Đan Phượng") < names.index("Đông Anh")
    assert names.index("Sở Giáo dục và Đào tạo") < names.index("Trường THCS A1")
    # Each unit says which unit it lies under, to tell apart units of the same name.
    assert "Ba Vì · Xã B" in options
    # An accent-free search narrows the units offered; the chosen unit stays first.
    options = _parent_options(client.get("/admin/tenants?unit_q=dong anh"))
    assert options == ["Thành phố Hà Nội", "Đông Anh · Xã B"]
    # A unit chosen from the tree (?parent=) is offered first even when the search misses it.
    ward = world.tenant("ward-a").id
    options = _parent_options(client.get(f"/admin/tenants?parent={ward}&unit_q=dong anh"))
    assert options == ["Phường A", "Đông Anh · Xã B"]
    # The ward's admin is offered nothing outside the ward.
    ward_page = client_as("ward_admin").get("/admin/tenants?unit_q=xa")
    assert [o.split(" · ")[0] for o in _parent_options(ward_page)] == ["Phường A"]


def test_the_tree_is_browsed_one_level_at_a_time(client_as, world, db):
    _agencies_under_commune_b(db, world)
    client = client_as("city_admin")
    text = text_of(client.get("/admin/tenants"))
    assert "Thành phố Hà Nội có 10 đơn vị trực thuộc." in text
    # The city's own units, with how many units each holds; nothing two levels down.
    tree = text.split("Cây đơn vị")[1].split("Đăng ký đơn vị trực thuộc")[0]
    assert "Phường A" in tree and "Xã B" in tree and "Sở Giáo dục và Đào tạo" in tree
    assert "Trường THCS A1" not in tree and "Ba Vì" not in tree
    assert "Xem 5 đơn vị trực thuộc" in tree and "Xem 2 đơn vị trực thuộc" in tree
    # One level down: the commune's units in Vietnamese order, and the way back up.
    commune = world.tenant("commune-b").id
    tree = text_of(client.get(f"/admin/tenants?node={commune}")).split("Cây đơn vị")[1]
    tree = tree.split("Đăng ký đơn vị trực thuộc")[0]
    assert tree.index("Thành phố Hà Nội") < tree.index("Xã B") < tree.index("Ba Vì") < tree.index("Dương Nội")
    assert tree.index("Dương Nội") < tree.index("Đan Phượng") < tree.index("Đông Anh")
    assert "Phường A" not in tree
    # A unit outside the admin's subtree is not found.
    assert client_as("ward_admin").get(f"/admin/tenants?node={commune}").status_code == 404
    assert client.get("/admin/tenants?node=not-a-unit").status_code == 404


def test_a_long_level_pages(client_as, world, db, monkeypatch):
    from core.web import admin_tenants

    _agencies_under_commune_b(db, world)
    monkeypatch.setattr(admin_tenants, "CHILDREN_PAGE", 2)
    client = client_as("city_admin")
    commune = world.tenant("commune-b").id
    seen = []
    for page in (1, 2, 3):
        html = client.get(f"/admin/tenants?node={commune}&page={page}").get_data(as_text=True)
        tree = text_of_html(html).split("Cây đơn vị")[1].split("Đăng ký đơn vị trực thuộc")[0]
        seen.append([n for n in ("Công ty B1", "Ba Vì", "Dương Nội", "Đan Phượng", "Đông Anh") if n in tree])
        assert ('rel="next"' in html.split('id="register"')[0]) == (page < 3)
    # Agencies before enterprises (the officials' order of kinds), each kind in Vietnamese order.
    assert seen == [["Ba Vì", "Dương Nội"], ["Đan Phượng", "Đông Anh"], ["Công ty B1"]]
    # A page past the last, or not a page at all, answers a page, never an error.
    assert client.get(f"/admin/tenants?node={commune}&page=99").status_code == 200
    assert client.get(f"/admin/tenants?node={commune}&page=x{'9' * 5000}").status_code == 200
    assert client.get(f"/admin/tenants?page={'9' * 5000}&unit_page=-1").status_code == 200


def test_counts_of_units_are_written_the_vietnamese_way(client_as, world, db):
    """A thousand units are "1.000", in the tree, its search and the unit picker alike."""
    scoping.set_context(db, scoping.TenantContext.system_context())
    commune = db.get(Tenant, world.tenant("commune-b").id)
    for number in range(1000):
        new_tenant(db, name=f"Trường thử {number}", kind="school", parent=commune)
    db.commit()
    below = len(db.scalars(select(Tenant.id).where(Tenant.path.startswith(commune.path),
                                                 Tenant.id != commune.id)).all())
    total = len(db.scalars(select(Tenant.id)).all()) - 1
    assert below > 1000 and total > below
    client = client_as("city_admin")
    city = text_of(client.get("/admin/tenants"))
    assert f"Thành phố Hà Nội có {total // 1000}.{total % 1000:03d} đơn vị trực thuộc." in city
    assert f"Xem {below // 1000}.{below % 1000:03d} đơn vị trực thuộc" in city
    found = text_of(client.get("/admin/tenants?q=Trường thử"))
    assert "Tìm thấy 1.000 đơn vị." in found
