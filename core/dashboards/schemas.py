"""marshmallow schemas of a dashboard: its query, and the figures it answers with (numbers only:
the web page draws the charts, the API gives what they are drawn from)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from core.rollups.contribution import FINAL, PROVISIONAL
from core.text.fields import Objects


class DashboardQuerySchema(Schema):
    scope = fields.UUID(
        metadata={"description": "The unit whose subtree the dashboard covers (default: the caller's)"})
    aggregate = fields.String(validate=validate.Length(max=250),
                              metadata={"description": "<set key>.<field> to give per unit"})
    late_page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))


class RemindInputSchema(Schema):
    scope = fields.UUID(required=True, metadata={"description": "Remind the units below this one"})


class FiguresSchema(Schema):
    expected = fields.Integer(metadata={"description": "Reports the period expects (units of its kinds)"})
    reported = fields.Integer(metadata={"description": "Submitted or approved"})
    approved = fields.Integer()
    awaiting = fields.Integer(metadata={"description": "Submitted, waiting for review"})
    in_progress = fields.Integer(metadata={"description": "Drafts and returned reports"})
    not_started = fields.Integer()
    missing = fields.Integer(metadata={"description": "Expected but not submitted or approved"})
    on_time = fields.Integer()
    late = fields.Integer()
    completeness = fields.Float(allow_none=True, metadata={"description": "reported ÷ expected"})
    approval_rate = fields.Float(allow_none=True, metadata={"description": "approved ÷ expected"})
    timeliness = fields.Float(allow_none=True, metadata={"description": "on time ÷ reported"})
    score_mean = fields.Method("_score_mean")
    classifications = fields.Method("_classes")
    outcomes = fields.Method("_outcomes")

    def _score_mean(self, figures):
        return {"final": figures.score_mean(FINAL), "provisional": figures.score_mean(PROVISIONAL)}

    def _classes(self, figures):
        return {"final": figures.classes(FINAL), "provisional": figures.classes(PROVISIONAL)}

    def _outcomes(self, figures):
        return {name: {"final": dict(zip(("passed", "decided"), figures.outcome(name, FINAL), strict=True)),
                       "provisional": dict(zip(("passed", "decided"), figures.outcome(name, PROVISIONAL),
                                               strict=True))}
                for name in figures.outcomes()}


class UnitSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    kind = fields.String()


class ChildSchema(Schema):
    unit = fields.Nested(UnitSchema, attribute="tenant")
    figures = fields.Nested(FiguresSchema)
    status = fields.String(allow_none=True, metadata={"description": "The unit's own report"})
    score = fields.Float(allow_none=True)
    provisional = fields.Boolean()
    classification = fields.String(allow_none=True)
    rank = fields.Integer(allow_none=True)
    outcomes = fields.Dict(keys=fields.String(), values=fields.Boolean(allow_none=True))
    below = fields.Method("_below",
                          metadata={"description": "Per standard: units below that passed and decided"})

    def _below(self, row):
        return {name: {"passed": passed, "decided": decided, "share_met": row.share_met(name)}
                for name, (passed, decided) in row.below.items()}


class AggregateSchema(Schema):
    set_key = fields.String(data_key="set")
    field = fields.String()
    label = fields.String()
    label_en = fields.String()
    unit = fields.String(allow_none=True)
    how = fields.String(metadata={"description": "sum | mean | rate (0–1) | count_true"})
    final = fields.Float(allow_none=True)
    provisional = fields.Float(allow_none=True)
    previous = fields.Float(allow_none=True)
    by_unit = Objects(metadata={"description": "The chosen aggregate per unit below"})


class LateSchema(Schema):
    unit = fields.Nested(UnitSchema, attribute="tenant")
    status = fields.String(allow_none=True)
    late = fields.Boolean()


class PeriodRefSchema(Schema):
    id = fields.UUID()
    key = fields.String()
    title = fields.String()


class DashboardSchema(Schema):
    period = fields.Nested(PeriodRefSchema)
    scope = fields.Nested(UnitSchema)
    generated_at = fields.AwareDateTime(format="iso")
    total = fields.Nested(FiguresSchema)
    by_kind = fields.Dict(keys=fields.String(), values=fields.Nested(FiguresSchema))
    children = fields.List(fields.Nested(ChildSchema))
    aggregates = fields.List(fields.Nested(AggregateSchema))
    previous_period = fields.Nested(PeriodRefSchema, allow_none=True)
    previous = fields.Nested(FiguresSchema, allow_none=True)
    late_and_missing = fields.Dict(metadata={"description": "total, page and one page of units"})
    clusters = Objects()


def dashboard_data(board) -> dict:
    """The dashboard as :class:`DashboardSchema` dumps it."""
    chart = board.chart
    aggregates = []
    for info in board.aggregates:
        entry = {"set_key": info.set_key, "field": info.field, "label": info.label, "label_en": info.label_en,
                 "unit": info.unit, "how": info.how, "final": board.aggregate(info, FINAL),
                 "provisional": board.aggregate(info, PROVISIONAL),
                 "previous": (board.aggregate(info, FINAL, board.previous_total)
                              if board.previous_total else None),
                 "by_unit": []}
        if chart is not None and info.key == chart.key:
            entry["by_unit"] = [{"unit": str(row.tenant.id), "name": row.tenant.name,
                                 "final": board.aggregate(info, FINAL, row.figures),
                                 "provisional": board.aggregate(info, PROVISIONAL, row.figures)}
                                for row in board.children]
        aggregates.append(entry)
    return {
        "period": board.period, "scope": board.scope, "generated_at": board.generated_at,
        "total": board.total, "by_kind": dict(board.by_kind), "children": board.children,
        "aggregates": aggregates, "previous_period": board.previous, "previous": board.previous_total,
        "late_and_missing": {"total": board.late_total, "page": board.late_page,
                             "items": LateSchema(many=True).dump(board.late_rows)},
        "clusters": [{"id": str(c.id), "name": c.name, "kind": c.kind} for c in board.clusters],
    }
