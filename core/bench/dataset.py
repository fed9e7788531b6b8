"""The city ``thidua bench`` measures: Hanoi's communes and wards (from ``tenants/hanoi.yaml``),
city departments, schools, enterprises and agencies, written as a directory file and loaded
through the directory loader (what ``thidua tenants load`` runs), then one report per unit
filled with the built-in plugins' demo values, and the accounts the figures sign in as."""

from __future__ import annotations

import random
import secrets
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from core.dashboards import bench as dashboard_bench
from core.db import scoping
from core.db.engine import database
from core.periods.models import ReportingPeriod
from core.plugins.manager import plugin_host
from core.rollups import operations as rollups
from core.tenants import kinds
from core.tenants.directory import load_text
from core.tenants.models import Tenant
from core.tenants.operations import tenant_row
from core.users import operations as users
from core.users import roles
from core.users.access import SystemAccess

HANOI = Path(__file__).resolve().parents[2] / "tenants" / "hanoi.yaml"
CITY_SLUG = "ha-noi"
# Demo fillings drawn and scored per criteria set and kind of unit; the units share them.
VARIANTS = 24


@dataclass(frozen=True)
class Sizes:
    """How many units of each kind the city holds; ``for_units`` scales the default city
    (10,000 units: 126 communes and wards, 40 departments, 3,000 schools, the rest enterprises
    and agencies, three to one) down for a smaller total."""

    units: int
    communes: int
    departments: int
    schools: int
    enterprises: int
    agencies: int

    @classmethod
    def for_units(cls, units: int, *, departments: int | None = None, schools: int | None = None) -> Sizes:
        """:raises ValueError: fewer than 10 units, or kinds that do not fit in ``units``."""
        if units < 10:
            raise ValueError("the city needs at least 10 units")
        communes = min(126, max(2, units // 20))
        departments = departments if departments is not None else min(40, max(1, units // 250))
        schools = schools if schools is not None else round(units * 0.3)
        rest = units - 1 - communes - departments - schools
        if rest < 0:
            raise ValueError("the kinds asked for do not fit in the number of units")
        agencies = rest // 4
        return cls(units, communes, departments, schools, rest - agencies, agencies)


def _hanoi_communes() -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The city's own entry, its 126 communes and wards, and its departments, from the shipped
    directory (without their children)."""
    document = yaml.safe_load(HANOI.read_text(encoding="utf-8"))
    city = document["tenants"][0]
    below = city.get("children") or []
    keep = ("name", "slug", "kind", "code", "code_valid_from", "name_en")
    communes = [{k: c[k] for k in keep if k in c} for c in below if c["kind"] in (kinds.WARD, kinds.COMMUNE)]
    departments = [{k: c[k] for k in keep if k in c} for c in below if c["kind"] == kinds.DEPARTMENT]
    return {k: city[k] for k in keep if k in city}, communes, departments


def directory_text(sizes: Sizes, seed: int = 2025) -> str:
    """The city as a directory file (YAML) for :func:`core.tenants.directory.load_text`.

    Two schools in three sit under a commune or ward, one under a department (the city's high
    schools); enterprises under communes and wards; agencies under departments. The first school
    of the first commune is the one the figures read.
    """
    rng = random.Random(seed)
    city, communes, departments = _hanoi_communes()
    communes = [dict(c, children=[]) for c in communes[:sizes.communes]]
    departments = [dict(d, children=[]) for d in departments[:sizes.departments]]
    for n in range(len(departments), sizes.departments):
        departments.append({"name": f"Cơ quan cấp Thành phố số {n + 1}", "slug": f"co-quan-tp-{n + 1}",
                            "kind": kinds.DEPARTMENT, "children": []})
    for n in range(sizes.schools):
        parent = communes[0] if n == 0 else (rng.choice(departments) if n % 3 == 2 else rng.choice(communes))
        parent["children"].append({"name": f"Trường số {n + 1}", "slug": f"truong-so-{n + 1}",
                                   "kind": kinds.SCHOOL})
    for n in range(sizes.enterprises):
        rng.choice(communes)["children"].append({"name": f"Doanh nghiệp số {n + 1}", "kind": kinds.ENTERPRISE,
                                                 "slug": f"doanh-nghiep-so-{n + 1}"})
    for n in range(sizes.agencies):
        rng.choice(departments)["children"].append({"name": f"Đơn vị trực thuộc số {n + 1}",
                                                    "slug": f"don-vi-truc-thuoc-so-{n + 1}",
                                                    "kind": kinds.AGENCY})
    for unit in communes + departments:
        if not unit["children"]:
            del unit["children"]
    city["children"] = communes + departments
    return yaml.safe_dump({"version": 1, "tenants": [city]}, allow_unicode=True, sort_keys=False, width=200)


@dataclass
class City:
    """What the figures need of the loaded city: the period, the units read and the accounts."""

    period_id: uuid.UUID
    city_id: uuid.UUID
    commune_id: uuid.UUID
    school_id: uuid.UUID
    password: str
    usernames: dict[str, str] = field(default_factory=dict)  # role in the figures → username
    units: int = 0
    reports: int = 0
    load_seconds: float = 0.0
    plain_insert_seconds: float = 0.0
    reports_seconds: float = 0.0


def _system_session(app: Flask) -> tuple[Session, SystemAccess]:
    db = database(app).new_session()
    scoping.set_context(db, scoping.TenantContext.system_context())
    return db, SystemAccess(db=db, user=None)


def plain_insert_seconds(app: Flask, sizes: Sizes) -> float:
    """The baseline of the load: the same number of tenant rows, their paths computed, written
    with one multi-row INSERT and committed, then deleted (no validation, census or audit)."""
    db, _access = _system_session(app)
    try:
        rows: list[dict[str, Any]] = []
        root = tenant_row(name="Gốc", kind=kinds.CITY, slug=f"plain-{uuid.uuid4().hex[:8]}",
                          parent_id=None, parent_path=None, parent_depth=None)
        started = time.perf_counter()
        rows.append(root)
        for n in range(sizes.units - 1):
            rows.append(tenant_row(name=f"Đơn vị {n}", kind=kinds.SCHOOL, slug=f"{root['slug']}-{n}",
                                   parent_id=root["id"], parent_path=root["path"], parent_depth=0))
        db.execute(insert(Tenant), rows)
        db.commit()
        seconds = time.perf_counter() - started
        db.execute(Tenant.__table__.delete().where(Tenant.path.startswith(root["path"]),
                                                   Tenant.id != root["id"]))
        db.execute(Tenant.__table__.delete().where(Tenant.id == root["id"]))
        db.commit()
        return seconds
    finally:
        db.close()


def build(app: Flask, sizes: Sizes, workdir: Path, *, seed: int = 2025) -> City:
    """Load the city into the app's (empty) database and fill its reports; commits.

    The load is timed through :func:`core.tenants.directory.load_text` from a file written in
    ``workdir``, as ``thidua tenants load`` runs it; the reports are inserted in bulk and the
    rollups rebuilt once (a seeding step, not a figure).
    """
    path = workdir / "city.yaml"
    path.write_text(directory_text(sizes, seed), encoding="utf-8")
    city = City(period_id=uuid.UUID(int=0), city_id=uuid.UUID(int=0), commune_id=uuid.UUID(int=0),
                school_id=uuid.UUID(int=0), password=secrets.token_urlsafe(18))
    city.plain_insert_seconds = plain_insert_seconds(app, sizes)
    db, access = _system_session(app)
    try:
        started = time.perf_counter()
        load_text(db, path.read_text(encoding="utf-8"))
        city.load_seconds = time.perf_counter() - started
        host = plugin_host(app)
        by_slug = dict(db.execute(select(Tenant.slug, Tenant.id).where(
            Tenant.slug.in_([CITY_SLUG, "truong-so-1"]))).all())
        owner = db.get(Tenant, by_slug[CITY_SLUG])
        school = db.get(Tenant, by_slug["truong-so-1"])
        commune = db.get(Tenant, school.parent_id)
        started = time.perf_counter()
        period = dashboard_bench.open_period(db, access, host, owner, key=f"bench-{uuid.uuid4().hex[:8]}")
        below = list(db.scalars(select(Tenant.id).where(Tenant.path.startswith(owner.path),
                                                        Tenant.id != owner.id).order_by(Tenant.path)))
        city.reports = dashboard_bench.fill_reports(db, host, period, below, random.Random(seed), share=1.0,
                                                    variants=VARIANTS)
        rollups.rebuild(db, host, period)
        accounts = {
            "school_reporter": (school, roles.REPORTER),
            "commune_reporter": (commune, roles.REPORTER),
            "commune_reviewer": (commune, roles.REVIEWER),
            "city_admin": (owner, roles.ADMIN),
        }
        for figure_role, (unit, role) in accounts.items():
            username = f"bench-{figure_role.replace('_', '-')}-{secrets.token_hex(3)}"
            user = users.create_user(db, access, username, city.password, full_name=figure_role)
            users.add_membership(db, access, user, unit, role)
            city.usernames[figure_role] = username
        db.commit()
        city.reports_seconds = time.perf_counter() - started
        city.period_id, city.city_id = period.id, owner.id
        city.commune_id, city.school_id = commune.id, school.id
        city.units = db.scalar(select(func.count()).select_from(Tenant)) or 0
        return city
    finally:
        db.close()


def period_of(app: Flask, city: City) -> ReportingPeriod:
    """The city's period, detached (for :mod:`core.dashboards.bench`'s figures)."""
    db, _access = _system_session(app)
    try:
        return db.get(ReportingPeriod, city.period_id)
    finally:
        db.close()


def city_path(app: Flask, city: City) -> str:
    """The materialised path of the city (the subtree every figure reads)."""
    db, _access = _system_session(app)
    try:
        return db.get(Tenant, city.city_id).path
    finally:
        db.close()
