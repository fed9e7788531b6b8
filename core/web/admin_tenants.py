"""/admin/tenants: the tree below the admin's unit, search, and registering a unit."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from core.auth.context import current_access
from core.db.engine import session
from core.errors import Invalid
from core.tenants import kinds as tenant_kinds
from core.tenants import operations as tenant_ops
from core.tenants.models import Tenant
from core.text import fold
from core.text.collation import sort_key
from core.web import blueprint
from core.web.active import admin_root, in_subtree
from core.web.forms import TenantForm, apply_errors, option

SEARCH_LIMIT = 100
# Kinds in the order officials list them: wards and communes first, then departments, …
KIND_ORDER = {kind: position for position, kind in enumerate(tenant_kinds.CORE_KINDS)}


def children_map(tenants: Sequence[Tenant]) -> dict[uuid.UUID | None, list[Tenant]]:
    """Each tenant's children, in name order, for rendering the tree."""
    children: dict[uuid.UUID | None, list[Tenant]] = defaultdict(list)
    for tenant in tenants:
        children[tenant.parent_id].append(tenant)
    for siblings in children.values():
        # Accent-free first so that "Đông Anh" sorts with the D's, not after Z.
        siblings.sort(key=lambda t: (KIND_ORDER.get(t.kind, len(KIND_ORDER)), t.kind, fold(t.name), t.name))
    return children


def tree_order(root: Tenant, tenants: Sequence[Tenant]) -> list[Tenant]:
    """``tenants`` as a tree from ``root``: each unit followed by its units, siblings in
    Vietnamese alphabetical order (the collation key, so "Đông Anh" sorts after "Dịch Vọng")."""
    below: dict[uuid.UUID | None, list[Tenant]] = defaultdict(list)
    for tenant in tenants:
        if tenant.id != root.id:
            below[tenant.parent_id].append(tenant)
    for siblings in below.values():
        siblings.sort(key=lambda t: (t.name_key or sort_key(t.name), t.name))
    ordered, stack = [], [root]
    while stack:
        tenant = stack.pop()
        ordered.append(tenant)
        stack.extend(reversed(below.get(tenant.id, [])))
    return ordered


def by_kind(tenants: Sequence[Tenant]) -> list[tuple[str, list[Tenant]]]:
    """Consecutive runs of one kind, in the order given."""
    groups: list[tuple[str, list[Tenant]]] = []
    for tenant in tenants:
        if not groups or groups[-1][0] != tenant.kind:
            groups.append((tenant.kind, []))
        groups[-1][1].append(tenant)
    return groups


def _page(root: Tenant, form: TenantForm, errors: Sequence[str] = (), status: int = 200):
    db = session()
    units = [t for t in tenant_ops.subtree(db, root) if t.active]
    query = request.args.get("q", "").strip()
    results: Sequence[Tenant] | None = None
    total = 0
    if query:
        found, _count = tenant_ops.list_visible(db, current_access(), q=query, limit=10_000)
        matches = [t for t in found if t.path.startswith(root.path)]
        total, results = len(matches), matches[:SEARCH_LIMIT]
    return render_template(
        "admin/tenants.html", root=root, children=children_map(units), unit_count=len(units),
        form=form, problems=errors, query=query, results=results, total=total, by_kind=by_kind,
    ), status


def _tenant_form(root: Tenant) -> TenantForm:
    form = TenantForm()
    units = [t for t in tenant_ops.subtree(session(), root) if t.active]
    form.parent.choices = [option(str(t.id), "— " * (t.depth - root.depth) + t.name)
                           for t in tree_order(root, units)]
    if not form.parent.raw_data:
        form.parent.data = request.args.get("parent") or str(root.id)
    return form


@blueprint.route("/admin/tenants", methods=["GET"])
@login_required
def admin_tenants():
    root = admin_root()
    return _page(root, _tenant_form(root))


@blueprint.route("/admin/tenants", methods=["POST"])
@login_required
def admin_tenants_create():
    root = admin_root()
    form = _tenant_form(root)
    # A parent outside the admin's subtree is not found, like any unit the caller cannot see.
    parent = in_subtree(root, form.parent.data) if form.parent.data else None
    if not form.validate_on_submit() or parent is None:
        return _page(root, form, status=422)
    db = session()
    try:
        tenant = tenant_ops.create_child(
            db, current_access(), parent=parent, name=form.name.data, kind=form.kind.data,
            code=form.code.data or None,
        )
    except Invalid as error:
        db.rollback()
        return _page(root, form, apply_errors(form, error), status=422)
    db.commit()
    flash(_("Đã đăng ký đơn vị %(name)s.", name=tenant.name), "success")
    return redirect(url_for("web.admin_tenants"))
