"""marshmallow schemas of commendations: what the API and the web forms accept, and how award
types and dossiers are written out."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.awards.models import ATTACHMENT_KINDS, ROUNDS, STATUSES, SUBJECTS
from core.text.fields import Day, Integer, Line, Number, Text

MAX_VERSION = 2**31 - 1
VERSION_DESCRIPTION = "The dossier's version the caller read; another stored version answers 409"


def _version() -> Integer:
    return Integer(load_default=None, allow_none=True, minimum=0, maximum=MAX_VERSION,
                   metadata={"description": VERSION_DESCRIPTION})


class AwardTypeQuerySchema(Schema):
    round = fields.String(validate=validate.OneOf(ROUNDS),
                          metadata={"description": "annual, or five_year (the five-year summary)"})


class AwardTypeSchema(Schema):
    id = fields.UUID()
    key = fields.String()
    name = fields.String()
    name_en = fields.String()
    form = fields.String(metadata={"description": "giay_khen, bang_khen, co_thi_dua or huan_chuong"})
    authority = fields.String(metadata={"description": "Who grants it"})
    authority_en = fields.String()
    level = fields.String(metadata={"description": "unit, city, government or state; above the city a "
                                                   "dossier is forwarded before it is decided"})
    round = fields.String(attribute="round_kind")
    subjects = fields.List(fields.String())
    proposer_kinds = fields.List(fields.String(),
                                 metadata={"description": "Kinds of unit that may propose it"})
    issuer_kinds = fields.List(fields.String(), metadata={
        "description": "Kinds of unit whose head grants it: the proposer's nearest such unit issues it; "
                       "empty: authority names the one body that grants it"})
    requires = fields.Dict(
        metadata={"description": "Eligibility hints: top_band, bands, standards, cluster_rank, years"})
    quota = fields.Dict(metadata={"description": "Caps warned before proposing: max_collectives, "
                                                "max_individuals, max_share"})


class AwardTypeListSchema(Schema):
    items = fields.List(fields.Nested(AwardTypeSchema))


class QuotaSchema(Schema):
    max_collectives = Integer(minimum=0, maximum=100_000, allow_none=True,
                              metadata={"description": "Collectives per dossier; null lifts the cap"})
    max_individuals = Integer(minimum=0, maximum=100_000, allow_none=True,
                              metadata={"description": "Individuals per dossier; null lifts the cap"})
    max_share = Number(allow_none=True, validate=validate.Range(min=0, max=1),
                       metadata={"description": "Share of the proposer's units, 0 to 1; null lifts it"})


class AwardTypeConfigureSchema(Schema):
    proposer_kinds = fields.List(
        fields.String(validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$")), validate=validate.Length(max=40),
        metadata={"description": "Kinds of unit that may propose it (city, ward, commune, department…)"})
    issuer_kinds = fields.List(
        fields.String(validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$")), validate=validate.Length(max=40),
        metadata={"description": "Kinds of unit whose head grants it (the proposer's nearest such unit "
                                 "issues it); empty: authority names the one body that grants it"})
    quota = fields.Nested(QuotaSchema, metadata={"description": "Caps warned before proposing; the keys "
                                                               "given replace those stored"})
    active = fields.Boolean(metadata={"description": "Offered to new nominations"})


class DossierCreateSchema(Schema):
    unit = fields.UUID(required=True, metadata={"description": "The proposing unit"})
    justification = Text(10000, load_default="", metadata={"description": "Tóm tắt thành tích"})


class DossierUpdateSchema(Schema):
    justification = Text(10000, required=True)
    version = _version()


class DossierQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))


class NomineeInputSchema(Schema):
    subject = fields.String(required=True, validate=validate.OneOf(SUBJECTS),
                            metadata={"description": "collective (a unit) or individual (a person)"})
    award = Line(80, required=True, metadata={"description": "The award type's key"})
    unit = fields.UUID(required=True, metadata={"description": "The collective, or the person's unit; "
                                                              "in the proposer's subtree"})
    person_name = Line(255, load_default="", strip=True)
    person_position = Line(255, load_default="", strip=True)
    note = Text(2000, load_default="")
    achievement = fields.Boolean(load_default=False, metadata={
        "description": "An individual only: attach the achievement record (thành tích) of the "
                       "individuals criteria set from their unit's report for the period; the name and "
                       "position default to the record's"})
    version = _version()


class VersionQuerySchema(Schema):
    version = Integer(minimum=0, maximum=MAX_VERSION, metadata={"description": VERSION_DESCRIPTION})


class SubmitSchema(Schema):
    version = _version()
    confirm = fields.Boolean(load_default=False, metadata={
        "description": "Propose despite the quota warnings (without it, a dossier with warnings "
                       "answers 422)"})


class NomineeNoteSchema(Schema):
    version = _version()
    note = Text(2000, required=True,
                metadata={"description": "The nominee's note (ghi chú); empty clears it"})


class NoteStepSchema(Schema):
    version = _version()
    note = Text(2000, load_default="")


class DossierReturnSchema(Schema):
    version = _version()
    reason = Text(2000, required=True, min_length=1, strip=True)


class DecideSchema(Schema):
    version = _version()
    number = Line(80, required=True, min_length=1, strip=True,
                  metadata={"description": "The decision's number, e.g. 1234/QĐ-UBND"})
    date = Day(required=True)
    authority = Line(255, load_default="", strip=True,
                     metadata={"description": "Who decided (default: the authority of the dossier's awards)"})


class ForwardSchema(Schema):
    version = _version()
    to = Line(255, required=True, min_length=1, strip=True,
              metadata={"description": "The higher authority the dossier goes to"})


class UnitRefSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    kind = fields.String()


class AwardRefSchema(Schema):
    id = fields.UUID()
    key = fields.String()
    name = fields.String()


class HintSchema(Schema):
    rule = fields.String()
    met = fields.Boolean(allow_none=True, metadata={"description": "None: nothing to judge from yet"})
    message = fields.String()
    failing = fields.List(fields.Integer(), metadata={"description": "Years that fail the rule"})
    missing = fields.List(fields.Integer(), metadata={"description": "Years without a result"})


class NomineeSchema(Schema):
    id = fields.UUID()
    subject = fields.String()
    award = fields.Nested(AwardRefSchema)
    unit = fields.Nested(UnitRefSchema)
    person_name = fields.String()
    person_position = fields.String()
    note = fields.String()
    achievement = fields.Dict(allow_none=True, metadata={
        "description": "The individual's record from the individuals criteria set: set_key, set_version, "
                       "full_name, position, category, score"})
    hints = fields.List(fields.Nested(HintSchema))


class QuotaWarningSchema(Schema):
    award = fields.String(attribute="award_key")
    rule = fields.String()
    limit = fields.Integer()
    count = fields.Integer()
    message = fields.String()


class DecisionSchema(Schema):
    number = fields.String()
    date = fields.Date()
    authority = fields.String()


class DossierSummarySchema(Schema):
    id = fields.UUID()
    period = fields.UUID()
    unit = fields.Nested(UnitRefSchema)
    status = fields.String()
    version = fields.Integer()
    nominees = fields.Integer(attribute="nominee_count")
    proposed_at = fields.AwareDateTime(format="iso", allow_none=True)


class DossierListSchema(Schema):
    items = fields.List(fields.Nested(DossierSummarySchema))


class AttachmentSchema(Schema):
    id = fields.UUID()
    kind = fields.String(metadata={"description": "memo (tờ trình) or minutes (biên bản họp)"})
    filename = fields.String(metadata={"description": "The uploaded name, cleaned for display"})
    content_type = fields.String(metadata={"description": "Judged from the content, not the name"})
    size = fields.Integer()
    uploaded_at = fields.AwareDateTime(format="iso")


class AttachmentListSchema(Schema):
    items = fields.List(fields.Nested(AttachmentSchema))


class AttachmentFormSchema(Schema):
    """The form fields beside the uploaded ``file``."""

    kind = fields.String(required=True, validate=validate.OneOf(ATTACHMENT_KINDS), metadata={
        "description": "memo (tờ trình, required before the dossier is proposed) or minutes (biên bản họp)"})
    version = _version()


class DossierSchema(Schema):
    id = fields.UUID()
    period = fields.UUID()
    round = fields.String()
    unit = fields.Nested(UnitRefSchema)
    status = fields.String()
    version = fields.Integer()
    justification = fields.String()
    return_reason = fields.String()
    returned_from = fields.String(allow_none=True)
    proposed_at = fields.AwareDateTime(format="iso", allow_none=True)
    decision = fields.Nested(DecisionSchema, allow_none=True)
    forwarded_to = fields.String(allow_none=True)
    results_frozen = fields.Boolean(metadata={"description": "Hints read the closed period's snapshot"})
    nominees = fields.List(fields.Nested(NomineeSchema))
    warnings = fields.List(fields.Nested(QuotaWarningSchema))
    attachments = fields.List(fields.Nested(AttachmentSchema))
    actions = fields.List(fields.String(), metadata={"description": "Steps the caller may take now"})


class RegistryQuerySchema(Schema):
    q = Line(100, load_default="", metadata={"description": "A person's or unit's name, accents optional"})
    year = Integer(minimum=1900, maximum=2200, metadata={"description": "The decision's year"})
    award = Line(80, metadata={"description": "An award type's key"})
    unit = fields.UUID(metadata={"description": "The unit commended (or the person's unit)"})


class RegistryRowSchema(Schema):
    award = fields.Nested(AwardRefSchema)
    subject = fields.String()
    unit = fields.Nested(UnitRefSchema)
    person_name = fields.String()
    person_position = fields.String()
    period = fields.UUID(attribute="period.id")
    decision_number = fields.String()
    decision_date = fields.Date(allow_none=True)
    decision_authority = fields.String()


class RegistryListSchema(Schema):
    items = fields.List(fields.Nested(RegistryRowSchema))
