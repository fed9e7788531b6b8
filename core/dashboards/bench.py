"""Figures for ``thidua bench``: the city dashboard, the matrix as XLSX and the rollup's cost per
approval, each beside a plain baseline measured in the same run.

Each ``*_figure(app, period)`` returns a dict with the product's median (``product_ms``), the
baseline's median (``baseline_ms``) and what was measured; ``populate`` builds a city of a given
size with reports to measure on. Medians only: no figure is ever asserted in a test.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import Uuid, bindparam, event, func, insert, select, text

from core.db import scoping
from core.db.engine import database
from core.db.types import utcnow
from core.matrix import operations as matrix
from core.matrix import xlsx
from core.periods import models as period_models
from core.periods.models import ReportingPeriod
from core.plugins.evaluation import EvaluationContext, evaluate
from core.plugins.manager import plugin_host
from core.plugins.operations import configure_period, sets_for_tenant
from core.reports import operations as report_ops
from core.reports import scoring
from core.reports.models import APPROVED, SUBMITTED, Section, Submission
from core.rollups import operations as rollups
from core.tenants.models import Tenant
from core.text import fold
from core.text.collation import sort_key
from core.users.access import Access, SystemAccess
from core.users.models import User

from . import operations as dashboards


def _median_ms(run: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


@contextmanager
def _session(app: Flask, username: str | None = None) -> Iterator[tuple[Any, Access]]:
    """A session and access as ``username`` would have in a request (the platform without one)."""
    db = database(app).new_session()
    try:
        user = db.scalar(select(User).where(User.username == username)) if username else None
        access = Access.for_user(db, user) if user else SystemAccess(db=db, user=None)
        scoping.set_context(db, access.tenant_context())
        yield db, access
    finally:
        db.rollback()
        db.close()


def _count_queries(app: Flask, run: Callable[[], Any]) -> int:
    seen = []
    engine = database(app).engine

    def count(*_args) -> None:
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def dashboard_figure(app: Flask, period: ReportingPeriod, *, username: str | None = None,
                     repeat: int = 15) -> dict[str, Any]:
    """The city dashboard (the period's owner as scope) read from the rollups, against the plain
    SQL aggregate of the same subtree's reports by kind and status."""
    with app.test_request_context(), _session(app, username) as (db, access):
        period = db.get(ReportingPeriod, period.id)
        owner = db.get(Tenant, period.owner_tenant_id)
        host = plugin_host(app)

        def product() -> Any:
            return dashboards.dashboard(db, access, host, period, owner)

        product()
        queries = _count_queries(app, product)
        baseline_sql = text(
            "SELECT t.kind, s.status, count(*), sum(CASE WHEN s.late THEN 1 ELSE 0 END), "
            "avg(coalesce(s.review_score, s.self_score)) FROM tenant t LEFT JOIN submission s "
            "ON s.tenant_id = t.id AND s.period_id = :period WHERE t.path LIKE :path "
            "GROUP BY t.kind, s.status"
        ).bindparams(bindparam("period", type_=Uuid))
        params = {"period": period.id, "path": owner.path + "%"}
        units = db.scalar(select(func.count()).select_from(Tenant).where(Tenant.path.startswith(owner.path)))
        return {
            "figure": "dashboard", "units": units, "queries": queries,
            "product_ms": _median_ms(product, repeat),
            "baseline_ms": _median_ms(lambda: db.execute(baseline_sql, params).all(), repeat),
        }


def matrix_xlsx_figure(app: Flask, period: ReportingPeriod, *, username: str | None = None,
                       repeat: int = 3) -> dict[str, Any]:
    """The whole matrix of the period's owner as XLSX, against reading the same grouped rows
    with plain SQL (no workbook)."""
    with app.test_request_context(), _session(app, username) as (db, access):
        period = db.get(ReportingPeriod, period.id)
        owner = db.get(Tenant, period.owner_tenant_id)
        host = plugin_host(app)
        written = {}

        def product() -> None:
            groups, rows = matrix.stream(db, access, host, period, owner)
            with tempfile.TemporaryFile() as out:
                written["rows"] = xlsx.write(out, groups, rows)
                written["bytes"] = out.tell()

        baseline_sql = text(
            "SELECT t.id, t.name, s.status, x.set_key, x.\"values\", x.review FROM tenant t "
            "LEFT JOIN submission s ON s.tenant_id = t.id AND s.period_id = :period "
            "LEFT JOIN submission_section x ON x.tenant_id = s.tenant_id AND x.submission_id = s.id "
            "WHERE t.path LIKE :path ORDER BY t.name_key, t.id, x.set_key"
        ).bindparams(bindparam("period", type_=Uuid))
        params = {"period": period.id, "path": owner.path + "%"}
        product_ms = _median_ms(product, repeat)
        return {
            "figure": "matrix_xlsx", "units": written.get("rows"), "bytes": written.get("bytes"),
            "columns": sum(len(g.columns) for g in matrix.groups(db, host, period)) * 3,
            "product_ms": product_ms,
            "baseline_ms": _median_ms(lambda: db.execute(baseline_sql, params).all(), repeat),
        }


def rollup_cost_figure(app: Flask, period: ReportingPeriod, *, samples: int = 40) -> dict[str, Any]:
    """The time the rollup update adds to an approval: submitted reports are approved one by one
    (each rolled back), timing the whole approval and, inside it, ``rollups.refresh``."""
    with app.test_request_context(), _session(app) as (db, access):
        period = db.get(ReportingPeriod, period.id)
        host = plugin_host(app)
        submitted = db.execute(
            select(Submission.tenant_id).where(Submission.period_id == period.id,
                                               Submission.status == SUBMITTED).limit(samples)
        ).scalars().all()
        refresh = rollups.refresh
        spent: list[float] = []

        def timed(*args: Any, **kwargs: Any) -> None:
            start = time.perf_counter()
            refresh(*args, **kwargs)
            spent.append((time.perf_counter() - start) * 1000)

        totals = []
        rollups.refresh = timed
        try:
            for tenant_id in submitted:
                tenant = db.get(Tenant, tenant_id)
                # Seeded reports hold a result computed without the units below them; an
                # approval refuses a stale result, so the report is brought up to date first.
                report_ops.recompute(db, access, host, tenant, period)
                db.flush()
                start = time.perf_counter()
                report_ops.approve(db, access, host, tenant, period)
                db.flush()
                totals.append((time.perf_counter() - start) * 1000)
                db.rollback()
        finally:
            rollups.refresh = refresh
        if not totals:
            return {"figure": "rollup_per_approval", "samples": 0}
        added = round(statistics.median(spent), 2)
        return {
            "figure": "rollup_per_approval", "samples": len(totals), "product_ms": added,
            "baseline_ms": round(statistics.median(totals) - added, 2),
            "approval_ms": round(statistics.median(totals), 2),
        }


def populate(app: Flask, units: int, *, seed: int = 2025, key: str | None = None) -> ReportingPeriod:
    """A city of about ``units`` units (126 communes and wards, departments, and schools and
    enterprises below them) with an open period enabling every loaded set, and reports as a
    period looks near its deadline: most submitted, half of those approved. Rows are inserted in
    bulk and the rollups rebuilt once; commits."""
    rng = random.Random(seed)
    host = plugin_host(app)
    with app.app_context(), _session(app) as (db, access):
        now = utcnow()
        tenants: list[dict[str, Any]] = []

        def add(name: str, kind: str, parent: dict[str, Any] | None) -> dict[str, Any]:
            tenant_id = uuid.uuid4()
            path = f"{parent['path'] if parent else '/'}{tenant_id}/"
            row = {"id": tenant_id, "slug": f"bench-{tenant_id.hex[:12]}", "name": name, "kind": kind,
                   "parent_id": parent["id"] if parent else None, "path": path,
                   "depth": parent["depth"] + 1 if parent else 0, "attributes": {}, "active": True,
                   "search_text": fold(name), "name_key": sort_key(name), "created_at": now}
            tenants.append(row)
            return row

        city = add("Thành phố thử tải", "city", None)
        communes = [add(f"{'Phường' if i % 2 else 'Xã'} số {i + 1}", "ward" if i % 2 else "commune", city)
                    for i in range(126)]
        departments = [add(f"Sở số {i + 1}", "department", city) for i in range(10)]
        parents = communes + departments
        for i in range(max(units - len(tenants), 0)):
            kind = "school" if i % 3 else "enterprise"
            add(f"{'Trường' if kind == 'school' else 'Công ty'} số {i + 1}", kind, rng.choice(parents))
        db.execute(insert(Tenant), tenants)
        owner = db.get(Tenant, city["id"])
        period = open_period(db, access, host, owner, key=key)
        fill_reports(db, host, period, [row["id"] for row in tenants[1:]], rng, share=0.8)
        rollups.rebuild(db, host, period)
        db.commit()
        return period


def fill_reports(db: Any, host: Any, period: ReportingPeriod, tenant_ids: list[uuid.UUID],
                 rng: random.Random, *, share: float = 0.8, variants: int | None = None) -> int:
    """Give about ``share`` of the units ``tenant_ids`` a report in ``period`` filled with the
    plugins' demo values (``thidua_demo_values``), scored as a save would score it, as a period
    looks near its deadline: submitted, half of them approved, one in ten late. Rows are
    inserted in bulk; the rollups are left to the caller (``rollups.rebuild``). Returns the
    number of reports written.

    With ``variants``, each criteria set is filled and scored that many times per kind of unit
    and the units of the kind draw one of those (a city of 10,000 then costs a few hundred
    evaluations, not tens of thousands); without, every unit's values are drawn and scored."""
    now = utcnow()
    wanted = set(tenant_ids)
    units = {t.id: t for t in db.scalars(select(Tenant).where(Tenant.active.is_(True)))
             if t.id in wanted}
    submissions, sections = [], []
    by_kind: dict[str, list[Any]] = {}
    drawn: dict[tuple[str, str], list[tuple[Any, Any]]] = {}

    def filled(item: Any, tenant: Tenant, context: EvaluationContext) -> tuple[Any, Any]:
        """(values, score or None) of one set for one unit, possibly one of the kind's variants."""
        pool = drawn.setdefault((tenant.kind, item.row.key), [])
        if variants is not None and len(pool) >= variants:
            return rng.choice(pool)
        values = host.pm.hook.thidua_demo_values(criteria_set=item.criteria_set, tenant=tenant, rng=rng)
        if values is None:
            result = (None, None)
        else:
            errors, score = evaluate(item.criteria_set, values, context, host=host)
            result = (values, None if errors else score)
        pool.append(result)
        return result

    for tenant_id in tenant_ids:
        if rng.random() > share:
            continue
        tenant = units[tenant_id]
        status = APPROVED if rng.random() < 0.5 else SUBMITTED
        submission_id = uuid.uuid4()
        pairs = []
        context = EvaluationContext(tenant=tenant, period=period)
        if tenant.kind not in by_kind:
            by_kind[tenant.kind] = sets_for_tenant(db, host, period, tenant)
        for item in by_kind[tenant.kind]:
            values, score = filled(item, tenant, context)
            if values is None:
                continue
            sections.append({"tenant_id": tenant.id, "id": uuid.uuid4(), "submission_id": submission_id,
                             "set_key": item.row.key, "set_version": item.row.version, "values": values,
                             "self_score": score, "review": {}, "review_score": None,
                             "outcomes": {}, "updated_at": now})
            pairs.append((score, item.row.weight))
        if not pairs:
            continue
        total = scoring.weighted_total(pairs)
        submissions.append({
            "tenant_id": tenant.id, "id": submission_id, "period_id": period.id, "status": status,
            "version": 3, "self_score": total, "review_score": None, "outcomes": {},
            "classification": scoring.classify(total, {}, period.bands or []), "late": rng.random() < 0.1,
            "explanation_required": False, "submitted_at": now, "returned_reason": "",
            "approved_at": now if status == APPROVED else None, "created_at": now, "updated_at": now,
        })
    if submissions:
        db.execute(insert(Submission), submissions)
    if sections:
        db.execute(insert(Section), sections)
    return len(submissions)


def open_period(db: Any, access: Access, host: Any, owner: Tenant, *,
                key: str | None = None) -> ReportingPeriod:
    """An open annual period of ``owner`` (opened 30 days ago, due in 10) enabling every loaded
    criteria set for the kinds of unit it applies to (individuals' sets aside); flushed."""
    now = utcnow()
    period = ReportingPeriod(
        owner_tenant_id=owner.id, key=key or f"bench-{uuid.uuid4().hex[:8]}", kind="annual",
        title="Kỳ thử tải", opens_at=now - timedelta(days=30), due_at=now + timedelta(days=10),
        city_due_at=now + timedelta(days=20), closes_at=now + timedelta(days=40),
        state=period_models.OPEN,
    )
    db.add(period)
    db.flush()
    kinds = {"school", "enterprise", "ward", "commune", "department", "agency"}
    configure_period(db, access, host, period, [
        {"key": cs.key, "tenant_kinds": sorted(cs.applies_to & kinds), "weight": 1}
        for cs in host.latest_sets() if cs.applies_to & kinds and cs.sector != "individual"
    ])
    return period
