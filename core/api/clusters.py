"""``/clusters``: clusters (cụm, khối thi đua) and their ranking in a period."""

from __future__ import annotations

import uuid

from flask import Response, url_for
from flask_babel import gettext as _

from core.api.routing import Operation, commit, load_body, load_query, respond, route
from core.auth.context import current_access
from core.clusters import operations
from core.clusters.schemas import (
    ClusterInputSchema,
    ClusterListSchema,
    ClusterQuerySchema,
    ClusterSchema,
    RankingQuerySchema,
    RankingSchema,
)
from core.db.engine import session
from core.errors import Invalid
from core.periods import operations as period_operations
from core.plugins import current_host
from core.tenants import operations as tenant_operations

TAG = "clusters"


def _dump(cluster) -> dict:
    return {"id": cluster.id, "slug": cluster.slug, "name": cluster.name, "kind": cluster.kind,
            "description": cluster.description, "tenant_id": cluster.tenant_id,
            "members": operations.members(session(), cluster)}


@route("/clusters", ["GET"], Operation(
    summary="Clusters the caller may read", tag=TAG, query=ClusterQuerySchema, response=ClusterListSchema,
    errors=(404,), description="Owned by a unit the caller reaches as admin, reviewer or viewer, and "
                               "(without a scope) those the caller's own units belong to, which their "
                               "staff read as members.",
))
def list_clusters() -> Response:
    data = load_query(ClusterQuerySchema())
    db, access = session(), current_access()
    if data.get("scope"):
        scope = tenant_operations.get_visible(db, access, data["scope"])
        found = operations.visible(db, access, scope)
    else:
        found = operations.readable(db, access)[0]
    items = [_dump(c) for c in found]
    return respond(ClusterListSchema(), {"items": items, "total": len(items)})


@route("/clusters", ["POST"], Operation(
    summary="Create a cluster of units below the owner", tag=TAG, ok_status=201, body=ClusterInputSchema,
    response=ClusterSchema, errors=(403, 404, 422),
    description="An admin of the owner (or above it). Members must all be below the owner.",
))
def create_cluster() -> Response:
    data = load_body(ClusterInputSchema())
    db, access = session(), current_access()
    if data.get("owner") is None:
        raise Invalid({"owner": [_("Cần chọn đơn vị quản lý cụm.")]})
    owner = tenant_operations.get_visible(db, access, data["owner"])
    cluster = operations.create(db, access, owner, data)
    commit(cluster)
    return respond(ClusterSchema(), _dump(cluster), status=201,
                   headers={"Location": url_for(".get_cluster", cluster_id=cluster.id)})


@route("/clusters/<uuid:cluster_id>", ["GET"], Operation(
    summary="A cluster and its units", tag=TAG, response=ClusterSchema, errors=(404,),
))
def get_cluster(cluster_id: uuid.UUID) -> Response:
    cluster = operations.get(session(), current_access(), cluster_id)
    return respond(ClusterSchema(), _dump(cluster))


@route("/clusters/<uuid:cluster_id>", ["PUT"], Operation(
    summary="Replace a cluster's name, kind, description and units", tag=TAG, body=ClusterInputSchema,
    response=ClusterSchema, errors=(403, 404, 422),
))
def update_cluster(cluster_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    cluster = operations.get(db, access, cluster_id)
    cluster = operations.update(db, access, cluster, load_body(ClusterInputSchema()))
    commit(cluster)
    return respond(ClusterSchema(), _dump(cluster))


@route("/clusters/<uuid:cluster_id>", ["DELETE"], Operation(
    summary="Delete a cluster", tag=TAG, ok_status=204, errors=(403, 404),
))
def delete_cluster(cluster_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    operations.remove(db, access, operations.get(db, access, cluster_id))
    commit()
    return Response(status=204)


@route("/clusters/<uuid:cluster_id>/ranking", ["GET"], Operation(
    summary="The cluster's ranking in a period", tag=TAG, query=RankingQuerySchema, response=RankingSchema,
    errors=(404,),
    description="By score with the leader rule applied; equal scores share a rank (1, 2, 2, 4). "
                "Provisional until the period closes, frozen then.",
))
def cluster_ranking(cluster_id: uuid.UUID) -> Response:
    db, access = session(), current_access()
    cluster = operations.get(db, access, cluster_id)  # 404 before any 422: nothing to learn
    data = load_query(RankingQuerySchema())
    period = period_operations.get_visible(db, access, data["period"])
    ranking = operations.ranking(db, access, current_host(), cluster, period)
    rows = [{"unit": r.unit, "status": r.status, "rank": r.rank, "score": r.score,
             "report_score": r.report_score, "provisional": r.provisional, "standings": r.standings}
            for r in ranking.rows]
    return respond(RankingSchema(), {"cluster": cluster, "period": period.id, "final": ranking.final,
                                     "computed_at": ranking.computed_at, "rows": rows})
