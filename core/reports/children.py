"""Read-only results of the units under a tenant, handed to plugins that judge a parent by its
children (a commune is "An toàn về ANTT" only if ≥70% of the units under it are). The view's
shape belongs to the plugin contract (:mod:`core.plugins.children`); this module fills it."""

from __future__ import annotations

import uuid
from typing import Any

from core.plugins.children import ChildrenView, ChildResult


def children_of(db, tenant, period) -> ChildrenView:
    """The results of every unit below ``tenant`` in ``period``.

    A deliberate read across tenants, bounded to the subtree and handed to plugins frozen: the
    head of a commune may not read its schools' reports, but the TT 124 rule for the commune is
    judged from their outcomes.
    """
    from sqlalchemy import select

    from core.db.scoping import UNSCOPED_OPTION
    from core.reports.models import Section, Submission
    from core.tenants.models import Tenant

    units = db.scalars(
        select(Tenant).where(Tenant.path.startswith(tenant.path), Tenant.id != tenant.id,
                             Tenant.active.is_(True))
    ).all()
    if not units:
        return ChildrenView()
    reason = {UNSCOPED_OPTION: "read-only results of a tenant's subtree for its plugins"}
    submissions = {
        s.tenant_id: s for s in db.scalars(
            select(Submission).where(Submission.period_id == period.id,
                                     Submission.tenant_id.in_([u.id for u in units]))
            .execution_options(**reason)
        )
    }
    values: dict[uuid.UUID, dict[str, dict[str, Any]]] = {}
    if submissions:
        for section in db.scalars(
            select(Section).where(Section.submission_id.in_([s.id for s in submissions.values()]))
            .execution_options(**reason)
        ):
            values.setdefault(section.tenant_id, {})[section.set_key] = dict(section.values)
    return ChildrenView.of(
        ChildResult(
            tenant_id=unit.id, kind=unit.kind, name=unit.name,
            status=submissions[unit.id].status if unit.id in submissions else None,
            values=values.get(unit.id, {}),
            outcomes=dict(submissions[unit.id].outcomes) if unit.id in submissions else {},
            attributes=dict(unit.attributes or {}),
        )
        for unit in units
    )
