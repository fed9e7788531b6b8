"""Clusters (cụm, khối thi đua) on the web: the list, a new cluster, one cluster with its
ranking in a period, editing and deleting (admins of the owning unit)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from marshmallow import ValidationError
from sqlalchemy import select

from core.auth.context import current_access
from core.clusters import operations
from core.clusters.models import KINDS
from core.clusters.schemas import ClusterInputSchema
from core.db.engine import session
from core.errors import Forbidden, Invalid, NotFound
from core.periods import operations as period_ops
from core.plugins import current_host
from core.reports import history
from core.tenants.models import Tenant
from core.web import blueprint, labels
from core.web.active import active_tenant
from core.web.dashboards import default_period
from core.web.layout import add_nav_link
from core.web.unit_picker import Picker, unit_label, unit_picker


def kind_labels() -> dict[str, str]:
    return {"cum": _("Cụm thi đua (theo địa bàn)"), "khoi": _("Khối thi đua (theo ngành, lĩnh vực)")}


def _visible_here() -> bool:
    tenant = active_tenant()
    return tenant is not None and operations.can_view(current_access(), tenant)


add_nav_link("web.clusters", _l("Cụm thi đua"), visible=_visible_here, current_prefix="web.cluster")


@dataclass(frozen=True)
class MemberOption:
    """A unit the cluster form offers: checked when it is (or was just picked as) a member."""

    unit: Tenant
    label: str
    checked: bool


def member_options(owner: Tenant, picker: Picker, picked: list[str]) -> list[MemberOption]:
    """The form's checkboxes: the units picked so far first (kept whatever the search finds),
    then one page of the owner's units matching the picker's search (never the whole subtree:
    the city has thousands). Two statements beside the picker's."""
    wanted = []
    for value in picked:
        try:
            wanted.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    chosen = list(session().scalars(
        select(Tenant).where(Tenant.id.in_(wanted), Tenant.active.is_(True),
                             Tenant.path.startswith(owner.path), Tenant.id != owner.id)
        .order_by(Tenant.name_key)
    )) if wanted else []
    taken = {unit.id for unit in chosen} | {owner.id}
    options = [MemberOption(unit, unit.name, True) for unit in chosen]
    options += [MemberOption(unit, unit_label(unit, above), False)
                for unit, above in picker.found.items if unit.id not in taken]
    return options


def _form_data() -> tuple[dict[str, Any], dict[str, list[str]]]:
    raw = {"name": request.form.get("name", ""), "kind": request.form.get("kind", "cum"),
           "description": request.form.get("description", ""),
           "members": request.form.getlist("members")}
    try:
        return ClusterInputSchema().load(raw), {}
    except ValidationError as error:
        return raw, {str(k): [_("Giá trị chưa hợp lệ.")] for k in error.normalized_messages()}


def _list_page(form: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
               status: int = 200):
    db, access = session(), current_access()
    owner = active_tenant()
    can_create = owner is not None and operations.can_manage(access, owner)
    # A cluster's members lie below its owner: the picker neither counts nor offers the owner.
    picker = unit_picker(owner, "web.clusters", include_root=False) if can_create else None
    clusters, belonging = operations.readable(db, access)
    return render_template(
        "clusters/list.html", clusters=clusters, belonging=belonging, owner=owner, can_create=can_create,
        picker=picker, options=member_options(owner, picker, (form or {}).get("members") or [])
        if picker else [], form=form or {}, errors=errors or {}, kinds=KINDS, kind_labels=kind_labels(),
        kind_label=lambda k: labels.label(labels.TENANT_KINDS, k),
    ), status


@blueprint.route("/clusters", methods=["GET"])
@login_required
def clusters():
    return _list_page()


@blueprint.route("/clusters", methods=["POST"])
@login_required
def clusters_create():
    db, access = session(), current_access()
    owner = active_tenant()
    if owner is None:
        abort(404)
    data, errors = _form_data()
    if errors:
        return _list_page(data, errors, 422)
    try:
        cluster = operations.create(db, access, owner, data)
    except Forbidden:
        db.rollback()
        abort(403)
    except Invalid as error:
        db.rollback()
        return _list_page(data, error.errors, 422)
    db.commit()
    flash(_("Đã lập cụm thi đua."), "success")
    return redirect(url_for("web.cluster", cluster_id=cluster.id))


def _detail(cluster, form: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
            status: int = 200):
    db, access = session(), current_access()
    owner = operations.owner_of(db, cluster)
    periods = period_ops.visible(db, access)
    period = None
    wanted = request.args.get("period")
    if wanted:
        try:
            period = period_ops.get_visible(db, access, wanted)
        except NotFound:
            abort(404)
    else:
        period = default_period(db, access)
    ranking = operations.ranking(db, access, current_host(), cluster, period) if period else None
    members = operations.members(db, cluster)
    can_manage = operations.can_manage(access, owner)
    picker = unit_picker(owner, "web.cluster", path_args={"cluster_id": cluster.id},
                         include_root=False) if can_manage else None
    picked = (form or {}).get("members") if form else [str(m.id) for m in members]
    return render_template(
        "clusters/detail.html", cluster=cluster, owner=owner, members=members, ranking=ranking,
        periods=periods, period=period, can_manage=can_manage, statuses=history.status_labels(),
        picker=picker, options=member_options(owner, picker, picked or []) if picker else [],
        own=[row.unit.id for row in ranking.own_rows(access)] if ranking else [],
        form=form or {}, errors=errors or {}, kinds=KINDS, kind_labels=kind_labels(),
        kind_label=lambda k: labels.label(labels.TENANT_KINDS, k),
    ), status


def _cluster_or_404(cluster_id: uuid.UUID):
    try:
        return operations.get(session(), current_access(), cluster_id)
    except NotFound:
        abort(404)


@blueprint.route("/clusters/<uuid:cluster_id>", methods=["GET"])
@login_required
def cluster(cluster_id: uuid.UUID):
    return _detail(_cluster_or_404(cluster_id))


@blueprint.route("/clusters/<uuid:cluster_id>", methods=["POST"])
@login_required
def cluster_update(cluster_id: uuid.UUID):
    db, access = session(), current_access()
    item = _cluster_or_404(cluster_id)
    data, errors = _form_data()
    if errors:
        return _detail(item, data, errors, 422)
    try:
        operations.update(db, access, item, data)
    except Forbidden:
        db.rollback()
        abort(403)
    except Invalid as error:
        db.rollback()
        return _detail(item, data, error.errors, 422)
    db.commit()
    flash(_("Đã lưu cụm thi đua."), "success")
    return redirect(url_for("web.cluster", cluster_id=item.id))


@blueprint.route("/clusters/<uuid:cluster_id>/delete", methods=["POST"])
@login_required
def cluster_delete(cluster_id: uuid.UUID):
    db, access = session(), current_access()
    item = _cluster_or_404(cluster_id)
    try:
        operations.remove(db, access, item)
    except Forbidden:
        db.rollback()
        abort(403)
    db.commit()
    flash(_("Đã xóa cụm thi đua."), "success")
    return redirect(url_for("web.clusters"))
