"""Loading tenant directory files: the shipped Hanoi directory, idempotence, renames, code
history, moves, and bad files that must load nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.audit.operations import verify_chain
from core.rollups.models import SubtreeCount
from core.tenants.directory import DirectoryError, load_file, load_text
from core.tenants.models import Tenant

HANOI = Path(__file__).resolve().parent.parent / "tenants" / "hanoi.yaml"

SMALL = """\
version: 1
tenants:
  - name: "Thành phố Thử"
    slug: tp-thu
    kind: city
    code: "99"
    children:
      - name: "Phường Một"
        slug: phuong-mot
        kind: ward
        code: "90001"
        code_valid_from: 2025-07-01
        children:
          - name: "Trường THCS Một"
            slug: truong-thcs-mot
            kind: school
      - name: "Phường Hai"
        slug: phuong-hai
        kind: ward
        code: "90002"
        code_valid_from: 2025-07-01
      - name: "Sở Giáo dục và Đào tạo"
        slug: so-gddt
        kind: department
"""


def tenant(db, slug: str) -> Tenant:
    db.expire_all()
    found = db.scalar(select(Tenant).where(Tenant.slug == slug))
    assert found is not None, slug
    return found


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def audit_actions(db) -> list[str]:
    return list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


# --- the shipped Hanoi directory ----------------------------------------------------------


def test_hanoi_directory_loads_126_communes_and_wards_and_the_bodies(db):
    report = load_file(db, HANOI)

    city = tenant(db, "ha-noi")
    assert (city.kind, city.code, city.name) == ("city", "01", "Thành phố Hà Nội")
    below = db.execute(
        select(Tenant.kind, func.count()).where(Tenant.parent_id == city.id).group_by(Tenant.kind)
    ).all()
    by_kind = dict(below)
    assert by_kind["ward"] == 51
    assert by_kind["commune"] == 75
    assert by_kind["ward"] + by_kind["commune"] == 126
    assert by_kind["department"] == 9
    assert by_kind["front_org"] == 1  # the Front; the socio-political organisations sit under it
    assert report.created == count(db, Tenant) == 1 + 126 + 9 + 1 + 1 + 5
    assert report.updated == 0
    assert audit_actions(db).count("tenant.create") == report.created


@pytest.mark.parametrize(("code", "slug", "name", "kind"), [
    ("00004", "phuong-ba-dinh", "Phường Ba Đình", "ward"),
    ("00070", "phuong-hoan-kiem", "Phường Hoàn Kiếm", "ward"),
    ("00226", "phuong-van-mieu-quoc-tu-giam", "Phường Văn Miếu - Quốc Tử Giám", "ward"),
    ("00577", "xa-bat-trang", "Xã Bát Tràng", "commune"),
])
def test_hanoi_codes_are_the_official_ones(db, code, slug, name, kind):
    load_file(db, HANOI)
    unit = tenant(db, slug)
    assert (unit.code, unit.name, unit.kind) == (code, name, kind)
    assert unit.code_valid_from == date(2025, 7, 1)
    assert unit.parent.slug == "ha-noi"
    assert unit.path.startswith(unit.parent.path)


def test_hanoi_bodies_sit_where_the_plan_puts_them(db):
    load_file(db, HANOI)
    board = tenant(db, "ban-thi-dua-khen-thuong")
    assert board.parent.slug == "so-noi-vu"
    assert tenant(db, "cong-an-thanh-pho").kind == "department"
    for slug in ("hoi-lien-hiep-phu-nu", "thanh-doan", "hoi-nong-dan", "hoi-cuu-chien-binh",
                 "lien-doan-lao-dong"):
        unit = tenant(db, slug)
        assert unit.kind == "front_org"
        assert unit.parent.slug == "uy-ban-mttq"


def test_second_run_changes_nothing(db):
    load_file(db, HANOI)
    entries_before = count(db, AuditEntry)

    report = load_file(db, HANOI)

    assert (report.created, report.updated, report.changes) == (0, 0, [])
    assert report.unchanged == count(db, Tenant)
    assert count(db, AuditEntry) == entries_before


# --- updates ------------------------------------------------------------------------------


def test_rename_updates_the_unit_found_by_slug_and_is_audited(db):
    load_text(db, SMALL)
    original = tenant(db, "phuong-mot")

    report = load_text(db, SMALL.replace('"Phường Một"', '"Phường Một Mới"'))

    renamed = tenant(db, "phuong-mot")
    assert renamed.id == original.id
    assert renamed.name == "Phường Một Mới"
    assert "phuong mot moi" in renamed.search_text
    assert (report.created, report.updated) == (0, 1)
    entry = db.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry.action == "tenant.update"
    assert entry.actor_label == "system"
    assert entry.changes["name"] == ["Phường Một", "Phường Một Mới"]


def test_code_change_closes_the_old_code_and_keeps_it(db):
    load_text(db, SMALL)

    changed = SMALL.replace('code: "90001"\n        code_valid_from: 2025-07-01',
                            'code: "90101"\n        code_valid_from: 2026-01-01')
    report = load_text(db, changed)

    unit = tenant(db, "phuong-mot")
    assert (unit.code, unit.code_valid_from) == ("90101", date(2026, 1, 1))
    assert unit.attributes["former_codes"] == [
        {"code": "90001", "valid_from": "2025-07-01", "valid_to": "2025-12-31"}
    ]
    assert report.changes[0].fields["code"] == ["90001", "90101"]
    # Matching stays by slug: a third run with the same file is a no-op.
    assert load_text(db, changed).updated == 0


def test_a_code_handed_from_one_unit_to_another_is_reassigned(db):
    load_text(db, SMALL)
    swapped = SMALL.replace('"90001"', '"TMP"').replace('"90002"', '"90001"').replace('"TMP"', '"90002"')

    report = load_text(db, swapped)

    assert report.updated == 2
    assert tenant(db, "phuong-mot").code == "90002"
    assert tenant(db, "phuong-hai").code == "90001"
    assert tenant(db, "phuong-hai").attributes["former_codes"][0]["code"] == "90002"


def test_moving_a_unit_rewrites_the_paths_of_its_subtree(db):
    load_text(db, SMALL)
    moved = SMALL.replace(
        """      - name: "Phường Hai"
        slug: phuong-hai
        kind: ward
        code: "90002"
        code_valid_from: 2025-07-01
""", "").replace(
        """      - name: "Phường Một"
""", """      - name: "Phường Hai"
        slug: phuong-hai
        kind: ward
        code: "90002"
        code_valid_from: 2025-07-01
      - name: "Phường Một"
""")
    # The school moves from Phường Một to Phường Hai.
    moved = moved.replace(
        """        code_valid_from: 2025-07-01
        children:
          - name: "Trường THCS Một"
            slug: truong-thcs-mot
            kind: school
""", """        code_valid_from: 2025-07-01
""", 1)
    moved = moved.replace(
        """        code: "90002"
        code_valid_from: 2025-07-01
""", """        code: "90002"
        code_valid_from: 2025-07-01
        children:
          - name: "Trường THCS Một"
            slug: truong-thcs-mot
            kind: school
""", 1)

    report = load_text(db, moved)

    school, ward_two = tenant(db, "truong-thcs-mot"), tenant(db, "phuong-hai")
    assert school.parent_id == ward_two.id
    assert school.path == f"{ward_two.path}{school.id}/"
    assert school.depth == 2
    assert report.updated == 1
    assert report.changes[0].fields["parent"] == ["phuong-mot", "phuong-hai"]


def test_moving_a_unit_moves_its_whole_subtree(db):
    load_text(db, SMALL)
    # The ward moves under the department; its school (not in this file) follows.
    load_text(db, """\
tenants:
  - name: "Sở Giáo dục và Đào tạo"
    slug: so-gddt
    kind: department
    parent: tp-thu
  - name: "Trường THCS Một"
    slug: truong-thcs-mot
    kind: school
    parent: so-gddt
""")
    department, school = tenant(db, "so-gddt"), tenant(db, "truong-thcs-mot")
    assert school.path == f"{department.path}{school.id}/"
    assert school.depth == department.depth + 1


def test_units_missing_from_the_file_are_never_deleted(db):
    load_text(db, SMALL)
    before = count(db, Tenant)

    load_text(db, """\
tenants:
  - {name: "Thành phố Thử", slug: tp-thu, kind: city, code: "99"}
""")

    assert count(db, Tenant) == before


def test_a_top_level_entry_without_parent_stays_where_it_is(db):
    load_text(db, SMALL)
    ward = tenant(db, "phuong-mot")

    report = load_text(db, """\
tenants:
  - name: "Phường Một"
    slug: phuong-mot
    kind: ward
    code: "90001"
    code_valid_from: 2025-07-01
    children:
      - {name: "Trường Tiểu học Một", slug: truong-tieu-hoc-mot, kind: school}
""")

    assert (report.created, report.updated) == (1, 0)
    assert tenant(db, "phuong-mot").path == ward.path
    assert tenant(db, "truong-tieu-hoc-mot").parent_id == ward.id


def test_a_file_may_declare_its_own_kinds(db):
    load_text(db, SMALL)
    load_text(db, """\
kinds:
  residential_area: "Khu dân cư"
tenants:
  - name: "Tổ dân phố số 1"
    slug: to-dan-pho-1
    kind: residential_area
    parent: phuong-mot
""")
    assert tenant(db, "to-dan-pho-1").parent.slug == "phuong-mot"


def test_dry_run_writes_nothing(db):
    report = load_text(db, SMALL, dry_run=True)

    assert report.created == 5
    assert report.dry_run
    assert count(db, Tenant) == 0
    assert count(db, AuditEntry) == 0


# --- bad files ----------------------------------------------------------------------------


def reject(db, text: str) -> DirectoryError:
    with pytest.raises(DirectoryError) as caught:
        load_text(db, text)
    assert count(db, Tenant) == 0
    assert count(db, AuditEntry) == 0
    return caught.value


def lines_of(error: DirectoryError) -> list[int]:
    return [problem.line for problem in error.problems]


def test_bad_yaml_reports_its_line(db):
    error = reject(db, SMALL.replace("        slug: phuong-hai\n", "        slug: phuong-hai: x\n"))
    assert lines_of(error) == [18]
    assert "YAML" in error.problems[0].reason


def test_unclosed_bracket_names_where_it_opened(db):
    error = reject(db, SMALL.replace("        slug: phuong-hai\n", "        slug: [phuong-hai\n"))
    assert lines_of(error) == [19]
    assert "line 18" in error.problems[0].reason


def test_repeated_key_reports_its_line(db):
    error = reject(db, SMALL.replace("        kind: ward\n        code: \"90002\"",
                                     "        kind: ward\n        kind: commune\n        code: \"90002\""))
    assert lines_of(error) == [20]


def test_unknown_kind_reports_its_line(db):
    error = reject(db, SMALL.replace("kind: department", "kind: ministry"))
    assert lines_of(error) == [24]
    assert "ministry" in error.problems[0].reason


def test_duplicate_slug_reports_the_second_line_and_loads_nothing(db):
    error = reject(db, SMALL.replace("slug: so-gddt", "slug: phuong-mot"))
    assert lines_of(error) == [23]
    assert "phuong-mot" in error.problems[0].reason
    assert "9" in error.problems[0].reason  # points back to the first use


def test_duplicate_code_reports_its_line(db):
    error = reject(db, SMALL.replace('"90002"', '"90001"'))
    assert lines_of(error) == [20]


def test_missing_name_reports_the_entry_line(db):
    error = reject(db, SMALL.replace('      - name: "Phường Hai"\n        slug: phuong-hai',
                                     '      - slug: phuong-hai'))
    assert lines_of(error) == [17]
    assert error.problems[0].reason.startswith("name:")


def test_child_kind_not_allowed_reports_its_line(db):
    error = reject(db, SMALL.replace("            kind: school", "            kind: ward"))
    assert lines_of(error) == [16]
    assert "ward" in error.problems[0].reason


def test_unquoted_code_is_refused(db):
    # YAML reads 00004 as the number 4: the official code would be lost.
    error = reject(db, SMALL.replace('code: "90001"', "code: 00004"))
    assert lines_of(error) == [11]


def test_an_entry_with_several_faults_reports_each(db):
    bad = SMALL.replace("slug: so-gddt", "slug: Sở GDĐT").replace("kind: department", "kind: ministry")
    assert lines_of(reject(db, bad)) == [23, 24]


def test_every_problem_is_reported_at_once(db):
    bad = SMALL.replace("kind: department", "kind: ministry").replace('"90002"', '"90001"')
    assert lines_of(reject(db, bad)) == [20, 24]


def test_a_bad_file_changes_nothing_already_loaded(db):
    load_text(db, SMALL)
    entries = count(db, AuditEntry)
    with pytest.raises(DirectoryError):
        load_text(db, SMALL.replace('"Phường Một"', '"Tên mới"').replace("kind: department", "kind: x!"))
    assert tenant(db, "phuong-mot").name == "Phường Một"
    assert count(db, AuditEntry) == entries


def test_a_code_held_by_a_unit_outside_the_file_is_refused(db):
    load_text(db, SMALL)
    error_text = """\
tenants:
  - name: "Phường Ba"
    slug: phuong-ba
    kind: ward
    code: "90001"
    parent: tp-thu
"""
    with pytest.raises(DirectoryError) as caught:
        load_text(db, error_text)
    assert lines_of(caught.value) == [5]
    assert db.scalar(select(Tenant).where(Tenant.slug == "phuong-ba")) is None


# --- loading in bulk ----------------------------------------------------------------------


def census_from_paths(db) -> dict[tuple[str, str], int]:
    """(slug, kind) → active units of that kind in the slug's subtree, counted from the paths."""
    units = db.execute(select(Tenant.id, Tenant.slug, Tenant.path, Tenant.kind)).all()
    slug_of = {str(unit.id): unit.slug for unit in units}
    counts: dict[tuple[str, str], int] = {}
    for unit in units:
        for ancestor in unit.path.strip("/").split("/"):
            key = (slug_of[ancestor], unit.kind)
            counts[key] = counts.get(key, 0) + 1
    return counts


def census_stored(db) -> dict[tuple[str, str], int]:
    rows = db.execute(
        select(Tenant.slug, SubtreeCount.unit_kind, SubtreeCount.units)
        .join(Tenant, Tenant.id == SubtreeCount.tenant_id).where(SubtreeCount.units != 0)
    ).all()
    return {(slug, kind): units for slug, kind, units in rows}


def test_units_created_in_bulk_have_their_paths_census_and_chained_audit(db):
    load_text(db, SMALL)
    # New units under an existing ward and under a new one, an existing unit renamed between
    # them (written after the new units before it), and a new unit under a new unit.
    more = SMALL.replace('''            slug: truong-thcs-mot
            kind: school
''', '''            slug: truong-thcs-mot
            kind: school
          - {name: "Trường Tiểu học Một", slug: truong-th-mot, kind: school}
''').replace('''        slug: so-gddt
        kind: department
''', '''        slug: so-gddt
        kind: department
        children:
          - {name: "Trường THPT Sở", slug: truong-thpt-so, kind: school}
      - name: "Phường Ba"
        slug: phuong-ba
        kind: ward
        children:
          - {name: "Công ty Ba", slug: cong-ty-ba, kind: enterprise}
''').replace('"Phường Hai"', '"Phường Hai Mới"')

    report = load_text(db, more)

    assert (report.created, report.updated) == (4, 1)
    for slug in ("truong-th-mot", "truong-thpt-so", "phuong-ba", "cong-ty-ba"):
        unit = tenant(db, slug)
        parent = db.get(Tenant, unit.parent_id)
        assert unit.path == f"{parent.path}{unit.id}/"
        assert unit.depth == parent.depth + 1
    assert tenant(db, "cong-ty-ba").parent_id == tenant(db, "phuong-ba").id
    assert census_stored(db) == census_from_paths(db)
    assert audit_actions(db).count("tenant.create") == count(db, Tenant)
    assert verify_chain(db) == []
    assert len({e for e in db.scalars(select(AuditEntry.seq))}) == count(db, AuditEntry)
