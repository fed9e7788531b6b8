"""``/periods/<pid>/exports``: start an export (a report as XLSX or PDF, the raw values as CSV,
the matrix as XLSX); ``/jobs/<id>/file``: the finished file. The state and progress are at
``/jobs/<id>`` (see :mod:`core.api.notifications`)."""

from __future__ import annotations

import uuid

from flask import Response, current_app, send_file, url_for
from flask_babel import gettext as _

from core.api.routing import Operation, commit, load_body, respond, route
from core.auth.context import current_access
from core.db.engine import session
from core.errors import Conflict
from core.exports import operations as exports
from core.exports.schemas import ExportInputSchema, StartedSchema
from core.jobs.settings import JobSettings
from core.periods import operations as period_operations

TAG = "exports"


@route("/periods/<uuid:period_id>/exports", ["POST"], Operation(
    summary="Start making a report, the raw values or the matrix as a file", tag=TAG, ok_status=202,
    body=ExportInputSchema, response=StartedSchema, errors=(404, 422),
    description="`report`: `unit` (a unit's report, due 10 November), `subtree` (a commune's or "
                "department's consolidated report), `city` (the city's, due 30 November; scope is the "
                "period's owner), `raw` (every value, CSV with BOM) or `matrix`. `format`: `xlsx` or "
                "`pdf` for the three reports, `csv` for raw, `xlsx` for the matrix. Answers 202 with the "
                "job's id; follow it at `/jobs/<id>`. Asking again for the same file while it is being "
                "made (or, for a closed period, while the file made from the same snapshot is kept) "
                "answers the same id. A scope the caller may not read answers 404.",
))
def start_export(period_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    period = period_operations.get_visible(db, access, period_id)
    data = load_body(ExportInputSchema())
    started = exports.start(db, access, period, data, redis_url=JobSettings.of(current_app).redis_url)
    commit()
    status_url = url_for("api.get_job", job_id=started.job.id)
    return respond(StartedSchema(), {"id": started.job.id, "state": exports.state_of(started.job),
                                     "created": started.created, "status_url": status_url},
                   status=202, headers={"Location": status_url})


@route("/exports/<uuid:export_id>/file", ["GET"], Operation(
    summary="The file a finished export made", tag=TAG, errors=(404, 409),
    description="For the person who started it and anyone who may read its scope (404 for others). "
                "409 while the job is not finished; 404 once the file's time is over. The job's status "
                "gives this URL as `download_url`.",
))
def download_export(export_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    export, job = exports.find_export(db, access, export_id)
    if exports.state_of(job) != "finished":
        raise Conflict(_("Tệp chưa tạo xong."))
    path = exports.file_of(current_app, export)
    return send_file(path, as_attachment=True, download_name=export.file_name,
                     mimetype=exports.MIME[export.format], max_age=0)


