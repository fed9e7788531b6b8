"""/admin/tenants: the tree below the admin's unit browsed one level at a time, search, and
registering a unit. Every page reads a fixed number of statements whatever the subtree's size:
the units directly below one unit, a page at a time with their own counts, never the subtree."""

from __future__ import annotations

from collections.abc import Sequence

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from core.auth.context import current_access
from core.db.engine import session
from core.errors import Invalid
from core.tenants import operations as tenant_ops
from core.tenants.models import Tenant
from core.web import blueprint
from core.web.active import admin_root, in_subtree
from core.web.forms import TenantForm, apply_errors
from core.web.unit_picker import Picker, chosen_unit, page_number, unit_picker

CHILDREN_PAGE = 50
SEARCH_PAGE = 50


def by_kind(items: Sequence[tuple[Tenant, int]]) -> list[tuple[str, list[tuple[Tenant, int]]]]:
    """Consecutive runs of one kind, in the order given (a page of units sorted by kind)."""
    groups: list[tuple[str, list[tuple[Tenant, int]]]] = []
    for unit, count in items:
        if not groups or groups[-1][0] != unit.kind:
            groups.append((unit.kind, []))
        groups[-1][1].append((unit, count))
    return groups


def _node(root: Tenant) -> Tenant:
    """The unit being browsed (``?node=``): the root by default; 404 outside its subtree."""
    wanted = request.args.get("node")
    return in_subtree(root, wanted) if wanted else root


def _state(node: Tenant, root: Tenant, query: str) -> dict[str, str]:
    """The page's query parameters, kept by the unit picker's links."""
    state = {}
    if node.id != root.id:
        state["node"] = str(node.id)
    if query:
        state["q"] = query
    return state


def _page(root: Tenant, form: TenantForm, picker: Picker, errors: Sequence[str] = (), status: int = 200):
    db = session()
    node = _node(root)
    query = request.args.get("q", "").strip()
    page = page_number("page")
    results = children = None
    if query:
        results = tenant_ops.units_under(db, root, q=query, page=page, size=SEARCH_PAGE)
    else:
        children = tenant_ops.children_page(db, node, page=page, size=CHILDREN_PAGE)
    return render_template(
        "admin/tenants.html", root=root, node=node, trail=tenant_ops.trail(db, root, node),
        unit_count=tenant_ops.count_below(db, root), children=children, results=results, query=query,
        form=form, picker=picker, problems=errors, by_kind=by_kind,
    ), status


def _tenant_form(root: Tenant) -> tuple[TenantForm, Picker]:
    form = TenantForm()
    if not form.parent.raw_data:
        form.parent.data = request.args.get("parent") or str(root.id)
    node = _node(root)
    query = request.args.get("q", "").strip()
    picker = unit_picker(root, "web.admin_tenants", keep=_state(node, root, query))
    form.parent.choices = picker.choices(chosen_unit(root, form.parent.data))
    return form, picker


@blueprint.route("/admin/tenants", methods=["GET"])
@login_required
def admin_tenants():
    root = admin_root()
    return _page(root, *_tenant_form(root))


@blueprint.route("/admin/tenants", methods=["POST"])
@login_required
def admin_tenants_create():
    root = admin_root()
    form, picker = _tenant_form(root)
    # A parent outside the admin's subtree is not found, like any unit the caller cannot see.
    parent = in_subtree(root, form.parent.data) if form.parent.data else None
    if not form.validate_on_submit() or parent is None:
        return _page(root, form, picker, status=422)
    db = session()
    try:
        tenant = tenant_ops.create_child(
            db, current_access(), parent=parent, name=form.name.data, kind=form.kind.data,
            code=form.code.data or None,
        )
    except Invalid as error:
        db.rollback()
        return _page(root, form, picker, apply_errors(form, error), status=422)
    db.commit()
    flash(_("Đã đăng ký đơn vị %(name)s.", name=tenant.name), "success")
    return redirect(url_for("web.admin_tenants", node=str(parent.id) if parent.id != root.id else None))
