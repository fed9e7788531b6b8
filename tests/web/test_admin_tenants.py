"""/admin/tenants: role checks, the tree, search and registering a unit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.db import scoping
from core.tenants.models import Tenant
from core.tenants.operations import new_tenant
from tests.web.helpers import audit_actions, post_form, text_of


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


def test_the_parent_list_is_a_tree_in_vietnamese_order(app, client_as, world, db):
    scoping.set_context(db, scoping.TenantContext.system_context())
    commune = db.get(Tenant, world.tenant("commune-b").id)
    for name in ("Đông Anh", "Dương Nội", "Ba Vì", "Đan Phượng"):
        new_tenant(db, name=name, kind="agency", parent=commune)
    db.commit()
    html = client_as("city_admin").get("/admin/tenants").get_data(as_text=True)
    select_html = html.split('name="parent"', 1)[1].split("</select>", 1)[0]
    options = [o.replace("— ", "") for o in re.findall(r"<option[^>]*>([^<]*)</option>", select_html)]
    # Each unit followed by its units; siblings in Vietnamese order: D before Đ, A before Ư.
    assert options.index("Xã B") < options.index("Ba Vì") < options.index("Dương Nội")
    assert options.index("Dương Nội") < options.index("Đan Phượng") < options.index("Đông Anh")
    school, department = options.index("Trường THCS A1"), options.index("Sở Giáo dục và Đào tạo")
    assert options.index("Phường A") < school < department
