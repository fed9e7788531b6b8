"""Concurrent approvals under the same ancestors, as real requests against a live server on
PostgreSQL: the rollup rows they share are locked in one order, so every approval is counted
once and none waits forever (SQLite serialises writers itself, so this runs on PostgreSQL)."""

from __future__ import annotations

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.tenants.models import Tenant
from core.tenants.operations import new_tenant
from core.users.access import SystemAccess
from core.users.operations import issue_token

from .flow import report
from .helpers import differences, snapshot

UNITS = 12


def test_concurrent_approvals_are_each_counted_once(report_world, db, host, app, live_server,
                                                    thidua_database_url):
    if not thidua_database_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL; SQLite runs one writer at a time")
    slugs = []
    for n in range(UNITS):
        parent = db.get(Tenant, report_world.tenant("ward-a" if n % 2 else "commune-b").id)
        school = new_tenant(db, name=f"Trường đồng thời {n}", kind="school", parent=parent, slug=f"c-{n}")
        db.flush()
        report_world.tenants[school.slug] = school
        slugs.append(school.slug)
        report(db, host, report_world, school.slug, until="submitted")
    with app.app_context():
        token = issue_token(db, SystemAccess(db=db, user=None), report_world.user("city_admin"))
        db.commit()

    def approve(slug: str) -> int:
        url = (f"{live_server.url}/api/v1/tenants/{report_world.tenant(slug).id}/periods/"
               f"{report_world.period.id}/report/approve")
        request = urllib.request.Request(url, data=json.dumps({"reason": ""}).encode(), method="POST",
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status

    with ThreadPoolExecutor(max_workers=UNITS) as pool:
        statuses = list(pool.map(approve, slugs))
    assert statuses == [200] * UNITS
    db.expire_all()
    incremental = snapshot(db)
    city = incremental["rollups"][(report_world.tenant("ha-noi").id, report_world.period.id, "school")]
    assert city["approved"] == UNITS and "submitted" not in city
    from core.rollups import operations

    operations.rebuild(db, host)
    db.flush()
    rebuilt = snapshot(db)
    db.rollback()
    assert differences(incremental, rebuilt) == []
