"""The measured peer's real table at size: 230 rows, 1.000 points, five levels deep. Imported,
enabled, its form rendered for a school, filled and scored. The times are printed (run with
``-s``) beside a baseline of the same run, never asserted: docs/performance.md records them."""

from __future__ import annotations

import io
import statistics
import time
from datetime import timedelta

import pytest

from core import clock
from core.criteria_defs import excel
from core.periods import models as period_models
from core.periods import operations as period_ops
from core.users.access import SystemAccess

from .kit import big_table, workbook


@pytest.fixture
def thidua_config():
    return {"THIDUA_PLUGINS": "defined_criteria"}


def timed(action, runs: int = 5) -> tuple[float, object]:
    """The median of ``runs`` calls, in milliseconds, and the last answer."""
    spent, answer = [], None
    for _ in range(runs):
        started = time.perf_counter()
        answer = action()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent), answer


def test_a_table_of_230_rows_and_1000_points_imports_renders_and_scores(db, world, api_as, client_as):
    table = big_table()
    data = workbook(table)
    assert len(table) == 230 and max(row["Cấp"] for row in table) == 5
    read_ms, nodes = timed(lambda: excel.read(data))
    assert len(nodes) == 230 and sum(n.maximum for n in nodes if n.parent is None) == 1000
    now = clock.now_in_hanoi()
    access = SystemAccess(db=db, user=None)
    period = period_ops.create(db, access, world.tenant("ward-a"), {
        "key": "ward-scale", "kind": "thematic", "title": "Bảng lớn",
        "opens_at": now - timedelta(days=1),
        "due_at": now + timedelta(days=5), "city_due_at": now + timedelta(days=6),
        "closes_at": now + timedelta(days=7)})
    period_ops.transition(db, access, period, period_models.OPEN)
    db.commit()
    admin = api_as("ward_admin")
    path = f"/api/v1/tenants/{world.tenant('ward-a').id}/criteria-sets/import"

    def post():
        return admin.post(path, data={"file": (io.BytesIO(data), "bang.xlsx"), "key": "bang_lon",
                                      "title": "Bảng lớn"}, content_type="multipart/form-data")

    import_ms, answer = timed(post)
    assert answer.status_code == 201 and answer.get_json()["maximum"] == 1000
    set_key = answer.get_json()["set_key"]
    assert admin.put(f"/api/v1/periods/{period.id}/criteria-sets",
                     json=[{"key": set_key, "tenant_kinds": ["school"]}]).status_code == 200
    school = client_as("a1_reporter")
    page = f"/tenants/{world.tenant('school-a1').id}/periods/{period.id}/report"
    school.get(page)  # the first reading builds the set of this version once per process
    render_ms, shown = timed(lambda: school.get(page))
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and html.count(f'name="{set_key}--c_') >= 200
    baseline_ms, _ = timed(lambda: school.get("/"))
    values: dict[str, object] = {}
    listed = admin.get(f"/api/v1/periods/{period.id}/criteria-sets").get_json()
    fields = listed["criteria_sets"][0]["fields"]
    for field in fields:
        if field["type"] == "boolean":
            values[field["name"]] = True
        elif field["name"].endswith("_giai_trinh"):
            values[field["name"]] = "Đã thực hiện đủ."
        elif field["type"] in ("integer", "number") and field["name"].endswith("_tru"):
            values[field["name"]] = 0
        elif field["type"] in ("integer", "number"):
            top = field["maximum"]
            values[field["name"]] = top if top and top < 1_000 else 100
    report = f"/api/v1/tenants/{world.tenant('school-a1').id}/periods/{period.id}/report"
    saved = api_as("a1_reporter").put(report, json={"version": 0, "sections": {set_key: values}})
    assert saved.status_code == 200, saved.get_data(as_text=True)[:500]
    assert saved.get_json()["self_score"] == 1000
    print(f"\n230 rows, 1.000 points, 5 levels: read {read_ms:.0f} ms; import through the API "
          f"{import_ms:.0f} ms; school's report page {render_ms:.0f} ms (the home page, baseline: "
          f"{baseline_ms:.0f} ms)")
