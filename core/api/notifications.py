"""``/notifications``: the caller's notices (newest first, with the unread count), marking them
read; ``/jobs/<id>``: the status of a background job the caller started."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

from flask import Response, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from core.api.routing import Operation, load_query, respond, route
from core.auth.context import current_access
from core.db.engine import session
from core.errors import NotFound
from core.exports import operations as exports
from core.exports.models import Export
from core.exports.schemas import ExportInfoSchema
from core.jobs.models import Job
from core.notifications import messages, operations


def _text(notice, part: int) -> str:
    """The notice's title (0) or body (1) in the request's language (``?lang=``, Vietnamese by
    default); a notice without a message gives its stored text."""
    rendered = messages.render(notice.message)
    return rendered[part] if rendered is not None else (notice.title, notice.body)[part]


class NotificationSchema(Schema):
    id = fields.UUID()
    tenant_id = fields.UUID()
    kind = fields.String()
    title = fields.Function(lambda notice: _text(notice, 0), dump_only=True)
    body = fields.Function(lambda notice: _text(notice, 1), dump_only=True)
    link = fields.String()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)
    read = fields.Function(lambda notice: notice.read_at is not None, dump_only=True)


class NotificationQuerySchema(Schema):
    unread = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31 - 1))


class NotificationPageSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))
    unread = fields.Integer()


class ReadAllSchema(Schema):
    marked = fields.Integer()
    unread = fields.Integer()


class JobSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    max_attempts = fields.Integer()
    run_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    result = fields.Dict()
    # The last line of the traceback: what went wrong, without the server's internals.
    error = fields.Function(lambda job: job.error.strip().splitlines()[-1] if job.error.strip() else "")


class JobStatusSchema(JobSchema):
    """A job as ``/jobs/<id>`` shows it: queued, running, finished or failed, how far it is
    (0–100), and for an export the file's URL once finished."""

    state = fields.String()
    progress = fields.Integer()
    download_url = fields.String(allow_none=True)
    reason = fields.String(metadata={"description": "Why a failed export failed, in the reader's language "
                                                    "(empty otherwise)"})
    export = fields.Nested(ExportInfoSchema, allow_none=True)


@route("/notifications", ["GET"], Operation(
    summary="The caller's notices, newest first, and how many are unread", tag="notifications",
    query=NotificationQuerySchema, response=NotificationPageSchema,
))
def list_notifications() -> Response:
    query = load_query(NotificationQuerySchema())
    db, access = session(), current_access()
    items = operations.mine(db, access, unread_only=query["unread"], limit=query["limit"],
                            offset=query["offset"])
    return respond(NotificationPageSchema(),
                   {"items": items, "unread": operations.unread_count(db, access)})


@route("/notifications/<uuid:notice_id>/read", ["POST"], Operation(
    summary="Mark one of the caller's notices read", tag="notifications",
    description="Another user's notice answers 404.", response=NotificationSchema, errors=(404,),
))
def read_notification(notice_id: uuid.UUID) -> Response:
    db = session()
    notice = operations.mark_read(db, current_access(), notice_id)
    db.commit()
    return respond(NotificationSchema(), notice)


@route("/notifications/read-all", ["POST"], Operation(
    summary="Mark every notice of the caller read", tag="notifications", response=ReadAllSchema,
))
def read_all_notifications() -> Response:
    db, access = session(), current_access()
    marked = operations.mark_all_read(db, access)
    db.commit()
    return respond(ReadAllSchema(), {"marked": marked, "unread": operations.unread_count(db, access)})


@route("/jobs/<uuid:job_id>", ["GET"], Operation(
    summary="The state of a background job: queued, running, finished or failed, and its progress",
    tag="jobs", response=JobStatusSchema, errors=(404,),
    description="A job someone else started answers 404, except an export, which anyone who may "
                "read its scope may follow. A finished export gives its file's `download_url`.",
))
def get_job(job_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    job = db.get(Job, job_id)
    if job is not None and job.name == exports.TASK:
        export, job = exports.find(db, access, job_id)
        return respond(JobStatusSchema(), status_view(job, export))
    if job is None or access.user is None or job.created_by_id != access.user.id:
        raise NotFound(_("Không tìm thấy công việc."))
    return respond(JobStatusSchema(), status_view(job, None))


def status_view(job: Job, export: Export | None) -> SimpleNamespace:
    """What :class:`JobStatusSchema` dumps: the job's columns, its state and progress, and for an
    export what it makes and where to fetch it."""
    columns = {c.key: getattr(job, c.key) for c in Job.__table__.columns}
    state = exports.state_of(job)
    if export is None:
        return SimpleNamespace(**columns, state=state, progress=100 if job.done else 0, download_url=None,
                               export=None, reason="")
    finished = state == "finished" and bool(export.stored_as)
    return SimpleNamespace(
        **columns, state=state, progress=100 if state == "finished" else export.progress,
        download_url=url_for("api.download_export", export_id=export.id) if finished else None,
        reason=exports.failure_reason(job),
        export={"id": export.id, "report": export.report, "format": export.format, "scope": export.tenant_id,
                "period": export.period_id, "snapshot_version": export.snapshot_version,
                "file_name": export.file_name, "size": export.size, "expires_at": export.expires_at},
    )
