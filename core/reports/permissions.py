"""Who may do what to a unit's report.

* reporter and head of the unit fill it; only the head submits, answers a return with an
  explanation, and asks for an extension;
* a reviewer or admin of a unit above it reviews: comments, reviewer scores, return, approve;
* an admin above it reopens an approved report;
* anyone who sees the unit reads it.
"""

from __future__ import annotations

from core.tenants.models import Tenant
from core.users import roles
from core.users.access import Access

FILL_ROLES = frozenset({roles.REPORTER, roles.HEAD})
REVIEW_ROLES = frozenset({roles.REVIEWER, roles.ADMIN})


def can_read(access: Access, tenant: Tenant) -> bool:
    return access.can_see(tenant)


def can_fill(access: Access, tenant: Tenant) -> bool:
    return bool(access.roles_here(tenant) & FILL_ROLES)


def is_head(access: Access, tenant: Tenant) -> bool:
    return roles.HEAD in access.roles_here(tenant)


def can_review(access: Access, tenant: Tenant) -> bool:
    return bool(access.roles_above(tenant) & REVIEW_ROLES)


def can_reopen(access: Access, tenant: Tenant) -> bool:
    return roles.ADMIN in access.roles_above(tenant)
