"""Clusters (cụm / khối thi đua): defining them, ranking their units, and freezing the ranking
when a period closes.

Who may do what:

* an admin of the owning unit (or above it) creates, edits and deletes its clusters;
* anyone holding a subtree role (admin, reviewer, viewer) over the owner reads them and their
  rankings in full;
* the staff of a member unit (any role held at that unit: reporter, head, reviewer, admin,
  viewer) read the clusters their unit belongs to, read-only: the name, the members and the
  ranking as a ranking is published (rank, unit, score, provisional or final). The details
  behind the other units' places (their report's status and score, their leader-rule figures)
  stay with the units and the staff above them; a member sees its own in full. The ranking of a
  cụm or khối is meant for its members: they compete in it and are told their place (Luật Thi
  đua, khen thưởng: the cluster's members score and rank one another each year).

Ranking: units by their score in the period, highest first: the report's final score (the
reviewer's where there is one), with each leader-rule criterion scored against the cluster
(:mod:`core.clusters.leader`). Equal scores (to 0.01) share a rank and the next rank is skipped
(1, 2, 2, 4); within a rank, units are listed in Vietnamese alphabetical order. Units without a
score are listed last, unranked. Before the period closes every submitted or approved report
counts and the ranking is provisional; at closing only approved reports count and the ranking
is frozen (:class:`ClusterResult`) until the period reopens.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select
from sqlalchemy import update as update_rows
from sqlalchemy.orm import Session

from core.audit.operations import record
from core.clusters.leader import LeaderField, Standing, leader_fields, ranks, standings
from core.clusters.models import CUM, Cluster, ClusterMember, ClusterResult
from core.criteria_defs.targets import targets_for
from core.db import scoping
from core.db.base import new_id
from core.db.scoping import UNSCOPED_OPTION, TenantContext
from core.db.types import utcnow
from core.errors import Forbidden, Invalid, NotFound
from core.periods.models import ReportingPeriod
from core.plugins.evaluation import field_points
from core.plugins.manager import PluginHost
from core.plugins.models import PeriodCriteriaSet
from core.reports.models import APPROVED, SUBMITTED, Section, Submission
from core.reports.scoring import weighted_total
from core.tenants.models import Tenant
from core.text import nfc, slugify
from core.text.collation import sort_key
from core.users import roles
from core.users.access import Access

UNSCOPED = {UNSCOPED_OPTION: "a cluster's ranking frozen at period close, owned by the cluster's owner"}
# A member's staff read the clusters of their unit, owned by a unit above it: bounded by the
# caller's own units (or by one cluster the caller was let into).
MEMBER_READ = {UNSCOPED_OPTION: "the clusters a caller's own unit belongs to, owned by a unit above it"}


def can_view(access: Access, owner: Tenant) -> bool:
    return bool(access.roles_in(owner) & roles.SUBTREE_ROLES)


def _own_units(access: Access) -> list[uuid.UUID]:
    """The units where the caller holds a role (any role), in a stable order."""
    return sorted({g.tenant_id for g in access.grants}, key=str)


def member_units(db: Session, access: Access, cluster: Cluster) -> list[uuid.UUID]:
    """The caller's own units that are members of ``cluster`` (empty: the caller is no member's
    staff). One statement bounded by the cluster and the caller's units."""
    own = _own_units(access)
    if not own:
        return []
    return list(db.scalars(
        select(ClusterMember.member_id).where(ClusterMember.tenant_id == cluster.tenant_id,
                                              ClusterMember.cluster_id == cluster.id,
                                              ClusterMember.member_id.in_(own))
        .execution_options(**MEMBER_READ)
    ))


def of_units(db: Session, unit_ids: Iterable[uuid.UUID]) -> list[Cluster]:
    """The clusters ``unit_ids`` belong to, in Vietnamese alphabetical order (one statement).
    Callers pass units the reader holds a role at or reaches (see :func:`member_clusters`)."""
    ids = sorted(set(unit_ids), key=str)
    if not ids:
        return []
    return list(db.scalars(
        select(Cluster).join(ClusterMember, (ClusterMember.tenant_id == Cluster.tenant_id)
                             & (ClusterMember.cluster_id == Cluster.id))
        .where(ClusterMember.member_id.in_(ids)).order_by(Cluster.name_key, Cluster.id)
        .execution_options(**MEMBER_READ)
    ).unique())


def member_clusters(db: Session, access: Access, unit: Tenant | None = None) -> list[Cluster]:
    """The clusters the caller's own units belong to (only ``unit``'s, when given and the caller
    reaches it): what a member's staff may read, besides the clusters they manage or follow."""
    if unit is not None:
        return of_units(db, [unit.id]) if access.can_see(unit) else []
    return of_units(db, _own_units(access))


def readable(db: Session, access: Access) -> tuple[list[Cluster], set[uuid.UUID]]:
    """Every cluster the caller may read — those it follows (a subtree role over the owner) and
    those its own units belong to — in Vietnamese alphabetical order, with the ids of the latter."""
    belonging = member_clusters(db, access)
    found = {cluster.id: cluster for cluster in [*visible(db, access), *belonging]}
    ordered = sorted(found.values(), key=lambda c: (c.name_key, str(c.id)))
    return ordered, {cluster.id for cluster in belonging}


def can_read(db: Session, access: Access, cluster: Cluster) -> bool:
    """A subtree role over the owner, or a role at one of the cluster's units."""
    return can_view(access, owner_of(db, cluster)) or bool(member_units(db, access, cluster))


def can_manage(access: Access, owner: Tenant) -> bool:
    return access.is_admin_of(owner)


def owner_of(db: Session, cluster: Cluster) -> Tenant:
    owner = db.get(Tenant, cluster.tenant_id)
    assert owner is not None  # the foreign key keeps it
    return owner


def get(db: Session, access: Access, cluster_id: uuid.UUID | str) -> Cluster:
    """The cluster if the caller may read it; NotFound otherwise (never a hint it exists)."""
    try:
        wanted = uuid.UUID(str(cluster_id))
    except ValueError:
        raise NotFound(_("Không tìm thấy cụm thi đua.")) from None
    # Read by id whoever owns it, then let in only a reader (a follower of the owner or a
    # member's staff); anyone else gets the answer of a cluster that does not exist.
    cluster = db.scalar(select(Cluster).where(Cluster.id == wanted).execution_options(**MEMBER_READ))
    if cluster is None or not can_read(db, access, cluster):
        raise NotFound(_("Không tìm thấy cụm thi đua."))
    return cluster


def visible(db: Session, access: Access, scope: Tenant | None = None) -> list[Cluster]:
    """Clusters the caller may read (owned by ``scope`` or a unit below it, when given), in
    Vietnamese alphabetical order."""
    query = select(Cluster, Tenant).join(Tenant, Tenant.id == Cluster.tenant_id)
    if scope is not None:
        query = query.where(Tenant.path.startswith(scope.path))
    return [cluster for cluster, owner in db.execute(query.order_by(Cluster.name_key))
            if can_view(access, owner)]


def members(db: Session, cluster: Cluster) -> list[Tenant]:
    """The cluster's active units that are still below its owner, in alphabetical order (the
    caller was let in by :func:`get`: a member's staff read the list too)."""
    owner = owner_of(db, cluster)
    # The statement selects units (a reference table) and joins the owner's member rows: the
    # marked statement alone would not open row-level security for the joined table, the block
    # does (for this one statement).
    with scoping.unscoped_statements(db):
        return list(db.scalars(
            select(Tenant).join(ClusterMember, ClusterMember.member_id == Tenant.id)
            .where(ClusterMember.tenant_id == cluster.tenant_id, ClusterMember.cluster_id == cluster.id,
                   Tenant.active.is_(True), Tenant.path.startswith(owner.path), Tenant.id != owner.id)
            .order_by(Tenant.name_key).execution_options(**MEMBER_READ)
        ))


def _member_units(db: Session, owner: Tenant, ids: Iterable[uuid.UUID]) -> list[Tenant]:
    ids = list(dict.fromkeys(ids))
    found = {t.id: t for t in db.scalars(select(Tenant).where(Tenant.id.in_(ids), Tenant.active.is_(True)))}
    outside = [str(i) for i in ids if i not in found or not found[i].path.startswith(owner.path)
               or i == owner.id]
    if outside:
        raise Invalid({"members": [_("Chỉ được đưa vào cụm các đơn vị trực thuộc đơn vị quản lý cụm: "
                                     "%(ids)s.", ids=", ".join(outside))]})
    return [found[i] for i in ids]


def _slug_taken(db: Session, owner: Tenant, slug: str) -> bool:
    # Slugs are unique per owning unit: only the owner's own clusters (which its admin sees)
    # can clash, so the answer says nothing about other units' clusters.
    return db.scalar(select(Cluster.id).where(Cluster.tenant_id == owner.id, Cluster.slug == slug)
                     .execution_options(**UNSCOPED)) is not None


def _unique_slug(db: Session, owner: Tenant, base: str) -> str:
    base = (base or "cum-thi-dua")[:110].strip("-")
    slug, n = base, 2
    while _slug_taken(db, owner, slug):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _snapshot(db: Session, cluster: Cluster) -> dict[str, Any]:
    return {"name": cluster.name, "kind": cluster.kind, "description": cluster.description,
            "members": sorted(str(t.id) for t in members(db, cluster))}


def _set_members(db: Session, cluster: Cluster, units: Sequence[Tenant]) -> None:
    db.execute(delete(ClusterMember).where(ClusterMember.tenant_id == cluster.tenant_id,
                                           ClusterMember.cluster_id == cluster.id))
    db.add_all(ClusterMember(tenant_id=cluster.tenant_id, cluster_id=cluster.id, member_id=t.id)
               for t in units)
    db.flush()


def create(db: Session, access: Access, owner: Tenant, data: dict[str, Any]) -> Cluster:
    """A new cluster of ``owner`` (``data`` loaded by :class:`ClusterInputSchema`)."""
    if not can_manage(access, owner):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị mới được lập cụm thi đua."))
    name = nfc(data["name"])
    slug = data.get("slug") or _unique_slug(db, owner, slugify(name))
    if _slug_taken(db, owner, slug):
        raise Invalid({"slug": [_("Đã có cụm thi đua với định danh này.")]})
    units = _member_units(db, owner, data.get("members") or [])
    cluster = Cluster(tenant_id=owner.id, slug=slug, name=name, name_key=sort_key(name),
                      kind=data.get("kind") or CUM, description=nfc(data.get("description") or ""))
    db.add(cluster)
    db.flush()
    _set_members(db, cluster, units)
    record(db, "cluster.create", tenant_id=owner.id, actor_id=access.actor_id,
           actor_label=access.actor_label, object_type="cluster", object_id=cluster.id,
           changes={key: [None, value] for key, value in _snapshot(db, cluster).items()}, ip=access.ip)
    return cluster


def _locked(db: Session, cluster: Cluster) -> Cluster:
    """The cluster read again once its row is locked: two changes sent at once are then made one
    after the other, the second starting from what the first left, instead of both deleting the
    old members and adding their own. An UPDATE that changes nothing takes the lock, a row lock
    on PostgreSQL and the database's write lock on SQLite (where a SELECT … FOR UPDATE would
    lock nothing)."""
    db.execute(update_rows(Cluster).where(Cluster.id == cluster.id).values(name=Cluster.name)
               .execution_options(synchronize_session=False))
    locked = db.scalar(select(Cluster).where(Cluster.id == cluster.id)
                       .execution_options(populate_existing=True))
    if locked is None:
        raise NotFound(_("Không tìm thấy cụm thi đua."))
    return locked


def update(db: Session, access: Access, cluster: Cluster, data: dict[str, Any]) -> Cluster:
    """Replace the cluster's name, kind, description and members, under the cluster's row lock.

    :raises Forbidden: the caller is not an admin of the owner.
    :raises NotFound: the cluster was removed meanwhile.
    """
    owner = owner_of(db, cluster)
    if not can_manage(access, owner):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị mới được sửa cụm thi đua."))
    cluster = _locked(db, cluster)
    before = _snapshot(db, cluster)
    units = _member_units(db, owner, data.get("members") or [])
    cluster.name = nfc(data["name"])
    cluster.name_key = sort_key(cluster.name)
    cluster.kind = data.get("kind") or cluster.kind
    cluster.description = nfc(data.get("description") or "")
    _set_members(db, cluster, units)
    after = _snapshot(db, cluster)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        record(db, "cluster.update", tenant_id=owner.id, actor_id=access.actor_id,
               actor_label=access.actor_label, object_type="cluster", object_id=cluster.id,
               changes=changes, ip=access.ip)
    return cluster


def remove(db: Session, access: Access, cluster: Cluster) -> None:
    owner = owner_of(db, cluster)
    if not can_manage(access, owner):
        raise Forbidden(_("Chỉ quản trị viên của đơn vị mới được xóa cụm thi đua."))
    cluster = _locked(db, cluster)
    record(db, "cluster.delete", tenant_id=owner.id, actor_id=access.actor_id,
           actor_label=access.actor_label, object_type="cluster", object_id=cluster.id,
           changes={key: [value, None] for key, value in _snapshot(db, cluster).items()}, ip=access.ip)
    db.delete(cluster)
    db.flush()


# --- the directory file ----------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryCluster:
    """A cluster of the directory file, validated (owner and members by slug)."""

    line: int
    slug: str
    name: str
    kind: str
    description: str
    owner: Tenant
    members: tuple[Tenant, ...]


def sync_from_directory(db: Session, entries: Sequence[DirectoryCluster], actor: str) -> tuple[int, int]:
    """Create or update each cluster of the file (matched by slug; members replaced to match the
    file). Clusters the file does not name are left alone. Returns (created, updated)."""
    created = updated = 0
    slugs = [e.slug for e in entries]
    existing: dict[str, list[Cluster]] = {}
    for found in db.scalars(select(Cluster).where(Cluster.slug.in_(slugs))):
        existing.setdefault(found.slug, []).append(found)
    for entry in entries:
        # The file names a cluster by slug; the owner's own one first, else the one cluster with
        # that slug (whose owner the file may not change).
        same = existing.get(entry.slug, [])
        only = same[0] if len(same) == 1 else None
        cluster = next((c for c in same if c.tenant_id == entry.owner.id), only)
        if cluster is None:
            cluster = Cluster(tenant_id=entry.owner.id, slug=entry.slug, name=entry.name,
                              name_key=sort_key(entry.name), kind=entry.kind, description=entry.description)
            db.add(cluster)
            db.flush()
            _set_members(db, cluster, entry.members)
            record(db, "cluster.create", tenant_id=entry.owner.id, actor_label=actor, object_type="cluster",
                   object_id=cluster.id, changes={k: [None, v] for k, v in _snapshot(db, cluster).items()})
            created += 1
            continue
        before = _snapshot(db, cluster)
        if cluster.tenant_id != entry.owner.id:
            raise Invalid({"clusters": [
                _("Không thể đổi đơn vị quản lý của cụm “%(slug)s”.", slug=entry.slug)]})
        cluster.name, cluster.name_key = entry.name, sort_key(entry.name)
        cluster.kind, cluster.description = entry.kind, entry.description
        _set_members(db, cluster, entry.members)
        after = _snapshot(db, cluster)
        changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
        if changes:
            record(db, "cluster.update", tenant_id=entry.owner.id, actor_label=actor, object_type="cluster",
                   object_id=cluster.id, changes=changes)
            updated += 1
    return created, updated


def members_outside(owner: Tenant, units: Iterable[Tenant]) -> list[Tenant]:
    """Units that may not be members of a cluster of ``owner`` (not strictly below it)."""
    return [t for t in units if t.id == owner.id or not t.path.startswith(owner.path)]


# --- ranking ---------------------------------------------------------------------------------


@dataclass
class RankRow:
    unit: Tenant
    status: str | None
    report_score: float | None
    score: float | None
    rank: int | None = None
    provisional: bool = True
    standings: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Ranking:
    cluster: Cluster
    period: ReportingPeriod
    final: bool
    computed_at: datetime | None
    rows: list[RankRow]
    # Read by a member's staff: other units' rows carry their place only (see the module doc).
    as_member: bool = False

    def own_rows(self, access: Access) -> list[RankRow]:
        """The rows of the units the caller reaches (a member's own place)."""
        return [row for row in self.rows if access.can_see(row.unit)]


def _plan_targets(db: Session, period: ReportingPeriod, unit_ids: list[uuid.UUID]) -> dict[tuple, Any]:
    """(unit, set key) → the plan period's values (chỉ tiêu)."""
    if period.plan_period_id is None or not unit_ids:
        return {}
    rows = db.execute(
        select(Section.tenant_id, Section.set_key, Section.values)
        .join(Submission, (Submission.tenant_id == Section.tenant_id)
              & (Submission.id == Section.submission_id))
        .where(Submission.period_id == period.plan_period_id, Submission.tenant_id.in_(unit_ids))
    ).all()
    return {(tenant_id, key): values or {} for tenant_id, key, values in rows}


def compute(db: Session, host: PluginHost | None, cluster: Cluster, period: ReportingPeriod,
            *, approved_only: bool = False) -> list[RankRow]:
    """The cluster's ranking in ``period`` from the stored reports (a constant number of queries
    whatever the cluster's size). Without a plugin host (no app loaded) no criterion can be
    read, so units rank by their reports' scores alone."""
    units = members(db, cluster)
    ids = [t.id for t in units]
    counted = (APPROVED,) if approved_only else (SUBMITTED, APPROVED)
    submissions = {s.tenant_id: s for s in db.scalars(
        select(Submission).where(Submission.period_id == period.id, Submission.tenant_id.in_(ids))
    )} if ids else {}
    scored = {t: s for t, s in submissions.items() if s.status in counted}
    sections: dict[uuid.UUID, list[Section]] = defaultdict(list)
    if scored:
        for section in db.scalars(select(Section).where(
                Section.submission_id.in_([s.id for s in scored.values()]),
                Section.tenant_id.in_(list(scored)))):
            sections[section.tenant_id].append(section)
    weights = {row.key: row.weight for row in db.scalars(
        select(PeriodCriteriaSet).where(PeriodCriteriaSet.period_id == period.id))}
    # Leader-rule criteria of the sets the members' reports hold.
    rules: dict[tuple[str, str], LeaderField] = {}
    for unit_sections in sections.values():
        for section in unit_sections:
            criteria_set = host.criteria_set(section.set_key, section.set_version) if host else None
            if criteria_set is not None:
                for rule in leader_fields(criteria_set):
                    rules.setdefault((rule.set_key, rule.field), rule)
    needs_plan = any(r.target_field is None and r.target_value is None for r in rules.values())
    plan = _plan_targets(db, period, list(scored)) if needs_plan else {}
    # Units' own targets of the rules with a target of their own (an owner's table), by version.
    own: dict[tuple[str, int], dict[uuid.UUID, dict[str, float]]] = {}
    for set_key, version in {(s.set_key, s.set_version) for unit_sections in sections.values()
                             for s in unit_sections}:
        if any(k == set_key and rule.target_value is not None for (k, _f), rule in rules.items()):
            own[(set_key, version)] = targets_for(db, set_key, version, list(sections))
    results: dict[tuple[str, str], dict[uuid.UUID, Standing]] = {}
    for (set_key, name), rule in rules.items():
        entries = {}
        for unit_id, unit_sections in sections.items():
            section = next((s for s in unit_sections if s.set_key == set_key), None)
            if section is None:
                continue
            values = section.values or {}
            if rule.target_field:
                target = values.get(rule.target_field)
            elif rule.target_value is not None:
                mine = own.get((set_key, section.set_version), {}).get(unit_id, {})
                target = mine.get(name, rule.target_value)
            else:
                target = plan.get((unit_id, set_key), {}).get(name)
            entries[unit_id] = (values.get(name), target)
        results[(set_key, name)] = standings(entries, rule.points)
    rows = []
    for unit in units:
        submission = submissions.get(unit.id)
        if unit.id not in scored:
            rows.append(RankRow(unit, submission.status if submission else None, None, None))
            continue
        report = submission.review_score if submission.review_score is not None else submission.self_score
        pairs, details = [], []
        for section in sections.get(unit.id, []):
            if section.set_key not in weights:
                continue
            best = section.review_score if section.review_score is not None else section.self_score
            criteria_set = host.criteria_set(section.set_key, section.set_version) if host else None
            if best is not None and criteria_set is not None:
                best = _with_leader(criteria_set, section, best, results, unit.id, details)
            pairs.append((best, weights[section.set_key]))
        score = weighted_total(pairs) if details else report
        rows.append(RankRow(unit, submission.status, report, score, standings=details,
                            provisional=submission.status != APPROVED))
    order = ranks([(row.unit.id, row.score) for row in rows])
    for row in rows:
        row.rank = order[row.unit.id]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit.name_key))
    return rows


def _with_leader(criteria_set, section: Section, best: float, results, unit_id, details: list) -> float:
    """The section's score with each leader-rule field's own points replaced by its standing
    in the cluster (the reviewer's points for the field when given), kept within 0 and the
    set's maximum (100 unless the set says otherwise)."""
    adjusted = float(best)
    for rule in leader_fields(criteria_set):
        standing = results.get((rule.set_key, rule.field), {}).get(unit_id)
        if standing is None:
            continue
        reviewed = (section.review or {}).get(rule.field) or {}
        declared = criteria_set.schema._declared_fields[rule.field]
        if reviewed.get("score") is not None:
            own = reviewed["score"]
        elif rule.target_value is not None and standing.actual is not None and standing.target:
            # The set scored the field against the unit's own target (see core.criteria_defs.tree).
            own = min(rule.points, rule.points * max(standing.actual, 0.0) / standing.target)
        else:
            own = field_points(declared.metadata, (section.values or {}).get(rule.field))
        adjusted += standing.points - float(own)
        details.append({"set_key": rule.set_key, "field": rule.field, **standing.as_dict()})
    ceiling = float(criteria_set.maximum) if criteria_set.maximum is not None else 100.0
    return round(min(max(adjusted, 0.0), ceiling), 2)


def ranking(db: Session, access: Access, host: PluginHost, cluster: Cluster,
            period: ReportingPeriod) -> Ranking:
    """The cluster's ranking: frozen if the period closed, computed now (provisional) otherwise.

    A follower of the owner reads it in full. A member's staff read it as published: the rank,
    unit, score and whether it is provisional of every member, and only their own units' report
    status, report score and leader-rule figures (:attr:`Ranking.as_member`).

    :raises NotFound: the caller reads neither the owner nor a member of the cluster.
    """
    owner = owner_of(db, cluster)
    if can_view(access, owner):
        return _ranking(db, host, cluster, period)
    if not member_units(db, access, cluster):
        raise NotFound(_("Không tìm thấy cụm thi đua."))
    # The ranking needs the members' reports (and the owner's frozen rows), which a member's
    # staff cannot otherwise read: for the duration the session reads those units too (reads
    # only), and the answer leaves out what a ranking does not publish.
    before = scoping.get_context(db)
    if before is not None and not before.system:
        extra = frozenset([owner.id, *(unit.id for unit in members(db, cluster))])
        scoping.set_context(db, TenantContext(
            read_ids=before.read_ids | extra, write_ids=before.write_ids,
            read_paths=before.read_paths, write_paths=before.write_paths))
    try:
        found = _ranking(db, host, cluster, period)
    finally:
        if before is not None:
            scoping.set_context(db, before)
    for row in found.rows:
        if not access.can_see(row.unit):
            row.status, row.report_score, row.standings = None, None, []
    found.as_member = True
    return found


def _ranking(db: Session, host: PluginHost, cluster: Cluster, period: ReportingPeriod) -> Ranking:
    frozen = db.execute(
        select(ClusterResult, Tenant).join(Tenant, Tenant.id == ClusterResult.member_id)
        .where(ClusterResult.tenant_id == cluster.tenant_id, ClusterResult.cluster_id == cluster.id,
               ClusterResult.period_id == period.id)
    ).all()
    if frozen:
        rows = [RankRow(unit, r.details.get("status"), r.details.get("report_score"), r.score, r.rank,
                        provisional=False, standings=r.details.get("standings", []))
                for r, unit in frozen]
        rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit.name_key))
        return Ranking(cluster, period, True, max(r.computed_at for r, _u in frozen), rows)
    return Ranking(cluster, period, False, None, compute(db, host, cluster, period))


def freeze(db: Session, host: PluginHost | None, period: ReportingPeriod) -> int:
    """At closing: the ranking of every cluster below the period's owner from approved reports,
    stored so that it no longer moves. Returns the number of clusters frozen."""
    owner = db.get(Tenant, period.owner_tenant_id)
    clusters = db.scalars(
        select(Cluster).join(Tenant, Tenant.id == Cluster.tenant_id)
        .where(Tenant.path.startswith(owner.path)).execution_options(**UNSCOPED)
    ).all()
    thaw(db, period)
    now = utcnow()
    rows = []
    for cluster in clusters:
        for row in compute(db, host, cluster, period, approved_only=True):
            rows.append({"tenant_id": cluster.tenant_id, "id": new_id(), "cluster_id": cluster.id,
                         "period_id": period.id, "member_id": row.unit.id, "score": row.score,
                         "rank": row.rank, "computed_at": now,
                         "details": {"status": row.status, "report_score": row.report_score,
                                     "standings": row.standings}})
    if rows:
        db.execute(insert(ClusterResult), rows, execution_options=UNSCOPED)
    return len(clusters)


def thaw(db: Session, period: ReportingPeriod) -> None:
    """The period reopened: its frozen rankings go, rankings are provisional again."""
    db.execute(delete(ClusterResult).where(ClusterResult.period_id == period.id), execution_options=UNSCOPED)


def best_frozen_ranks(db: Session, period: ReportingPeriod,
                      unit_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Each unit's best rank in any cluster of the period's frozen rankings (units not ranked, and
    every unit before the period closes, are absent). Commendations read it: a Cờ thi đua goes
    to collectives leading their cluster (Luật Thi đua, khen thưởng, Art. 25.1 and 26).

    Rankings are owned by each cluster's owner, above the units they rank: the read crosses
    owners, bounded by the period and the given units, and returns ranks only."""
    ids = sorted(set(unit_ids))
    if not ids:
        return {}
    best: dict[uuid.UUID, int] = {}
    for member_id, rank in db.execute(
        select(ClusterResult.member_id, ClusterResult.rank)
        .where(ClusterResult.period_id == period.id, ClusterResult.member_id.in_(ids),
               ClusterResult.rank.is_not(None)), execution_options=UNSCOPED,
    ):
        best[member_id] = min(rank, best.get(member_id, rank))
    return best
