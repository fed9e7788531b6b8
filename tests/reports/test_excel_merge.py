"""A second edited copy of the same download is merged field by field with what was saved since
(base: the values the form was downloaded with, kept in its very hidden sheet), and refused,
naming the conflicting criteria, where the same field changed both ways. The save stays the draft
save's compare-and-set: one version step and one audit entry per applied upload."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.reports.excel import merge

from .test_excel import LABEL, SAFETY, as_bytes, download, fill, save, send, stored


def copies(book, count: int = 2) -> list:
    """``count`` separate copies of one downloaded file, as a user keeps them on disk."""
    data = as_bytes(book)
    return [load_workbook(io.BytesIO(data)) for _ in range(count)]


def saves(db) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "report.save"))


def test_a_second_copy_of_the_same_download_merges_where_nothing_conflicts(report_world, api_as, db):
    client = api_as("a1_reporter")
    first, second = copies(download(client, report_world))   # version 0
    fill(first, SAFETY, staff=20, plan_issued="Có")
    assert send(client, report_world, as_bytes(first)).status_code == 200
    fill(second, SAFETY, trained=15, plan_issued="Có")  # the same change as the first copy: no conflict
    response = send(client, report_world, as_bytes(second))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["version"] == 2
    assert stored(db, report_world)["rpt.safety"].values == {"staff": 20, "trained": 15, "plan_issued": True}
    assert saves(db) == 2


def test_a_change_made_since_on_another_field_by_someone_else_is_kept(report_world, api_as, app, db):
    save(app, db, report_world, "a1_head", 0, {"rpt.safety": {"staff": 12, "incidents": 1}})
    client = api_as("a1_reporter")
    book = download(client, report_world)   # version 1
    save(app, db, report_world, "a1_head", 1, {"rpt.safety": {"staff": 30, "incidents": 1}})
    fill(book, SAFETY, incidents=0)
    response = send(client, report_world, as_bytes(book))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert stored(db, report_world)["rpt.safety"].values == {"staff": 30, "incidents": 0}


def test_the_same_field_changed_both_ways_is_refused_naming_it(report_world, api_as, db):
    client = api_as("a1_reporter")
    first, second = copies(download(client, report_world))
    fill(first, SAFETY, staff=20, trained=5)
    assert send(client, report_world, as_bytes(first)).status_code == 200
    fill(second, SAFETY, staff=25, trained=None, incidents=2)
    response = send(client, report_world, as_bytes(second))
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["version"] == 1
    assert f"«{LABEL['staff']}»" in error["message"]
    assert LABEL["trained"] not in error["message"]  # left empty in the second copy: unchanged
    assert LABEL["incidents"] not in error["message"]
    assert stored(db, report_world)["rpt.safety"].values == {"staff": 20, "trained": 5}
    assert saves(db) == 1


def test_emptying_a_field_someone_changed_since_is_a_conflict(report_world, api_as, app, db):
    save(app, db, report_world, "a1_head", 0, {"rpt.safety": {"staff": 12}})
    client = api_as("a1_reporter")
    book = download(client, report_world)
    save(app, db, report_world, "a1_head", 1, {"rpt.safety": {"staff": 14}})
    fill(book, SAFETY, staff=None)
    response = send(client, report_world, as_bytes(book))
    assert response.status_code == 409
    assert LABEL["staff"] in response.get_json()["error"]["message"]


def test_a_file_without_its_download_values_stays_strict(report_world, api_as, app, db):
    client = api_as("a1_reporter")
    book = download(client, report_world)
    del book["_thidua_form"]
    save(app, db, report_world, "a1_head", 0, {"rpt.safety": {"incidents": 1}})
    fill(book, SAFETY, staff=20)
    assert send(client, report_world, as_bytes(book)).status_code == 409
    assert stored(db, report_world)["rpt.safety"].values == {"incidents": 1}


def test_merge_is_field_by_field():
    base = {"a": 1, "b": 2, "c": True}
    theirs = {"a": 1, "b": 3, "c": True}
    merged = merge(base, {"a": 5, "b": 2, "c": True}, theirs, {"a", "b", "c"})
    assert merged == ({"a": 5, "b": 3, "c": True}, [])
    assert merge(base, {"a": 1, "b": 4, "c": True}, theirs, {"a", "b", "c"}) == (theirs, ["b"])
    # 1 is not True: a yes/no changed since and a count in the file do not silently agree.
    assert merge(base, {"a": 1, "b": 3, "c": 1}, dict(theirs, c=False), {"a", "b", "c"})[1] == ["c"]
    assert merge(base, {"a": None}, {"a": 1, "b": 3}, {"a"}) == ({"b": 3}, [])  # emptied in the file
