"""The web page of a unit's tables: import with the form, errors by row and column, download,
and the period's criteria sets page offering the table to enable."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core import clock
from core.audit.models import AuditEntry
from core.periods import operations as period_ops
from core.testing.fixtures import csrf_token_from
from core.users.access import SystemAccess

from .kit import FIVE_LEVELS, rows, workbook


@pytest.fixture
def thidua_config():
    return {"THIDUA_PLUGINS": "defined_criteria"}


def page(world, slug: str = "ward-a") -> str:
    return f"/tenants/{world.tenant(slug).id}/criteria-sets"


def post(client, world, table, key: str = "an_ninh"):
    token = csrf_token_from(client.get(page(world)).get_data(as_text=True))
    return client.post(page(world), data={"csrf_token": token, "key": key, "title": "Tiêu chí phường A",
                                          "file": (io.BytesIO(workbook(table)), "bang.xlsx")},
                       content_type="multipart/form-data")


def test_an_admin_imports_a_table_and_a_period_offers_it(client_as, world, db):
    admin = client_as("ward_admin")
    wrong = post(admin, world, rows((5, "Loại", "Khác")))
    assert wrong.status_code == 422
    assert "Dòng 7, cột «Loại»" in wrong.get_data(as_text=True)
    assert "Đơn vị chưa có bộ tiêu chí nào." in wrong.get_data(as_text=True)
    done = post(admin, world, FIVE_LEVELS)
    assert done.status_code == 302
    listing = admin.get(page(world)).get_data(as_text=True)
    assert "phiên bản 1 (10 dòng)" in listing and "an_ninh.xlsx" in listing
    set_key = f"d{world.tenant('ward-a').id.hex}.an_ninh"
    assert set_key in listing
    # The city's period covers more than the ward: it does not offer the ward's table.
    city = client_as("city_admin").get(f"/periods/{world.period.id}/criteria-sets").get_data(as_text=True)
    assert set_key not in city
    ward_period = period_ops.create(db, SystemAccess(db=db, user=None), world.tenant("ward-a"), {
        "key": "ward", "kind": "thematic", "title": "Phường A", "opens_at": clock.now_in_hanoi(),
        "due_at": clock.now_in_hanoi() + timedelta(days=3),
        "city_due_at": clock.now_in_hanoi() + timedelta(days=4),
        "closes_at": clock.now_in_hanoi() + timedelta(days=5)})
    db.commit()
    offered = admin.get(f"/periods/{ward_period.id}/criteria-sets").get_data(as_text=True)
    assert f'value="{set_key}"' in offered and "Tiêu chí phường A" in offered


def test_the_form_needs_the_csrf_token_and_siblings_get_404(client_as, world):
    admin = client_as("ward_admin")
    refused = admin.post(page(world), data={"key": "an_ninh", "title": "T",
                                            "file": (io.BytesIO(workbook(FIVE_LEVELS)), "b.xlsx")},
                         content_type="multipart/form-data")
    assert refused.status_code == 400
    sibling = client_as("commune_admin")
    assert sibling.get(page(world)).status_code == 404
    reader = client_as("ward_reporter")
    shown = reader.get(page(world)).get_data(as_text=True)
    assert 'id="import-table"' not in shown


def test_the_editor_renames_and_changes_maxima_as_a_new_version(client_as, world, api_as, db):
    admin = client_as("ward_admin")
    assert post(admin, world, FIVE_LEVELS).status_code == 302
    editor = f"{page(world)}/an_ninh/edit"
    html = admin.get(editor).get_data(as_text=True)
    assert 'name="maximum-9" value="50"' in html
    token = csrf_token_from(html)
    broken = admin.post(editor, data={"csrf_token": token, "version": "1", "maximum-4": "30"})
    assert broken.status_code == 422
    assert "Dòng 5, cột «Điểm tối đa»" in broken.get_data(as_text=True)
    unchanged = admin.post(editor, data={"csrf_token": token, "version": "1", "maximum-9": "50"})
    assert unchanged.status_code == 302
    assert "Không có thay đổi nào" in admin.get(page(world)).get_data(as_text=True)
    saved = admin.post(editor, data={"csrf_token": token, "version": "1",
                                     "name-0": "Lãnh đạo, chỉ đạo", "maximum-9": "60,5"})
    assert saved.status_code == 302
    stale = admin.post(editor, data={"csrf_token": token, "version": "1", "name-0": "Khác"})
    assert stale.status_code == 409
    ward = world.tenant("ward-a").id
    answer = api_as("ward_admin").get(f"/api/v1/tenants/{ward}/criteria-sets/an_ninh.xlsx")
    sheet = load_workbook(io.BytesIO(answer.data))["Tiêu chí"]
    table = list(sheet.iter_rows(min_row=2, values_only=True))
    assert table[0][2] == "Lãnh đạo, chỉ đạo" and table[9][3] == 60.5
    assert db.scalar(select(AuditEntry.changes).where(AuditEntry.action == "criteria_set.edit"))[
        "rows_changed"] == [None, 2]
    assert client_as("ward_reporter").get(editor).status_code == 403
    assert client_as("commune_admin").get(editor).status_code == 404
