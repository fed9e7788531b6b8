"""Sections of a report: which sets a unit fills, checking a draft, and what is still missing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.periods.models import ReportingPeriod
from core.plugins.criteria import CriteriaSet
from core.plugins.evaluation import EvaluationContext, achieved, evaluate, judge_outcomes
from core.plugins.manager import PluginHost
from core.plugins.messages import localised_schema
from core.plugins.numbers import read_numbers
from core.plugins.operations import EnabledSet, sets_for_tenant
from core.reports.children import children_of
from core.reports.hierarchy import CHILDREN, Deferred, ReadTracker
from core.reports.models import Evidence, Section, StoredSection, Submission
from core.tenants.models import Tenant

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class Missing:
    """One thing that keeps a report from being submitted."""

    section: str
    field: str | None
    reason: str  # required | evidence | invalid | unavailable
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"section": self.section, "field": self.field, "reason": self.reason,
                "message": self.message}


def enabled_for(db: Session, host: PluginHost, period: ReportingPeriod, tenant: Tenant) -> list[EnabledSet]:
    return sets_for_tenant(db, host, period, tenant)


def sections_of(db: Session, submission: Submission) -> dict[str, Section]:
    return {
        s.set_key: s for s in db.scalars(
            select(Section).where(Section.tenant_id == submission.tenant_id,
                                  Section.submission_id == submission.id)
        )
    }


def sync_sections(db: Session, submission: Submission, enabled: list[EnabledSet], persist: bool = True,
                  stored: Mapping[str, Section | StoredSection] | None = None,
                  ) -> dict[str, Section | StoredSection]:
    """One section per enabled set, pinned to the version the period enabled; sections of sets
    the period no longer enables are kept (their data is never dropped). With ``persist``
    false, the missing ones are empty stand-ins that are never written: readers must not insert
    rows (a read racing a first save would then fail on the unique key). ``stored``: the
    sections as the caller already read them (by set key), instead of reading them again."""
    existing = dict(stored) if stored is not None else sections_of(db, submission)
    added = False
    for item in enabled:
        if item.row.key not in existing:
            section = Section(
                tenant_id=submission.tenant_id, submission_id=submission.id, set_key=item.row.key,
                set_version=item.row.version, values={}, review={}, outcomes={},
            )
            if persist:
                db.add(section)
                added = True
            existing[item.row.key] = section
    if added:
        db.flush()
    return existing


def context_for(db: Session, tenant: Tenant, period: ReportingPeriod) -> EvaluationContext:
    """What a criteria set may read besides the values: ``extra["children"]``, the results of
    the units below (a :class:`ReadTracker` notes whether a set asked for them, and reads them
    from the database only then)."""
    children = Deferred(lambda: children_of(db, tenant, period))
    return EvaluationContext(tenant=tenant, period=period, extra=ReadTracker({CHILDREN: children}))


def check_draft(criteria_set: CriteriaSet, values: Mapping[str, Any]) -> tuple[Errors, dict[str, Any]]:
    """Types, ranges and choices of the values given; missing required fields are allowed in a
    draft. Number fields given as text are read by :func:`core.plugins.numbers.read_numbers`
    (``"1.500"`` is 1500). Returns (errors, values as stored)."""
    schema = localised_schema(criteria_set.schema)
    # Text in number fields is read the Vietnamese way first (one parser for every surface).
    errors, read = read_numbers(schema, values)
    try:
        loaded = schema.load({k: v for k, v in read.items() if k not in errors}, partial=True)
    except ValidationError as exc:
        messages = exc.normalized_messages()
        for k, v in messages.items():
            errors.setdefault(str(k), []).extend(str(m) for m in (v if isinstance(v, list) else [v]))
    if errors:
        return errors, {}
    return {}, schema.dump(loaded)


def required_fields(criteria_set: CriteriaSet) -> list[str]:
    return [name for name, f in criteria_set.schema._declared_fields.items() if f.required]


def is_complete(criteria_set: CriteriaSet, values: Mapping[str, Any]) -> bool:
    return all(values.get(name) not in (None, "") for name in required_fields(criteria_set))


def score_section(
    host: PluginHost, criteria_set: CriteriaSet, values: Mapping[str, Any], ctx: EvaluationContext
) -> tuple[Errors, float | None, dict[str, Any]]:
    """Full validation and scoring of a complete section: (errors, score, outcomes)."""
    errors, score = evaluate(criteria_set, values, ctx, host=host)
    if errors:
        return errors, None, {}
    return {}, score, judge_outcomes(criteria_set, values, ctx, host)


def evidence_needed(criteria_set: CriteriaSet, values: Mapping[str, Any]) -> list[str]:
    """Fields that claim something whose proof (minh chứng) the set requires."""
    return [
        name for name, f in criteria_set.schema._declared_fields.items()
        if f.metadata.get("evidence_required") and achieved(values.get(name))
    ]


def evidence_criteria(db: Session, submission: Submission) -> set[str]:
    return set(db.scalars(
        select(Evidence.criterion).where(Evidence.tenant_id == submission.tenant_id,
                                         Evidence.submission_id == submission.id)
    ))


def field_label(criteria_set: CriteriaSet, name: str) -> str:
    """A field's label in the page's language (``label_en`` in English, when the set gives one)."""
    meta = criteria_set.schema._declared_fields[name].metadata
    if str(get_locale() or "vi") == "en" and meta.get("label_en"):
        return str(meta["label_en"])
    return str(meta.get("label", name))


def missing_items(
    db: Session, host: PluginHost, submission: Submission, enabled: list[EnabledSet],
    sections: Mapping[str, Section | StoredSection], ctx: EvaluationContext,
) -> list[Missing]:
    found: list[Missing] = []
    proofs: set[str] | None = None  # read once, and only for a report that claims something
    for item in enabled:
        key = item.row.key
        criteria_set = host.criteria_set(key, sections[key].set_version) if key in sections else None
        if criteria_set is None:
            found.append(Missing(key, None, "unavailable",
                                 _("Bộ tiêu chí này tạm thời không dùng được; dữ liệu vẫn được giữ.")))
            continue
        values = sections[key].values
        for name in required_fields(criteria_set):
            if values.get(name) in (None, ""):
                label = field_label(criteria_set, name)
                found.append(Missing(key, name, "required", _("Chưa nhập: %(label)s.", label=label)))
        if not is_complete(criteria_set, values):
            continue
        errors, _score, _outcomes = score_section(host, criteria_set, values, ctx)
        for name, messages in errors.items():
            found.extend(Missing(key, None if name == "_schema" else name, "invalid", m) for m in messages)
        for name in evidence_needed(criteria_set, values):
            if proofs is None:
                proofs = evidence_criteria(db, submission)
            if f"{key}.{name}" not in proofs:
                label = field_label(criteria_set, name)
                found.append(Missing(key, name, "evidence",
                                     _("Cần minh chứng cho: %(label)s.", label=label)))
    return found
