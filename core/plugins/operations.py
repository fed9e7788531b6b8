"""Enabling criteria sets in a period, per tenant kind, and reading what a tenant must fill."""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from sqlalchemy import ColumnElement, Text, cast, delete, select
from sqlalchemy.orm import Session

from core.audit.operations import diff, record
from core.db.json_rows import json_rows
from core.db.memo import transaction_memo
from core.errors import Conflict, Forbidden, Invalid
from core.periods import models as period_models
from core.periods.models import ReportingPeriod
from core.plugins.criteria import CriteriaSet
from core.plugins.manager import PluginHost
from core.plugins.messages import default_locale_outside_requests, localised_schema
from core.plugins.models import PeriodCriteriaSet, PeriodSetRow
from core.tenants import kinds
from core.tenants.models import Tenant
from core.text.fields import Integer, Number
from core.users.access import Access

EDITABLE_STATES = (period_models.DRAFT, period_models.OPEN)


class EnableItemSchema(Schema):
    """One item of ``PUT /periods/<pid>/criteria-sets``."""

    class Meta:
        unknown = EXCLUDE

    key = fields.String(required=True, validate=validate.Length(min=1, max=120))
    tenant_kinds = fields.List(fields.String(validate=validate.Length(min=1, max=40)), required=True,
                               validate=validate.Length(min=1))
    # Text (the web form's, or the API's) is read the Vietnamese way: "1,5" is 1.5, "1.500" is 1500.
    weight = Number(load_default=1.0, validate=validate.Range(min=0, max=1000))
    version = Integer(load_default=None, allow_none=True, minimum=1)


@dataclass(frozen=True)
class EnabledSet:
    """A set a period enables; ``criteria_set`` is ``None`` when its plugin is not loaded (the
    section is shown as unavailable and its stored data stays untouched)."""

    row: PeriodSetRow
    criteria_set: CriteriaSet | None
    plugin: str | None

    @property
    def available(self) -> bool:
        return self.criteria_set is not None


def known_kinds(db: Session) -> set[str]:
    """The core's kinds and any kind a loaded directory added."""
    return set(kinds.CORE_KINDS) | set(db.scalars(select(Tenant.kind).distinct()))


# session.info key: (the transaction, {period id: its rows}) read along with the period by a
# caller that needed both (see remember_rows).
_ROWS_KEY = "period_criteria_set_rows"


def rows_of(db: Session, period: ReportingPeriod) -> Sequence[PeriodSetRow]:
    """The sets enabled in ``period``, by position then key, as plain rows (read-only).

    Read once per transaction: a report's read or change asks for them several times, and a
    caller that read them along with the period hands them over (:func:`remember_rows`). They
    are forgotten when the transaction ends or the period's sets are written."""
    known = transaction_memo(db, _ROWS_KEY)
    if period.id in known:
        return known[period.id]
    rows = [PeriodSetRow(*row) for row in db.execute(
        select(*PeriodSetRow.columns())
        .where(PeriodCriteriaSet.period_id == period.id)
        .order_by(PeriodCriteriaSet.position, PeriodCriteriaSet.key)
    )]
    remember_rows(db, period.id, rows)
    return rows


@functools.cache
def sets_as_json(dialect: str) -> ColumnElement[Any]:
    """A scalar subquery, correlated to ``reporting_period``, giving the period's sets as the
    text of one JSON array of arrays (the fields of :class:`PeriodSetRow`, in no order; None or
    ``[]`` without sets): what a statement reading a period takes along, one row instead of one
    per set. Read it back with :func:`rows_from_json`. Built once per dialect (SQL elements do
    not change)."""
    c = PeriodCriteriaSet
    aggregate = json_rows(dialect, [c.id, c.period_id, c.key, c.version, c.tenant_kinds, c.weight,
                                    c.position], json_columns=(c.tenant_kinds,))
    # As text, not decoded by the driver: a period's sets change seldom, and the rows of a text
    # seen before are not built again (see _rows_from_text).
    return (select(cast(aggregate, Text)).where(c.period_id == ReportingPeriod.id)
            .correlate(ReportingPeriod).scalar_subquery())


def rows_from_json(value: str | None) -> list[PeriodSetRow]:
    """The rows of :func:`sets_as_json`'s text, by position then key (as :func:`rows_of`)."""
    return list(_rows_from_text(value)) if value else []


@functools.lru_cache(maxsize=256)
def _rows_from_text(value: str) -> tuple[PeriodSetRow, ...]:
    # Kept per text: every read of a report in the period brings the same one, and decoding it
    # with its ids cost a read as much as the rest of the unit's and period's rows did. The rows
    # are frozen and read only.
    rows = [PeriodSetRow(uuid.UUID(str(r[0])), uuid.UUID(str(r[1])), r[2], int(r[3]), list(r[4] or []),
                         float(r[5]), int(r[6])) for r in json.loads(value)]
    return tuple(sorted(rows, key=lambda row: (row.position, row.key)))


def remember_rows(db: Session, period_id: Any, rows: Sequence[PeriodSetRow]) -> None:
    """Rows of the period ``period_id`` read by the caller in the current transaction, in the
    order of :func:`rows_of`, so that :func:`rows_of` does not read them again in it."""
    transaction_memo(db, _ROWS_KEY)[period_id] = list(rows)


def forget_rows(db: Session) -> None:
    """Drop the rows :func:`rows_of` read in this transaction: call after writing any period's
    sets."""
    db.info.pop(_ROWS_KEY, None)


def _enabled(host: PluginHost, row: PeriodSetRow) -> EnabledSet:
    return EnabledSet(row, host.criteria_set(row.key, row.version), host.owner_of(row.key))


def enabled_sets(db: Session, host: PluginHost, period: ReportingPeriod) -> list[EnabledSet]:
    return [_enabled(host, row) for row in rows_of(db, period)]


def sets_for_tenant(
    db: Session, host: PluginHost, period: ReportingPeriod, tenant: Tenant
) -> list[EnabledSet]:
    """The sets ``tenant`` reports in ``period``: its kind is among the enabled kinds and the
    set reaches it (``thidua_criteria_set_applies``: a table for chosen units or a cluster)."""
    return [item for item in enabled_sets(db, host, period) if item.row.applies_to_kind(tenant.kind)
            and (item.criteria_set is None or host.applies(item.criteria_set, tenant))]


def _load_items(items: Any, errors: dict[str, list[str]]) -> list[tuple[int, dict[str, Any]]]:
    """Each item through the schema on its own, so that every item's errors are reported."""
    if not isinstance(items, list):
        raise Invalid({"_schema": [_("Cần một danh sách các bộ tiêu chí.")]})
    schema = localised_schema(EnableItemSchema)
    loaded = []
    for index, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("tenant_kinds"), list) and not item["tenant_kinds"]:
            # The generic "at least 1 character" of an empty list would say nothing to an admin.
            errors[f"{index}.tenant_kinds"] = [_("Hãy chọn ít nhất một loại đơn vị cho bộ tiêu chí này.")]
            continue
        try:
            loaded.append((index, schema.load(item)))
        except ValidationError as exc:
            messages = exc.normalized_messages()
            for name, msgs in (messages.items() if isinstance(messages, dict) else [("_schema", messages)]):
                target = str(index) if name == "_schema" else f"{index}.{name}"
                errors.setdefault(target, []).extend(str(m) for m in _flatten(msgs))
    return loaded


def _flatten(messages: Any) -> list[Any]:
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flatten(value)]
    if isinstance(messages, list):
        return [m for value in messages for m in _flatten(value)]
    return [messages]


def _snapshot(rows: Sequence[PeriodSetRow | PeriodCriteriaSet]) -> dict[str, Any]:
    return {
        row.key: {"version": row.version, "tenant_kinds": sorted(row.tenant_kinds), "weight": row.weight}
        for row in rows
    }


def configure_period(
    db: Session, access: Access, host: PluginHost, period: ReportingPeriod, items: Any
) -> list[EnabledSet]:
    """Replace the sets ``period`` enables with ``items`` (a list of
    ``{"key", "tenant_kinds", "weight", "version"?}``); admin of the period's owner only.

    A set whose plugin is not loaded may stay enabled with its pinned version (its data is kept),
    but cannot be newly enabled.
    """
    with default_locale_outside_requests():
        return _configure_period(db, access, host, period, items)


def _configure_period(
    db: Session, access: Access, host: PluginHost, period: ReportingPeriod, items: Any
) -> list[EnabledSet]:
    owner = db.get(Tenant, period.owner_tenant_id)
    if owner is None or not access.is_admin_of(owner):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị quản lý kỳ báo cáo mới được chọn bộ tiêu chí."))
    if period.state not in EDITABLE_STATES:
        raise Conflict(_("Chỉ được chọn bộ tiêu chí khi kỳ báo cáo đang soạn thảo hoặc đang mở."))
    errors: dict[str, list[str]] = {}
    loaded = _load_items(items, errors)
    existing = {row.key: row for row in rows_of(db, period)}
    allowed_kinds = known_kinds(db)
    chosen: list[PeriodCriteriaSet] = []
    seen: set[str] = set()
    for index, item in loaded:
        key = item["key"].strip()
        if key in seen:
            errors[f"{index}.key"] = [_("Bộ tiêu chí %(key)s được chọn hai lần.", key=key)]
            continue
        seen.add(key)
        version = item["version"]
        criteria_set = host.criteria_set(key, version)
        if criteria_set is None and key in existing and version in (None, existing[key].version):
            version = existing[key].version  # its plugin is not loaded: keep it as it was
        elif criteria_set is None:
            if version is not None and host.criteria_set(key) is not None:
                errors[f"{index}.version"] = [_("Bộ tiêu chí %(key)s không có phiên bản %(version)s.",
                                                key=key, version=version)]
            else:
                errors[f"{index}.key"] = [_("Không có bộ tiêu chí %(key)s.", key=key)]
            continue
        elif not host.may_enable(criteria_set, owner) and not (
                key in existing and existing[key].version == criteria_set.version):
            # Another unit's set answers as an unknown key: its existence is not revealed.
            errors[f"{index}.key"] = [_("Không có bộ tiêu chí %(key)s.", key=key)]
            continue
        else:
            version = criteria_set.version
        item_kinds = list(dict.fromkeys(k.strip() for k in item["tenant_kinds"]))
        unknown = [k for k in item_kinds if k not in allowed_kinds]
        if unknown:
            errors[f"{index}.tenant_kinds"] = [
                _("Không có loại đơn vị: %(kinds)s.", kinds=", ".join(unknown))
            ]
            continue
        if criteria_set is not None:
            outside = [k for k in item_kinds if k not in criteria_set.applies_to]
            if outside:
                errors[f"{index}.tenant_kinds"] = [
                    _("Bộ tiêu chí %(key)s không áp dụng cho loại đơn vị: %(kinds)s.",
                      key=key, kinds=", ".join(outside))
                ]
                continue
        chosen.append(PeriodCriteriaSet(
            period_id=period.id, key=key, version=version, tenant_kinds=item_kinds,
            weight=float(item["weight"]), position=index,
        ))
    if errors:
        raise Invalid(errors)
    before = _snapshot(list(existing.values()))
    forget_rows(db)
    db.execute(delete(PeriodCriteriaSet).where(PeriodCriteriaSet.period_id == period.id))
    db.add_all(chosen)
    db.flush()
    changes = diff(before, _snapshot(chosen))
    if changes:
        record(
            db, "period.criteria_sets", tenant_id=period.owner_tenant_id, actor_id=access.actor_id,
            actor_label=access.actor_label, object_type="period", object_id=period.id,
            changes=changes, ip=access.ip,
        )
    return [_enabled(host, PeriodSetRow.of(row)) for row in chosen]
