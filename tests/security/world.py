"""One shared world for the security tests: a victim unit with a real object of every kind, and an
account for every role in every relation to it.

    Thành phố (parent)
    ├── Phường Nạn Nhân (self: the victim)
    │   └── Trường Con (child)
    └── Xã Bên Cạnh (sibling)
        └── Trường Xa (unrelated: another branch)

Every object the victim owns carries a canary, a string that must never appear in an answer to
someone who may not read it.
"""

from __future__ import annotations

import importlib
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core.app import create_app
from core.awards import operations as award_ops
from core.awards.catalogue import award_type_id
from core.awards.models import Attachment, Dossier, Nominee
from core.clusters import operations as cluster_ops
from core.criteria_defs.models import CriteriaDefinition, CriteriaDefinitionVersion
from core.criteria_defs.operations import set_key_of
from core.db import scoping
from core.db.engine import ScopedSession, database, migration_engine
from core.db.types import utcnow
from core.exports.models import Export
from core.exports.settings import ExportSettings
from core.extensions import limiter
from core.jobs.models import FINISHED, Job
from core.notifications.models import Notification
from core.periods import models as period_models
from core.periods import operations as period_ops
from core.plugins.manager import plugin_host
from core.plugins.operations import configure_period
from core.plugins.testing import write_distribution
from core.reports import evidence as evidence_ops
from core.reports import operations as report_ops
from core.reports import review
from core.reports.models import Extension
from core.tenants.operations import new_tenant
from core.testing.fixtures import empty_all_tables, testing_config
from core.users import operations as user_ops
from core.users.access import SystemAccess
from core.users.models import Membership, User
from core.users.roles import ROLES
from migrations.models import target_metadata

PLUGIN = Path(__file__).parents[1] / "reports" / "fixtures" / "report_plugin.py"
PASSWORD = "mat-khau-ma-tran"
RELATIONS: tuple[str, ...] = ("self", "parent", "child", "sibling", "unrelated")
TREE = (
    # relation, name, kind, parent relation
    ("parent", "Thành phố Thử nghiệm", "city", None),
    ("self", "Phường Nạn Nhân", "ward", "parent"),
    ("child", "Trường THCS Con", "school", "self"),
    ("sibling", "Xã Bên Cạnh", "commune", "parent"),
    ("unrelated", "Trường THCS Xa", "school", "sibling"),
)
COMPLETE = {"plan_issued": True, "staff": 20, "trained": 15, "incidents": 0}
# The victim's own account: the notice, the job and the token belong to it.
OWNER = "self_reporter"


def actor(relation: str, role: str) -> str:
    return f"{relation}_{role}"


ACTORS: tuple[str, ...] = tuple(actor(r, role) for r in RELATIONS for role in ROLES)


@dataclass
class Victim:
    """The victim unit, what it owns, and the accounts around it."""

    app: Flask
    db: Session
    tenants: dict[str, Any] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    canaries: dict[str, str] = field(default_factory=dict)
    evidence_bytes: bytes = b""

    @property
    def tenant(self):
        return self.tenants["self"]

    @property
    def period(self):
        return self.objects["period"]

    @property
    def access(self) -> SystemAccess:
        return SystemAccess(db=self.db, user=None)

    def canary(self, name: str) -> str:
        """A fresh marker string for one object, remembered for the leak checks."""
        value = f"canary-{name}-{uuid.uuid4().hex[:12]}"
        self.canaries[name] = value
        return value


def system_session(app: Flask) -> Session:
    db = database(app).new_session()
    scoping.set_context(db, scoping.TenantContext.system_context())
    return db


@contextmanager
def security_app(database_url: str, root: Path) -> Iterator[Flask]:
    """An app with the reporting tests' small plugin installed, for one test module; every table
    is emptied when the module ends."""
    site = write_distribution(root / "site", "rpt", {"thidua_rpt.py": PLUGIN.read_text(encoding="utf-8")},
                              entry="thidua_rpt", distribution="thidua-rpt", version="1.0.0")
    sys.path.insert(0, str(site))
    importlib.invalidate_caches()
    config = testing_config(database_url, str(root / "instance"))
    config.update(THIDUA_PLUGINS="rpt", THIDUA_EVIDENCE_DIR=str(root / "evidence"))
    app = create_app(config)
    limiter.reset()
    try:
        yield app
    finally:
        empty_all_tables(app)
        database(app).dispose()
        sys.path.remove(str(site))
        sys.modules.pop("thidua_rpt", None)
        importlib.invalidate_caches()


def _finished_export(app: Flask, db: Session, victim: Victim, owner) -> Export:
    """The victim unit's own report, made by its owner and kept as a file: readable by the unit's
    people and the subtree roles above it."""
    job = Job(name="exports.run", kwargs={}, tenant_id=victim.tenant.id, created_by_id=owner.id,
              status=FINISHED, finished_at=utcnow())
    db.add(job)
    db.flush()
    export = Export(job_id=job.id, period_id=victim.period.id, tenant_id=victim.tenant.id, report="unit",
                    format="pdf", created_by_id=owner.id, progress=100, file_name="bao-cao.pdf",
                    stored_as=f"{job.id.hex}.pdf", finished_at=utcnow(),
                    expires_at=utcnow() + timedelta(days=1))
    db.add(export)
    folder = ExportSettings.of(app).folder
    folder.mkdir(parents=True, exist_ok=True)
    (folder / export.stored_as).write_bytes(b"%PDF-1.7 report of the unit")
    return export


def build_victim(app: Flask) -> Victim:
    """The tree, 25 accounts (every role in every relation, each with an API token), and the
    victim's objects: an open period it runs, its submitted report with evidence and a comment, an
    extension request, a notice, a job, a membership and a token of its own account."""
    with app.test_request_context():
        db = system_session(app)
        victim = Victim(app=app, db=db)
        access = victim.access
        for relation, name, kind, parent in TREE:
            if relation == "self":  # its name is private to those who see the unit
                name = f"{name} {victim.canary('tenant-name')}"
            victim.tenants[relation] = new_tenant(
                db, name=name, kind=kind, parent=victim.tenants.get(parent) if parent else None,
                slug=f"mt-{relation}",
            )
        db.flush()
        for relation in RELATIONS:
            for role in ROLES:
                name = actor(relation, role)
                user = user_ops.create_user(db, access, name.replace("_", "-"), PASSWORD)
                user_ops.add_membership(db, access, user, victim.tenants[relation], role)
                victim.users[name] = user
                victim.tokens[name] = user_ops.issue_token(db, access, user, label="matrix")
        now = utcnow()
        period = period_ops.create(db, access, victim.tenant, {
            "key": "mt-victim-thematic", "kind": "thematic",
            "title": "Chuyên đề của phường " + victim.canary("period-title"),
            "opens_at": now - timedelta(days=10), "due_at": now + timedelta(days=20),
            "city_due_at": now + timedelta(days=30), "closes_at": now + timedelta(days=40),
        })
        period_ops.transition(db, access, period, period_models.OPEN)
        victim.objects["period"] = period
        host = plugin_host(app)
        configure_period(db, access, host, period, [
            {"key": "rpt.safety", "tenant_kinds": ["ward", "school"], "weight": 1},
            {"key": "rpt.units", "tenant_kinds": ["ward"], "weight": 1},
        ])
        submission = report_ops.save_draft(db, access, host, victim.tenant, period, 0, {
            "rpt.safety": COMPLETE, "rpt.units": {"models": 3},
        })
        victim.objects["submission"] = submission
        victim.evidence_bytes = ("Biên bản " + victim.canary("evidence-content") + "\n").encode()
        victim.objects["evidence"] = evidence_ops.add(
            db, access, host, evidence_ops.store_for(app), victim.tenant, period, victim.evidence_bytes,
            victim.canary("evidence-name") + ".txt", "rpt.safety.plan_issued",
        )
        report_ops.submit(db, access, host, victim.tenant, period)
        victim.objects["comment"] = review.comment(db, access, victim.tenant, period,
                                                   "Góp ý " + victim.canary("comment"))
        extension = Extension(tenant_id=victim.tenant.id, period_id=period.id,
                              reason="Xin gia hạn " + victim.canary("extension"),
                              until=now + timedelta(days=60))
        db.add(extension)
        victim.objects["extension"] = extension
        owner = victim.users[OWNER]
        notice = Notification(tenant_id=victim.tenant.id, user_id=owner.id, kind="report.returned",
                              title="Thông báo " + victim.canary("notice"), link="/")
        db.add(notice)
        victim.objects["notice"] = notice
        job = Job(name="reports.export", kwargs={"note": victim.canary("job")}, tenant_id=victim.tenant.id,
                  created_by_id=owner.id)
        db.add(job)
        victim.objects["job"] = job
        victim.objects["export"] = _finished_export(app, db, victim, owner)
        victim.objects["cluster"] = cluster_ops.create(db, access, victim.tenant, {
            "name": "Cụm trường " + victim.canary("cluster"), "members": [victim.tenants["child"].id]})
        victim.objects["criteria_table"] = _criteria_table(db, victim)
        award_ops.install_defaults(db)
        # Decided, so that its decision's list and certificates exist to be asked for.
        dossier = Dossier(tenant_id=victim.tenant.id, period_id=period.id, status="decided",
                          justification="Thành tích " + victim.canary("dossier"),
                          decision_number="1/QĐ-" + victim.canary("decision"),
                          decision_date=now.date(), decision_authority="Chủ tịch UBND")
        db.add(dossier)
        db.flush()
        victim.objects["dossier"] = dossier
        victim.objects["nominee"] = Nominee(
            tenant_id=victim.tenant.id, dossier_id=dossier.id, period_id=period.id,
            award_type_id=award_type_id("giay-khen-cong-an-tp"), subject="individual",
            unit_id=victim.tenant.id, person_name="Cán bộ " + victim.canary("nominee"),
            subject_key=f"person:{victim.tenant.id}:can bo")
        db.add(victim.objects["nominee"])
        # The dossier's memo shares the evidence file's bytes, so its download leaks the same canary.
        evidence_item = victim.objects["evidence"]
        victim.objects["attachment"] = Attachment(
            tenant_id=victim.tenant.id, dossier_id=dossier.id, kind="memo",
            filename=victim.canary("attachment-name") + ".txt", content_type=evidence_item.content_type,
            size=evidence_item.size, sha256=evidence_item.sha256)
        db.add(victim.objects["attachment"])
        db.flush()
        victim.objects["token"] = user_ops.token_by_value(db, victim.tokens[OWNER])
        victim.objects["membership"] = db.scalar(
            select(Membership).where(Membership.user_id == owner.id, Membership.tenant_id == victim.tenant.id)
        )
        db.commit()
        return victim


def _criteria_table(db: Session, victim: Victim) -> CriteriaDefinition:
    """A table of criteria the victim owns, its title and row carrying canaries."""
    owner = victim.tenant
    table = CriteriaDefinition(tenant_id=owner.id, key="bang_rieng",
                               set_key=set_key_of(owner.id, "bang_rieng"),
                               title=victim.canary("criteria_table"), tenant_kinds=["school"],
                               latest_version=1)
    db.add(table)
    db.flush()
    db.add(CriteriaDefinitionVersion(
        tenant_id=owner.id, definition_id=table.id, version=1, title=table.title, tenant_kinds=["school"],
        nodes=[{"code": "1.", "level": 1, "name": victim.canary("criterion"), "maximum": 10,
                "type": "qualitative"}]))
    return table


# What one row of each table looks like, for a snapshot: columns that any request may touch
# without changing anything (a token's last use, a user's last sign-in) are left out.
VOLATILE_COLUMNS = frozenset({"last_used_at", "last_login_at"})
UNCHECKED_TABLES = frozenset({"audit_entry"})


def snapshot(app: Flask) -> dict[str, dict[tuple, tuple]]:
    """Every row of every table (but the audit log, checked on its own) by primary key."""
    db = system_session(app)
    try:
        found: dict[str, dict[tuple, tuple]] = {}
        for table in target_metadata().sorted_tables:
            if table.name in UNCHECKED_TABLES:
                continue
            columns = [c for c in table.columns if c.name not in VOLATILE_COLUMNS]
            keys = [c.name for c in table.primary_key.columns]
            rows = db.execute(select(*columns)).mappings()
            found[table.name] = {tuple(row[k] for k in keys): tuple(row.values()) for row in rows}
        return found
    finally:
        db.close()


class ChangeDetector:
    """A cheap question asked after every write attempt: did anything commit since the last look?
    Only when it did is the database compared row by row.

    SQLite bumps ``PRAGMA data_version`` on one connection when another one commits; PostgreSQL
    hands out a transaction id to every transaction that writes, so the next id moves.
    """

    def __init__(self, app: Flask) -> None:
        self.engine = database(app).engine
        self.connection = self.engine.raw_connection() if self.engine.dialect.name == "sqlite" else None
        self.last = self.marker()

    def marker(self) -> int:
        if self.connection is not None:
            cursor = self.connection.cursor()
            cursor.execute("PRAGMA data_version")
            value = cursor.fetchone()[0]
            cursor.close()
            return int(value)
        with self.engine.connect() as connection:
            return int(connection.exec_driver_sql(
                "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint").scalar_one())

    def changed(self) -> bool:
        current = self.marker()
        moved, self.last = current != self.last, current
        return moved

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def audit_length(app: Flask) -> int:
    from sqlalchemy import func

    from core.audit.models import AuditEntry

    db = system_session(app)
    try:
        return db.scalar(select(func.count()).select_from(AuditEntry)) or 0
    finally:
        db.close()


def raw_rows(app: Flask) -> dict[str, list[dict]]:
    """Every row of every table, whole, to put the world back after a case changed it."""
    db = system_session(app)
    try:
        return {table.name: [dict(row) for row in db.execute(table.select()).mappings()]
                for table in target_metadata().sorted_tables}
    finally:
        db.close()


def restore(app: Flask, rows: dict[str, list[dict]], victim: Victim) -> None:
    """Put every table back as ``rows`` has it, and the victim's evidence file on disk."""
    tables = target_metadata().sorted_tables
    # Through a session with the system context, like every other write of the tests, so that a
    # database-side wall keyed on that context lets it through; as the tables' owner, since the
    # app's role may not delete from the append-only audit log.
    owner = migration_engine(app)
    db = ScopedSession(bind=owner)
    scoping.set_context(db, scoping.TenantContext.system_context())
    try:
        if db.get_bind().dialect.name == "sqlite":
            # The tenant table refers to itself: checked at commit, once every row is back.
            db.execute(text("PRAGMA defer_foreign_keys=ON"))
        for table in reversed(tables):
            db.execute(table.delete())
        for table in tables:
            content = rows[table.name]
            if table.name == "tenant":
                content = sorted(content, key=lambda row: row["depth"])
            if content:
                db.execute(table.insert(), content)
        db.commit()
    finally:
        db.close()
        owner.dispose()
    item = victim.objects["evidence"]
    evidence_ops.store_for(app).put(item.tenant_id, item.sha256, victim.evidence_bytes)
