"""marshmallow schemas of clusters: what the API, the web form and the directory file accept,
and how a cluster and its ranking are written out."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from core.clusters.models import KINDS
from core.text.fields import Line, Text

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MAX_MEMBERS = 2000


class ClusterInputSchema(Schema):
    """A cluster created or replaced by an admin of its owner."""

    name = Line(255, min_length=1, strip=True, required=True)
    slug = fields.String(
        load_default=None, allow_none=True,
        validate=[validate.Length(max=120), validate.Regexp(
            SLUG_PATTERN, error=_l("Chỉ dùng chữ thường không dấu, chữ số và dấu gạch ngang."))],
        metadata={"description": "Stable identifier; made from the name when left out"},
    )
    kind = fields.String(load_default="cum", validate=validate.OneOf(KINDS),
                         metadata={"description": "cum (cụm: one area) or khoi (khối: one sector)"})
    description = Text(5000, load_default="")
    owner = fields.UUID(load_default=None, allow_none=True,
                        metadata={"description": "The unit owning the cluster (default: the caller's)"})
    members = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=MAX_MEMBERS),
                          metadata={"description": "Ids of the units in the cluster, all below the owner"})


class ClusterQuerySchema(Schema):
    scope = fields.UUID(metadata={"description": "Only clusters owned by this unit or units below it"})


class RankingQuerySchema(Schema):
    period = fields.UUID(required=True, metadata={"description": "The reporting period"})


class MemberSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    kind = fields.String()


class ClusterRefSchema(Schema):
    """A cluster named in another answer (a ranking)."""

    id = fields.UUID()
    slug = fields.String()
    name = fields.String()
    kind = fields.String()


class ClusterSchema(ClusterRefSchema):
    description = fields.String()
    owner = fields.UUID(attribute="tenant_id")
    members = fields.List(fields.Nested(MemberSchema))


class ClusterListSchema(Schema):
    items = fields.List(fields.Nested(ClusterSchema))
    total = fields.Integer()


class StandingSchema(Schema):
    set_key = fields.String(data_key="set")
    field = fields.String()
    actual = fields.Float(allow_none=True)
    target = fields.Float(allow_none=True)
    ratio = fields.Float(allow_none=True,
                         metadata={"description": "actual ÷ target (actual alone without a target)"})
    points = fields.Float()
    leader = fields.Boolean()


class RankingRowSchema(Schema):
    unit = fields.Nested(MemberSchema)
    status = fields.String(allow_none=True)
    rank = fields.Integer(allow_none=True, metadata={"description": "Equal scores share a rank (1, 2, 2, 4)"})
    score = fields.Float(allow_none=True,
                         metadata={"description": "Final score with the leader rule applied"})
    report_score = fields.Float(allow_none=True, metadata={"description": "The report's own score"})
    provisional = fields.Boolean()
    standings = fields.List(fields.Nested(StandingSchema))


class RankingSchema(Schema):
    cluster = fields.Nested(ClusterRefSchema)
    period = fields.UUID()
    final = fields.Boolean(metadata={"description": "Frozen when the period closed; provisional before"})
    computed_at = fields.AwareDateTime(format="iso", allow_none=True)
    rows = fields.List(fields.Nested(RankingRowSchema))


class DirectoryClusterSchema(Schema):
    """One cluster of a directory file (``tenants/hanoi.yaml``): owner and members by slug."""

    slug = fields.String(required=True, validate=validate.Regexp(
        SLUG_PATTERN, error=_l("Chỉ dùng chữ thường không dấu, chữ số và dấu gạch ngang.")))
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    kind = fields.String(load_default="cum", validate=validate.OneOf(KINDS))
    description = Text(5000, load_default="")
    owner = fields.String(required=True, metadata={"description": "Slug of the owning unit"})
    members = fields.List(fields.String(), required=True, validate=validate.Length(min=1, max=MAX_MEMBERS))
