"""Figures for ``thidua bench``: the city's consolidated report as XLSX and as PDF, made as the
export job makes it (content from the rollups or the snapshot, then the file), beside a plain
baseline measured in the same run: reading the same units with plain SQL.

``city_report_figure(app, period, fmt)`` returns a dict like the dashboards' figures
(``product_ms``, ``baseline_ms``, what was measured) with the largest gap between two progress
updates (``max_progress_step``, in percent; the target is at most 5). Build a city with
:func:`core.dashboards.bench.populate`. Medians only: no figure is ever asserted in a test.
"""

from __future__ import annotations

import tempfile
import time
from typing import Any

from flask import Flask
from sqlalchemy import Uuid, bindparam, text

from core.dashboards.bench import _median_ms, _session
from core.exports import content as report_content
from core.exports import xlsx
from core.periods.models import ReportingPeriod
from core.plugins.manager import plugin_host
from core.snapshots.operations import results_for
from core.tenants.models import Tenant

TARGET_MS = 30_000  # the city report at 10,000 units, each format


def city_report_figure(app: Flask, period: ReportingPeriod, fmt: str = "xlsx", *, repeat: int = 1,
                       username: str | None = None) -> dict[str, Any]:
    """Time the city report of ``period``'s owner in ``fmt`` (``xlsx`` or ``pdf``), median of
    ``repeat`` runs; returns the product's and the baseline's milliseconds, the file's size, the
    units listed and the largest progress step (percent)."""
    if fmt not in ("xlsx", "pdf"):
        raise ValueError(f"the city report comes as xlsx or pdf, not {fmt!r}")
    with app.test_request_context(), _session(app, username) as (db, _access):
        period = db.get(ReportingPeriod, period.id)
        owner = db.get(Tenant, period.owner_tenant_id)
        host = plugin_host(app)
        measured: dict[str, Any] = {}

        def product() -> None:
            steps: list[tuple[float, float]] = []

            def progress(share: float) -> None:
                steps.append((time.perf_counter(), share))

            content = report_content.build(db, host, results_for(db, period), owner, "city")
            with tempfile.TemporaryFile() as out:
                if fmt == "xlsx":
                    measured["units"] = xlsx.write(out, content, progress)
                else:
                    from core.exports.tasks import render_pdf

                    out.write(render_pdf(content, progress))
                    measured["units"] = content.total.expected
                    measured["pages"] = content.pages
                    measured["html_bytes_per_page"] = content.html_bytes // max(content.pages, 1)
                measured["bytes"] = out.tell()
            shares = [0.0, *(share for _t, share in steps), 1.0]
            measured["max_progress_step"] = round(max(b - a for a, b in zip(shares, shares[1:], strict=False))
                                                  * 100, 1)
            measured["late_units"] = content.late_count

        baseline_sql = text(
            "SELECT t.name, t.kind, s.status, s.self_score, s.classification, s.late FROM tenant t "
            "LEFT JOIN submission s ON s.tenant_id = t.id AND s.period_id = :period "
            "WHERE t.path LIKE :path ORDER BY t.name_key, t.id"
        ).bindparams(bindparam("period", type_=Uuid()))
        params = {"period": period.id, "path": owner.path + "%"}
        product_ms = _median_ms(product, repeat)
        return {
            "figure": f"city_report_{fmt}", **measured, "product_ms": product_ms, "target_ms": TARGET_MS,
            "baseline_ms": _median_ms(lambda: db.execute(baseline_sql, params).all(), repeat),
        }
