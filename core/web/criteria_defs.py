"""The page of a unit's own tables of criteria: import one from the Excel template, download
each one filled (the enabling is the period's criteria sets page)."""

from __future__ import annotations

import uuid

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from core.auth.context import current_access
from core.criteria_defs import operations, tree
from core.db.engine import session
from core.errors import Conflict, Forbidden, Invalid
from core.reports import evidence
from core.tenants import operations as tenant_ops
from core.tenants.models import Tenant
from core.web import blueprint

PAGE = "/tenants/<uuid:tenant_id>/criteria-sets"


def _page(owner: Tenant, problems: list[str] | None = None, rows: dict[str, list[str]] | None = None,
          form: dict[str, str] | None = None, status: int = 200):
    db, access = session(), current_access()
    return render_template(
        "plugins/criteria_tables.html", owner=owner, tables=operations.tables_of(db, access, owner),
        may_import=access.is_admin_of(owner), problems=problems or [], rows=rows or {}, form=form or {},
    ), status


@blueprint.route(PAGE, methods=["GET"])
@login_required
def criteria_tables(tenant_id: uuid.UUID):
    """The unit's tables of criteria, with the import form for its admins."""
    return _page(tenant_ops.get_visible(session(), current_access(), tenant_id))


@blueprint.route(PAGE, methods=["POST"])
@login_required
def criteria_tables_import(tenant_id: uuid.UUID):
    """Import the template: a new table, or a new version of one (see
    :func:`core.criteria_defs.operations.import_table`)."""
    db, access = session(), current_access()
    owner = tenant_ops.get_visible(db, access, tenant_id)
    form = {"key": request.form.get("key", ""), "title": request.form.get("title", "")}
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(owner, [_("Hãy chọn tệp Excel để tải lên.")], form=form, status=422)
    try:
        data = evidence.read_limited(upload.stream, evidence.max_bytes_for(current_app))
        imported = operations.import_table(db, access, owner, form["key"], form["title"], data)
    except evidence.TooLarge as error:
        db.rollback()
        return _page(owner, [error.message], form=form, status=413)
    except Invalid as error:
        db.rollback()
        general = [m for name in ("file", "key", "title", "tenant_kinds") for m in error.errors.get(name, [])]
        rows = {name: messages for name, messages in error.errors.items()
                if name not in ("file", "key", "title", "tenant_kinds")}
        summary = [_("Bảng tiêu chí có dòng chưa hợp lệ; chưa có gì được lưu.")] if rows else []
        return _page(owner, summary + general, rows, form, status=422)
    except (Conflict, Forbidden) as error:
        db.rollback()
        return _page(owner, [error.message], form=form, status=error.status)
    db.commit()
    flash(_("Đã lưu bộ tiêu chí %(title)s, phiên bản %(version)s (%(nodes)s dòng).", title=imported.title,
            version=imported.version, nodes=imported.nodes), "success")
    return redirect(url_for("web.criteria_tables", tenant_id=owner.id))


def _editor(owner: Tenant, key: str, problems: list[str] | None = None,
            rows: dict[str, list[str]] | None = None, typed: dict[int, dict[str, str]] | None = None,
            status: int = 200):
    db, access = session(), current_access()
    current = operations.get_version(db, access, owner, key)
    if not access.is_admin_of(owner):
        abort(403)
    nodes = operations.nodes_of(current)
    return render_template(
        "plugins/criteria_table_edit.html", owner=owner, key=key, version=current, nodes=nodes,
        words=tree.TYPE_WORDS, problems=problems or [], rows=rows or {}, typed=typed or {},
    ), status


@blueprint.route(PAGE + "/<table>/edit", methods=["GET"])
@login_required
def criteria_table_edit(tenant_id: uuid.UUID, table: str):
    """The editor of small changes: each row's name and maximum, saved as a new version."""
    return _editor(tenant_ops.get_visible(session(), current_access(), tenant_id), table)


@blueprint.route(PAGE + "/<table>/edit", methods=["POST"])
@login_required
def criteria_table_save(tenant_id: uuid.UUID, table: str):
    db, access = session(), current_access()
    owner = tenant_ops.get_visible(db, access, tenant_id)
    typed: dict[int, dict[str, str]] = {}
    for name, value in request.form.items():
        column, _sep, index = name.rpartition("-")
        if column in ("name", "maximum") and index.isascii() and index.isdigit() and len(index) <= 5:
            typed.setdefault(int(index), {})[column] = value
    try:
        saved = operations.edit_table(db, access, owner, table, request.form.get("version"), typed)
    except Invalid as error:
        db.rollback()
        return _editor(owner, table, [_("Bảng tiêu chí có dòng chưa hợp lệ; chưa có gì được lưu.")],
                       error.errors, typed, status=422)
    except (Conflict, Forbidden) as error:
        db.rollback()
        return _editor(owner, table, [error.message], status=error.status)
    if saved is None:
        flash(_("Không có thay đổi nào; bộ tiêu chí giữ nguyên phiên bản."), "info")
        return redirect(url_for("web.criteria_tables", tenant_id=owner.id))
    db.commit()
    flash(_("Đã lưu bộ tiêu chí %(title)s, phiên bản %(version)s (%(nodes)s dòng).", title=saved.title,
            version=saved.version, nodes=saved.nodes), "success")
    return redirect(url_for("web.criteria_tables", tenant_id=owner.id))
