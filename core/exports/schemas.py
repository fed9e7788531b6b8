"""What the exports API reads and answers."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.exports.models import NARRATED, REPORTS
from core.text.fields import Integer


class ExportInputSchema(Schema):
    """``POST /periods/<pid>/exports``: which report, in which format, of which unit."""

    report = fields.String(required=True, validate=validate.OneOf(REPORTS))
    format = fields.String(required=True, validate=validate.OneOf(("xlsx", "pdf", "csv")))
    scope = fields.UUID(required=True)


class StartedSchema(Schema):
    """The answer to a start: the job's id, to poll at ``/jobs/<id>``."""

    id = fields.UUID()
    state = fields.String()
    created = fields.Boolean()
    status_url = fields.String()


class ExportInfoSchema(Schema):
    """The export a job makes (inside the job's status); its file is at ``/exports/<id>/file``."""

    id = fields.UUID()
    report = fields.String()
    format = fields.String()
    scope = fields.UUID()
    period = fields.UUID()
    snapshot_version = fields.Integer(allow_none=True)
    file_name = fields.String()
    size = fields.Integer()
    expires_at = fields.DateTime(allow_none=True)


class NarrativeInputSchema(Schema):
    """The narrative section of a report, saved against the version the writer read (0: none)."""

    scope = fields.UUID(required=True)
    body = fields.String(required=True)
    version = Integer(required=True, minimum=0)  # 1.5 refused, never read as version 1


class ReportNameSchema(Schema):
    report = fields.String(required=True, validate=validate.OneOf(NARRATED))
