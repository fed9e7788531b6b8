"""The export job: make one file, report progress as it goes, keep the file for a while.

The job carries the scope as its tenant (the runner sets that subtree's context) and the starter
as the export's ``created_by_id``: the file is made with the starter's rights as they are when it
runs, so a role withdrawn in between stops it. Progress is written on its own connection, so the
API shows it while the job's own transaction is still open. A second delivery of the same job
finds the file made and does nothing (idempotent); the file is written under a temporary name and
renamed, so nobody ever downloads half a file.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from datetime import datetime
from typing import Any

from flask import Flask, render_template
from sqlalchemy import update

from core.db.engine import database
from core.exports import content as report_content
from core.exports import operations, raw, xlsx
from core.exports.models import Export
from core.exports.settings import ExportSettings
from core.jobs.registry import JobContext, task
from core.periods.models import ReportingPeriod
from core.plugins.manager import plugin_host
from core.snapshots.models import PeriodSnapshot
from core.snapshots.operations import Results
from core.tenants.models import Tenant
from core.users.access import Access
from core.users.models import User

# About how much HTML fills one A4 page of a report (bytes), to turn the renderer's "page n laid
# out" messages into progress before the number of pages is known. Measured with ``thidua bench``
# at 6,200–6,400 and taken a little high, so that pages are rather under-counted: progress then
# waits at the end of the layout instead of jumping when it ends.
HTML_BYTES_PER_PAGE = 6500


class Progress:
    """Writes an export's progress (0–100) on its own connection whenever it moves by a point or
    more; never goes back."""

    def __init__(self, app: Flask, export_id: uuid.UUID) -> None:
        self.engine = database(app).engine
        self.export_id = export_id
        self.value = 0
        self.lock = threading.Lock()

    def __call__(self, fraction: float) -> None:
        value = max(0, min(int(fraction * 100), 100))
        with self.lock:
            if value <= self.value:
                return
            self.value = value
            with self.engine.begin() as connection:
                connection.execute(update(Export.__table__).where(Export.__table__.c.id == self.export_id)
                                   .values(progress=value))


class PageWatcher(logging.Handler):
    """Follows WeasyPrint's progress messages from the rendering thread (it logs each page it
    lays out, then the PDF's creation) and moves the progress: pages from ``start`` to ``middle``
    against the number of pages expected (never past ``middle``), the PDF itself from ``middle``
    to ``end``."""

    def __init__(self, progress: Progress, start: float, middle: float, end: float, pages: int) -> None:
        super().__init__(logging.INFO)
        self.progress, self.start, self.middle, self.end = progress, start, middle, end
        self.pages = max(pages, 1)
        self.thread = threading.get_ident()
        self.seen = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:
            return  # another document rendered at the same time in this process
        message = str(record.msg)
        if message.startswith("Step 5") and record.args:
            self.seen = int(record.args[0])
            share = min(self.seen / self.pages, 1.0)
            self.progress(self.start + (self.middle - self.start) * share)
        elif message.startswith("Step 6"):
            self.progress(self.middle)
        elif message.startswith("Step 7"):
            self.progress(self.end)


def render_pdf(content: report_content.ReportContent, progress: Progress) -> bytes:
    """The report as PDF (the print view's template): the HTML is written while the late units
    are read (progress to 40 %), then laid out page by page (to 93 %) and written (to 97 %)."""
    from core.documents import html_to_pdf

    late_rows = content.late_count
    read = content.late_units
    progress(0.05)
    step = xlsx._Stepper(progress, 0.05, 0.4, max(late_rows, 1))

    def counted():
        for unit in read():
            step()
            yield unit

    content.late_units = counted
    html = render_template("exports/report.html", **report_content.template_context(content, for_pdf=True))
    progress(0.4)
    content.html_bytes = len(html.encode())
    watcher = PageWatcher(progress, 0.4, 0.93, 0.97, content.html_bytes // HTML_BYTES_PER_PAGE)
    logger = logging.getLogger("weasyprint.progress")
    level = logger.level
    logger.addHandler(watcher)
    logger.setLevel(logging.INFO)
    try:
        return html_to_pdf(html, full_fonts=True)
    finally:
        logger.removeHandler(watcher)
        logger.setLevel(level)
        content.pages = watcher.seen


def make(app: Flask, db, access: Access, export: Export, path: str, progress: Progress,
         now: datetime) -> int:
    """Write the export's file to ``path``; returns the rows written (units or values)."""
    period = db.get(ReportingPeriod, export.period_id)
    scope = db.get(Tenant, export.tenant_id)
    snapshot = db.get(PeriodSnapshot, export.snapshot_id) if export.snapshot_id else None
    results = Results(period, snapshot)
    host = plugin_host(app)
    progress(0.02)
    if export.report == "matrix":
        from core.matrix import operations as matrix
        from core.matrix import xlsx as matrix_xlsx

        groups, rows = matrix.stream(db, access, host, period, scope)
        with open(path, "wb") as out:
            return matrix_xlsx.write(out, groups, _ticking(rows, progress, results, db, scope))
    if export.report == "raw":
        total = results.rows(db, [scope.id]).figures(scope.id, _kinds(db, period)).expected
        with open(path, "wb") as out:
            return raw.write(out, db, host, results, scope, progress, expected=total)
    content = report_content.build(db, host, results, scope, export.report, now=now)
    if export.format == "pdf":
        data = render_pdf(content, progress)
        with open(path, "wb") as out:
            out.write(data)
        return content.total.expected
    with open(path, "wb") as out:
        return xlsx.write(out, content, progress)


def _kinds(db, period: ReportingPeriod) -> list[str]:
    from core.snapshots.operations import expected_kinds

    return expected_kinds(db, period.id)


def _ticking(rows, progress: Progress, results: Results, db, scope: Tenant):
    total = max(results.rows(db, [scope.id]).figures(scope.id, _kinds(db, results.period)).expected, 1)
    every = max(total // 100, 1)
    for index, row in enumerate(rows, 1):
        if index % every == 0:
            progress(min(0.02 + 0.93 * index / total, 0.95))
        yield row


@task("exports.run", max_attempts=1, timeout=1800)
def run(ctx: JobContext, export_id: str, tenant_id: str) -> dict[str, Any]:
    """Make export ``export_id`` (see the module docstring); returns what was written."""
    db = ctx.db
    export = db.get(Export, uuid.UUID(export_id))
    if export is None:
        return {"skipped": "no such export"}
    settings = ExportSettings.of(ctx.app)
    if export.stored_as and (settings.folder / export.stored_as).is_file():
        return {"file": export.file_name, "repeated": True}
    # On a connection of its own: the job's session stays free of writes until the end, so
    # that the progress can be written beside it (SQLite has one writer at a time).
    with database(ctx.app).engine.begin() as connection:
        operations.forget_expired(connection, ctx.app, ctx.now)
    user = db.get(User, export.created_by_id) if export.created_by_id else None
    access = Access.for_user(db, user)
    scope = db.get(Tenant, export.tenant_id)
    if scope is None or not operations.may_read(access, export.report, scope):
        raise operations.ScopeWithdrawn("the person who asked for this export may no longer read its scope")
    progress = Progress(ctx.app, export.id)
    settings.folder.mkdir(parents=True, exist_ok=True)
    stored_as = f"{export.id.hex}.{export.format}"
    partial = settings.folder / f".{stored_as}.part"
    try:
        rows = make(ctx.app, db, access, export, str(partial), progress, ctx.now)
        os.replace(partial, settings.folder / stored_as)
    finally:
        partial.unlink(missing_ok=True)
    period = db.get(ReportingPeriod, export.period_id)
    export.stored_as = stored_as
    export.size = (settings.folder / stored_as).stat().st_size
    export.file_name = operations.file_name(period, scope, export.report, export.format)
    export.finished_at = ctx.now
    export.expires_at = operations.keep_until(ctx.app, ctx.now)
    export.progress = 100
    return {"file": export.file_name, "rows": rows, "bytes": export.size}
