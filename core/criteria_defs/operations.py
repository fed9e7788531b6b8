"""Importing, exporting and looking up the criteria tables owners define.

Ownership and reach: an admin of a unit defines tables for the units below it (the city for its
communes and departments, a commune for its schools, enterprises and residential groups, a
department for its sector). A table applies to unit kinds found below its owner, and only a
period owned by the owner or a unit below it may enable it; anyone else is answered as if the
table did not exist.

Versions: every import of a key adds a version; nothing is edited in place, so a closed (or
open) period keeps reading the version it pinned. Periods still in draft follow the new version,
since no unit has reported in them yet.

The units below the owner fill the table by its ``set_key``: :func:`find_set` reads a version
with the reviewed unscoped option (a table is the form of the owner's subtree, read by its key,
never listed), and keeps each built :class:`CriteriaSet` for the life of the app: versions never
change.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import clock
from core.audit.operations import record
from core.criteria_defs import excel, tree
from core.criteria_defs.models import CriteriaDefinition, CriteriaDefinitionVersion
from core.db.scoping import UNSCOPED_OPTION
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.periods import models as period_models
from core.periods.models import ReportingPeriod
from core.plugins import CriteriaSet, CriteriaSetError
from core.plugins.models import PeriodCriteriaSet
from core.reports import workbooks
from core.tenants.models import Tenant
from core.text import nfc
from core.text.numbers import NumberFormatError, format_number
from core.users.access import Access

KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
SET_KEY = re.compile(r"^d[0-9a-f]{32}\.[a-z][a-z0-9_]{0,59}$")
UNSCOPED = {UNSCOPED_OPTION: "an owner's criteria table is the form of its whole subtree, read by its key"}
CACHE_KEY = "thidua_defined_sets"
MAX_TITLE = 255


def set_key_of(owner_id: uuid.UUID, key: str) -> str:
    """The criteria-set key of ``owner``'s table ``key``: ``d<owner id hex>.<key>``, unique
    everywhere whatever the owners name their tables."""
    return f"d{owner_id.hex}.{key}"


def is_defined_key(key: Any) -> bool:
    """Whether ``key`` has the shape of a defined table's set key."""
    return isinstance(key, str) and SET_KEY.match(key) is not None


@dataclass(frozen=True)
class Imported:
    """What an import answers: the owner's key, the set key periods use, the version made."""

    key: str
    set_key: str
    version: int
    title: str
    nodes: int
    maximum: float


def kinds_below(db: Session, owner: Tenant) -> list[str]:
    """The unit kinds found strictly below ``owner``: what its tables may apply to."""
    return sorted(db.scalars(select(Tenant.kind).where(
        Tenant.path.like(owner.path + "%"), Tenant.id != owner.id).distinct()))


def _checked(db: Session, owner: Tenant, key: Any, title: Any,
             tenant_kinds: Any) -> tuple[str, str, list[str]]:
    errors: dict[str, list[str]] = {}
    key = nfc(str(key or ""))
    title = nfc(str(title or ""))
    if not KEY.match(key):
        errors["key"] = [_("Mã bộ tiêu chí gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu "
                           "bằng một chữ, tối đa 60 ký tự (ví dụ an_ninh_2026).")]
    if not title or len(title) > MAX_TITLE:
        errors["title"] = [_("Hãy ghi tên bộ tiêu chí (tối đa %(limit)s ký tự).", limit=MAX_TITLE)]
    below = kinds_below(db, owner)
    if not below:
        errors["tenant_kinds"] = [_("Đơn vị không có đơn vị trực thuộc nào để áp dụng bộ tiêu chí.")]
    kinds = below
    if tenant_kinds:
        kinds = list(dict.fromkeys(k.strip() for k in tenant_kinds if k and k.strip()))
        outside = [k for k in kinds if k not in below]
        if outside or not kinds:
            errors["tenant_kinds"] = [_("Không có đơn vị loại %(kinds)s trực thuộc đơn vị này.",
                                        kinds=", ".join(outside) or "-")]
    if errors:
        raise Invalid(errors)
    return key, title, kinds


def import_table(db: Session, access: Access, owner: Tenant, key: Any, title: Any, data: bytes,
                 tenant_kinds: list[str] | None = None) -> Imported:
    """Read an uploaded template (:mod:`core.criteria_defs.excel`) into a new version of
    ``owner``'s table ``key``; admin of ``owner`` only. Audited; draft periods that enabled the
    table move to the new version.

    :raises Forbidden: the caller is not an admin of ``owner``.
    :raises Invalid: a wrong key, title or kinds (naming them), or a wrong file (naming each row
        and column); nothing is saved.
    :raises Conflict: another import of the same key was saved meanwhile (409, try again).
    """
    if not access.is_admin_of(owner):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị mới được xây dựng bộ tiêu chí."))
    key, title, kinds = _checked(db, owner, key, title, tenant_kinds)
    nodes = excel.read(data)
    return _store(db, access, owner, key, title, kinds, nodes, "criteria_set.import", {})


def copy_table(db: Session, access: Access, owner: Tenant, source: Any, key: Any, title: Any,
               tenant_kinds: list[str] | None = None) -> Imported:
    """Copy the latest version of the table ``source`` (a set key) into a new version of
    ``owner``'s table ``key``, owned by ``owner``: the next year's table from this year's, or a
    commune's own from the city's. Admin of ``owner``; the source must be a table ``owner`` may
    enable (its own, or one of a unit above it); any other answers as one that does not exist.

    :raises Forbidden: the caller is not an admin of ``owner``.
    :raises Invalid: ``source`` unknown or out of reach (on ``source``), or a wrong key, title or
        kinds; nothing is saved.
    """
    if not access.is_admin_of(owner):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị mới được xây dựng bộ tiêu chí."))
    source = str(source or "")
    found = find_set(db, source, None) if is_defined_key(source) and reaches(db, source, owner) else None
    if found is None:
        raise Invalid({"source": [_("Không có bộ tiêu chí %(key)s.", key=source[:120])]})
    key, title, kinds = _checked(db, owner, key, title, tenant_kinds)
    row = db.execute(
        select(CriteriaDefinitionVersion.nodes)
        .join(CriteriaDefinition, (CriteriaDefinition.tenant_id == CriteriaDefinitionVersion.tenant_id)
              & (CriteriaDefinition.id == CriteriaDefinitionVersion.definition_id))
        .where(CriteriaDefinition.set_key == source, CriteriaDefinitionVersion.version == found.version)
        .execution_options(**UNSCOPED)).one()
    nodes = [tree.Node.from_dict(data) for data in row.nodes]
    tree.link(nodes)
    return _store(db, access, owner, key, title, kinds, nodes, "criteria_set.copy",
                  {"source": [None, f"{source} v{found.version}"]})


def edit_table(db: Session, access: Access, owner: Tenant, key: str, read: Any,
               changes: dict[int, dict[str, str]]) -> Imported | None:
    """Rename rows and change their maximum in a new version of ``owner``'s table ``key``: the
    web editor's small changes. ``read`` is the version the editor showed; ``changes`` maps a
    row's index (0 for the first row under the header) to its new ``name`` and ``maximum``
    (text, written the Vietnamese way). Admin of ``owner``; the whole table is checked again.

    :raises Forbidden: the caller is not an admin of ``owner``.
    :raises Conflict: the table has a newer version than ``read`` (409, reload the editor).
    :raises Invalid: a wrong name or maximum, or a group that no longer adds up, named by row
        and column as in the template (the first row under the header is row 2).
    :return: what was saved, or None when nothing changed (no version is made).
    """
    if not access.is_admin_of(owner):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị mới được xây dựng bộ tiêu chí."))
    current = get_version(db, access, owner, key)
    if str(read) != str(current.version):
        raise Conflict(_("Bộ tiêu chí này vừa được lưu bởi người khác; hãy tải lên lại."),
                       version=current.version)
    nodes = nodes_of(current)
    before = [(node.name, node.maximum) for node in nodes]
    errors = excel.RowErrors(workbooks.limits().max_errors)
    for index, change in sorted(changes.items()):
        if not 0 <= index < len(nodes):
            continue
        node, row = nodes[index], index + 2
        name = nfc(str(change.get("name", node.name)))
        if not name or len(name) > 500:
            errors.cell(row, excel.NAME, _("Hãy ghi tên tiêu chí (tối đa %(limit)s ký tự).", limit=500))
        else:
            node.name = name
        try:
            maximum = excel.number(change.get("maximum", node.maximum))
        except NumberFormatError as error:
            errors.cell(row, excel.MAXIMUM, error.message)
            continue
        if maximum is None or not 0 <= maximum <= tree.MAX_POINTS:
            errors.cell(row, excel.MAXIMUM, _("Ghi một số từ 0 đến %(limit)s.",
                                             limit=format_number(tree.MAX_POINTS)))
            continue
        node.maximum = float(maximum)
        for column, messages in tree.check_node(node).items():
            for message in messages:
                errors.cell(row, column, message)
    if not errors.kept:
        for (index, column), messages in tree.link(nodes, [i + 2 for i in range(len(nodes))]).items():
            for message in messages:
                errors.cell(index + 2, column, message)
    if errors.kept or errors.dropped:
        raise errors.invalid()
    changed = sum(1 for node, was in zip(nodes, before, strict=True) if (node.name, node.maximum) != was)
    if not changed:
        return None
    return _store(db, access, owner, key, current.title, list(current.tenant_kinds), nodes,
                  "criteria_set.edit", {"rows_changed": [None, changed]})


def _store(db: Session, access: Access, owner: Tenant, key: str, title: str, kinds: list[str],
           nodes: list[tree.Node], action: str, extra: dict[str, Any]) -> Imported:
    set_key = set_key_of(owner.id, key)
    definition = db.scalar(select(CriteriaDefinition).where(
        CriteriaDefinition.tenant_id == owner.id, CriteriaDefinition.key == key))
    version = definition.latest_version + 1 if definition is not None else 1
    try:
        built = tree.criteria_set(set_key, version, title, kinds, nodes)
    except CriteriaSetError as error:
        raise Invalid({"file": [str(error)]}) from None
    now = clock.now()
    if definition is None:
        definition = CriteriaDefinition(tenant_id=owner.id, key=key, set_key=set_key, title=title,
                                        tenant_kinds=kinds, latest_version=1, created_by_id=access.actor_id,
                                        created_at=now, updated_at=now)
        db.add(definition)
        try:
            db.flush()
        except IntegrityError:
            db.rollback()
            raise Conflict(_("Bộ tiêu chí này vừa được lưu bởi người khác; hãy tải lên lại.")) from None
    else:
        # Compare-and-set on the latest version: of two imports of the same table, one wins.
        moved = db.execute(
            update(CriteriaDefinition)
            .where(CriteriaDefinition.tenant_id == owner.id, CriteriaDefinition.id == definition.id,
                   CriteriaDefinition.latest_version == version - 1)
            .values(latest_version=version, title=title, tenant_kinds=kinds, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if moved != 1:
            db.rollback()
            raise Conflict(_("Bộ tiêu chí này vừa được lưu bởi người khác; hãy tải lên lại."))
        db.expire(definition)
    db.add(CriteriaDefinitionVersion(
        tenant_id=owner.id, definition_id=definition.id, version=version, title=title, tenant_kinds=kinds,
        nodes=[node.as_dict() for node in nodes], created_by_id=access.actor_id, created_at=now))
    drafts = select(ReportingPeriod.id).where(ReportingPeriod.state == period_models.DRAFT)
    followed = db.execute(
        update(PeriodCriteriaSet)
        .where(PeriodCriteriaSet.key == set_key, PeriodCriteriaSet.period_id.in_(drafts))
        .values(version=version).execution_options(synchronize_session=False)
    ).rowcount
    db.flush()
    record(db, action, tenant_id=owner.id, actor_id=access.actor_id,
           actor_label=access.actor_label, object_type="criteria_definition", object_id=definition.id,
           changes={"key": [None, key], "version": [version - 1 or None, version],
                    "nodes": [None, len(nodes)], "draft_periods_moved": [None, followed], **extra},
           ip=access.ip)
    return Imported(key=key, set_key=set_key, version=version, title=title, nodes=len(nodes),
                    maximum=float(built.maximum or 0))


def get_version(db: Session, access: Access, owner: Tenant, key: str,
                version: int | None = None) -> CriteriaDefinitionVersion:
    """A version (the latest by default) of ``owner``'s table ``key``, for whoever may see
    ``owner`` (the caller resolved it with the tenants' ``get_visible``).

    :raises NotFound: no such table or version, or the caller does not see ``owner``.
    """
    if not access.can_see(owner) or not KEY.match(key or ""):
        raise NotFound(_("Không tìm thấy bộ tiêu chí."))
    definition = db.scalar(select(CriteriaDefinition).where(
        CriteriaDefinition.tenant_id == owner.id, CriteriaDefinition.key == key))
    if definition is None:
        raise NotFound(_("Không tìm thấy bộ tiêu chí."))
    wanted = version if version is not None else definition.latest_version
    found = db.scalar(select(CriteriaDefinitionVersion).where(
        CriteriaDefinitionVersion.tenant_id == owner.id,
        CriteriaDefinitionVersion.definition_id == definition.id,
        CriteriaDefinitionVersion.version == wanted))
    if found is None:
        raise NotFound(_("Không tìm thấy phiên bản này của bộ tiêu chí."))
    return found


def tables_of(db: Session, access: Access, owner: Tenant) -> list[CriteriaDefinition]:
    """``owner``'s tables, by key, for whoever may see ``owner``."""
    if not access.can_see(owner):
        raise NotFound(_("Không tìm thấy đơn vị."))
    return list(db.scalars(select(CriteriaDefinition).where(CriteriaDefinition.tenant_id == owner.id)
                           .order_by(CriteriaDefinition.key)))


def reachable_set_keys(db: Session, tenant: Tenant) -> list[str]:
    """The set keys of the tables a period owned by ``tenant`` may enable: those of ``tenant``
    and of the units above it (read past the scoping: an ancestor's table is not the caller's
    row, but enabling it is the caller's right, see :func:`reaches`)."""
    return list(db.scalars(select(CriteriaDefinition.set_key)
                           .where(CriteriaDefinition.tenant_id.in_(tenant.ancestor_ids()))
                           .order_by(CriteriaDefinition.set_key).execution_options(**UNSCOPED)))


def nodes_of(version: CriteriaDefinitionVersion) -> list[tree.Node]:
    """The linked nodes of a stored version."""
    nodes = [tree.Node.from_dict(data) for data in version.nodes]
    tree.link(nodes)
    return nodes


def template(db: Session, access: Access, owner: Tenant, key: str, version: int | None = None) -> bytes:
    """The Excel template filled with a version of ``owner``'s table (see :func:`get_version`)."""
    found = get_version(db, access, owner, key, version)
    return excel.workbook_bytes(nodes_of(found), found.title)


# -- What the plugin host asks ------------------------------------------------------------------


def _cache() -> dict[tuple[str, int], CriteriaSet]:
    return current_app.extensions.setdefault(CACHE_KEY, {})


def find_set(db: Session, set_key: str, version: int | None) -> CriteriaSet | None:
    """The :class:`CriteriaSet` of a version (the latest when ``None``) of the table with
    ``set_key``, or None. Needs an app context (the built sets are kept on the app)."""
    if not is_defined_key(set_key) or not has_app_context():
        return None
    if version is None:
        version = db.scalar(select(CriteriaDefinition.latest_version)
                            .where(CriteriaDefinition.set_key == set_key).execution_options(**UNSCOPED))
        if version is None:
            return None
    cache = _cache()
    found = cache.get((set_key, version))
    if found is not None:
        return found
    row = db.execute(
        select(CriteriaDefinitionVersion.title, CriteriaDefinitionVersion.tenant_kinds,
               CriteriaDefinitionVersion.nodes)
        .join(CriteriaDefinition, (CriteriaDefinition.tenant_id == CriteriaDefinitionVersion.tenant_id)
              & (CriteriaDefinition.id == CriteriaDefinitionVersion.definition_id))
        .where(CriteriaDefinition.set_key == set_key, CriteriaDefinitionVersion.version == version)
        .execution_options(**UNSCOPED)
    ).first()
    if row is None:
        return None
    nodes = [tree.Node.from_dict(data) for data in row.nodes]
    tree.link(nodes)
    found = tree.criteria_set(set_key, version, row.title, row.tenant_kinds, nodes)
    cache[(set_key, version)] = found
    return found


def reaches(db: Session, set_key: str, tenant: Tenant) -> bool:
    """Whether a period owned by ``tenant`` may enable the table ``set_key``: ``tenant`` is its
    owner or a unit below it."""
    # The statement names the tenant-owned entity itself: the unscoped option is applied only
    # to statements whose entities are tenant-owned, and a column of the tenant table joined to
    # it would leave the table's row-level security on.
    owner_id = db.scalar(select(CriteriaDefinition.tenant_id).where(CriteriaDefinition.set_key == set_key)
                         .execution_options(**UNSCOPED))
    owner = db.get(Tenant, owner_id) if owner_id is not None else None
    return owner is not None and tenant.path.startswith(owner.path)
