"""Commendations: award types, nomination dossiers and the vetting chain.

Who may do what (each refusal is a 403 for someone who sees the dossier, a 404 for anyone else):

* the head or an admin of the proposing unit (or an admin above it) opens the unit's dossier for
  a period whose kind holds a round (an annual period: the annual awards; a summary period: the
  five-year ones), edits its justification and nominees while it is a draft or returned, and
  proposes it;
* the reviewers and admins of the vetting unit (Công an Thành phố; the unit's slug is the setting
  ``THIDUA_AWARDS_VETTING_UNIT``, ``cong-an-thanh-pho`` by default) and of the units below it vet
  a proposed dossier or return it;
* the reviewers and admins of the appraising unit (Sở Nội vụ with its Ban Thi đua - Khen thưởng;
  ``THIDUA_AWARDS_APPRAISING_UNIT``, ``so-noi-vu``) appraise a vetted dossier or return it,
  forward an appraised one to a higher authority, and record the decision (number, date,
  authority). A dossier holding an award granted above the City (the Government's, the State's)
  is forwarded before its decision is recorded.

The vetting and appraising units sit beside the proposing units, not above them, so for the
duration of an operation here the session of a user holding one of those roles also reaches
every dossier of the period's owner's subtree (:func:`reach`); a dossier still in draft stays
hidden from them, and nothing else runs inside.

Every change — an edit, a nominee added or removed, every step — starts with a compare-and-set
on the dossier's ``version`` (:func:`claim`): of two requests that read the same version exactly
one moves it, the other answers 409 with the version stored now and writes nothing. Each step is
audited and the people concerned are notified in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from core import clock
from core.audit.operations import record
from core.awards import eligibility
from core.awards.catalogue import DEFAULT_AWARD_TYPES, HEAD_TITLES, ISSUER_KINDS, award_type_id
from core.awards.models import (
    ABOVE_CITY,
    APPRAISED,
    COLLECTIVE,
    DECIDED,
    DRAFT,
    EDITABLE,
    FORWARDED,
    INDIVIDUAL,
    MEMO,
    PROPOSED,
    RETURNED,
    ROUND_OF_PERIOD_KIND,
    VETTED,
    Attachment,
    AwardType,
    Dossier,
    Nominee,
)
from core.clusters.operations import best_frozen_ranks
from core.db import scoping
from core.db.scoping import TenantContext
from core.db.types import utcnow
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.jobs.settings import setting
from core.notifications import messages
from core.notifications.operations import notify, notify_within
from core.periods import models as period_models
from core.periods.models import ReportingPeriod
from core.reports.atomic import insert_or_ignore
from core.reports.models import Section, Submission
from core.snapshots.operations import UnitResult, results_for
from core.tenants import kinds as tenant_kinds
from core.tenants.models import Tenant
from core.text import fold, nfc
from core.users import roles
from core.users.access import Access, SystemAccess

VETTING_UNIT_SETTING = "THIDUA_AWARDS_VETTING_UNIT"
APPRAISING_UNIT_SETTING = "THIDUA_AWARDS_APPRAISING_UNIT"
DEFAULT_VETTING_UNIT = "cong-an-thanh-pho"
DEFAULT_APPRAISING_UNIT = "so-noi-vu"

VET = "vet"
APPRAISE = "appraise"
PROPOSER_ROLES = (roles.HEAD, roles.ADMIN)
CHAIN_ROLES = (roles.REVIEWER, roles.ADMIN)

# step → (statuses it starts from, status it leads to, who takes it: "unit", VET or APPRAISE).
# A return is taken by whoever holds the dossier now (see _return_actor).
STEPS: dict[str, tuple[frozenset[str], str, str]] = {
    "submit": (EDITABLE, PROPOSED, "unit"),
    "vet": (frozenset({PROPOSED}), VETTED, VET),
    "appraise": (frozenset({VETTED}), APPRAISED, APPRAISE),
    "forward": (frozenset({APPRAISED}), FORWARDED, APPRAISE),
    "decide": (frozenset({APPRAISED, FORWARDED}), DECIDED, APPRAISE),
    "return": (frozenset({PROPOSED, VETTED, APPRAISED}), RETURNED, ""),
}
# The period states in which dossiers are opened and moved (the round follows the results).
ACTIVE_PERIOD_STATES = frozenset({period_models.OPEN, period_models.CLOSED})

messages.register({
    "award.proposed": _l("%(unit)s đề nghị khen thưởng «%(period)s», chờ Công an Thành phố thẩm định"),
    "award.vetted": _l("Hồ sơ đề nghị khen thưởng của %(unit)s («%(period)s») đã được Công an Thành phố "
                       "thẩm định"),
    "award.appraised": _l("Hồ sơ đề nghị khen thưởng của %(unit)s («%(period)s») đã được Sở Nội vụ "
                          "thẩm định"),
    "award.forwarded": _l("Hồ sơ đề nghị khen thưởng của %(unit)s («%(period)s») đã được trình cấp trên"),
    "award.decided": _l("Hồ sơ đề nghị khen thưởng của %(unit)s («%(period)s») đã có quyết định khen thưởng"),
    "award.returned": _l("Hồ sơ đề nghị khen thưởng của %(unit)s («%(period)s») bị trả lại"),
    "award.line.reason": _l("Lý do trả lại: %(text)s"),
    "award.line.decision": _l("Quyết định số %(number)s ngày %(date)s của %(authority)s."),
    "award.line.forwarded": _l("Trình: %(to)s."),
})


class StaleDossier(Conflict):
    """The dossier moved since the caller read it; ``version`` is the one stored now."""

    def __init__(self, version: int) -> None:
        # The number stays in the answer's data (the API's clients retry with it), not in the words.
        super().__init__(_("Hồ sơ vừa được người khác cập nhật. Hãy tải lại để xem thay đổi."),
                         version=version)
        self.version = version


# --- award types --------------------------------------------------------------------------------


def install_defaults(db: Session) -> int:
    """Add each shipped award type (:mod:`core.awards.catalogue`) missing by key; types already
    present, edited or not, are left as they are. Returns the number added."""
    added = 0
    for row in DEFAULT_AWARD_TYPES:
        if insert_or_ignore(db, AwardType, {"id": award_type_id(row["key"]), **row,
                                            "issuer_kinds": list(ISSUER_KINDS.get(row["key"], []))}, ["key"]):
            added += 1
    return added


def award_types(db: Session, round_kind: str | None = None) -> list[AwardType]:
    """Active award types in their order, those of one round (``annual``, ``five_year``) when
    given."""
    query = select(AwardType).where(AwardType.active.is_(True)).order_by(AwardType.position, AwardType.key)
    if round_kind is not None:
        query = query.where(AwardType.round_kind == round_kind)
    return list(db.scalars(query))


def configure_award_type(db: Session, access: Access, key: str, changes: dict[str, Any]) -> AwardType:
    """Change how an award type is given: ``proposer_kinds`` (the kinds of unit that may propose
    it), ``issuer_kinds`` (the kinds of unit whose head grants it; empty: its ``authority``),
    ``quota`` (``max_collectives``, ``max_individuals``, ``max_share``; None lifts a cap) and
    ``active``. Award types serve the whole city, so only an admin of a top-level unit (the
    city) may change them. The row is locked while it changes; the change is audited with each
    value before and after. Dossiers already holding the award keep their nominees.

    :raises Forbidden: the caller is not an admin of a top-level unit.
    :raises NotFound: no award type has this key.
    """
    if not any(grant.role == roles.ADMIN and grant.tenant_path.count("/") == 2 for grant in access.grants):
        raise Forbidden(_("Chỉ quản trị viên cấp thành phố được cấu hình các hình thức khen thưởng."))
    award = db.scalar(select(AwardType).where(AwardType.key == key).with_for_update())
    if award is None:
        raise NotFound(_("Không có hình thức khen thưởng này."))
    applied: dict[str, list[Any]] = {}
    for name in ("proposer_kinds", "issuer_kinds", "quota", "active"):
        if name not in changes:
            continue
        value = changes[name]
        if name == "proposer_kinds":
            value = sorted(set(value))
            _check_kinds(db, value)
        elif name == "issuer_kinds":
            value = sorted(set(value))
            _check_kinds(db, value, name, required=False)
        elif name == "quota":
            value = {k: v for k, v in {**(award.quota or {}), **value}.items() if v is not None}
        before = getattr(award, name)
        if before != value:
            applied[name] = [before, value]
            setattr(award, name, value)
    if applied:
        db.flush()
        record(db, "award_type.configure", actor_id=access.actor_id, actor_label=access.actor_label,
               object_type="award_type", object_id=award.key, changes=applied, ip=access.ip)
    return award


def _check_kinds(db: Session, kinds: list[str], field_name: str = "proposer_kinds",
                 required: bool = True) -> None:
    """Kinds of unit the core knows or the directory uses, at least one when ``required``.

    :raises Invalid: on ``field_name``, naming each unknown kind.
    """
    if required and not kinds:
        raise Invalid({field_name: [_("Cần ít nhất một loại đơn vị được đề nghị; để ngừng xét hình "
                                      "thức này, hãy tắt nó (active).")]})
    known = set(tenant_kinds.CORE_KINDS) | set(db.scalars(select(Tenant.kind).distinct()))
    unknown = [kind for kind in kinds if kind not in known]
    if unknown:
        raise Invalid({field_name: [_("Không có loại đơn vị: %(kinds)s.", kinds=", ".join(unknown))]})


def round_of(period: ReportingPeriod) -> str | None:
    """The round a period holds: ``annual`` for an annual period, ``five_year`` for a summary."""
    return ROUND_OF_PERIOD_KIND.get(period.kind)


# --- who may act --------------------------------------------------------------------------------


def _chain_slug(name: str, default: str) -> str:
    return str(setting(current_app, name, default)) if has_app_context() else default


def chain_unit(db: Session, step: str) -> Tenant | None:
    """The vetting (``VET``) or appraising (``APPRAISE``) unit, found by its configured slug."""
    slug = (_chain_slug(VETTING_UNIT_SETTING, DEFAULT_VETTING_UNIT) if step == VET
            else _chain_slug(APPRAISING_UNIT_SETTING, DEFAULT_APPRAISING_UNIT))
    return db.scalar(select(Tenant).where(Tenant.slug == slug, Tenant.active.is_(True)))


def chain_steps(db: Session, access: Access) -> set[str]:
    """The chain's steps the caller takes: ``VET`` for a reviewer or admin of the vetting unit or
    a unit below it, ``APPRAISE`` likewise for the appraising unit."""
    if isinstance(access, SystemAccess):
        return {VET, APPRAISE}
    steps = set()
    for step in (VET, APPRAISE):
        unit = chain_unit(db, step)
        if unit is not None and any(g.role in CHAIN_ROLES and g.tenant_path.startswith(unit.path)
                                    for g in access.grants):
            steps.add(step)
    return steps


def can_propose(access: Access, unit: Tenant) -> bool:
    """The head or an admin of ``unit``, or an admin above it."""
    return access.has_role(unit, *PROPOSER_ROLES)


@dataclass
class Reach:
    """The caller's view of a period's dossiers while :func:`reach` holds."""

    steps: set[str]
    own: TenantContext | None

    def own_reach(self, tenant: Tenant) -> bool:
        return self.own is None or self.own.can_read(tenant.id, tenant.path)

    def sees(self, dossier: Dossier, tenant: Tenant) -> bool:
        return self.own_reach(tenant) or (bool(self.steps) and dossier.status != DRAFT)


@contextmanager
def reach(db: Session, access: Access, period: ReportingPeriod) -> Iterator[Reach]:
    """For the duration, a vetting or appraising user's session also reads and writes the
    dossiers (and the notices) of units of the period owner's subtree; the context is restored
    afterwards, whatever happens."""
    steps = chain_steps(db, access)
    before = scoping.get_context(db)
    widened = bool(steps) and before is not None and not before.system
    if widened:
        owner = db.get(Tenant, period.owner_tenant_id)
        scoping.set_context(db, TenantContext.for_grants(
            read_ids=before.read_ids, write_ids=before.write_ids,
            read_paths=before.read_paths | {owner.path}, write_paths=before.write_paths | {owner.path}))
    try:
        yield Reach(steps=steps, own=None if before is None or before.system else before)
    finally:
        if widened:
            scoping.set_context(db, before)


# --- reading -------------------------------------------------------------------------------------


def _load(db: Session, seen: Reach, period: ReportingPeriod,
          dossier_id: uuid.UUID | str) -> tuple[Dossier, Tenant]:
    try:
        dossier_id = uuid.UUID(str(dossier_id))
    except ValueError:
        raise NotFound(_("Không tìm thấy hồ sơ đề nghị khen thưởng.")) from None
    row = db.execute(select(Dossier, Tenant).join(Tenant, Tenant.id == Dossier.tenant_id)
                     .where(Dossier.id == dossier_id, Dossier.period_id == period.id)).first()
    if row is None or not seen.sees(row[0], row[1]):
        raise NotFound(_("Không tìm thấy hồ sơ đề nghị khen thưởng."))
    return row[0], row[1]


def check_visible(db: Session, access: Access, period: ReportingPeriod, dossier_id: uuid.UUID | str) -> None:
    """Nothing when the caller sees the dossier. Surfaces call it before reading a body, so that
    someone who may not know the dossier exists learns nothing from a validation error.

    :raises NotFound: the dossier is not the caller's to see.
    """
    with reach(db, access, period) as seen:
        _load(db, seen, period, dossier_id)


def dossier_unit(db: Session, access: Access, period: ReportingPeriod,
                 dossier_id: uuid.UUID | str) -> uuid.UUID:
    """The proposing unit's id of a dossier the caller sees.

    :raises NotFound: the dossier is not the caller's to see.
    """
    with reach(db, access, period) as seen:
        return _load(db, seen, period, dossier_id)[1].id


@dataclass
class DossierRow:
    """A dossier in a list."""

    id: uuid.UUID
    period: uuid.UUID
    unit: Tenant
    status: str
    version: int
    nominee_count: int
    proposed_at: Any


def dossiers(db: Session, access: Access, period: ReportingPeriod,
             status: str | None = None) -> list[DossierRow]:
    """The period's dossiers the caller sees (their units' and, for the chain, every proposed
    one), in the units' Vietnamese order."""
    with reach(db, access, period) as seen:
        counts = (select(Nominee.tenant_id, Nominee.dossier_id, func.count().label("n"))
                  .where(Nominee.period_id == period.id).group_by(Nominee.tenant_id, Nominee.dossier_id)
                  .subquery())
        query = (select(Dossier, Tenant, counts.c.n).join(Tenant, Tenant.id == Dossier.tenant_id)
                 .outerjoin(counts, (counts.c.tenant_id == Dossier.tenant_id)
                            & (counts.c.dossier_id == Dossier.id))
                 .where(Dossier.period_id == period.id).order_by(Tenant.name_key, Tenant.id))
        if status is not None:
            query = query.where(Dossier.status == status)
        return [DossierRow(d.id, d.period_id, t, d.status, d.version, n or 0, d.proposed_at)
                for d, t, n in db.execute(query) if seen.sees(d, t)]


def _subtree_units(db: Session, unit: Tenant) -> int:
    return db.scalar(select(func.count()).select_from(Tenant)
                     .where(Tenant.path.startswith(unit.path), Tenant.active.is_(True))) or 0


def _unit_results(db: Session, period: ReportingPeriod,
                  units: Sequence[Tenant]) -> tuple[bool, dict[uuid.UUID, UnitResult]]:
    results = results_for(db, period)
    found: dict[uuid.UUID, UnitResult] = {}
    for unit in units:
        for row in results.units(db, unit, [unit.kind]):
            if row.tenant_id == unit.id:
                found[unit.id] = row
                break
    return results.frozen, found


# Days of a calendar year a data window must hold for the year to count as one it reports on.
_MOST_OF_A_YEAR = 183


def period_years(period: ReportingPeriod) -> list[int]:
    """The calendar years a period reports on (its reporting years), oldest first.

    With a data window (``window_start`` to ``window_end``): each year the window holds most of
    (at least 183 days), so an emulation year run from 1 December to 30 November counts as the
    year it ends in, and a five-year summary of 01/12/2020–30/11/2025 covers 2021–2025; a window
    holding most of no year gives the year it ends in. Without a window: the year the units'
    reports are due in (``due_at``, in the period's time zone), never the year it opens in: the
    annual period "năm 2026" opens on 01/12/2025 and is due on 10/11/2026. This is "the round's
    year" everywhere the awards speak of it (eligibility's history, certificates' citations)."""
    start, end = period.window_start, period.window_end
    if start is not None and end is not None and start <= end:
        held = [year for year in range(start.year, end.year + 1)
                if (min(end, date(year, 12, 31)) - max(start, date(year, 1, 1))).days + 1 >= _MOST_OF_A_YEAR]
        return held or [end.year]
    if end is not None or start is not None:
        return [(end or start).year]
    due = period.due_at.replace(tzinfo=period.due_at.tzinfo or UTC)
    return [due.astimezone(ZoneInfo(period.time_zone or period_models.TIME_ZONE)).year]


def needed_years(period: ReportingPeriod, award: AwardType) -> list[int]:
    """The years an award's classification and standard rules read, oldest first: the
    ``years`` consecutive years (``requires``) ending with the round's last year; none when the
    award does not ask for several (its rules read the round's own results)."""
    count = int((award.requires or {}).get("years") or 0)
    if count < 1:
        return []
    last = period_years(period)[-1]
    return list(range(last - count + 1, last + 1))


def _year_sources(db: Session, period: ReportingPeriod, years: Iterable[int]) -> dict[int, ReportingPeriod]:
    """The annual period whose results stand for each year, when there is one: the round's own
    period for its year when it is annual; otherwise an annual period of the round's owner
    covering that year, a closed one (its snapshot) before one still open, the latest opened
    first. Periods not yet open hold no results."""
    wanted = set(years)
    found: dict[int, ReportingPeriod] = {}
    if period.kind == "annual":
        for year in period_years(period):
            if year in wanted:
                found[year] = period
    candidates = db.scalars(select(ReportingPeriod).where(
        ReportingPeriod.owner_tenant_id == period.owner_tenant_id, ReportingPeriod.kind == "annual",
        ReportingPeriod.state != period_models.DRAFT, ReportingPeriod.id != period.id))
    closed = (period_models.CLOSED, period_models.ARCHIVED)
    for candidate in sorted(candidates, key=lambda p: (p.state in closed, p.opens_at)):
        year = period_years(candidate)[-1]
        if year in wanted and found.get(year) is not period:
            found[year] = candidate  # the sort puts the preferred one last
    return found


def history(db: Session, period: ReportingPeriod, units: Sequence[Tenant],
            years: Sequence[int]) -> dict[uuid.UUID, list[eligibility.YearResult]]:
    """Each unit's result in each of ``years`` (oldest first), read from that year's annual
    period (:func:`_year_sources`) through :func:`core.snapshots.operations.results_for`: the
    closed period's snapshot where it has one, the live reports otherwise. A year without a
    period, or a unit without a report in it, gives a :class:`~core.awards.eligibility.YearResult`
    whose ``result`` is None."""
    sources = _year_sources(db, period, years)
    found: dict[uuid.UUID, list[eligibility.YearResult]] = {unit.id: [] for unit in units}
    for year in sorted(years):
        source = sources.get(year)
        frozen, results = _unit_results(db, source, units) if source is not None else (False, {})
        bands = list(source.bands or []) if source is not None else []
        for unit in units:
            found[unit.id].append(eligibility.YearResult(year, results.get(unit.id), bands, frozen))
    return found


def _actions(seen: Reach, access: Access, dossier: Dossier, unit: Tenant,
             awards: Iterable[AwardType]) -> list[str]:
    actions = []
    if dossier.status in EDITABLE and seen.own_reach(unit) and can_propose(access, unit):
        actions += ["edit", "submit"]
    for step in ("vet", "appraise", "forward", "decide", "return"):
        starts, _to, actor = STEPS[step]
        if dossier.status not in starts:
            continue
        actor = actor or _return_actor(dossier.status)
        if actor not in seen.steps:
            continue
        if step == "decide" and dossier.status == APPRAISED and _above_city(awards):
            continue
        if step == "forward" and not _above_city(awards):
            continue  # the City decides its own awards: nothing to send above it
        actions.append(step)
    return actions


def _above_city(awards: Iterable[AwardType]) -> bool:
    return any(a.level in ABOVE_CITY for a in awards)


def describe(db: Session, access: Access, period: ReportingPeriod, dossier_id: uuid.UUID | str,
             rules: Iterable[Any] = ()) -> dict[str, Any]:
    """A dossier as the API and the page show it: its nominees with their eligibility hints
    (:mod:`core.awards.eligibility`, ``rules`` being the plugins' ``thidua_award_rules``), the
    quota warnings and the steps the caller may take now.

    :raises NotFound: the dossier is not the caller's to see.
    """
    with reach(db, access, period) as seen:
        dossier, unit = _load(db, seen, period, dossier_id)
        nominees = list(db.scalars(select(Nominee).where(Nominee.tenant_id == dossier.tenant_id,
                                                         Nominee.dossier_id == dossier.id)
                                   .order_by(Nominee.created_at, Nominee.id)))
        awards = {a.id: a for a in db.scalars(select(AwardType).where(
            AwardType.id.in_({n.award_type_id for n in nominees})))} if nominees else {}
        units = {t.id: t for t in db.scalars(select(Tenant).where(
            Tenant.id.in_({n.unit_id for n in nominees})))} if nominees else {}
        collectives = [units[n.unit_id] for n in nominees if n.subject == COLLECTIVE and n.unit_id in units]
        frozen, results = _unit_results(db, period, collectives)
        ranks = best_frozen_ranks(db, period, [u.id for u in collectives])
        years = sorted({y for a in awards.values() for y in needed_years(period, a)})
        past = history(db, period, collectives, years) if years else {}
        rules = list(rules)
        rows = []
        for nominee in nominees:
            award, member = awards[nominee.award_type_id], units[nominee.unit_id]
            wanted = needed_years(period, award)
            subject = eligibility.Subject(
                award_key=award.key, subject=nominee.subject, unit_id=member.id, unit_kind=member.kind,
                person_name=nominee.person_name, person_position=nominee.person_position,
                result=results.get(member.id) if nominee.subject == COLLECTIVE else None,
                cluster_rank=ranks.get(member.id) if nominee.subject == COLLECTIVE else None,
                bands=list(period.bands or []),
                history=tuple(y for y in past.get(member.id, ()) if y.year in wanted)
                if nominee.subject == COLLECTIVE else ())
            rows.append({"id": nominee.id, "subject": nominee.subject,
                         "award": {"id": award.id, "key": award.key, "name": award.name,
                                   "name_en": award.name_en},
                         "unit": {"id": member.id, "name": member.name, "kind": member.kind},
                         "person_name": nominee.person_name, "person_position": nominee.person_position,
                         "note": nominee.note, "achievement": nominee.achievement,
                         "hints": eligibility.hints(award, subject, rules)})
        warnings = eligibility.quota_warnings(awards, [(n.award_type_id, n.subject) for n in nominees],
                                              _subtree_units(db, unit))
        attachments = [{"id": a.id, "kind": a.kind, "filename": a.filename, "content_type": a.content_type,
                        "size": a.size, "uploaded_at": a.uploaded_at}
                       for a in db.scalars(select(Attachment).where(
                           Attachment.tenant_id == dossier.tenant_id, Attachment.dossier_id == dossier.id)
                           .order_by(Attachment.kind, Attachment.uploaded_at, Attachment.id))]
        decision = None
        if dossier.decision_number:
            decision = {"number": dossier.decision_number, "date": dossier.decision_date,
                        "authority": dossier.decision_authority or ""}
        return {
            "id": dossier.id, "period": period.id, "round": round_of(period),
            "unit": {"id": unit.id, "name": unit.name, "kind": unit.kind},
            "status": dossier.status, "version": dossier.version, "justification": dossier.justification,
            "return_reason": dossier.return_reason, "returned_from": dossier.returned_from,
            "proposed_at": dossier.proposed_at, "decision": decision, "forwarded_to": dossier.forwarded_to,
            "results_frozen": frozen, "nominees": rows, "warnings": warnings, "attachments": attachments,
            "actions": _actions(seen, access, dossier, unit, awards.values()),
        }


# --- changes -------------------------------------------------------------------------------------


def _current_version(db: Session, dossier: Dossier) -> int:
    return db.scalar(select(Dossier.version).where(Dossier.tenant_id == dossier.tenant_id,
                                                   Dossier.id == dossier.id)) or 0


def expect(dossier: Dossier, version: int | None) -> None:
    """Refuse at once a change naming a version other than the one just read."""
    if version is not None and version != dossier.version:
        raise StaleDossier(dossier.version)


def _check_proposal(db: Session, period: ReportingPeriod, dossier: Dossier, unit: Tenant,
                    awards: dict[uuid.UUID, AwardType], nominees: list[Any],
                    data: dict[str, Any]) -> list[eligibility.QuotaWarning]:
    """What a dossier must hold to be proposed; the quota warnings it may be proposed with.

    :raises Invalid: see :func:`take_step`.
    """
    _require_round(period)
    if not nominees:
        raise Invalid({"nominees": [_("Hồ sơ chưa có tập thể hoặc cá nhân nào được đề nghị.")]})
    if not dossier.justification.strip():
        raise Invalid({"justification": [_("Cần nhập tóm tắt thành tích.")]})
    # The cover memo is part of every dossier (NĐ 98/2023/NĐ-CP, Art. 84); the minutes
    # are shown when attached but not required.
    if db.scalar(select(Attachment.id).where(Attachment.tenant_id == dossier.tenant_id,
                                             Attachment.dossier_id == dossier.id,
                                             Attachment.kind == MEMO).limit(1)) is None:
        raise Invalid({"attachments": [_("Cần đính kèm tờ trình đề nghị khen thưởng trước khi gửi "
                                         "hồ sơ.")]})
    warnings = eligibility.quota_warnings(awards, [tuple(n) for n in nominees],
                                          _subtree_units(db, unit))
    if warnings and not data.get("confirm"):
        raise Invalid({"confirm": [w.message for w in warnings]},
                      _("Hồ sơ vượt mức khen thưởng cho phép; xác nhận để vẫn gửi."))
    return warnings


def still_read(db: Session, dossier: Dossier) -> None:
    """Before refusing a step for what was read, confirm the dossier still holds the version
    loaded (as :func:`core.reports.atomic.still_read` does for a report).

    :raises StaleDossier: the dossier moved while it was being checked.
    """
    stored = _current_version(db, dossier)
    if stored != dossier.version:
        raise StaleDossier(stored)


def claim(db: Session, dossier: Dossier, expected: int | None = None) -> None:
    """``UPDATE award_dossier SET version = v + 1 WHERE … AND version = v``, before any other
    write of a change (as :func:`core.reports.atomic.claim` does for reports).

    :raises StaleDossier: the row no longer holds ``expected`` (by default the version loaded).
    """
    expected = dossier.version if expected is None else expected
    moved = db.execute(
        update(Dossier).where(Dossier.tenant_id == dossier.tenant_id, Dossier.id == dossier.id,
                              Dossier.version == expected)
        .values(version=expected + 1).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise StaleDossier(_current_version(db, dossier))
    set_committed_value(dossier, "version", expected + 1)


def _require_round(period: ReportingPeriod) -> str:
    found = round_of(period)
    if found is None:
        raise Invalid({"period": [_("Kỳ báo cáo này không có đợt xét khen thưởng (chỉ kỳ hằng năm và kỳ "
                                    "tổng kết).")]})
    if period.state not in ACTIVE_PERIOD_STATES:
        raise Conflict(_("Kỳ báo cáo chưa mở hoặc đã lưu trữ: không nhận hồ sơ khen thưởng."))
    return found


def _require_proposer(access: Access, unit: Tenant) -> None:
    if not can_propose(access, unit):
        raise Forbidden(_("Chỉ thủ trưởng hoặc quản trị viên của đơn vị mới được lập và gửi hồ sơ đề nghị "
                          "khen thưởng."))


def _audit(db: Session, access: Access, action: str, dossier: Dossier, changes: dict[str, Any],
           reason: str = "") -> None:
    record(db, f"award_dossier.{action}", tenant_id=dossier.tenant_id, actor_id=access.actor_id,
           actor_label=access.actor_label, object_type="award_dossier", object_id=str(dossier.id),
           changes=changes, reason=reason, ip=access.ip)


def create(db: Session, access: Access, period: ReportingPeriod, unit: Tenant,
           justification: str = "") -> uuid.UUID:
    """Open ``unit``'s dossier for the period's round (the caller has already seen ``unit``).

    :raises Forbidden: not the unit's head or admin.
    :raises Invalid: the period holds no round (``period``).
    :raises Conflict: the unit already has its dossier for this period (``id`` names it).
    """
    _require_proposer(access, unit)
    _require_round(period)
    dossier_id = uuid.uuid4()
    now = utcnow()
    inserted = insert_or_ignore(db, Dossier, {
        "tenant_id": unit.id, "id": dossier_id, "period_id": period.id, "status": DRAFT, "version": 0,
        "justification": nfc(justification), "return_reason": "", "created_at": now, "updated_at": now,
    }, ["tenant_id", "period_id"])
    if not inserted:
        existing = db.scalar(select(Dossier.id).where(Dossier.tenant_id == unit.id,
                                                      Dossier.period_id == period.id))
        raise Conflict(_("Đơn vị đã có hồ sơ đề nghị khen thưởng trong kỳ này."), id=str(existing))
    record(db, "award_dossier.created", tenant_id=unit.id, actor_id=access.actor_id,
           actor_label=access.actor_label, object_type="award_dossier", object_id=str(dossier_id),
           changes={"period": str(period.id)}, ip=access.ip)
    return dossier_id


def _editable(db: Session, access: Access, seen: Reach, period: ReportingPeriod, dossier_id: uuid.UUID | str,
              version: int | None) -> tuple[Dossier, Tenant]:
    dossier, unit = _load(db, seen, period, dossier_id)
    if not seen.own_reach(unit):
        raise Forbidden(_("Chỉ đơn vị đề nghị mới được sửa hồ sơ."))
    _require_proposer(access, unit)
    expect(dossier, version)
    if dossier.status not in EDITABLE:
        raise Conflict(_("Hồ sơ đã gửi đi: chỉ sửa được khi còn là bản nháp hoặc bị trả lại."),
                       version=dossier.version)
    return dossier, unit


def update_justification(db: Session, access: Access, period: ReportingPeriod, dossier_id: uuid.UUID | str,
                         justification: str, version: int | None = None) -> None:
    """Replace the dossier's justification (tóm tắt thành tích).

    :raises Forbidden, Conflict, StaleDossier: see the module's rules.
    """
    with reach(db, access, period) as seen:
        dossier, _unit = _editable(db, access, seen, period, dossier_id, version)
        before = dossier.justification
        claim(db, dossier)
        dossier.justification = nfc(justification)
        dossier.updated_at = utcnow()
        _audit(db, access, "edited", dossier, {"justification": [before, dossier.justification]})
        db.flush()


# The individuals plugin's criteria set (plugins/individuals/criteria.py, plan III.2.d): one
# nominee's achievements per unit report, with their name, position and category.
ACHIEVEMENT_SET = "individual.achievements"


def achievement_record(db: Session, unit: Tenant, period: ReportingPeriod) -> dict[str, Any] | None:
    """The achievement record the individuals criteria set holds in ``unit``'s report for the
    period, or None when the unit did not fill it. The plugin records one person per unit
    report, so the record is the unit's: ``{"set_key", "set_version", "full_name", "position",
    "category", "score"}``, ``score`` in points out of 100, the reviewer's score once the report
    was reviewed, the unit's own before. Read within the caller's reach (the proposer's subtree).
    """
    row = db.execute(select(Section).join(Submission, (Submission.tenant_id == Section.tenant_id)
                                          & (Submission.id == Section.submission_id))
                     .where(Submission.tenant_id == unit.id, Submission.period_id == period.id,
                            Section.set_key == ACHIEVEMENT_SET)).scalars().first()
    if row is None or not str((row.values or {}).get("full_name") or "").strip():
        return None
    values = row.values
    score = row.review_score if row.review_score is not None else row.self_score
    return {"set_key": row.set_key, "set_version": row.set_version,
            "full_name": nfc(str(values["full_name"])),
            "position": nfc(str(values.get("position") or "")), "category": str(values.get("category") or ""),
            "score": score}


def _subject_key(subject: str, unit_id: uuid.UUID, person_name: str) -> str:
    if subject == COLLECTIVE:
        return f"unit:{unit_id}"
    return f"person:{unit_id}:{fold(person_name)}"


def add_nominee(db: Session, access: Access, period: ReportingPeriod, dossier_id: uuid.UUID | str,
                data: dict[str, Any]) -> uuid.UUID:
    """Add a collective or an individual (``NomineeInputSchema``'s fields) to the dossier.

    :raises Invalid: an unknown award or one of another round (``award``), an award the
        proposer's kind of unit may not propose (``award``) or not given to this kind of subject
        (``subject``), a unit outside the proposer's subtree (``unit``), an individual without a
        name (``person_name``), the same unit or person already nominated for this award in
        this round, by any unit (``unit`` or ``person_name``); ``achievement`` asked for a
        collective, or for a unit whose report holds no individuals record (``achievement``).
    """
    with reach(db, access, period) as seen:
        dossier, proposer = _editable(db, access, seen, period, dossier_id, data.get("version"))
        round_kind = _require_round(period)
        award = db.scalar(select(AwardType).where(AwardType.key == data["award"], AwardType.active.is_(True)))
        if award is None or award.round_kind != round_kind:
            raise Invalid({"award": [_("Hình thức khen thưởng không có trong đợt xét của kỳ này.")]})
        if proposer.kind not in (award.proposer_kinds or []):
            raise Invalid({"award": [_("Loại đơn vị của bạn không được đề nghị hình thức khen thưởng này.")]})
        subject = data["subject"]
        if subject not in (award.subjects or []):
            raise Invalid({"subject": [_("Hình thức khen thưởng này không dành cho đối tượng đã chọn.")]})
        member = db.get(Tenant, data["unit"])
        if member is None or not member.active or not member.path.startswith(proposer.path):
            raise Invalid({"unit": [_("Chỉ đề nghị đơn vị trực thuộc đơn vị mình (hoặc chính đơn vị "
                                      "mình).")]})
        name = nfc(data.get("person_name") or "") if subject == INDIVIDUAL else ""
        position = nfc(data.get("person_position") or "")
        achievement = None
        if data.get("achievement"):
            if subject != INDIVIDUAL:
                raise Invalid({"achievement": [_("Chỉ cá nhân được đề nghị mới kèm thành tích cá nhân.")]})
            achievement = achievement_record(db, member, period)
            if achievement is None:
                raise Invalid({"achievement": [_("Báo cáo của đơn vị trong kỳ này chưa có thành tích cá nhân "
                                                 "(bộ tiêu chí cá nhân) để đính kèm.")]})
            name = name or achievement["full_name"]
            position = position or achievement["position"]
        if subject == INDIVIDUAL and not name:
            raise Invalid({"person_name": [_("Cần nhập họ và tên cá nhân được đề nghị.")]})
        claim(db, dossier)
        nominee_id = uuid.uuid4()
        inserted = insert_or_ignore(db, Nominee, {
            "tenant_id": dossier.tenant_id, "id": nominee_id, "dossier_id": dossier.id,
            "period_id": period.id, "award_type_id": award.id, "subject": subject, "unit_id": member.id,
            "person_name": name, "person_position": position if name else "", "achievement": achievement,
            "person_search": fold(name)[:255], "subject_key": _subject_key(subject, member.id, name),
            "note": nfc(data.get("note") or ""), "created_at": utcnow(),
        }, ["period_id", "award_type_id", "subject_key"])
        if not inserted:
            field_name = "person_name" if subject == INDIVIDUAL else "unit"
            raise Invalid({field_name: [_("Đối tượng này đã được đề nghị «%(award)s» trong đợt xét này.",
                                          award=award.name)]})
        dossier.updated_at = utcnow()
        _audit(db, access, "nominee_added", dossier, {
            "nominee": str(nominee_id), "award": award.key, "subject": subject, "unit": str(member.id),
            "person_name": name, "achievement": achievement})
        db.flush()
        return nominee_id


def part_of(db: Session, model: type[Nominee] | type[Attachment], dossier: Dossier, row_id: uuid.UUID | str,
            missing: str) -> Any:
    """The dossier's nominee or attachment with this id.

    :raises NotFound: (with ``missing``) no such row in this dossier, or not an id at all.
    """
    try:
        row_id = uuid.UUID(str(row_id))
    except ValueError:
        raise NotFound(missing) from None
    row = db.scalar(select(model).where(model.tenant_id == dossier.tenant_id, model.dossier_id == dossier.id,
                                        model.id == row_id))
    if row is None:
        raise NotFound(missing)
    return row


def _nominee(db: Session, dossier: Dossier, nominee_id: uuid.UUID | str) -> Nominee:
    return part_of(db, Nominee, dossier, nominee_id, _("Không tìm thấy đối tượng được đề nghị."))


def update_nominee_note(db: Session, access: Access, period: ReportingPeriod, dossier_id: uuid.UUID | str,
                        nominee_id: uuid.UUID | str, note: str, version: int | None = None) -> None:
    """Replace a nominee's note (ghi chú: what the proposer adds beside the name) while the
    dossier is a draft or returned; audited with the note before and after.

    :raises NotFound: no such nominee in the dossier, or the dossier is not the caller's to see.
    :raises Forbidden, Conflict, StaleDossier: see the module's rules.
    """
    with reach(db, access, period) as seen:
        dossier, _unit = _editable(db, access, seen, period, dossier_id, version)
        nominee = _nominee(db, dossier, nominee_id)
        before, after = nominee.note, nfc(note)
        claim(db, dossier)
        nominee.note = after
        dossier.updated_at = utcnow()
        _audit(db, access, "nominee_note", dossier, {"nominee": str(nominee.id), "note": [before, after]})
        db.flush()


def remove_nominee(db: Session, access: Access, period: ReportingPeriod, dossier_id: uuid.UUID | str,
                   nominee_id: uuid.UUID | str, version: int | None = None) -> None:
    """Take a nominee out of a dossier still being prepared.

    :raises NotFound: no such nominee in the dossier.
    """
    with reach(db, access, period) as seen:
        dossier, _unit = _editable(db, access, seen, period, dossier_id, version)
        nominee = _nominee(db, dossier, nominee_id)
        claim(db, dossier)
        _audit(db, access, "nominee_removed", dossier, {
            "nominee": str(nominee.id), "unit": str(nominee.unit_id), "person_name": nominee.person_name})
        db.delete(nominee)
        dossier.updated_at = utcnow()
        db.flush()


# --- the chain -----------------------------------------------------------------------------------


def _return_actor(status: str) -> str:
    # Công an TP returns what it has to vet; Sở Nội vụ what it has vetted or appraised.
    return VET if status == PROPOSED else APPRAISE


def _role_message(actor: str) -> str:
    if actor == "unit":
        return _("Chỉ thủ trưởng hoặc quản trị viên của đơn vị mới được gửi hồ sơ đề nghị khen thưởng.")
    if actor == VET:
        return _("Chỉ Công an Thành phố mới được thẩm định hoặc trả lại hồ sơ ở bước này.")
    return _("Chỉ Sở Nội vụ (Ban Thi đua - Khen thưởng) mới được thẩm định, trình hoặc ghi quyết định ở "
             "bước này.")


@dataclass
class StepResult:
    """What a step did: ``status`` reached; ``warnings`` the quotas a proposal went over."""

    status: str
    version: int
    warnings: list[eligibility.QuotaWarning] = field(default_factory=list)


def step(db: Session, access: Access, period: ReportingPeriod, dossier_id: uuid.UUID | str, name: str,
         data: dict[str, Any]) -> StepResult:
    """Move the dossier one step along the chain (``STEPS``).

    ``data`` holds the step's fields: ``version`` (optional), and ``confirm`` (submit), ``note``
    (vet, appraise), ``reason`` (return), ``number``, ``date``, ``authority`` (decide), ``to``
    (forward).

    :raises NotFound: the caller does not see the dossier.
    :raises Forbidden: the step is not the caller's to take.
    :raises StaleDossier: the dossier moved since ``version`` (409, naming the version now).
    :raises Conflict: the dossier is not where the step starts from (409), or a dossier holding
        an award above the City is decided before it was forwarded.
    :raises Invalid: proposing an empty dossier (``nominees``), one without a justification
        (``justification``) or without its cover memo, tờ trình (``attachments``); proposing
        over a quota without ``confirm`` (``confirm``, naming each warning).
    """
    starts, target, actor = STEPS[name]
    with reach(db, access, period) as seen:
        dossier, unit = _load(db, seen, period, dossier_id)
        actor = actor or _return_actor(dossier.status)
        if actor == "unit":
            allowed = seen.own_reach(unit) and can_propose(access, unit)
        else:
            allowed = actor in seen.steps
        if not allowed:
            raise Forbidden(_role_message(actor))
        expect(dossier, data.get("version"))
        if dossier.status not in starts:
            raise Conflict(_("Hồ sơ đang ở trạng thái không cho phép bước này."), version=dossier.version)
        nominees = list(db.execute(select(Nominee.award_type_id, Nominee.subject).where(
            Nominee.tenant_id == dossier.tenant_id, Nominee.dossier_id == dossier.id)))
        awards = {a.id: a for a in db.scalars(select(AwardType).where(
            AwardType.id.in_({n[0] for n in nominees})))} if nominees else {}
        warnings: list[eligibility.QuotaWarning] = []
        if name == "submit":
            try:
                warnings = _check_proposal(db, period, dossier, unit, awards, nominees, data)
            except Invalid:
                # Found on what each statement read, possibly a change committed after the dossier
                # was loaded (a memo removed meanwhile): then the caller's read is stale, a 409.
                still_read(db, dossier)
                raise
        if name == "decide" and dossier.status == APPRAISED and _above_city(awards.values()):
            raise Conflict(_("Hồ sơ có hình thức khen thưởng thuộc thẩm quyền cấp trên: cần trình cấp trên "
                             "trước khi ghi quyết định."), version=dossier.version)
        if name == "forward" and not _above_city(awards.values()):
            raise Conflict(_("Hồ sơ chỉ có hình thức khen thưởng thuộc thẩm quyền của Thành phố: ghi quyết "
                             "định thay vì trình cấp trên."), version=dossier.version)
        if name == "decide" and data["date"] > clock.today():
            raise Invalid({"date": [_("Ngày quyết định %(day)s chưa đến; hãy ghi ngày đã ký quyết định.",
                                      day=data["date"].strftime("%d/%m/%Y"))]})
        claim(db, dossier)
        before = dossier.status
        changes: dict[str, Any] = {"status": [before, target]}
        reason = ""
        dossier.status = target
        dossier.updated_at = utcnow()
        if name == "submit":
            dossier.proposed_at = utcnow()
            dossier.return_reason, dossier.returned_from = "", None
            if warnings:
                changes["quota_warnings"] = [w.message for w in warnings]
        elif name == "return":
            reason = data["reason"]
            dossier.return_reason, dossier.returned_from = reason, before
        elif name == "forward":
            dossier.forwarded_to = data["to"]
            changes["forwarded_to"] = data["to"]
        elif name == "decide":
            authority = data.get("authority") or _default_authority(db, awards.values(), unit)
            dossier.decision_number, dossier.decision_date = data["number"], data["date"]
            dossier.decision_authority = authority
            changes["decision"] = {"number": data["number"], "date": data["date"].isoformat(),
                                   "authority": authority}
        note = data.get("note") or ""
        if note:
            changes["note"] = note
        _audit(db, access, name, dossier, changes, reason=reason)
        _tell(db, period, dossier, unit, name, data)
        db.flush()
        return StepResult(status=target, version=dossier.version, warnings=warnings)


def _default_authority(db: Session, awards: Iterable[AwardType], proposer: Tenant) -> str:
    """The bodies that grant the dossier's awards, named (:func:`issuing_body`)."""
    return "; ".join(sorted({issuing_body(db, award, proposer) for award in awards}))


# A commune-level unit's name starts with its kind, written lower-case after the chairman's title
# ("Chủ tịch Ủy ban nhân dân phường A").
_UNIT_PREFIXES = ("Phường ", "Xã ", "Thị trấn ", "Đặc khu ")


def head_of(unit: Tenant) -> str:
    """The head of ``unit`` as a decision and a certificate name them: "Chủ tịch Ủy ban nhân dân
    phường A", "Giám đốc Sở Giáo dục và Đào tạo", else "Thủ trưởng <unit>"."""
    name = unit.name
    for prefix in _UNIT_PREFIXES:
        if unit.kind in ("ward", "commune") and name.startswith(prefix):
            name = prefix.lower() + name[len(prefix):]
            break
    return f"{HEAD_TITLES.get(unit.kind, 'Thủ trưởng')} {name}"


def issuing_body(db: Session, award: AwardType, proposer: Tenant) -> str:
    """Who grants ``award`` on ``proposer``'s dossier, named. For an award granted by the head of
    a unit (``issuer_kinds``: a department's Giấy khen, a ward's or commune's), the head of the
    proposer's nearest unit of those kinds, itself included (a school of ward A: "Chủ tịch Ủy ban
    nhân dân phường A"); otherwise, or when no such unit is above the proposer, the award's
    ``authority`` ("Chủ tịch Ủy ban nhân dân Thành phố Hà Nội")."""
    kinds = award.issuer_kinds or []
    if kinds:
        ids = proposer.ancestor_ids()
        units = {t.id: t for t in db.scalars(select(Tenant).where(Tenant.id.in_(ids)))}
        for unit_id in reversed(ids):
            unit = units.get(unit_id)
            if unit is not None and unit.kind in kinds:
                return head_of(unit)
    return award.authority


def round_span(period: ReportingPeriod) -> str:
    """The time a round's achievements cover, as a certificate's citation says it: "năm 2026",
    or "giai đoạn 2021–2025" for a summary of several years (:func:`period_years`)."""
    years = period_years(period)
    if len(years) == 1:
        return f"năm {years[0]}"
    return f"giai đoạn {years[0]}–{years[-1]}"


def dossier_path(period_id: uuid.UUID, dossier_id: uuid.UUID) -> str:
    """The dossier's page (the web's ``web.award_dossier`` route), written out: this module
    sits below the web layer."""
    return f"/periods/{period_id}/nominations/{dossier_id}"


def _tell(db: Session, period: ReportingPeriod, dossier: Dossier, unit: Tenant, name: str,
          data: dict[str, Any]) -> None:
    """Notify who acts next and, but on a proposal, the proposing unit; the session may write
    their notices for the duration (the chain's units are not above the proposer)."""
    codes = {"submit": "award.proposed", "vet": "award.vetted", "appraise": "award.appraised",
             "forward": "award.forwarded", "decide": "award.decided", "return": "award.returned"}
    body: list = []
    if name == "return":
        body.append(messages.line("award.line.reason", text=data["reason"]))
    elif name == "decide":
        body.append(messages.line("award.line.decision", number=data["number"],
                                  date=data["date"].strftime("%d/%m/%Y"),
                                  authority=dossier.decision_authority))
    elif name == "forward":
        body.append(messages.line("award.line.forwarded", to=data["to"]))
    message = {"title": messages.line(codes[name], unit=unit.name, period=period.title), "body": body}
    link = dossier_path(period.id, dossier.id)
    # Who acts next: the vetting unit's people on a proposal; the appraising unit's once vetted
    # (they appraise), appraised (they decide or forward) and forwarded (they record the higher
    # authority's decision); the proposer when it comes back or is decided.
    acting = {"submit": VET, "vet": APPRAISE, "appraise": APPRAISE, "forward": APPRAISE}.get(name)
    chain = chain_unit(db, acting) if acting else None
    if chain is not None:
        # Every reviewer or admin of the chain unit or a unit below it takes the step (chain_steps).
        notify_within(db, chain, CHAIN_ROLES, kind=f"award.{name}", title="", message=message, link=link)
    if name == "submit":
        return
    before = scoping.get_context(db)
    if before is not None and not before.system:
        scoping.set_context(db, before.widened([unit.id]))
    try:
        notify(db, unit, PROPOSER_ROLES, kind=f"award.{name}", title="", message=message, link=link)
    finally:
        if before is not None:
            scoping.set_context(db, before)


# --- the registry ---------------------------------------------------------------------------------


@dataclass
class RegistryRow:
    """One commendation decided: who, which award, which decision."""

    award: AwardType
    subject: str
    unit: Tenant
    person_name: str
    person_position: str
    period: ReportingPeriod
    decision_number: str
    decision_date: date | None
    decision_authority: str


@contextmanager
def registry_reach(db: Session, access: Access) -> Iterator[None]:
    """For the duration, a vetting or appraising user's session also reads (never writes) the
    whole tree their chain unit belongs to: Công an Thành phố and Sở Nội vụ vet and appraise
    every unit's dossiers, so they search the city's registry, not only their own units'. The
    city's own admins and viewers reach it through their grants already; any other caller keeps
    their subtree."""
    before = scoping.get_context(db)
    roots = set()
    if before is not None and not before.system:
        for step_name in chain_steps(db, access):
            unit = chain_unit(db, step_name)
            if unit is not None:
                roots.add(f"/{unit.path.strip('/').split('/')[0]}/")
    if roots:
        scoping.set_context(db, TenantContext.for_grants(
            read_ids=before.read_ids, write_ids=before.write_ids,
            read_paths=before.read_paths | roots, write_paths=before.write_paths))
    try:
        yield
    finally:
        if roots:
            scoping.set_context(db, before)


def registry(db: Session, access: Access, *, query: str = "", year: int | None = None,
             award_key: str | None = None, unit_id: uuid.UUID | None = None,
             limit: int = 200) -> list[RegistryRow]:
    """Decided commendations across years, newest decision first: by person (accent-free:
    "nguyen van duc" finds "Nguyễn Văn Đức") or unit name, the decision's year, the award type's
    key, the nominated unit. Each caller searches the units their grants reach; the vetting and
    appraising units search the whole city (:func:`registry_reach`)."""
    with registry_reach(db, access):
        return _registry(db, query=query, year=year, award_key=award_key, unit_id=unit_id, limit=limit)


def _registry(db: Session, *, query: str, year: int | None, award_key: str | None,
              unit_id: uuid.UUID | None, limit: int) -> list[RegistryRow]:
    rows = (select(Nominee, AwardType, Tenant, ReportingPeriod, Dossier)
            .join(AwardType, AwardType.id == Nominee.award_type_id)
            .join(Tenant, Tenant.id == Nominee.unit_id)
            .join(ReportingPeriod, ReportingPeriod.id == Nominee.period_id)
            .join(Dossier, (Dossier.tenant_id == Nominee.tenant_id) & (Dossier.id == Nominee.dossier_id))
            .where(Dossier.status == DECIDED))
    if query.strip():
        term = fold(query)
        rows = rows.where(Nominee.person_search.contains(term, autoescape=True)
                          | Tenant.search_text.contains(term, autoescape=True))
    if year is not None:
        rows = rows.where(Dossier.decision_date >= date(year, 1, 1),
                          Dossier.decision_date <= date(year, 12, 31))
    if award_key:
        rows = rows.where(AwardType.key == award_key)
    if unit_id is not None:
        rows = rows.where(Nominee.unit_id == unit_id)
    rows = rows.order_by(Dossier.decision_date.desc(), AwardType.position, Tenant.name_key,
                         Nominee.person_search).limit(limit)
    return [RegistryRow(a, n.subject, t, n.person_name, n.person_position, p, d.decision_number or "",
                        d.decision_date, d.decision_authority or "")
            for n, a, t, p, d in db.execute(rows)]


# --- documents --------------------------------------------------------------------------------

# The printed name of each form that comes with a paper certificate (research on certificates:
# Bằng khen and Giấy khen share one structure; a Cờ thi đua or a Huân chương is no paper).
CERTIFICATE_TITLES = {"bang_khen": "BẰNG KHEN", "giay_khen": "GIẤY KHEN"}


@dataclass
class DecisionDocument:
    """What the list attached to a decision and the certificates print, in Vietnamese: documents
    are issued in Vietnamese whatever the interface language (NĐ 30/2020 Điều 8).

    ``collectives`` and ``individuals`` hold ``{"name", "position", "unit", "award", "form",
    "authority"}`` in the dossier's order, ``authority`` being the body that grants the award,
    named (:func:`issuing_body`). ``span`` is the time the achievements cover ("năm 2026",
    :func:`round_span`); ``period`` the period's title, for the page's heading only."""

    unit: str
    period: str
    span: str
    decision_number: str
    decision_date: date
    decision_authority: str
    awards: list[str]
    collectives: list[dict[str, str]]
    individuals: list[dict[str, str]]

    def certificates(self) -> list[dict[str, str]]:
        """One certificate per nominee whose award is a Bằng khen or a Giấy khen, collectives
        first, with its printed ``title``."""
        return [{**row, "title": CERTIFICATE_TITLES[row["form"]]}
                for row in (*self.collectives, *self.individuals) if row["form"] in CERTIFICATE_TITLES]


def decision_document(db: Session, access: Access, period: ReportingPeriod,
                      dossier_id: uuid.UUID | str) -> DecisionDocument:
    """The decided dossier's nominees as the decision's list and the certificates print them.

    :raises NotFound: the caller does not see the dossier.
    :raises Conflict: the dossier has no decision yet.
    """
    with reach(db, access, period) as seen:
        dossier, unit = _load(db, seen, period, dossier_id)
        if dossier.status != DECIDED or not dossier.decision_number or dossier.decision_date is None:
            raise Conflict(_("Hồ sơ chưa có quyết định khen thưởng."), version=dossier.version)
        rows = db.execute(select(Nominee, AwardType, Tenant)
                          .join(AwardType, AwardType.id == Nominee.award_type_id)
                          .join(Tenant, Tenant.id == Nominee.unit_id)
                          .where(Nominee.tenant_id == dossier.tenant_id, Nominee.dossier_id == dossier.id)
                          .order_by(AwardType.position, Nominee.created_at, Nominee.id)).all()
        collectives, individuals, awards = [], [], []
        issuers: dict[uuid.UUID, str] = {}
        for nominee, award, member in rows:
            if award.name not in awards:
                awards.append(award.name)
                issuers[award.id] = issuing_body(db, award, unit)
            row = {"name": member.name if nominee.subject == COLLECTIVE else nominee.person_name,
                   "position": nominee.person_position, "unit": member.name, "award": award.name,
                   "form": award.form, "authority": issuers[award.id]}
            (collectives if nominee.subject == COLLECTIVE else individuals).append(row)
        return DecisionDocument(unit=unit.name, period=period.title, span=round_span(period),
                                decision_number=dossier.decision_number,
                                decision_date=dossier.decision_date,
                                decision_authority=dossier.decision_authority or "", awards=awards,
                                collectives=collectives, individuals=individuals)
