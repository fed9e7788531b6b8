"""The page of a unit's own tables of criteria: import one from the Excel template, download
each one filled (the enabling is the period's criteria sets page)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from core.auth.context import current_access
from core.criteria_defs import excel, operations, tree
from core.criteria_defs.models import is_defined_key
from core.db.engine import session
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.reports import evidence
from core.tenants import operations as tenant_ops
from core.tenants.models import Tenant
from core.text.numbers import NumberFormatError
from core.web import blueprint
from core.web.unit_picker import chosen_unit, unit_label, unit_picker

PAGE = "/tenants/<uuid:tenant_id>/criteria-sets"


@blueprint.app_template_filter("set_key_shown")
def set_key_shown(key: Any) -> Any:
    """A criteria set's key as a reader sees it: a unit's own table by its owner's short key
    (``an_ninh``), never the internal ``d<owner id>.an_ninh``; a plugin's set by its key."""
    return key.partition(".")[2] if is_defined_key(key) else key


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


@blueprint.route(PAGE + "/template.xlsx", methods=["GET"])
@login_required
def criteria_tables_blank(tenant_id: uuid.UUID):
    """The blank template (sheet «Tiêu chí», its header only), for a unit writing its first
    table; whoever sees the unit may download it."""
    tenant_ops.get_visible(session(), current_access(), tenant_id)
    response = Response(excel.workbook_bytes([]), mimetype=excel.CONTENT_TYPE)
    response.headers["Content-Disposition"] = evidence.content_disposition("mau-bang-tieu-chi.xlsx")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# The editor's inputs, by the name prefix of each row's input (``name-3``), and the template
# column each one writes; the other columns of a row keep its origin's cells.
EDITABLE = {"code": excel.CODE, "level": excel.LEVEL, "name": excel.NAME, "maximum": excel.MAXIMUM,
            "type": excel.TYPE, "target": excel.TARGET, "per": excel.PER_OCCURRENCE, "bonus": excel.BONUS,
            "penalty": excel.PENALTY}
COLUMN_INPUT = {column: name for name, column in EDITABLE.items()}
NEW_ROW_TYPE = tree.TYPE_WORDS[tree.QUALITATIVE]


def _typed_rows(form, count: int) -> list[dict[str, Any]]:
    """The editor's rows from the posted form, in their order: ``origin-<i>`` (the index of the
    row of the version shown, empty for a new row) and the inputs of :data:`EDITABLE`. A form
    with changed cells only (no ``origin-``) edits the rows as they are."""
    rows: dict[int, dict[str, Any]] = {}
    for name, value in form.items():
        prefix, _sep, index = name.rpartition("-")
        readable = index.isascii() and index.isdigit() and len(index) <= 5  # int() refuses "²"
        if not readable or (prefix not in EDITABLE and prefix != "origin"):
            continue
        row = rows.setdefault(int(index), {})
        if prefix == "origin":
            row["origin"] = int(value) if value.isascii() and value.isdigit() and len(value) <= 5 else None
        else:
            row[EDITABLE[prefix]] = value
    if not any("origin" in row for row in rows.values()):
        return [{**rows.get(index, {}), "origin": index} for index in range(count)]
    return [rows[index] for index in sorted(rows) if "origin" in rows[index]]


def _level(value: Any) -> int:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 2 else tree.MAX_LEVEL + 1


def _changed(rows: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    """The rows after an editor's button: ``up-<i>``/``down-<i>`` move row i with its subtree
    among its siblings, ``remove-<i>`` drops it with its subtree, ``add-<i>`` adds an empty
    row after row i's subtree at its level (``add`` at the end, level 1)."""
    verb, _sep, index = action.partition("-")
    levels = [_level(row.get(excel.LEVEL)) for row in rows]
    if verb == "add" and not index:
        return [*rows, {"origin": None, excel.LEVEL: "1", excel.TYPE: NEW_ROW_TYPE}]
    if not (index.isascii() and index.isdigit()) or not 0 <= int(index) < len(rows):
        return rows
    at = int(index)
    if verb in ("up", "down"):
        return [rows[i] for i in tree.moved(levels, at, -1 if verb == "up" else 1)]
    subtree = tree.block(levels, at)
    if verb == "remove":
        return [row for i, row in enumerate(rows) if i not in subtree]
    if verb == "add":
        new = {"origin": None, excel.LEVEL: str(levels[at]), excel.TYPE: NEW_ROW_TYPE}
        return [*rows[:subtree.stop], new, *rows[subtree.stop:]]
    return rows


def _editor(owner: Tenant, key: str, problems: list[str] | None = None,
            rows: dict[str, list[str]] | None = None, typed: list[dict[str, Any]] | None = None,
            status: int = 200, version: int | None = None):
    """The editor's page; ``typed`` rows refer to ``version`` (the latest by default): after a
    409 they are shown over the version the user was editing, so nothing typed is lost."""
    db, access = session(), current_access()
    current = operations.get_version(db, access, owner, key, version)
    if not access.is_admin_of(owner):
        abort(403)
    nodes = operations.nodes_of(current)
    if typed is None:
        typed = [{"origin": index} for index in range(len(nodes))]
    cells = operations.editor_rows(nodes, typed)
    shown = [{name: None for name in EDITABLE} | {"origin": row.get("origin")}
             | {COLUMN_INPUT[c]: v for c, v in cell.items() if c in COLUMN_INPUT}
             for row, cell in zip(typed, cells, strict=True)]
    return render_template(
        "plugins/criteria_table_edit.html", owner=owner, key=key, version=current, rows_shown=shown,
        words=list(tree.TYPE_WORDS.values()), problems=problems or [], rows=rows or {},
    ), status


@blueprint.route(PAGE + "/<table>/edit", methods=["GET"])
@login_required
def criteria_table_edit(tenant_id: uuid.UUID, table: str):
    """The editor: rows renamed, re-scored, added, removed and moved, saved as a new version."""
    return _editor(tenant_ops.get_visible(session(), current_access(), tenant_id), table)


@blueprint.route(PAGE + "/<table>/edit", methods=["POST"])
@login_required
def criteria_table_save(tenant_id: uuid.UUID, table: str):
    """A button of the editor: a change to the rows (shown again, checked as a whole: a group
    whose children no longer add up is named at once), or «Lưu» (a new version)."""
    db, access = session(), current_access()
    owner = tenant_ops.get_visible(db, access, tenant_id)
    # The rows' origins are rows of the version the editor showed, not of one saved since.
    read = request.form.get("version", "")
    shown = int(read) if read.isascii() and read.isdigit() and len(read) <= 7 else None
    try:
        current = operations.get_version(db, access, owner, table, shown)
    except NotFound:  # no such version: the save below answers 409 against the latest
        current = operations.get_version(db, access, owner, table)
    if not access.is_admin_of(owner):
        abort(403)
    typed = _typed_rows(request.form, len(current.nodes))
    action = request.form.get("action", "save")[:20]
    if action != "save":
        typed = _changed(typed, action)
        try:
            operations.check_rows(operations.nodes_of(current), typed)
        except Invalid as error:
            return _editor(owner, table, [_("Bảng tiêu chí có dòng chưa hợp lệ; sửa trước khi lưu.")],
                           error.errors, typed, version=current.version)
        return _editor(owner, table, typed=typed, version=current.version)
    try:
        saved = operations.edit_table(db, access, owner, table, read, typed)
    except Invalid as error:
        db.rollback()
        return _editor(owner, table, [_("Bảng tiêu chí có dòng chưa hợp lệ; chưa có gì được lưu.")],
                       error.errors, typed, status=422, version=current.version)
    except (Conflict, Forbidden) as error:
        db.rollback()
        return _editor(owner, table, [error.message], typed=typed, status=error.status,
                       version=current.version)
    if saved is None:
        flash(_("Không có thay đổi nào; bộ tiêu chí giữ nguyên phiên bản."), "info")
        return redirect(url_for("web.criteria_tables", tenant_id=owner.id))
    db.commit()
    flash(_("Đã lưu bộ tiêu chí %(title)s, phiên bản %(version)s (%(nodes)s dòng).", title=saved.title,
            version=saved.version, nodes=saved.nodes), "success")
    return redirect(url_for("web.criteria_tables", tenant_id=owner.id))


def _choices(picker, unit: Tenant | None) -> list[tuple[str, str]]:
    """The unit select's (value, label) pairs: the chosen unit first, then the picker's page."""
    chosen = [(str(unit.id), unit.name)] if unit is not None else []
    return chosen + [(str(found.id), unit_label(found, above)) for found, above in picker.found.items
                     if unit is None or found.id != unit.id]


def _quantitative(version) -> tuple[list[tree.Node], dict[str, str]]:
    """The version's Định lượng rows, and each one's code with its groups' (``II.1``) by field:
    the targets page lists these rows without the tree, where ``1`` alone names no row."""
    nodes = operations.nodes_of(version)
    paths = tree.full_codes(nodes)
    leaves = [node for node in nodes if node.type == tree.QUANTITATIVE]
    return leaves, {node.field or "": paths[index] for index, node in enumerate(nodes)
                    if node.type == tree.QUANTITATIVE}


def _targets_page(owner: Tenant, key: str, unit: Tenant | None, problems: list[str] | None = None,
                  typed: dict[str, str] | None = None, status: int = 200):
    db, access = session(), current_access()
    found, listed = operations.targets_of(db, access, owner, key)
    leaves, codes = _quantitative(found)
    picker = unit_picker(owner, "web.criteria_table_targets",
                         keep={"tenant_id": str(owner.id), "table": key})
    own = {t.field: t.target for t in listed if unit is not None and t.unit_id == unit.id}
    return render_template(
        "plugins/criteria_table_targets.html", owner=owner, key=key, version=found, leaves=leaves,
        listed=listed, codes=codes, picker=picker, choices=_choices(picker, unit), unit=unit, own=own,
        typed=typed or {},
        may_edit=access.is_admin_of(owner), problems=problems or [],
    ), status


@blueprint.route(PAGE + "/<table>/targets", methods=["GET"])
@login_required
def criteria_table_targets(tenant_id: uuid.UUID, table: str):
    """The units' own targets (chỉ tiêu) of the table's Định lượng rows, and for its admins the
    form setting one unit's."""
    owner = tenant_ops.get_visible(session(), current_access(), tenant_id)
    return _targets_page(owner, table, chosen_unit(owner, request.args.get("unit", "")))


@blueprint.route(PAGE + "/<table>/targets", methods=["POST"])
@login_required
def criteria_table_targets_save(tenant_id: uuid.UUID, table: str):
    """Save one unit's targets: an empty input goes back to the row's target."""
    db, access = session(), current_access()
    owner = tenant_ops.get_visible(db, access, tenant_id)
    found = operations.get_version(db, access, owner, table)
    unit = chosen_unit(owner, request.form.get("unit", ""))
    leaves, codes = _quantitative(found)
    typed = {node.field or "": request.form.get(f"target-{node.field}", "").strip()[:40] for node in leaves}
    if unit is None:
        return _targets_page(owner, table, None, [_("Hãy chọn đơn vị.")], typed, status=422)
    problems: list[str] = []
    items = []
    for node in leaves:
        try:
            value = excel.number(typed[node.field or ""])
        except NumberFormatError as error:
            problems.append(f"{codes[node.field or '']} {node.name}: {error.message}".strip())
            continue
        items.append({"unit_id": unit.id, "field": node.field,
                      "target": float(value) if value is not None else None})
    if problems:
        return _targets_page(owner, table, unit, problems, typed, status=422)
    try:
        changed = operations.set_targets(db, access, owner, table, found.version, items)
    except Invalid as error:
        db.rollback()
        messages = [m for ms in error.errors.values() for m in ms]
        return _targets_page(owner, table, unit, messages, typed, status=422)
    except (Conflict, Forbidden) as error:
        db.rollback()
        return _targets_page(owner, table, unit, [error.message], typed, status=error.status)
    db.commit()
    flash(_("Đã lưu %(count)s chỉ tiêu của %(unit)s.", count=changed, unit=unit.name), "success")
    return redirect(url_for("web.criteria_table_targets", tenant_id=owner.id, table=table, unit=unit.id))


@blueprint.route(PAGE + "/<table>/publish", methods=["POST"])
@login_required
def criteria_table_publish(tenant_id: uuid.UUID, table: str):
    """Publish the table (units outside the owner's line may copy it) or withdraw it."""
    db, access = session(), current_access()
    owner = tenant_ops.get_visible(db, access, tenant_id)
    wanted = request.form.get("published") == "1"
    try:
        operations.configure(db, access, owner, table, {"published": wanted})
    except Forbidden as error:
        db.rollback()
        return _page(owner, [error.message], status=error.status)
    db.commit()
    flash(_("Đã công bố bộ tiêu chí: đơn vị khác được sao chép.") if wanted
          else _("Đã thôi công bố bộ tiêu chí."), "success")
    return redirect(url_for("web.criteria_tables", tenant_id=owner.id))
