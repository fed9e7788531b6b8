"""Web pages generated from criteria sets: the admin page that enables sets for a period, and
the form of one set for a tenant (validated and scored; storing it is the reporting workflow's)."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from core.auth.context import current_access
from core.criteria_defs import operations as criteria_defs
from core.db.engine import session
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.periods import operations as period_ops
from core.plugins import operations
from core.plugins.criteria import CriteriaSet
from core.plugins.evaluation import EvaluationContext, evaluate
from core.plugins.fields import FieldInfo, describe
from core.plugins.language import in_language
from core.plugins.manager import plugin_host
from core.tenants import kinds as tenant_kinds
from core.tenants import operations as tenant_ops
from core.tenants.models import Tenant
from core.text.numbers import format_number
from core.web import blueprint


@blueprint.app_template_filter("form_value")
def form_value(value: Any) -> Any:
    """A stored value as a form input shows it: numbers written the Vietnamese way
    (``1500`` → ``"1.500"``, ``1234.5`` → ``"1.234,5"``), which is also how the input is read back;
    text (including what was typed into a form shown again with errors) as it is."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)
        return format_number(value)
    return value


def values_from_form(fields: list[FieldInfo], form: MultiDict) -> dict[str, Any]:
    """Form fields → the values the schema loads; an empty input is left out so that a required
    field reports itself missing. Numbers stay text: the criteria set's schema reads them with
    :func:`core.text.numbers.parse_number`, as it reads the API's and Excel's."""
    data: dict[str, Any] = {}
    for info in fields:
        if info.type == "boolean":
            data[info.name] = form.get(info.name) in {"on", "true", "1", "yes"}
            continue
        raw = (form.get(info.name) or "").strip()
        if raw == "":
            continue
        data[info.name] = raw
    return data


def _not_found(error: NotFound):
    abort(404, description=error.message)


@blueprint.route("/periods/<period_id>/criteria-sets", methods=["GET", "POST"])
@login_required
def period_criteria_sets(period_id: str):
    """Admin page: which sets the period enables, for which tenant kinds, with what weight."""
    db = session()
    access = current_access()
    host = plugin_host(current_app)
    try:
        period = period_ops.get_visible(db, access, period_id)
    except NotFound as error:
        _not_found(error)
    owner = db.get(Tenant, period.owner_tenant_id)
    if owner is None or not access.is_admin_of(owner):
        abort(403)
    errors: dict[str, list[str]] = {}
    status = 200
    enabled = {item.row.key: item for item in operations.enabled_sets(db, host, period)}
    form_items = None
    if request.method == "POST":
        form_items = _items_from_form(request.form)
        try:
            operations.configure_period(db, access, host, period, form_items)
            db.commit()
            flash(_("Đã lưu các bộ tiêu chí của kỳ báo cáo."), "success")
            return redirect(url_for("web.period_criteria_sets", period_id=period.id))
        except (Invalid, Conflict, Forbidden) as error:
            db.rollback()
            errors = getattr(error, "errors", None) or {"_schema": [error.message]}
            status = error.status
    all_kinds = sorted(operations.known_kinds(db), key=lambda k: (k not in tenant_kinds.CORE_KINDS, k))
    rows = _admin_rows(host, enabled, form_items, errors, criteria_defs.reachable_set_keys(db, owner))
    return render_template(
        "plugins/period_sets.html", period=period, rows=rows, kinds=all_kinds,
        errors=errors,
    ), status


def _items_from_form(form: MultiDict) -> list[dict[str, Any]]:
    items = []
    for key in form.getlist("enable"):
        items.append({
            "key": key,
            "tenant_kinds": form.getlist(f"kinds-{key}"),
            # Text as typed: the schema reads it the Vietnamese way ("1,5"), as the API's.
            "weight": (form.get(f"weight-{key}") or "").strip() or "1",
        })
    return items


def _admin_rows(host, enabled, form_items, errors, tables: list[str]) -> list[dict[str, Any]]:
    """One row per loaded set, per table of criteria the period's owner may enable (``tables``,
    its own and its parents') and per enabled set whose plugin is not loaded."""
    submitted = {item["key"]: (i, item) for i, item in enumerate(form_items or [])}
    rows = []
    keys = [s.key for s in host.latest_sets()] + [k for k in tables if host.criteria_set(k) is not None]
    keys += [k for k in enabled if host.criteria_set(k) is None]
    for key in dict.fromkeys(keys):
        criteria_set = host.criteria_set(key)
        item = enabled.get(key)
        if form_items is not None:
            index, chosen = submitted.get(key, (None, None))
            row_kinds = chosen["tenant_kinds"] if chosen else []
            weight = chosen["weight"] if chosen else 1
            row_errors = [m for name, ms in errors.items() if index is not None
                          and name.startswith(f"{index}.") for m in ms]
        else:
            chosen = item
            row_kinds = item.row.tenant_kinds if item else []
            weight = item.row.weight if item else 1
            row_errors = []
        rows.append({
            "key": key,
            "set": criteria_set,
            "available": criteria_set is not None or (item is not None and item.available),
            "version": item.row.version if item else (criteria_set.version if criteria_set else None),
            "enabled": chosen is not None,
            "kinds": row_kinds,
            "applies_to": sorted(criteria_set.applies_to) if criteria_set else row_kinds,
            "weight": weight,
            "errors": row_errors,
        })
    return rows


def _enabled_set_for(db, host, period, tenant, key: str) -> CriteriaSet:
    for item in operations.sets_for_tenant(db, host, period, tenant):
        if item.row.key == key:
            if item.criteria_set is None:
                abort(404, description=_("Bộ tiêu chí này hiện không khả dụng."))
            return item.criteria_set
    abort(404)


@blueprint.route("/periods/<period_id>/tenants/<tenant_id>/criteria-sets/<key>", methods=["GET", "POST"])
@login_required
def criteria_form(period_id: str, tenant_id: str, key: str):
    """The form of one criteria set for one tenant, generated from its schema.

    A POST validates and scores the values and shows the result; saving a report belongs to the
    reporting workflow.
    """
    db = session()
    access = current_access()
    host = plugin_host(current_app)
    try:
        period = period_ops.get_visible(db, access, period_id)
        tenant = tenant_ops.get_visible(db, access, tenant_id)
    except NotFound as error:
        _not_found(error)
    criteria_set = _enabled_set_for(db, host, period, tenant, key)
    fields = describe(criteria_set)
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    score = None
    status = 200
    if request.method == "POST":
        values = values_from_form(fields, request.form)
        errors, score = evaluate(criteria_set, values, EvaluationContext(tenant=tenant, period=period),
                                 host=host)
        status = 422 if errors else 200
    lang = str(get_locale() or "vi")
    shown = [in_language(info.as_dict(), lang == "en") for info in fields]
    return render_template(
        "plugins/criteria_form.html", period=period, tenant=tenant, lang=lang,
        set_title=criteria_set.title_en if lang == "en" else criteria_set.title,
        criteria_set=criteria_set, fields=shown, values=values, errors=errors, score=score,
        submitted=request.method == "POST",
    ), status
