"""Loading a tenant directory file (``tenants/hanoi.yaml``) into the tenant tree.

The whole file is parsed and validated before anything is written, and the changes are applied
in the caller's transaction: a bad file loads nothing. Units are matched by slug, never by
official code, because codes were reused from predecessor units when communes merged. Nothing is
ever deleted; a changed code is closed and kept in ``attributes["former_codes"]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core import clock
from core.audit.operations import record, record_many
from core.clusters.operations import DirectoryCluster, members_outside, sync_from_directory
from core.clusters.schemas import DirectoryClusterSchema
from core.errors import ThiDuaError
from core.rollups.operations import unit_kind_changed, units_added
from core.tenants import kinds
from core.tenants.models import Tenant
from core.tenants.operations import rehang, search_text_for, tenant_row
from core.text import nfc
from core.text.collation import sort_key
from core.text.fields import Line

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
KIND_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,39}")
ACTOR = "system"
# Slugs per ``IN (…)`` list when looking up the units a file names.
SLUG_CHUNK = 500


# --- parsing with line numbers -------------------------------------------------------------


class Located(dict):
    """A YAML mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings carry the marks of their composed nodes; a key repeated in one
    mapping is an error instead of silently keeping the last value."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    data = Located()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in data:
            raise DirectoryError([Problem(line, _("Khóa “%(key)s” bị lặp lại.", key=key))])
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line
    return data


class _FastLineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same loader on libyaml's parser when PyYAML has it: a city-size file (10,000 units)
    parses in about a second instead of ten. A file it rejects is parsed again by
    :class:`_LineLoader`, whose messages and marks the errors report."""


for _loader in (_LineLoader, _FastLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class DirectoryError(ThiDuaError):
    """The file cannot be loaded; ``problems`` lists every reason with its line."""

    status = 422

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("; ".join(str(p) for p in self.problems))


def parse(text: str) -> Located:
    try:
        document = yaml.load(text, Loader=_FastLineLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError:
        document = None
    if document is None:
        document = _parse_slowly(text)
    if not isinstance(document, Located):
        raise DirectoryError([Problem(1, _("Tệp danh bạ phải là một bảng có mục “tenants”."))])
    return document


def _parse_slowly(text: str) -> Any:
    """The pure-Python parse, for its error marks (an empty file parses to ``None`` either way)."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as error:
        # The problem mark is where the parser gave up; the context says what it was reading.
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        reason = error.problem or str(error)
        if error.context and error.context_mark and error.context_mark is not mark:
            reason += f" ({error.context}, line {error.context_mark.line + 1})"
        raise DirectoryError([Problem(line, _("YAML không hợp lệ: %(reason)s", reason=reason))]) from None
    except yaml.YAMLError as error:
        raise DirectoryError([Problem(1, _("YAML không hợp lệ: %(reason)s", reason=str(error)))]) from None


# --- validation ----------------------------------------------------------------------------


def _messages(required: bool = False) -> dict[str, Any]:
    messages: dict[str, Any] = {
        "null": _l("Không được để trống."),
        "invalid": _l("Giá trị không hợp lệ."),
    }
    if required:
        messages["required"] = _l("Bắt buộc phải có.")
    return messages


class EntrySchema(Schema):
    """One unit of the directory, without its children (validated one level at a time)."""

    class Meta:
        unknown = EXCLUDE  # unknown keys are reported with their line by the walker

    # A Line: NFC, no control character (a U+0001 in a name broke every Excel form), one line.
    name = Line(255, strip=True, required=True,
                validate=[validate.Length(min=1, max=255, error=_l("Cần 1–255 ký tự."))],
                error_messages=_messages(required=True))
    slug = fields.String(
        required=True,
        validate=validate.Regexp(
            SLUG_PATTERN, error=_l("Chỉ dùng chữ thường không dấu, chữ số và dấu gạch ngang.")
        ),
        error_messages=_messages(required=True),
    )
    kind = fields.String(required=True, error_messages=_messages(required=True))
    code = Line(
        40, min_length=1, strip=True, load_default=None, allow_none=True,
        error_messages={**_messages(), "invalid": _l("Mã phải là chuỗi, đặt trong dấu nháy (\"00004\").")},
    )
    code_valid_from = fields.Date(load_default=None, allow_none=True, error_messages=_messages())
    name_en = Line(255, strip=True, load_default=None, allow_none=True)
    attributes = fields.Dict(keys=fields.String(), load_default=dict, error_messages=_messages())
    parent = fields.String(load_default=None, allow_none=True, error_messages=_messages())
    children = fields.List(fields.Raw(), load_default=list, error_messages={
        **_messages(), "invalid": _l("Phải là một danh sách đơn vị."),
    })


# One instance for every entry: building a schema costs more than loading one entry with it.
_ENTRY_SCHEMA = EntrySchema()
ENTRY_KEYS = frozenset(_ENTRY_SCHEMA.fields)


@dataclass
class Entry:
    """A validated unit of the file, in file order (parents before their children)."""

    line: int
    name: str
    slug: str
    kind: str
    code: str | None
    code_valid_from: date | None
    name_en: str | None
    attributes: dict[str, Any]
    parent_slug: str | None
    # A top-level entry may name an existing unit outside the file as its parent.
    external_parent: bool = False
    # A top-level entry naming no parent: a new unit becomes a root, an existing one stays where
    # it is (a file listing one ward must not tear it out of the city).
    keeps_parent: bool = False


@dataclass
class _Validation:
    known_kinds: set[str]
    entries: list[Entry] = field(default_factory=list)
    clusters: list[Any] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    kind_of: dict[str, str] = field(default_factory=dict)
    slug_lines: dict[str, int] = field(default_factory=dict)
    code_lines: dict[str, int] = field(default_factory=dict)

    def problem(self, line: int, reason: str) -> None:
        self.problems.append(Problem(line, reason))


def _declared_kinds(document: Located, check: _Validation) -> None:
    declared = document.get("kinds") or {}
    if isinstance(declared, list):
        declared = {name: "" for name in declared}
    if not isinstance(declared, dict):
        check.problem(document.line_of("kinds"), _("Mục “kinds” phải là một bảng loại → tên gọi."))
        return
    for name in declared:
        line = declared.line_of(name) if isinstance(declared, Located) else document.line_of("kinds")
        if not isinstance(name, str) or not KIND_PATTERN.fullmatch(name):
            check.problem(line, _("Tên loại “%(kind)s” không hợp lệ.", kind=name))
        else:
            check.known_kinds.add(name)


def _walk(raw: Any, parent_slug: str | None, check: _Validation, line: int) -> None:
    if not isinstance(raw, Located):
        check.problem(line, _("Mỗi đơn vị phải là một bảng có name, slug, kind."))
        return
    for key in raw:
        if key not in ENTRY_KEYS:
            check.problem(raw.line_of(key), _("Khóa “%(key)s” không được hỗ trợ.", key=key))
    kind = raw.get("kind")
    if isinstance(kind, str) and kind not in check.known_kinds:
        check.problem(raw.line_of("kind"), _("Loại đơn vị “%(kind)s” chưa được khai báo.", kind=kind))
    try:
        data = _ENTRY_SCHEMA.load(dict(raw))
    except ValidationError as error:
        for key, messages in sorted(error.normalized_messages().items()):
            text = " ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
            check.problem(raw.line_of(key), f"{key}: {text}")
        data = None
    if data is not None:
        _check_entry(raw, data, parent_slug, check)
    own_slug = data["slug"] if data is not None else None
    children = raw.get("children") or []
    if isinstance(children, list):
        for child in children:
            _walk(child, own_slug, check, raw.line_of("children"))


def _check_entry(raw: Located, data: dict[str, Any], parent_slug: str | None, check: _Validation) -> None:
    slug, kind, code = data["slug"], data["kind"], data["code"]
    keeps_parent = parent_slug is None and data["parent"] is None
    if data["parent"] is not None:
        if parent_slug is not None:
            check.problem(
                raw.line_of("parent"), _("Chỉ đơn vị cấp cao nhất của tệp mới được khai báo parent.")
            )
        parent_slug = data["parent"]
    # A parent named by slug is either earlier in the file or already in the database.
    external_parent = parent_slug is not None and parent_slug not in check.kind_of
    if kind in check.known_kinds and parent_slug is not None and parent_slug in check.kind_of:
        parent_kind = check.kind_of[parent_slug]
        if not kinds.may_hold(parent_kind, kind):
            check.problem(raw.line_of("kind"), _(
                "Đơn vị loại “%(kind)s” không thể trực thuộc đơn vị loại “%(parent)s”.",
                kind=kind, parent=parent_kind,
            ))
    if slug in check.slug_lines:
        check.problem(raw.line_of("slug"), _(
            "Slug “%(slug)s” đã dùng ở dòng %(line)d.", slug=slug, line=check.slug_lines[slug]
        ))
        return
    check.slug_lines[slug] = raw.line_of("slug")
    check.kind_of[slug] = kind
    if code is not None:
        if code in check.code_lines:
            check.problem(raw.line_of("code"), _(
                "Mã “%(code)s” đã dùng ở dòng %(line)d.", code=code, line=check.code_lines[code]
            ))
        else:
            check.code_lines[code] = raw.line_of("code")
    check.entries.append(Entry(
        line=raw.line, name=nfc(data["name"]), slug=slug, kind=kind, code=code,
        code_valid_from=data["code_valid_from"], name_en=data["name_en"],
        attributes=dict(data["attributes"]), parent_slug=parent_slug, external_parent=external_parent,
        keeps_parent=keeps_parent,
    ))


def _check_against_database(db: Session, check: _Validation) -> None:
    """Parents named outside the file must exist, and no unit outside the file may already hold
    a code the file gives to another unit."""
    for entry in check.entries:
        if not entry.external_parent:
            continue
        parent = db.scalar(select(Tenant).where(Tenant.slug == entry.parent_slug))
        if parent is None:
            check.problem(entry.line, _("Không có đơn vị cấp trên “%(slug)s”.", slug=entry.parent_slug))
        elif entry.kind in check.known_kinds and not kinds.may_hold(parent.kind, entry.kind):
            check.problem(entry.line, _(
                "Đơn vị loại “%(kind)s” không thể trực thuộc đơn vị loại “%(parent)s”.",
                kind=entry.kind, parent=parent.kind,
            ))
    if not check.code_lines:
        return
    codes = sorted(check.code_lines)
    holders = []
    for start in range(0, len(codes), SLUG_CHUNK):
        holders += db.execute(
            select(Tenant.code, Tenant.slug)
            .where(Tenant.code.in_(codes[start:start + SLUG_CHUNK]), Tenant.active.is_(True))
        ).all()
    for code, slug in holders:
        if slug not in check.slug_lines:
            check.problem(check.code_lines[code], _(
                "Mã “%(code)s” đang thuộc đơn vị “%(slug)s” không có trong tệp.", code=code, slug=slug
            ))


def validate_document(db: Session, document: Located) -> list[Entry]:
    """Every entry of the file, or DirectoryError with every problem found."""
    check = _Validation(known_kinds=set(kinds.CORE_KINDS))
    _declared_kinds(document, check)
    for key in document:
        if key not in {"version", "kinds", "tenants", "clusters"}:
            check.problem(document.line_of(key), _("Khóa “%(key)s” không được hỗ trợ.", key=key))
    roots = document.get("tenants")
    if not isinstance(roots, list) or not roots:
        check.problem(document.line_of("tenants"), _("Mục “tenants” phải là danh sách đơn vị."))
    else:
        for raw in roots:
            _walk(raw, None, check, document.line_of("tenants"))
    _check_clusters(document, check)
    if not check.problems:
        _check_against_database(db, check)
    if check.problems:
        raise DirectoryError(check.problems)
    return check.entries


@dataclass(frozen=True)
class ClusterEntry:
    """A cluster of the file (``clusters:``), its owner and members still named by slug."""

    line: int
    data: dict[str, Any]


def _check_clusters(document: Located, check: _Validation) -> None:
    """The shape of the ``clusters:`` section; owners and members are resolved when applying."""
    raw = document.get("clusters")
    check.clusters = []
    if raw is None:
        return
    if not isinstance(raw, list):
        check.problem(document.line_of("clusters"), _("Mục “clusters” phải là danh sách cụm thi đua."))
        return
    seen: dict[str, int] = {}
    for item in raw:
        if not isinstance(item, Located):
            check.problem(document.line_of("clusters"),
                          _("Mỗi cụm phải là một bảng có slug, name, owner, members."))
            continue
        try:
            data = DirectoryClusterSchema().load(dict(item))
        except ValidationError as error:
            for key, messages in sorted(error.normalized_messages().items()):
                text = " ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
                check.problem(item.line_of(key), f"{key}: {text}")
            continue
        if data["slug"] in seen:
            check.problem(item.line_of("slug"), _(
                "Slug “%(slug)s” đã dùng ở dòng %(line)d.", slug=data["slug"], line=seen[data["slug"]]))
            continue
        seen[data["slug"]] = item.line_of("slug")
        check.clusters.append(ClusterEntry(item.line, data))


def _resolve_clusters(db: Session, entries: list[ClusterEntry]) -> list[DirectoryCluster]:
    """Owners and members by slug, each member strictly below its owner, after the units of the
    file are in place."""
    slugs = {e.data["owner"] for e in entries} | {m for e in entries for m in e.data["members"]}
    by_slug = {t.slug: t for t in db.scalars(select(Tenant).where(Tenant.slug.in_(slugs)))}
    problems: list[Problem] = []
    resolved = []
    for entry in entries:
        data = entry.data
        owner = by_slug.get(data["owner"])
        if owner is None:
            problems.append(Problem(entry.line, _("Không có đơn vị “%(slug)s”.", slug=data["owner"])))
            continue
        unknown = [m for m in data["members"] if m not in by_slug]
        if unknown:
            problems.append(Problem(entry.line, _("Không có đơn vị: %(slugs)s.", slugs=", ".join(unknown))))
            continue
        units = [by_slug[m] for m in dict.fromkeys(data["members"])]
        outside = members_outside(owner, units)
        if outside:
            problems.append(Problem(entry.line, _(
                "Cụm “%(cluster)s” chỉ được gồm các đơn vị trực thuộc “%(owner)s”: %(slugs)s.",
                cluster=data["slug"], owner=owner.slug, slugs=", ".join(t.slug for t in outside))))
            continue
        resolved.append(DirectoryCluster(
            line=entry.line, slug=data["slug"], name=nfc(data["name"]), kind=data["kind"],
            description=nfc(data["description"]), owner=owner, members=tuple(units),
        ))
    if problems:
        raise DirectoryError(problems)
    return resolved


# --- applying ------------------------------------------------------------------------------


@dataclass
class Change:
    action: str  # "create" or "update"
    slug: str
    name: str
    fields: dict[str, list[Any]]


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[Change] = field(default_factory=list)
    dry_run: bool = False
    clusters_created: int = 0
    clusters_updated: int = 0


def _desired_attributes(tenant: Tenant | None, entry: Entry) -> dict[str, Any]:
    # Keys the file does not mention are kept: other parts of the platform may own them.
    attributes = dict(tenant.attributes or {}) if tenant is not None else {}
    attributes.update(entry.attributes)
    if entry.name_en:
        attributes["name_en"] = entry.name_en
    return attributes


@dataclass(frozen=True)
class _NewUnit:
    """A unit of the file not yet in the database: what its children need of it."""

    id: Any
    slug: str
    kind: str
    path: str
    depth: int


@dataclass
class _Creates:
    """New units gathered in file order, written together (tenants, census, audit) when an
    existing unit needs them in the database or at the end: thousands of units cost a handful
    of statements, not a few per unit."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)

    def add(self, entry: Entry, parent: Tenant | _NewUnit | None, report: Report) -> _NewUnit:
        row = tenant_row(
            name=entry.name, kind=entry.kind, slug=entry.slug, code=entry.code,
            code_valid_from=entry.code_valid_from, attributes=_desired_attributes(None, entry),
            parent_id=parent.id if parent else None, parent_path=parent.path if parent else None,
            parent_depth=parent.depth if parent else None,
        )
        changes = {
            "name": [None, row["name"]], "kind": [None, row["kind"]], "slug": [None, row["slug"]],
            "parent": [None, parent.slug if parent else None],
        }
        if entry.code:
            changes["code"] = [None, entry.code]
        self.rows.append(row)
        self.audit.append({"action": "tenant.create", "tenant_id": row["id"], "actor_label": ACTOR,
                           "object_type": "tenant", "object_id": row["id"], "changes": changes})
        report.created += 1
        report.changes.append(Change("create", row["slug"], row["name"], changes))
        return _NewUnit(row["id"], row["slug"], row["kind"], row["path"], row["depth"])

    def write(self, db: Session) -> None:
        if not self.rows:
            return
        db.flush()
        db.execute(insert(Tenant.__table__), self.rows)
        units_added(db, [(row["path"], row["kind"]) for row in self.rows])
        record_many(db, self.audit)
        self.rows, self.audit = [], []


def _close_code(tenant: Tenant, entry: Entry) -> dict[str, Any]:
    """Move the current code into the unit's history, valid until the day before the new one."""
    new_from = entry.code_valid_from or clock.today()
    former = list((tenant.attributes or {}).get("former_codes", []))
    former.append({
        "code": tenant.code,
        "valid_from": tenant.code_valid_from.isoformat() if tenant.code_valid_from else None,
        "valid_to": (new_from - timedelta(days=1)).isoformat(),
    })
    return {"former_codes": former}


def _move(db: Session, tenant: Tenant, parent: Tenant | None, line: int) -> None:
    """Re-hang ``tenant`` under ``parent`` with its whole subtree (see ``rehang``)."""
    if parent is not None and parent.path.startswith(tenant.path):
        raise DirectoryError([Problem(line, _(
            "Không thể chuyển “%(slug)s” vào đơn vị trực thuộc chính nó.", slug=tenant.slug
        ))])
    rehang(db, tenant, parent)


def _update(db: Session, tenant: Tenant, entry: Entry, parent: Tenant | None, report: Report) -> None:
    changes: dict[str, list[Any]] = {}
    attributes = _desired_attributes(tenant, entry)
    if entry.code != tenant.code and tenant.code is not None:
        attributes.update(_close_code(tenant, entry))
    for name, wanted in (("name", entry.name), ("kind", entry.kind), ("code", entry.code),
                         ("code_valid_from", entry.code_valid_from)):
        current = getattr(tenant, name)
        if current != wanted:
            changes[name] = [current, wanted]
            setattr(tenant, name, wanted)
    if "code" in changes:
        tenant.code_valid_to = None
    if "kind" in changes:
        unit_kind_changed(db, tenant, changes["kind"][0])
    if attributes != (tenant.attributes or {}):
        changes["attributes"] = [tenant.attributes, attributes]
        tenant.attributes = attributes
    if tenant.parent_id != (parent.id if parent else None):
        old_parent = db.get(Tenant, tenant.parent_id) if tenant.parent_id else None
        changes["parent"] = [old_parent.slug if old_parent else None, parent.slug if parent else None]
        _move(db, tenant, parent, entry.line)
    if not changes:
        report.unchanged += 1
        return
    tenant.search_text = search_text_for(tenant.name, tenant.code)
    tenant.name_key = sort_key(tenant.name)
    record(
        db, "tenant.update", tenant_id=tenant.id, actor_label=ACTOR, object_type="tenant",
        object_id=tenant.id, changes=changes,
    )
    report.updated += 1
    report.changes.append(Change("update", tenant.slug, tenant.name, changes))


def apply(db: Session, entries: list[Entry]) -> Report:
    """Create or update every entry, parents first, in the caller's transaction.

    New units are inserted in bulk (their paths computed here from their parents'), each with
    its ``tenant.create`` audit entry; an existing unit is updated (and audited) one by one,
    after the new units before it in the file are written.
    """
    report = Report()
    slugs = sorted({entry.slug for entry in entries} | {e.parent_slug for e in entries if e.parent_slug})
    by_slug: dict[str, Tenant | _NewUnit] = {}
    for start in range(0, len(slugs), SLUG_CHUNK):
        chunk = slugs[start:start + SLUG_CHUNK]
        by_slug.update((t.slug, t) for t in db.scalars(select(Tenant).where(Tenant.slug.in_(chunk))))
    creates = _Creates()
    for entry in entries:
        parent = by_slug.get(entry.parent_slug) if entry.parent_slug else None
        tenant = by_slug.get(entry.slug)
        if tenant is None:
            by_slug[entry.slug] = creates.add(entry, parent, report)
            continue
        creates.write(db)
        if isinstance(parent, _NewUnit):
            parent = by_slug[parent.slug] = db.get(Tenant, parent.id)
        assert isinstance(tenant, Tenant)  # a slug is created once per file
        if entry.keeps_parent:
            parent = tenant.parent
        _update(db, tenant, entry, parent, report)
        db.flush()
    creates.write(db)
    return report


def load_text(db: Session, text: str, *, dry_run: bool = False) -> Report:
    """Validate the whole document, then apply it in one transaction: committed, or rolled back
    for a dry run or any error."""
    document = parse(text)
    entries = validate_document(db, document)
    check = _Validation(known_kinds=set())
    _check_clusters(document, check)
    try:
        report = apply(db, entries)
        if check.clusters:
            clusters = _resolve_clusters(db, check.clusters)
            report.clusters_created, report.clusters_updated = sync_from_directory(db, clusters, ACTOR)
    except BaseException:
        db.rollback()
        raise
    report.dry_run = dry_run
    if dry_run:
        db.rollback()
    else:
        db.commit()
    return report


def load_file(db: Session, path: str | Path, *, dry_run: bool = False) -> Report:
    return load_text(db, Path(path).read_text(encoding="utf-8"), dry_run=dry_run)


