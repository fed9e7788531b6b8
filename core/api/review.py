"""Review of reports: comments per criterion, reviewer scores, the reviewer's queue and bulk
approval with one reason."""

from __future__ import annotations

import uuid

from flask import Response, url_for

from core.api.reports import REPORT, report_scope, view_response
from core.api.routing import Operation, commit, load_body, load_query, respond, route
from core.auth.context import current_access
from core.db.engine import session
from core.errors import Invalid
from core.periods import operations as period_operations
from core.plugins import current_host
from core.reports import hierarchy, queue, review
from core.reports.schemas import (
    BulkApproveResultSchema,
    BulkApproveSchema,
    CommentInputSchema,
    CommentListSchema,
    CommentSchema,
    QueueQuerySchema,
    QueueSchema,
    ReportViewSchema,
    ReviewScoresSchema,
)

TAG = "review"


@route(f"{REPORT}/comments", ["GET"], Operation(
    summary="Comments on a report: remarks, reasons of returns, explanations", tag=TAG,
    response=CommentListSchema, errors=(404,),
))
def list_comments(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    scope = report_scope(tenant_id, period_id)
    items = review.comments(scope.db, scope.access, scope.tenant, scope.period)
    return respond(CommentListSchema(), {"items": items, "total": len(items)})


@route(f"{REPORT}/comments", ["POST"], Operation(
    summary="Comment on a report or on one criterion", tag=TAG, ok_status=201,
    body=CommentInputSchema, response=CommentSchema, errors=(403, 404),
    description="The unit's reporters and head, and reviewers and admins above the unit.",
))
def add_comment(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    scope = report_scope(tenant_id, period_id)
    data = load_body(CommentInputSchema())
    entry = review.comment(scope.db, scope.access, scope.tenant, scope.period, data["body"],
                           data["criterion"])
    commit(entry)
    location = url_for(".list_comments", tenant_id=tenant_id, period_id=period_id)
    return respond(CommentSchema(), entry, status=201, headers={"Location": location})


@route(f"{REPORT}/review", ["PUT"], Operation(
    summary="Reviewer scores per criterion, each with a note", tag=TAG, body=ReviewScoresSchema,
    response=ReportViewSchema, errors=(403, 404, 409),
    description="`{\"set\": key, \"scores\": {field: {\"score\": 0–100 or null, \"note\": \"…\"}}}`; "
                "a null score removes the reviewer's. Only on a submitted report.",
))
def score_report(tenant_id: uuid.UUID, period_id: uuid.UUID) -> Response:
    scope = report_scope(tenant_id, period_id)
    data = load_body(ReviewScoresSchema())
    try:
        review.score_criteria(scope.db, scope.access, scope.host, scope.tenant, scope.period,
                              data["set_key"], data["scores"], version=data["version"])
    except Invalid as error:
        # The operation names fields inside the set; the body nests them under "scores".
        raise Invalid({name if name == "set" else f"scores.{name}": messages
                       for name, messages in error.errors.items()}) from None
    commit()
    return view_response(scope)


@route("/periods/<uuid:period_id>/queue", ["GET"], Operation(
    summary="The reviewer's queue: units below the caller and their reports", tag=TAG,
    query=QueueQuerySchema, response=QueueSchema, errors=(404, 422),
    description="Units where the caller is reviewer or admin above, of a kind the period asks a "
                "report of; paged, sorted (name in Vietnamese alphabetical order) and searched "
                "without accents, with the number of units per status.",
))
def review_queue(period_id: uuid.UUID) -> Response:
    filters = load_query(QueueQuerySchema())
    db, access = session(), current_access()
    period = period_operations.get_visible(db, access, period_id)
    page = queue.queue(db, access, period, **filters)
    flags = hierarchy.flag_counts(db, [row.submission for row in page.rows if row.submission is not None])
    items = [{**queue.as_dict(row),
              "children_changed": flags.get(row.submission.id, 0) if row.submission else 0}
             for row in page.rows]
    return respond(QueueSchema(), {
        "items": items, "total": page.total, "page": page.page,
        "per_page": page.per_page, "pages": page.pages, "totals": page.totals,
    })


@route("/periods/<uuid:period_id>/queue/approve", ["POST"], Operation(
    summary="Approve several submitted reports with one reason", tag=TAG,
    body=BulkApproveSchema, response=BulkApproveResultSchema, errors=(404,),
    description="Each approval is audited on its own with the shared reason. The answer gives "
                "each unit's result; units that cannot be approved are left as they are.",
))
def bulk_approve(period_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    period = period_operations.get_visible(db, access, period_id)
    data = load_body(BulkApproveSchema())
    outcome = review.bulk_approve(db, access, current_host(), period, data["tenants"], data["reason"])
    commit()
    results = [{"tenant": tenant, "approved": message == "approved",
                "message": "" if message == "approved" else message}
               for tenant, message in outcome.items()]
    return respond(BulkApproveResultSchema(),
                   {"results": results, "approved": sum(r["approved"] for r in results)})
