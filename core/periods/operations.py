"""Creating, editing and moving reporting periods through their states."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.audit.operations import diff, record
from core.clusters import operations as clusters
from core.db.scoping import TenantContext
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.periods import models
from core.periods.models import ReportingPeriod
from core.periods.schemas import check_date_order
from core.plugins.manager import plugin_host
from core.snapshots import operations as snapshots
from core.tenants.models import Tenant
from core.users.access import Access

EDITABLE = (
    "title", "description", "kind", "window_start", "window_end",
    "opens_at", "due_at", "city_due_at", "closes_at",
)


def ancestor_ids(access: Access) -> frozenset[uuid.UUID]:
    """The units on the paths of the caller's grants: each granted unit and every unit above it."""
    ids: set[uuid.UUID] = set()
    for grant in access.grants:
        ids.update(uuid.UUID(p) for p in grant.tenant_path.strip("/").split("/") if p)
    return frozenset(ids)


def visible(db: Session, access: Access) -> Sequence[ReportingPeriod]:
    """Periods set up by one of the caller's tenants, an ancestor of them, or a unit below."""
    return db.scalars(visible_query(access)).all()


def visible_query(access: Access):
    """The periods :func:`visible` returns, as a query to refine (newest first)."""
    return visible_query_in(access.tenant_context(), ancestor_ids(access))


def visible_query_in(context: TenantContext, ancestors: frozenset[uuid.UUID]):
    """The periods a caller with the grants ``context`` sees, ``ancestors`` being
    :func:`ancestor_ids` of the same caller, as a query to refine (newest first)."""
    query = select(ReportingPeriod).order_by(ReportingPeriod.opens_at.desc())
    if not context.system:
        # Owners above the caller by id (a handful, from the grants' paths), owners below by
        # the subtree predicate: never the ids of a whole subtree.
        query = query.where(or_(
            ReportingPeriod.owner_tenant_id.in_(sorted(ancestors)),
            ReportingPeriod.owner_tenant_id.in_(
                select(Tenant.id).where(context.tenant_clause(Tenant.id, Tenant.path))),
        ))
    return query


def get_visible(db: Session, access: Access, period_id: uuid.UUID | str) -> ReportingPeriod:
    try:
        period_id = uuid.UUID(str(period_id))
    except ValueError:
        raise NotFound(_("Không tìm thấy kỳ báo cáo.")) from None
    period = db.scalar(visible_query(access).where(ReportingPeriod.id == period_id))
    if period is not None:
        return period
    raise NotFound(_("Không tìm thấy kỳ báo cáo."))


def find_by_key(db: Session, key: str, owner: Tenant | None = None) -> ReportingPeriod | None:
    """The period ``key`` of ``owner``; without an owner, the only period with that key, the
    one of the highest owner when several units use it (the city's before a commune's).

    Keys are unique per owning unit, not across units, so that choosing one reveals nothing."""
    query = select(ReportingPeriod).where(ReportingPeriod.key == key)
    if owner is not None:
        return db.scalar(query.where(ReportingPeriod.owner_tenant_id == owner.id))
    return db.scalar(query.join(Tenant, Tenant.id == ReportingPeriod.owner_tenant_id)
                     .order_by(Tenant.depth, ReportingPeriod.created_at))


def _require_admin(db: Session, access: Access, owner_id: uuid.UUID) -> Tenant:
    owner = db.get(Tenant, owner_id)
    if owner is None or not access.is_admin_of(owner):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị quản lý kỳ báo cáo mới được thay đổi kỳ này."))
    return owner


def _snapshot(period: ReportingPeriod) -> dict[str, Any]:
    return {name: getattr(period, name) for name in (*EDITABLE, "state", "key")}


def create(db: Session, access: Access, owner: Tenant, data: dict[str, Any]) -> ReportingPeriod:
    """``data`` is already loaded by :class:`PeriodInputSchema`."""
    _require_admin(db, access, owner.id)
    # Only the owner's own periods can clash, and the caller is its admin: nothing outside the
    # caller's reach shows through this answer.
    if find_by_key(db, data["key"], owner) is not None:
        raise Invalid({"key": [_("Đã có kỳ báo cáo với mã này.")]})
    period = ReportingPeriod(owner_tenant_id=owner.id, state=models.DRAFT, **data)
    db.add(period)
    db.flush()
    record(
        db, "period.create", tenant_id=owner.id, actor_id=access.actor_id,
        actor_label=access.actor_label, object_type="period", object_id=period.id,
        changes=diff({}, _snapshot(period)),
    )
    return period


def update(db: Session, access: Access, period: ReportingPeriod, data: dict[str, Any]) -> ReportingPeriod:
    """Change the editable fields given in ``data``, checked against the stored dates, under the
    period's row lock: of several changes at once each applies in turn to what the one before
    left, and each audit entry's "from" is what was stored (never a stale read), nor is an
    archived period changed by a request that read it before it was archived."""
    _require_admin(db, access, period.owner_tenant_id)
    db.refresh(period, with_for_update=True)
    if period.state == models.ARCHIVED:
        raise Conflict(_("Kỳ báo cáo đã lưu trữ không thể thay đổi."))
    if "key" in data and data["key"] != period.key:
        raise Invalid({"key": [_("Không được đổi mã của kỳ báo cáo.")]})
    before = _snapshot(period)
    merged = {name: data.get(name, before[name]) for name in EDITABLE}
    try:
        check_date_order(merged)
    except ValidationError as exc:
        raise Invalid(exc.normalized_messages()) from None
    for name in EDITABLE:
        if name in data:
            setattr(period, name, data[name])
    changes = diff(before, _snapshot(period))
    if changes:
        record(
            db, "period.update", tenant_id=period.owner_tenant_id, actor_id=access.actor_id,
            actor_label=access.actor_label, object_type="period", object_id=period.id,
            changes=changes,
        )
    return period


def _rankings_follow(db: Session, period: ReportingPeriod, previous: str, state: str) -> None:
    """Closing freezes every cluster's ranking (the leader rule is final once all reports are
    in); reopening thaws them back to provisional."""
    if state == models.CLOSED:
        clusters.freeze(db, plugin_host(current_app) if has_app_context() else None, period)
    elif previous == models.CLOSED and state == models.OPEN:
        clusters.thaw(db, period)



def _refused_move(period: ReportingPeriod, state: str) -> Conflict:
    """The 409 for a move the lifecycle does not allow, naming both states as people read them."""
    return Conflict(_("Kỳ báo cáo đang ở trạng thái %(current)s không thể chuyển sang %(target)s.",
                      current=str(models.STATE_NAMES[period.state]).lower(),
                      target=str(models.STATE_NAMES[state]).lower()))

# The longest reason a state change keeps (as the API's TransitionSchema).
REASON_LIMIT = 2000


def transition(
    db: Session, access: Access, period: ReportingPeriod, state: str, reason: str = ""
) -> ReportingPeriod:
    """Move to ``state`` if the lifecycle allows it (draft → open → closed → archived; a closed
    period may be reopened, with a ``reason``: its closed results stay as snapshot version n, and
    the next closing freezes version n + 1 carrying that reason).

    :raises Invalid: an unknown state, or a reopening without a reason (on ``reason``).
    :raises Conflict: the lifecycle does not allow the move.
    """
    _require_admin(db, access, period.owner_tenant_id)
    if state not in models.STATES:
        raise Invalid({"state": [_("Trạng thái không hợp lệ.")]})
    if not period.can_move_to(state):
        raise _refused_move(period, state)
    # Under the period's row lock, so that two closings at once make one snapshot version each
    # in turn, never the same version twice (SQLite serialises writers anyway).
    db.refresh(period, with_for_update=True)
    if not period.can_move_to(state):
        raise _refused_move(period, state)
    previous = period.state
    if previous == models.CLOSED and state == models.OPEN and not reason.strip():
        raise Invalid({"reason": [_("Hãy ghi lý do mở lại kỳ báo cáo đã khóa sổ.")]})
    if len(reason) > REASON_LIMIT:  # the API's schema bounds it too; the web form reaches here
        raise Invalid({"reason": [_("Lý do dài quá %(limit)s ký tự.", limit=REASON_LIMIT)]})
    period.state = state
    _rankings_follow(db, period, previous, state)
    if state == models.CLOSED:
        # The results are frozen as they stand now; a reopening and closing adds a version.
        snapshots.freeze(db, period, actor_id=access.actor_id, reason=reason)
    record(
        db, f"period.{state}", tenant_id=period.owner_tenant_id, actor_id=access.actor_id,
        actor_label=access.actor_label, object_type="period", object_id=period.id,
        changes={"state": [previous, state]}, reason=reason,
    )
    return period

