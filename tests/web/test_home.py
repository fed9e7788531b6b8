"""The home page and the tenant switcher."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.periods import operations as period_ops
from core.users import operations as user_ops
from core.users.access import SystemAccess
from tests.web.helpers import post_form, text_of


def test_home_shows_the_unit_the_role_and_the_units_below(client_as):
    text = text_of(client_as("ward_admin").get("/"))
    assert "Phường A" in text
    assert "Phường" in text  # its kind
    assert "90001" in text  # its official code
    assert "Thành phố Hà Nội" in text  # its parent
    assert "Quản trị viên" in text  # the role there
    assert "Số đơn vị trực thuộc 2" in text


def test_reporters_see_no_count_of_units_below(client_as):
    text = text_of(client_as("a1_reporter").get("/"))
    assert "Trường THCS A1" in text
    assert "Cán bộ báo cáo" in text
    assert "Số đơn vị trực thuộc" not in text


def test_open_periods_show_deadlines_in_hanoi_time(app, client_as, world, db):
    with app.test_request_context():
        period_ops.update(db, SystemAccess(db=db, user=None), world.period, {
            "due_at": datetime(2026, 12, 15, 10, 0, tzinfo=UTC),  # 17:00 in Hanoi
        })
        db.commit()
    text = text_of(client_as("a1_reporter").get("/"))
    assert world.period.title in text
    assert "Hạn nộp của đơn vị 15/12/2026 17:00" in text


@pytest.fixture
def two_homes(app, world, db):
    """ward_reporter also heads school-a2."""
    with app.test_request_context():
        user_ops.add_membership(
            db, SystemAccess(db=db, user=None), world.user("ward_reporter"), world.tenant("school-a2"), "head"
        )
        db.commit()
    return world


def test_switcher_lists_only_own_memberships_and_switches(client_as, two_homes):
    client = client_as("ward_reporter")
    home = client.get("/")
    html = home.get_data(as_text=True)
    assert 'action="/switch"' in html
    assert f'value="{two_homes.tenant("school-a2").id}"' in html
    assert f'value="{two_homes.tenant("school-a1").id}"' not in html

    response = post_form(client, "/", "/switch", {"tenant_id": str(two_homes.tenant("school-a2").id)})
    assert response.status_code == 302
    text = text_of(client.get("/"))
    assert "Trường THCS A2" in text.split("Mã đơn vị")[0]
    assert "Thủ trưởng đơn vị" in text


@pytest.mark.parametrize("target", ["school-a1", "commune-b", "ha-noi"])
def test_switching_to_a_unit_without_membership_is_not_found(client_as, two_homes, target):
    client = client_as("ward_reporter")
    response = post_form(client, "/", "/switch", {"tenant_id": str(two_homes.tenant(target).id)})
    assert response.status_code == 404
    assert "Phường A" in text_of(client.get("/")).split("Mã đơn vị")[0]


def test_switching_to_garbage_is_not_found(client_as, two_homes):
    response = post_form(client_as("ward_reporter"), "/", "/switch", {"tenant_id": "not-a-uuid"})
    assert response.status_code == 404


def test_switching_without_csrf_is_refused(client_as, two_homes):
    client = client_as("ward_reporter")
    response = client.post("/switch", data={"tenant_id": str(two_homes.tenant("school-a2").id)})
    assert response.status_code == 400
    assert "Phường A" in text_of(client.get("/")).split("Mã đơn vị")[0]


def test_users_with_one_membership_get_no_switcher(client_as):
    assert 'action="/switch"' not in client_as("a1_reporter").get("/").get_data(as_text=True)


def test_each_open_period_links_to_the_units_report(client_as, world):
    html = client_as("a1_reporter").get("/").get_data(as_text=True)
    link = f"/tenants/{world.tenant('school-a1').id}/periods/{world.period.id}/report"
    assert f'href="{link}"' in html
    assert "Mở báo cáo của đơn vị" in html
