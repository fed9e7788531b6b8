"""marshmallow schemas of the reporting workflow: what the API (and the web forms) accept, and
how a report, its comments, the queue, extensions and the audit trail are written out."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from marshmallow import Schema, fields, validate

from core.periods.models import TIME_ZONE
from core.reports.models import STATUSES
from core.text.fields import Deadline, Line, Objects, Text

VN = ZoneInfo(TIME_ZONE)
MAX_TEXT = 5000


def _moment(**kwargs) -> Deadline:
    # Every date a report's workflow accepts is a deadline: without an offset Hanoi time, a date
    # alone the end of that day, a time to the minute the whole minute (core.text.fields).
    return Deadline(**kwargs)


def _version() -> fields.Integer:
    return fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=validate.Range(min=0),
        metadata={"description": "The report's version the caller read; when given, a change made "
                                 "since answers 409 with the current version and nothing is done"},
    )


# Input


class VersionSchema(Schema):
    version = _version()


class ReportSaveSchema(Schema):
    version = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0),
        metadata={"description": "The version read by GET (0 for a report not started)"},
    )
    # Values are checked by each criteria set, which names each offending field.
    sections = fields.Dict(
        required=True, keys=fields.String(validate=validate.Length(min=1, max=120)), values=fields.Raw(),
        metadata={"description": "Criteria set key → {field: value}"},
    )


class ReturnSchema(Schema):
    version = _version()
    reason = Text(MAX_TEXT, required=True)
    require_explanation = fields.Boolean(
        load_default=False, metadata={"description": "Ask for an explanation (giải trình) first"},
    )
    extension_until = _moment(
        load_default=None, allow_none=True,
        metadata={"description": "When the period has closed for the unit: a new deadline to send "
                                 "the report again, granted in the same step (must be in the future; "
                                 "without an offset, Hanoi time)"},
    )


class OptionalReasonSchema(Schema):
    version = _version()
    reason = Text(MAX_TEXT, load_default="")


class RequiredReasonSchema(Schema):
    version = _version()
    reason = Text(MAX_TEXT, required=True)


class ExplanationSchema(Schema):
    version = _version()
    body = Text(MAX_TEXT, required=True)


class CommentInputSchema(Schema):
    body = Text(MAX_TEXT, required=True)
    criterion = Line(
        200, load_default=None, allow_none=True,
        metadata={"description": "<set key>.<field>; none for a remark on the whole report"},
    )


class ReviewScoresSchema(Schema):
    version = _version()
    set_key = Line(120, min_length=1, data_key="set", required=True,
                            metadata={"description": "Criteria set key"})
    # Each entry is checked against the set's fields by the operation.
    scores = fields.Dict(
        required=True, keys=fields.String(), values=fields.Raw(),
        metadata={"description": "field → {\"score\": 0–100 or null, \"note\": \"…\"}"},
    )


class QueueQuerySchema(Schema):
    kind = Line(40, metadata={"description": "Unit kind"})
    under = fields.UUID(metadata={"description": "Only the units below this one (a commune, a department)"})
    status = fields.String(validate=validate.OneOf((*STATUSES, "missing")),
                           metadata={"description": "\"missing\": units that have not started"})
    late = fields.Boolean()
    q = Line(200, strip=True,
             metadata={"description": "Words of the unit's name or code, accents optional"})
    sort = fields.String(load_default="name",
                         validate=validate.OneOf(("name", "status", "score", "submitted_at")),
                         metadata={"description": "name sorts in Vietnamese alphabetical order"})
    order = fields.String(load_default="asc", validate=validate.OneOf(("asc", "desc")))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class BulkApproveSchema(Schema):
    tenants = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=1000))
    # Optional, as in a single approval: a comment is for when there is something to say.
    reason = Text(MAX_TEXT, load_default="")


class ExtensionRequestSchema(Schema):
    reason = Text(MAX_TEXT, required=True)
    until = _moment(required=True, metadata={"description": "New deadline; without an offset, Hanoi time; "
                                                           "a date alone is the end of that day"})


class ExtensionDecisionSchema(Schema):
    grant = fields.Boolean(required=True)
    until = _moment(
        load_default=None, allow_none=True,
        metadata={"description": "Grant until another date than the one asked for (must be in the "
                                 "future; without an offset, Hanoi time)"},
    )
    note = Text(MAX_TEXT, load_default="",
                         metadata={"description": "Required when refusing"})


# Output


class ReportTenantSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    kind = fields.String()


class ReportPeriodSchema(Schema):
    id = fields.UUID()
    key = fields.String()
    title = fields.String()
    due_at = fields.AwareDateTime(format="iso")
    closes_at = fields.AwareDateTime(format="iso")


class SectionViewSchema(Schema):
    key = fields.String()
    version = fields.Integer()
    title = fields.String()
    title_en = fields.String()
    available = fields.Boolean()
    weight = fields.Float()
    maximum = fields.Float(metadata={"description": "The points the section scores out of (100 unless "
                                                    "its set says more); band minima scale with it"})
    fields_ = Objects(data_key="fields", attribute="fields",
                      metadata={"description": "Each field's label, type, unit, points"})
    values = fields.Dict()
    self_score = fields.Float(allow_none=True)
    review = fields.Dict(metadata={"description": "field → {score, note} given by the reviewer"})
    review_score = fields.Float(allow_none=True)
    outcomes = fields.Dict()
    targets = fields.Dict(metadata={"description": "Targets (chỉ tiêu): the plan period's values, and "
                                                  "the unit's own targets of an owner's table"})


class MissingSchema(Schema):
    section = fields.String()
    field = fields.String(allow_none=True)
    reason = fields.String(metadata={
        "description": "required (empty required field) | evidence (proof missing) | invalid (a "
                       "check across fields failed; the draft keeps the values) | unavailable "
                       "(the set's plugin is not loaded)"})
    message = fields.String()


class DeadlineSchema(Schema):
    open = fields.Boolean()
    late = fields.Boolean(metadata={"description": "A submission now would be flagged late"})
    extended_until = fields.AwareDateTime(format="iso", allow_none=True)


class CanSchema(Schema):
    fill = fields.Boolean()
    submit = fields.Boolean()
    review = fields.Boolean()
    reopen = fields.Boolean()
    recompute = fields.Boolean()


class ChildChangeItemSchema(Schema):
    what = fields.String(metadata={"description": "status | outcome | values"})
    key = fields.String(allow_none=True, metadata={"description": "The outcome's code (e.g. atantt)"})
    label = fields.String(metadata={"description": "What changed, as users read it"})
    from_ = fields.Raw(data_key="from", attribute="from", allow_none=True)
    to = fields.Raw(allow_none=True)


class ChildChangeSchema(Schema):
    tenant = fields.Nested(ReportTenantSchema)
    detected_at = fields.AwareDateTime(format="iso")
    changes = fields.List(fields.Nested(ChildChangeItemSchema))


class ReportViewSchema(Schema):
    tenant = fields.Nested(ReportTenantSchema)
    period = fields.Nested(ReportPeriodSchema)
    status = fields.String(validate=validate.OneOf(STATUSES))
    version = fields.Integer(metadata={"description": "Send it back with the next PUT"})
    late = fields.Boolean()
    explanation_required = fields.Boolean()
    returned_reason = fields.String()
    submitted_at = fields.AwareDateTime(format="iso", allow_none=True)
    approved_at = fields.AwareDateTime(format="iso", allow_none=True)
    self_score = fields.Float(allow_none=True)
    review_score = fields.Float(allow_none=True)
    classification = fields.String(allow_none=True)
    provisional = fields.Boolean(metadata={"description": "Scores stay provisional until approved"})
    outcomes = fields.Dict()
    sections = fields.List(fields.Nested(SectionViewSchema))
    missing = fields.List(fields.Nested(MissingSchema))
    deadline = fields.Nested(DeadlineSchema)
    can = fields.Nested(CanSchema)
    children_changed = fields.List(fields.Nested(ChildChangeSchema), metadata={
        "description": "Units below whose result changed after this report's computation used it "
                       "(which unit, what, from → to); empty when the result is current. Approval "
                       "computes again first and is refused (409) if the result changes."})


class CommentSchema(Schema):
    id = fields.UUID()
    kind = fields.String(metadata={"description": "comment | return | explanation | approve | reopen"})
    criterion = fields.String(allow_none=True)
    body = fields.String()
    author_id = fields.UUID(allow_none=True)
    created_at = fields.AwareDateTime(format="iso")


class CommentListSchema(Schema):
    items = fields.List(fields.Nested(CommentSchema))
    total = fields.Integer()


class QueueRowSchema(Schema):
    tenant = fields.Nested(ReportTenantSchema)
    status = fields.String(metadata={"description": "draft | submitted | returned | approved | missing"})
    version = fields.Integer(allow_none=True)
    late = fields.Boolean()
    self_score = fields.Float(allow_none=True)
    review_score = fields.Float(allow_none=True)
    classification = fields.String(allow_none=True)
    submitted_at = fields.AwareDateTime(format="iso", allow_none=True)
    children_changed = fields.Integer(metadata={
        "description": "Units below whose result changed since the report was computed"})


class QueueSchema(Schema):
    items = fields.List(fields.Nested(QueueRowSchema))
    total = fields.Integer(metadata={"description": "Units matching the filters, on every page"})
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()
    totals = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "Units per status for the filters but the status"})


class BulkResultSchema(Schema):
    tenant = fields.UUID()
    approved = fields.Boolean()
    message = fields.String()


class BulkApproveResultSchema(Schema):
    results = fields.List(fields.Nested(BulkResultSchema))
    approved = fields.Integer(metadata={"description": "How many were approved"})


class ExtensionSchema(Schema):
    id = fields.UUID()
    tenant_id = fields.UUID()
    period_id = fields.UUID()
    reason = fields.String()
    until = fields.AwareDateTime(format="iso")
    status = fields.String(metadata={"description": "requested | granted | refused"})
    requested_by_id = fields.UUID(allow_none=True)
    decided_by_id = fields.UUID(allow_none=True)
    decided_at = fields.AwareDateTime(format="iso", allow_none=True)
    decision_note = fields.String()
    created_at = fields.AwareDateTime(format="iso")


class ExtensionListSchema(Schema):
    items = fields.List(fields.Nested(ExtensionSchema))
    total = fields.Integer()


class AuditChangeSchema(Schema):
    field = fields.String()
    label = fields.String(metadata={"description": "The field's name as users read it"})
    from_ = fields.Raw(data_key="from", attribute="before", allow_none=True)
    to = fields.Raw(attribute="after", allow_none=True)


class AuditTrailEntrySchema(Schema):
    seq = fields.Integer()
    at = fields.AwareDateTime(format="iso")
    who = fields.String(metadata={"description": "Full name, or the account name"})
    username = fields.String()
    action = fields.String()
    action_label = fields.String()
    object_type = fields.String()
    changes = fields.List(fields.Nested(AuditChangeSchema))
    reason = fields.String(metadata={"description": "Why"})


class AuditTrailSchema(Schema):
    items = fields.List(fields.Nested(AuditTrailEntrySchema))
    total = fields.Integer()
