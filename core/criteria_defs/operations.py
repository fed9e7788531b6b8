"""Importing, exporting and looking up the criteria tables owners define.

Ownership and reach: an admin of a unit defines tables for the units below it (the city for its
communes and departments, a commune for its schools, enterprises and residential groups, a
department for its sector). A table applies to unit kinds found below its owner, and only a
period owned by the owner or a unit below it may enable it; anyone else is answered as if the
table did not exist.

Reach: a table applies to unit kinds (``tenant_kinds`` of each version) and, within them, to
chosen units or to a cluster's members (:func:`configure`), always strictly below the owner; a
unit outside it does not fill the table (``thidua_criteria_set_applies``). The owner may set a
unit's own target for a ``Định lượng`` row of a version (:func:`set_targets`), and may publish
the table: units outside its line may then copy it (:func:`copy_table`).

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import clock
from core.audit.operations import record
from core.clusters.models import Cluster, ClusterMember
from core.criteria_defs import excel, targets, tree
from core.criteria_defs.models import (
    CriteriaDefinition,
    CriteriaDefinitionVersion,
    CriteriaTarget,
    is_defined_key,
)
from core.db.engine import session
from core.db.scoping import UNSCOPED_OPTION
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.periods import models as period_models
from core.periods.models import ReportingPeriod
from core.plugins import CriteriaSet, CriteriaSetError
from core.plugins.models import PeriodCriteriaSet
from core.plugins.operations import forget_rows
from core.tenants.models import Tenant
from core.text import nfc
from core.users.access import Access

KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
UNSCOPED = {UNSCOPED_OPTION: "an owner's criteria table is the form of its whole subtree, read by its key"}
CACHE_KEY = "thidua_defined_sets"
MAX_TITLE = 255


def set_key_of(owner_id: uuid.UUID, key: str) -> str:
    """The criteria-set key of ``owner``'s table ``key``: ``d<owner id hex>.<key>``, unique
    everywhere whatever the owners name their tables."""
    return f"d{owner_id.hex}.{key}"


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
    ``owner``'s table ``key``, owned by ``owner``: the next year's table from this year's, a
    commune's own from the city's, or another owner's table it published (its consent). Admin
    of ``owner``; the source must be a table ``owner`` may enable (its own, or one of a unit
    above it) or a published one; any other answers as one that does not exist.

    :raises Forbidden: the caller is not an admin of ``owner``.
    :raises NotFound: ``source`` unknown, or another owner's table it did not publish.
    :raises Invalid: a wrong key, title or kinds; nothing is saved.
    """
    if not access.is_admin_of(owner):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị mới được xây dựng bộ tiêu chí."))
    source = str(source or "")
    allowed = is_defined_key(source) and (reaches(db, source, owner) or is_published(db, source))
    found = find_set(db, source, None) if allowed else None
    if found is None:
        raise NotFound(_("Không có bộ tiêu chí %(key)s.", key=source[:120]))
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


def editor_rows(nodes: Sequence[tree.Node], typed: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The editor's rows as template cells: each typed row is ``{"origin": index of the row of
    ``nodes`` it comes from, or None for a new row, <column>: typed value…}``; a column not typed
    keeps the origin's cell (its unit, evidence, guidance…)."""
    table = []
    for row in typed:
        origin = row.get("origin")
        base = excel.cells_of(nodes[origin]) if isinstance(origin, int) and 0 <= origin < len(nodes) else {}
        base.update({name: value for name, value in row.items() if name in excel.COLUMNS})
        table.append(base)
    return table


def check_rows(nodes: Sequence[tree.Node], typed: Sequence[Mapping[str, Any]]) -> list[tree.Node]:
    """The editor's rows (see :func:`editor_rows`) read and checked as an imported sheet's:
    each row's cells, the levels, and each group's maximum against its children's.

    :raises Invalid: naming the row (the first row is 2, as under the template's header) and
        the column.
    """
    return excel.from_cells(editor_rows(nodes, typed))


def _signature(node: tree.Node) -> tuple:
    return tuple(value for name, value in node.as_dict().items() if name not in ("parent", "field"))


def edit_table(db: Session, access: Access, owner: Tenant, key: str, read: Any,
               typed: Sequence[Mapping[str, Any]]) -> Imported | None:
    """Save the web editor's rows as a new version of ``owner``'s table ``key``: rows renamed,
    re-scored, added, removed or moved (see :func:`editor_rows`). ``read`` is the version the
    editor showed. Admin of ``owner``; the whole table is checked again, as an import.

    :raises Forbidden: the caller is not an admin of ``owner``.
    :raises Conflict: the table has a newer version than ``read`` (409, reload the editor).
    :raises Invalid: a wrong cell, or a group that no longer adds up, named by row and column.
    :return: what was saved, or None when nothing changed (no version is made).
    """
    if not access.is_admin_of(owner):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị mới được xây dựng bộ tiêu chí."))
    current = get_version(db, access, owner, key)
    if str(read) != str(current.version):
        raise Conflict(_("Bộ tiêu chí này vừa được người khác lưu thành phiên bản %(version)s; hãy tải lại "
                         "trang rồi sửa trên phiên bản mới.", version=current.version),
                       version=current.version)
    nodes = nodes_of(current)
    saved = check_rows(nodes, typed)
    if [_signature(n) for n in saved] == [_signature(n) for n in nodes]:
        return None
    kept = [row.get("origin") for row in typed if isinstance(row.get("origin"), int)]
    before = {index: _signature(node) for index, node in enumerate(nodes)}
    # A row counts as changed when it is new or differs from the row it came from; removed rows
    # are counted apart (a move changes no row, only the order).
    written = [row for row, cells in zip(typed, editor_rows(nodes, typed), strict=True)
               if not excel.blank(cells)]
    changed = sum(1 for row, node in zip(written, saved, strict=True)
                  if before.get(row.get("origin")) != _signature(node))
    removed = len(set(range(len(nodes))) - set(kept))
    return _store(db, access, owner, key, current.title, list(current.tenant_kinds), saved,
                  "criteria_set.edit", {"rows_changed": [None, changed], "rows_removed": [None, removed],
                                        "rows": [len(nodes), len(saved)]})


def _saved_meanwhile() -> str:
    """The 409 of two saves of one table at once (an import, an edit or a copy, from the web or
    the API): the caller sees the other's version after reloading the page or the table."""
    return _("Bộ tiêu chí này vừa được người khác lưu cùng lúc; hãy tải lại trang để xem phiên bản mới "
             "rồi làm lại.")


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
            raise Conflict(_saved_meanwhile()) from None
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
            raise Conflict(_saved_meanwhile())
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
    forget_rows(db)
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


def _own_targets(set_key: str, version: int):
    def of(ctx: Any) -> dict[str, float]:
        """The reporting unit's own targets, read when the set scores (the set is kept for the
        life of the app; the targets may change until a period using the version closes)."""
        tenant = getattr(ctx, "tenant", None)
        return targets.unit_targets(session(), set_key, version, getattr(tenant, "id", None))

    return of


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
    found = tree.criteria_set(set_key, version, row.title, row.tenant_kinds, nodes,
                              _own_targets(set_key, version))
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


def is_published(db: Session, set_key: str) -> bool:
    """Whether the owner of the table ``set_key`` published it (consents to its being copied)."""
    return bool(db.scalar(select(CriteriaDefinition.published).where(CriteriaDefinition.set_key == set_key)
                          .execution_options(**UNSCOPED)))


# -- Reach, publishing and targets ----------------------------------------------------------------


def _definition(db: Session, access: Access, owner: Tenant, key: str, *,
                lock: bool = False) -> CriteriaDefinition:
    if not access.can_see(owner) or not KEY.match(key or ""):
        raise NotFound(_("Không tìm thấy bộ tiêu chí."))
    query = select(CriteriaDefinition).where(CriteriaDefinition.tenant_id == owner.id,
                                             CriteriaDefinition.key == key)
    definition = db.scalar(query.with_for_update() if lock else query)
    if definition is None:
        raise NotFound(_("Không tìm thấy bộ tiêu chí."))
    return definition


def _units_below(db: Session, owner: Tenant, ids: Sequence[Any], name: str,
                 errors: dict[str, list[str]]) -> list[Tenant]:
    wanted: list[uuid.UUID] = []
    wrong: list[str] = []
    for value in ids:
        try:
            wanted.append(uuid.UUID(str(value)))
        except ValueError:
            wrong.append(str(value)[:40])
    wanted = list(dict.fromkeys(wanted))
    found = {t.id: t for t in db.scalars(select(Tenant).where(Tenant.id.in_(wanted),
                                                              Tenant.active.is_(True)))} if wanted else {}
    # A unit outside the owner's subtree is answered as one that does not exist.
    wrong += [str(i) for i in wanted
              if i not in found or i == owner.id or not found[i].path.startswith(owner.path)]
    if wrong:
        errors[name] = [_("Không có đơn vị %(ids)s trực thuộc đơn vị này.", ids=", ".join(wrong[:10]))]
        return []
    return [found[i] for i in wanted]


def configure(db: Session, access: Access, owner: Tenant, key: str,
              data: Mapping[str, Any]) -> CriteriaDefinition:
    """Set who fills ``owner``'s table ``key`` and whether others may copy it. ``data`` holds
    any of ``unit_ids`` (chosen units, strictly below ``owner``; empty: every unit of the kinds),
    ``cluster_id`` (a cluster owned by ``owner`` or a unit below it, whose members fill the
    table; None: no cluster) and ``published`` (True: units outside ``owner``'s line may copy
    it). Chosen units and a cluster exclude each other. Admin of ``owner``; audited; applies to
    every version (reach is who reports, not what is asked).

    :raises NotFound: no such table, or the caller does not see ``owner``.
    :raises Forbidden: the caller is not an admin of ``owner``.
    :raises Invalid: a unit or cluster outside ``owner``'s subtree (as one that does not exist),
        or both given, named by field.
    """
    # 404 for a table the caller cannot see, 403 for one it may only read; then the row lock
    # (row-level security lets only who may write the row lock it).
    _definition(db, access, owner, key)
    if not access.is_admin_of(owner):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị mới được xây dựng bộ tiêu chí."))
    definition = _definition(db, access, owner, key, lock=True)
    errors: dict[str, list[str]] = {}
    before = {"unit_ids": list(definition.unit_ids or []),
              "cluster_id": str(definition.cluster_id) if definition.cluster_id else None,
              "published": bool(definition.published)}
    after = dict(before)
    if "unit_ids" in data:
        units = _units_below(db, owner, data.get("unit_ids") or [], "unit_ids", errors)
        after["unit_ids"] = sorted(str(t.id) for t in units)
    if "cluster_id" in data:
        cluster_id = data.get("cluster_id")
        if cluster_id is None:
            after["cluster_id"] = None
        else:
            cluster = db.scalar(select(Cluster).join(Tenant, Tenant.id == Cluster.tenant_id).where(
                Cluster.id == cluster_id, Tenant.path.startswith(owner.path)))
            if cluster is None:
                errors["cluster_id"] = [_("Không có cụm thi đua này trong các đơn vị trực thuộc.")]
            else:
                after["cluster_id"] = str(cluster.id)
    if "published" in data:
        after["published"] = bool(data["published"])
    if not errors and after["unit_ids"] and after["cluster_id"]:
        errors["cluster_id"] = [_("Bộ tiêu chí áp dụng cho các đơn vị được chọn hoặc cho một cụm, "
                                  "không cả hai.")]
    if errors:
        raise Invalid(errors)
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if changes:
        definition.unit_ids = after["unit_ids"]
        definition.cluster_id = uuid.UUID(after["cluster_id"]) if after["cluster_id"] else None
        definition.published = after["published"]
        definition.updated_at = clock.now()
        db.flush()
        record(db, "criteria_set.configure", tenant_id=owner.id, actor_id=access.actor_id,
               actor_label=access.actor_label, object_type="criteria_definition", object_id=definition.id,
               changes={"key": [key, key], **changes}, ip=access.ip)
    return definition


def applies(db: Session, set_key: str, tenant: Tenant) -> bool:
    """Whether ``tenant`` fills the table ``set_key`` beyond its kind: one of its chosen units, or
    a member of its cluster; True for a table with neither, or an unknown key."""
    row = db.execute(select(CriteriaDefinition.unit_ids, CriteriaDefinition.cluster_id)
                     .where(CriteriaDefinition.set_key == set_key).execution_options(**UNSCOPED)).first()
    if row is None:
        return True
    if row.unit_ids:
        return str(tenant.id) in row.unit_ids
    if row.cluster_id is not None:
        # The cluster belongs to a unit of the owner's subtree; its member reads only its own row.
        return db.scalar(select(ClusterMember.id).where(
            ClusterMember.cluster_id == row.cluster_id, ClusterMember.member_id == tenant.id)
            .execution_options(**UNSCOPED)) is not None
    return True


@dataclass(frozen=True)
class Target:
    """A unit's own target of one ``Định lượng`` row."""

    unit_id: uuid.UUID
    unit_name: str
    field: str
    code: str
    target: float
    default: float | None


def targets_of(db: Session, access: Access, owner: Tenant, key: str,
               version: int | None = None) -> tuple[CriteriaDefinitionVersion, list[Target]]:
    """The units' own targets of a version (the latest by default) of ``owner``'s table, for
    whoever may see ``owner``, by unit name then tree order."""
    found = get_version(db, access, owner, key, version)
    leaves = {node.field: node for node in nodes_of(found) if node.type == tree.QUANTITATIVE}
    order = list(leaves)
    rows = db.execute(select(CriteriaTarget, Tenant).join(Tenant, Tenant.id == CriteriaTarget.unit_id).where(
        CriteriaTarget.tenant_id == owner.id, CriteriaTarget.definition_id == found.definition_id,
        CriteriaTarget.version == found.version)).all()
    listed = [Target(t.unit_id, unit.name, t.field, leaves[t.field].code if t.field in leaves else "",
                     t.target, leaves[t.field].target if t.field in leaves else None)
              for t, unit in sorted(rows, key=lambda r: (r[1].name_key, order.index(r[0].field)
                                                          if r[0].field in order else 0))]
    return found, listed


def set_targets(db: Session, access: Access, owner: Tenant, key: str, version: Any,
                items: Sequence[Mapping[str, Any]]) -> int:
    """Set units' own targets for ``Định lượng`` rows of one version of ``owner``'s table: each
    item ``{"unit_id", "field", "target"}``, ``target`` None to go back to the row's. Admin of
    ``owner``; audited. A version that a closed period used keeps its targets (the period's
    scores stay as they were).

    :raises NotFound: no such table or version.
    :raises Forbidden: the caller is not an admin of ``owner``.
    :raises Conflict: a closed period used the version (409).
    :raises Invalid: a unit outside the table's reach, a field that is no ``Định lượng`` row of
        the version, or a target not above 0, named ``targets.<index>.<name>``.
    :return: the number of targets written or removed.
    """
    if not access.is_admin_of(owner):
        get_version(db, access, owner, key)  # 404 before 403 for a table the caller cannot see
        raise Forbidden(_("Chỉ quản trị viên của đơn vị mới được đặt chỉ tiêu."))
    definition = _definition(db, access, owner, key, lock=True)
    current = get_version(db, access, owner, key, int(version) if version is not None else None)
    used = db.scalar(select(ReportingPeriod.id).join(
        PeriodCriteriaSet, PeriodCriteriaSet.period_id == ReportingPeriod.id).where(
        PeriodCriteriaSet.key == definition.set_key, PeriodCriteriaSet.version == current.version,
        ReportingPeriod.state.in_((period_models.CLOSED, period_models.ARCHIVED))).limit(1))
    if used is not None:
        raise Conflict(_("Một kỳ đã đóng dùng phiên bản %(version)s: chỉ tiêu của phiên bản này giữ nguyên; "
                         "hãy đặt chỉ tiêu cho phiên bản mới.", version=current.version))
    leaves = {node.field: node for node in nodes_of(current) if node.type == tree.QUANTITATIVE}
    errors: dict[str, list[str]] = {}
    wanted: dict[tuple[uuid.UUID, str], float | None] = {}
    kinds = set(current.tenant_kinds or [])
    for index, item in enumerate(items):
        found = _units_below(db, owner, [item.get("unit_id")], f"targets.{index}.unit_id", errors)
        unit = found[0] if found else None
        if unit is not None and (unit.kind not in kinds or not applies(db, definition.set_key, unit)):
            errors[f"targets.{index}.unit_id"] = [_("Đơn vị %(name)s không thuộc phạm vi áp dụng của bộ "
                                                    "tiêu chí.", name=unit.name)]
            unit = None
        name = str(item.get("field") or "")
        if name not in leaves:
            errors[f"targets.{index}.field"] = [_("Không có tiêu chí định lượng %(field)s trong phiên bản "
                                                  "này.", field=name[:200])]
            continue
        target = item.get("target")
        if target is not None and (isinstance(target, bool) or not isinstance(target, int | float)
                                   or not 0 < target <= tree.MAX_ACTUAL):
            errors[f"targets.{index}.target"] = [_("Chỉ tiêu là một số lớn hơn 0 (hoặc để trống để dùng chỉ "
                                                   "tiêu chung của bộ).")]
            continue
        if unit is not None:
            wanted[(unit.id, name)] = float(target) if target is not None else None
    if errors:
        raise Invalid(errors)
    existing = {(t.unit_id, t.field): t for t in db.scalars(select(CriteriaTarget).where(
        CriteriaTarget.tenant_id == owner.id, CriteriaTarget.definition_id == definition.id,
        CriteriaTarget.version == current.version))}
    now, changes = clock.now(), {}
    for (unit_id, name), target in wanted.items():
        row = existing.get((unit_id, name))
        was = row.target if row is not None else None
        if was == target:
            continue
        if target is None:
            db.execute(delete(CriteriaTarget).where(CriteriaTarget.tenant_id == owner.id,
                                                    CriteriaTarget.id == row.id))
        elif row is None:
            db.add(CriteriaTarget(tenant_id=owner.id, definition_id=definition.id, version=current.version,
                                  unit_id=unit_id, field=name, target=target, updated_by_id=access.actor_id,
                                  updated_at=now))
        else:
            row.target, row.updated_by_id, row.updated_at = target, access.actor_id, now
        changes[f"{unit_id}:{name}"] = [was, target]
    if changes:
        db.flush()
        record(db, "criteria_set.targets", tenant_id=owner.id, actor_id=access.actor_id,
               actor_label=access.actor_label, object_type="criteria_definition", object_id=definition.id,
               changes={"key": [key, key], "version": [current.version, current.version], **changes},
               ip=access.ip)
    return len(changes)
