"""``/periods``: reporting periods, their dates and their lifecycle."""

from __future__ import annotations

import uuid

from flask import Response, url_for
from flask_babel import gettext as _

from core.api.routing import Operation, commit, load_body, respond, route
from core.api.schemas import PeriodCreateSchema, PeriodListSchema, TransitionSchema
from core.auth.context import current_access
from core.db.engine import session
from core.errors import Forbidden
from core.periods import models, operations
from core.periods.schemas import PeriodSchema, PeriodUpdateSchema
from core.tenants import operations as tenant_operations
from core.tenants.models import Tenant
from core.users import roles
from core.users.access import Access


def _default_owner(access: Access) -> Tenant:
    """The highest unit where the caller is admin: the one a new period most likely belongs to."""
    admin_grants = sorted(
        (g for g in access.grants if g.role == roles.ADMIN), key=lambda g: g.tenant_path.count("/")
    )
    if not admin_grants:
        raise Forbidden(_("Chỉ quản trị viên mới được tạo kỳ báo cáo."))
    return tenant_operations.get_visible(session(), access, admin_grants[0].tenant_id)


@route("/periods", ["GET"], Operation(
    summary="Reporting periods the caller may see", tag="periods", response=PeriodListSchema,
))
def list_periods() -> Response:
    periods = operations.visible(session(), current_access())
    return respond(PeriodListSchema(), {"items": periods, "total": len(periods)})


@route("/periods", ["POST"], Operation(
    summary="Create a reporting period (draft)", tag="periods",
    description="Dates are ISO 8601; without an offset they are read as Hanoi time. They must fall "
                "in the order opens_at ≤ due_at ≤ city_due_at ≤ closes_at.",
    ok_status=201, body=PeriodCreateSchema, response=PeriodSchema, errors=(403, 404),
))
def create_period() -> Response:
    data = load_body(PeriodCreateSchema())
    db, access = session(), current_access()
    owner_id = data.pop("owner")
    owner = (
        tenant_operations.get_visible(db, access, owner_id) if owner_id else _default_owner(access)
    )
    period = operations.create(db, access, owner, data)
    commit(period)
    location = url_for(".get_period", period_id=period.id)
    return respond(PeriodSchema(), period, status=201, headers={"Location": location})


@route("/periods/<uuid:period_id>", ["GET"], Operation(
    summary="One reporting period", tag="periods", response=PeriodSchema, errors=(404,),
))
def get_period(period_id: uuid.UUID) -> Response:
    return respond(PeriodSchema(), operations.get_visible(session(), current_access(), period_id))


@route("/periods/<uuid:period_id>", ["PATCH", "PUT"], Operation(
    summary="Change some fields of a reporting period", tag="periods",
    description="Only the fields sent change; PUT is accepted as an alias of PATCH. The dates are "
                "checked again together with the stored ones.",
    body=PeriodUpdateSchema, response=PeriodSchema, errors=(403, 404, 409),
))
def update_period(period_id: uuid.UUID) -> Response:
    data = load_body(PeriodUpdateSchema(), partial=True)
    db, access = session(), current_access()
    period = operations.get_visible(db, access, period_id)
    operations.update(db, access, period, data)
    commit(period)
    return respond(PeriodSchema(), period)


def _transition(period_id: uuid.UUID, state: str) -> Response:
    data = load_body(TransitionSchema())
    db, access = session(), current_access()
    period = operations.get_visible(db, access, period_id)
    operations.transition(db, access, period, state, reason=data["reason"])
    commit()
    return respond(PeriodSchema(), period)


@route("/periods/<uuid:period_id>/open", ["POST"], Operation(
    summary="Open a period (from draft, or reopen a closed one)", tag="periods",
    description="Reopening a closed period needs a `reason` (422 on `reason` without one): the "
                "closed results stay as they were frozen, and the next closing freezes a new "
                "snapshot version that carries the reason.",
    body=TransitionSchema, body_required=False, response=PeriodSchema, errors=(403, 404, 409, 422),
))
def open_period(period_id: uuid.UUID) -> Response:
    return _transition(period_id, models.OPEN)


@route("/periods/<uuid:period_id>/close", ["POST"], Operation(
    summary="Close an open period", tag="periods",
    body=TransitionSchema, body_required=False, response=PeriodSchema, errors=(403, 404, 409),
))
def close_period(period_id: uuid.UUID) -> Response:
    return _transition(period_id, models.CLOSED)
