"""The web page of a unit's tables: import with the form, errors by row and column, download,
and the period's criteria sets page offering the table to enable."""

from __future__ import annotations

import io
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core import clock
from core.audit.models import AuditEntry
from core.criteria_defs.models import CriteriaDefinition, CriteriaTarget
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
    # The table reads by its title and the owner's short key, never by the internal key.
    assert set_key not in shown_text(listing) and "an_ninh" in shown_text(listing)
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
    assert set_key not in shown_text(offered) and "an_ninh v1" in shown_text(offered)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def shown_text(html: str) -> str:
    """The page's text as shown (no tags, no attribute values), spaces squeezed."""
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


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


class _Form(HTMLParser):
    """The values a browser would post from the editor's form (inputs and selected options)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "input" and found.get("name") and found.get("type") != "file":
            self.values[found["name"]] = found.get("value") or ""
        elif tag == "select":
            self._select = found.get("name")
        elif tag == "option" and self._select and "selected" in found:
            self.values[self._select] = found.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_of(html: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(html)
    return parser.values


def rows_of_form(html: str) -> dict[str, str]:
    """The form's values without its CSRF token, which is signed with the second it was made in."""
    return {name: value for name, value in form_of(html).items() if name != "csrf_token"}


def test_the_editor_adds_removes_and_moves_rows_checking_each_group_after_each_change(
        client_as, world, api_as, db):
    admin = client_as("ward_admin")
    assert post(admin, world, FIVE_LEVELS).status_code == 302
    editor = f"{page(world)}/an_ninh/edit"
    shown = form_of(admin.get(editor).get_data(as_text=True))
    assert shown["origin-8"] == "8" and shown["type-8"] == "Cộng/trừ" and shown["bonus-8"] == "3"
    # Removing the 10 points of «~» leaves its group a) (row 5) at 90 of 100: said at once, not saved.
    removed = admin.post(editor, data={**shown, "action": "remove-8"})
    assert removed.status_code == 200
    html = removed.get_data(as_text=True)
    assert "Dòng 5, cột «Điểm tối đa»" in html and "(90)" in html
    after_removal = form_of(html)
    assert "origin-9" not in after_removal and after_removal["origin-8"] == "9"
    # A new row at level 5 below «#»: named at once for what it lacks.
    added = admin.post(editor, data={**after_removal, "action": "add-7"})
    html = added.get_data(as_text=True)
    assert "Dòng 10, cột «Mã»" in html and "Dòng 10, cột «Tên tiêu chí»" in html
    with_new = form_of(html)
    assert with_new["origin-8"] == "" and with_new["level-8"] == "5" and with_new["type-8"] == "Định tính"
    with_new.update({"code-8": "~", "name-8": "Được khen thưởng", "maximum-8": "10"})
    checked = admin.post(editor, data={**with_new, "action": "check"})
    assert checked.status_code == 200 and 'id="edit-errors"' not in checked.get_data(as_text=True)
    # II. moves above I. with its whole subtree, then everything is saved as version 2.
    moved = form_of(admin.post(editor, data={**form_of(checked.get_data(as_text=True)),
                                             "action": "down-0"}).get_data(as_text=True))
    assert moved["code-0"] == "II." and moved["code-1"] == "I." and moved["origin-0"] == "9"
    saved = admin.post(editor, data={**moved, "action": "save"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    ward = world.tenant("ward-a").id
    answer = api_as("ward_admin").get(f"/api/v1/tenants/{ward}/criteria-sets/an_ninh.xlsx")
    sheet = load_workbook(io.BytesIO(answer.data))["Tiêu chí"]
    table = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[4]) for r in table] == [
        ("II.", "Định tính"), ("I.", "Nhóm"), ("1.", "Nhóm"), ("1.1", "Nhóm"), ("a)", "Nhóm"),
        ("-", "Định lượng"), ("+", "Định tính"), ("*", "Tự chấm"), ("#", "Điểm cố định"), ("~", "Định tính")]
    assert table[9][2] == "Được khen thưởng" and table[0][12] == "Đạt khi không để xảy ra vụ việc phức tạp."
    changes = db.scalar(select(AuditEntry.changes).where(AuditEntry.action == "criteria_set.edit"))
    assert changes["version"] == [1, 2] and changes["rows_removed"] == [None, 1]
    assert changes["rows_changed"] == [None, 1] and changes["rows"] == [10, 10]


def test_an_editor_row_out_of_range_or_a_stale_version_changes_nothing(client_as, world, db):
    admin = client_as("ward_admin")
    assert post(admin, world, FIVE_LEVELS).status_code == 302
    editor = f"{page(world)}/an_ninh/edit"
    shown = form_of(admin.get(editor).get_data(as_text=True))
    same = admin.post(editor, data={**shown, "action": "up-99"})
    unchanged = rows_of_form(admin.get(editor).get_data(as_text=True))
    assert same.status_code == 200 and rows_of_form(same.get_data(as_text=True)) == unchanged
    first = admin.post(editor, data={**shown, "action": "up-0"})  # no sibling above: unchanged
    assert rows_of_form(first.get_data(as_text=True)) == unchanged
    stale = admin.post(editor, data={**shown, "version": "0", "action": "save", "name-0": "Khác"})
    assert stale.status_code == 409
    sibling = client_as("commune_admin")
    token = csrf_token_from(sibling.get(page(world, "commune-b")).get_data(as_text=True))
    assert sibling.post(editor, data={**shown, "csrf_token": token, "action": "remove-0"}).status_code == 404


def test_an_admin_sets_a_units_own_targets_on_the_web(client_as, world, db):
    admin = client_as("ward_admin")
    assert post(admin, world, FIVE_LEVELS).status_code == 302
    targets = f"{page(world)}/an_ninh/targets"
    a1 = world.tenant("school-a1")
    listing = admin.get(page(world)).get_data(as_text=True)
    assert 'id="targets-an_ninh"' in listing
    html = admin.get(f"{targets}?unit_q=a1").get_data(as_text=True)
    assert f'value="{a1.id}"' in html and "Trường THCS A2" not in html
    shown = admin.get(f"{targets}?unit={a1.id}").get_data(as_text=True)
    assert 'name="target-c_i_1_1_1_a_1"' in shown and "Chưa đơn vị nào có chỉ tiêu riêng." in shown
    token = csrf_token_from(shown)
    wrong = admin.post(targets, data={"csrf_token": token, "unit": str(a1.id),
                                      "target-c_i_1_1_1_a_1": "1.5"})
    assert wrong.status_code == 422 and "I.1.1.a Số buổi tuyên truyền: " in wrong.get_data(as_text=True)
    zero = admin.post(targets, data={"csrf_token": token, "unit": str(a1.id), "target-c_i_1_1_1_a_1": "0"})
    assert zero.status_code == 422 and "Chỉ tiêu là một số lớn hơn 0" in zero.get_data(as_text=True)
    saved = admin.post(targets, data={"csrf_token": token, "unit": str(a1.id),
                                      "target-c_i_1_1_1_a_1": "12,5"})
    assert saved.status_code == 302
    after = admin.get(saved.headers["Location"]).get_data(as_text=True)
    assert 'value="12,5"' in after and "Đã lưu 1 chỉ tiêu của Trường THCS A1." in after
    assert db.scalar(select(CriteriaTarget.target)) == 12.5
    # Outside the ward, and without the admin role, nothing is set.
    assert client_as("commune_admin").get(targets).status_code == 404
    reader = client_as("ward_reviewer")
    read = reader.get(targets).get_data(as_text=True)
    assert 'id="unit-targets"' in read and 'id="save-targets"' not in read
    refused = reader.post(targets, data={"csrf_token": csrf_token_from(read), "unit": str(a1.id),
                                         "target-c_i_1_1_1_a_1": "3"})
    assert refused.status_code == 403 and db.scalar(select(CriteriaTarget.target)) == 12.5


def test_an_admin_publishes_a_table_and_withdraws_it(client_as, world, db):
    admin = client_as("ward_admin")
    assert post(admin, world, FIVE_LEVELS).status_code == 302
    listing = admin.get(page(world)).get_data(as_text=True)
    assert 'id="publish-an_ninh"' in listing and "Đã công bố" not in listing
    publish = f"{page(world)}/an_ninh/publish"
    token = csrf_token_from(listing)
    done = admin.post(publish, data={"csrf_token": token, "published": "1"})
    assert done.status_code == 302
    assert "Đã công bố: đơn vị khác được sao chép" in admin.get(page(world)).get_data(as_text=True)
    assert db.scalar(select(CriteriaDefinition.published)) is True
    assert admin.post(publish, data={"csrf_token": token, "published": "0"}).status_code == 302
    assert db.scalar(select(CriteriaDefinition.published)) is False
    assert admin.post(publish, data={"published": "1"}).status_code == 400  # no CSRF token
    reader = client_as("ward_reporter")
    shown = reader.get(page(world)).get_data(as_text=True)
    assert 'id="publish-an_ninh"' not in shown
    refused = reader.post(publish, data={"csrf_token": csrf_token_from(shown), "published": "1"})
    assert refused.status_code == 403
    sibling = client_as("commune_admin")
    token = csrf_token_from(sibling.get(page(world, "commune-b")).get_data(as_text=True))
    assert sibling.post(publish, data={"csrf_token": token, "published": "1"}).status_code == 404
    assert db.scalar(select(CriteriaDefinition.published)) is False


# Two Định lượng rows coded «1», under «I.» and under «II.».
TWO_ONES = [
    {"Mã": "I.", "Cấp": 1, "Tên tiêu chí": "Tuyên truyền", "Điểm tối đa": 40, "Loại": "Nhóm"},
    {"Mã": "1", "Cấp": 2, "Tên tiêu chí": "Số buổi", "Điểm tối đa": 40, "Loại": "Định lượng", "Chỉ tiêu": 10},
    {"Mã": "II.", "Cấp": 1, "Tên tiêu chí": "Tin báo", "Điểm tối đa": 60, "Loại": "Nhóm"},
    {"Mã": "1", "Cấp": 2, "Tên tiêu chí": "Số tin", "Điểm tối đa": 60, "Loại": "Định lượng", "Chỉ tiêu": 5},
]


def test_a_refused_targets_form_gives_back_every_box_and_full_codes(client_as, world, db):
    admin = client_as("ward_admin")
    assert post(admin, world, TWO_ONES).status_code == 302
    targets = f"{page(world)}/an_ninh/targets"
    a1 = world.tenant("school-a1")
    shown = admin.get(f"{targets}?unit={a1.id}").get_data(as_text=True)
    # Each row reads with its group's code: «1» alone would name two rows.
    assert '<td class="code">I.1</td>' in shown and '<td class="code">II.1</td>' in shown
    assert '<td class="code">1</td>' not in shown
    wrong = admin.post(targets, data={"csrf_token": csrf_token_from(shown), "unit": str(a1.id),
                                      "target-c_i_1": "12,5", "target-c_ii_1": "1.5"})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "II.1 Số tin: " in html
    values = form_of(html)
    assert values["target-c_i_1"] == "12,5" and values["target-c_ii_1"] == "1.5"
    assert db.scalar(select(CriteriaTarget.target)) is None
    saved = admin.post(targets, data={"csrf_token": csrf_token_from(html), "unit": str(a1.id),
                                      "target-c_i_1": "12,5", "target-c_ii_1": "1,5"})
    assert saved.status_code == 302
    listed = admin.get(targets).get_data(as_text=True)
    assert '<td class="code">II.1</td>' in listed


def test_the_editor_speaks_of_its_own_columns_and_keeps_typing_after_a_409(client_as, world, db):
    admin = client_as("ward_admin")
    assert post(admin, world, FIVE_LEVELS).status_code == 302
    editor = f"{page(world)}/an_ninh/edit"
    shown = form_of(admin.get(editor).get_data(as_text=True))
    # A group that no longer adds up: the editor has no «Hướng dẫn» column to explain it in.
    uneven = admin.post(editor, data={**shown, "maximum-4": "45"})
    text = uneven.get_data(as_text=True)
    assert uneven.status_code == 422 and "sửa điểm tối đa cho khớp, hoặc tải tệp Excel" in text
    assert "sửa lại, hoặc ghi lý do ở cột «Hướng dẫn»." not in text
    # The import says it the sheet's way.
    assert "sửa lại, hoặc ghi lý do ở cột «Hướng dẫn»." in post(
        admin, world, rows((4, "Điểm tối đa", 45))).get_data(as_text=True)
    # Someone else saves meanwhile: the page says to reload, and keeps what was typed.
    other = client_as("ward_admin")
    assert other.post(editor, data={**form_of(other.get(editor).get_data(as_text=True)),
                                    "name-1": "Kế hoạch"}).status_code == 302
    stale = admin.post(editor, data={**shown, "name-0": "Lãnh đạo, chỉ đạo"})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "hãy tải lại trang rồi sửa trên phiên bản mới" in html
    assert "tải lên lại" not in html
    assert form_of(html)["name-0"] == "Lãnh đạo, chỉ đạo" and form_of(html)["version"] == "1"


def test_a_refused_import_keeps_key_and_title_and_asks_for_the_file_again(client_as, world):
    admin = client_as("ward_admin")
    wrong = post(admin, world, rows((5, "Loại", "Khác")))
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    assert form_of(html)["key"] == "an_ninh" and form_of(html)["title"] == "Tiêu chí phường A"
    assert 'id="choose-file-again"' in html
    assert 'id="choose-file-again"' not in admin.get(page(world)).get_data(as_text=True)


def test_an_admin_finds_the_tables_and_a_blank_template(client_as, world):
    admin = client_as("ward_admin")
    home = admin.get("/").get_data(as_text=True)
    assert f'href="{page(world)}" id="nav-criteria-tables"' in home
    assert 'id="nav-criteria-tables"' not in client_as("ward_reporter").get("/").get_data(as_text=True)
    empty = admin.get(page(world)).get_data(as_text=True)
    assert "Đơn vị chưa có bộ tiêu chí nào." in empty and f'href="{page(world)}/template.xlsx"' in empty
    blank = admin.get(f"{page(world)}/template.xlsx")
    assert blank.status_code == 200 and blank.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(blank.data))["Tiêu chí"]
    header = [cell.value for cell in sheet[1]]
    assert header[:13] == ["Mã", "Cấp", "Tên tiêu chí", "Điểm tối đa", "Loại", "Đơn vị tính", "Chỉ tiêu",
                           "Điểm mỗi lần", "Điểm cộng", "Điểm trừ", "Điểm tối thiểu", "Minh chứng",
                           "Hướng dẫn"]
    assert sheet.max_row == 1
    assert client_as("commune_admin").get(f"{page(world)}/template.xlsx").status_code == 404
