"""``thidua demo``: schools, enterprises, users for every role and an open annual period on top
of the Hanoi directory, so that the platform can be tried at once. Running it again adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

import core
from core.audit.operations import record
from core.cli.system import system_session
from core.errors import Invalid
from core.periods import models as period_models
from core.periods import operations as period_ops
from core.periods.models import TIME_ZONE
from core.plugins import current_host
from core.plugins import operations as plugin_ops
from core.plugins.manager import PluginHost
from core.plugins.operations import sets_for_tenant
from core.reports import evidence as evidence_ops
from core.reports import operations as report_ops
from core.tenants import directory
from core.tenants.models import Tenant
from core.tenants.operations import new_tenant
from core.users import operations as user_ops
from core.users import passwords, roles
from core.users.access import SystemAccess
from core.users.models import Membership, User

DEMO_PASSWORD = "thidua-demo-2025"
DIRECTORY_FILE = Path(core.__file__).resolve().parent.parent / "tenants" / "hanoi.yaml"
CITY_SLUG = "ha-noi"
VN = ZoneInfo(TIME_ZONE)

# slug, name, kind, parent slug. Names are realistic but the units are examples.
UNITS: tuple[tuple[str, str, str, str], ...] = (
    ("truong-thcs-nguyen-tri-phuong", "Trường THCS Nguyễn Tri Phương", "school", "phuong-ba-dinh"),
    ("truong-tieu-hoc-ngoc-ha", "Trường Tiểu học Ngọc Hà", "school", "phuong-ba-dinh"),
    ("cong-ty-dich-vu-ba-dinh", "Công ty TNHH Dịch vụ Bảo vệ Ba Đình", "enterprise", "phuong-ba-dinh"),
    ("truong-thcs-trung-vuong", "Trường THCS Trưng Vương", "school", "phuong-hoan-kiem"),
    ("cong-ty-thuong-mai-ho-guom", "Công ty Cổ phần Thương mại Hồ Gươm", "enterprise", "phuong-hoan-kiem"),
    ("truong-thcs-bat-trang", "Trường THCS Bát Tràng", "school", "xa-bat-trang"),
    ("hop-tac-xa-gom-su-bat-trang", "Hợp tác xã Gốm sứ Bát Tràng", "enterprise", "xa-bat-trang"),
)

# username, full name, role, unit slug
USERS: tuple[tuple[str, str, str, str], ...] = (
    ("demo.admin", "Quản trị Công an Thành phố", roles.ADMIN, CITY_SLUG),
    ("demo.congan", "Cán bộ thẩm định Công an Thành phố", roles.REVIEWER, CITY_SLUG),
    ("demo.badinh.admin", "Quản trị Phường Ba Đình", roles.ADMIN, "phuong-ba-dinh"),
    ("demo.badinh.reviewer", "Cán bộ thẩm định Phường Ba Đình", roles.REVIEWER, "phuong-ba-dinh"),
    ("demo.badinh.reporter", "Cán bộ báo cáo Phường Ba Đình", roles.REPORTER, "phuong-ba-dinh"),
    ("demo.badinh.head", "Chủ tịch UBND Phường Ba Đình", roles.HEAD, "phuong-ba-dinh"),
    ("demo.ntp.reporter", "Cán bộ báo cáo Trường THCS Nguyễn Tri Phương", roles.REPORTER,
     "truong-thcs-nguyen-tri-phuong"),
    ("demo.ntp.head", "Hiệu trưởng Trường THCS Nguyễn Tri Phương", roles.HEAD,
     "truong-thcs-nguyen-tri-phuong"),
    ("demo.hoankiem.reporter", "Cán bộ báo cáo Phường Hoàn Kiếm", roles.REPORTER, "phuong-hoan-kiem"),
    ("demo.mttq", "Cán bộ Ủy ban MTTQ Việt Nam Thành phố", roles.VIEWER, "uy-ban-mttq"),
    ("demo.sogddt", "Cán bộ thẩm định Sở Giáo dục và Đào tạo", roles.REVIEWER, "so-giao-duc-va-dao-tao"),
)


@dataclass
class DemoResult:
    tenants_created: int = 0
    users_created: int = 0
    memberships_created: int = 0
    period_key: str = ""
    period_created: bool = False
    period_state: str = ""
    directory_loaded: bool = False
    sets_enabled: int = 0
    reports_filled: int = 0
    reports_submitted: int = 0
    reports_approved: int = 0


def _by_slug(db: Session, slug: str) -> Tenant | None:
    return db.scalar(select(Tenant).where(Tenant.slug == slug))


def _ensure_directory(db: Session, result: DemoResult) -> None:
    """Load the Hanoi directory when a unit the demo hangs on is missing (loading is idempotent,
    so a partly loaded directory is completed, not duplicated)."""
    demo_slugs = {slug for slug, *_rest in UNITS}
    needed = {CITY_SLUG} | {parent for *_rest, parent in UNITS}
    needed |= {slug for *_rest, slug in USERS if slug not in demo_slugs}
    present = set(db.scalars(select(Tenant.slug).where(Tenant.slug.in_(needed))))
    if needed - present:
        directory.load_file(db, DIRECTORY_FILE)
        result.directory_loaded = True


def _ensure_units(db: Session, result: DemoResult) -> None:
    for slug, name, kind, parent_slug in UNITS:
        if _by_slug(db, slug) is not None:
            continue
        parent = _by_slug(db, parent_slug)
        if parent is None:
            raise click.ClickException(f"The directory has no unit {parent_slug!r}.")
        unit = new_tenant(db, name=name, kind=kind, parent=parent, slug=slug, attributes={"demo": True})
        record(
            db, "tenant.create", tenant_id=unit.id, actor_label="system", object_type="tenant",
            object_id=unit.id, changes={"name": [None, name], "kind": [None, kind],
                                        "parent": [None, parent_slug]},
        )
        result.tenants_created += 1
        db.flush()


def _ensure_users(db: Session, access: SystemAccess, result: DemoResult) -> None:
    # One Argon2 hash for every demo account: hashing costs tens of milliseconds each.
    shared_hash: str | None = None
    for username, full_name, role, slug in USERS:
        user = user_ops.find_user(db, username)
        if user is None:
            shared_hash = shared_hash or passwords.hash_password(DEMO_PASSWORD)
            user = User(username=username, full_name=full_name, password_hash=shared_hash)
            db.add(user)
            db.flush()
            record(
                db, "user.create", actor_label=access.actor_label, object_type="user",
                object_id=user.id, changes={"username": [None, username]},
            )
            result.users_created += 1
        unit = _by_slug(db, slug)
        held = db.scalar(select(Membership.id).where(
            Membership.user_id == user.id, Membership.tenant_id == unit.id, Membership.role == role
        ))
        if held is None:
            user_ops.add_membership(db, access, user, unit, role)
            result.memberships_created += 1


def annual_period_dates(year: int) -> dict[str, datetime]:
    """The plan's calendar: units report before 10 November, the city consolidates before
    30 November; the period opens on 1 December of the year before and closes on 15 December."""
    return {
        "opens_at": datetime(year - 1, 12, 1, 0, 0, tzinfo=VN),
        "due_at": datetime(year, 11, 10, 23, 59, tzinfo=VN),
        "city_due_at": datetime(year, 11, 30, 23, 59, tzinfo=VN),
        "closes_at": datetime(year, 12, 15, 23, 59, tzinfo=VN),
    }


def _ensure_period(db: Session, access: SystemAccess, result: DemoResult, year: int) -> None:
    key = f"{year}-annual"
    result.period_key = key
    period = period_ops.find_by_key(db, key)
    if period is None:
        period = period_ops.create(db, access, _by_slug(db, CITY_SLUG), {
            "key": key,
            "kind": "annual",
            "title": f"Báo cáo kết quả phong trào “Toàn dân bảo vệ an ninh Tổ quốc” năm {year}",
            **annual_period_dates(year),
        })
        result.period_created = True
    if period.state == period_models.DRAFT:
        period_ops.transition(db, access, period, period_models.OPEN)
    result.period_state = period.state


def _enable_sets(db: Session, access: SystemAccess, host: PluginHost, period) -> int:
    """Every loaded set for the kinds it applies to, weight 1, unless the period already has
    its own choice. The individual nominee record belongs to nominations, not annual reports."""
    if plugin_ops.rows_of(db, period):
        return 0
    kinds_here = plugin_ops.known_kinds(db)
    items = [
        {"key": cs.key, "tenant_kinds": sorted(cs.applies_to & kinds_here), "weight": 1}
        for cs in host.latest_sets()
        if cs.sector != "individual" and cs.applies_to & kinds_here
    ]
    if items and period.state in plugin_ops.EDITABLE_STATES:
        plugin_ops.configure_period(db, access, host, period, items)
    return len(items)


def _reporting_units(db: Session, sample: int) -> list[Tenant]:
    """The demo's wards and their units, then the first ``sample`` other communes and wards."""
    demo = [_by_slug(db, slug) for slug, *_ in UNITS]
    parents = {_by_slug(db, parent) for *_, parent in UNITS}
    others = db.scalars(
        select(Tenant).where(Tenant.kind.in_(("ward", "commune")), Tenant.id.notin_([p.id for p in parents]))
        .order_by(Tenant.code).limit(sample)
    ).all()
    return [*demo, *sorted(parents, key=lambda t: t.slug), *others]


def _fill_reports(db: Session, access: SystemAccess, host: PluginHost, period, result: DemoResult,
                  sample: int, seed: int, store) -> None:
    """A year of reports: values from each set's demo generator, some submitted, some approved,
    the rest left in draft, as a real period looks a few weeks before its deadline."""
    rng = random.Random(seed)
    for tenant in _reporting_units(db, sample):
        if report_ops.find(db, tenant, period) is not None:
            continue
        sections = {}
        for item in sets_for_tenant(db, host, period, tenant):
            if item.criteria_set is None:
                continue
            values = host.pm.hook.thidua_demo_values(criteria_set=item.criteria_set, tenant=tenant, rng=rng)
            if values is not None:
                sections[item.row.key] = values
        if not sections:
            continue
        submission = report_ops.save_draft(db, access, host, tenant, period, 0, sections)
        result.reports_filled += 1
        if rng.random() < 0.6:
            _attach_demo_evidence(db, access, host, store, submission, tenant, period)
            try:
                report_ops.submit(db, access, host, tenant, period)
            except Invalid:
                continue
            result.reports_submitted += 1
            if rng.random() < 0.5 and tenant.parent_id is not None:
                report_ops.approve(db, access, host, tenant, period, "Dữ liệu mẫu")
                result.reports_approved += 1


def demo_pdf(title: str) -> bytes:
    """A one-page PDF saying it is sample evidence (a real, well-formed file)."""
    text = title.encode("ascii", "replace").decode("ascii").replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 72 760 Td (Minh chung mau - {text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _attach_demo_evidence(db: Session, access: SystemAccess, host: PluginHost, store, submission,
                          tenant: Tenant, period) -> None:
    """Sample proof (minh chứng) for every claim whose criterion requires one."""
    for item in report_ops.missing(db, host, submission, tenant, period):
        if item.reason == "evidence":
            criterion = f"{item.section}.{item.field}"
            evidence_ops.add(db, access, host, store, tenant, period, demo_pdf(criterion),
                             f"minh-chung-{item.field}.pdf", criterion)


def build_demo(db: Session, access: SystemAccess, year: int | None = None, *, host: PluginHost | None = None,
               sample: int = 12, seed: int = 2025) -> DemoResult:
    """Create whatever of the demo is missing; commits. With a plugin host, also enable its sets
    in the demo period and fill reports for the demo units and ``sample`` more communes."""
    result = DemoResult()
    _ensure_directory(db, result)
    _ensure_units(db, result)
    _ensure_users(db, access, result)
    _ensure_period(db, access, result, year or datetime.now(VN).year)
    if host is not None:
        period = period_ops.find_by_key(db, result.period_key)
        result.sets_enabled = _enable_sets(db, access, host, period)
        _fill_reports(db, access, host, period, result, sample, seed, evidence_ops.store_for(current_app))
    db.commit()
    return result


def login_table() -> list[tuple[str, str, str, str]]:
    """(username, password, role, unit slug) of every demo account."""
    return [(username, DEMO_PASSWORD, role, slug) for username, _name, role, slug in USERS]


@click.command("demo")
@click.option("--sample", default=12, show_default=True,
              help="Communes and wards beyond the demo's own that get reports.")
@click.option("--seed", default=2025, show_default=True, help="Seed of the demo values.")
@with_appcontext
def demo_command(sample: int, seed: int) -> None:
    """Add demo schools, enterprises, users, an open annual period with every loaded criteria
    set enabled, and reports for part of Hanoi (loads the Hanoi directory first if needed).
    Safe to run again."""
    db, access = system_session()
    try:
        result = build_demo(db, access, host=current_host(), sample=sample, seed=seed)
    except BaseException:
        db.rollback()
        raise
    if result.directory_loaded:
        click.echo(f"Loaded the directory {DIRECTORY_FILE.name}.")
    click.echo(
        f"{result.tenants_created} units, {result.users_created} users and "
        f"{result.memberships_created} memberships created; period {result.period_key} is "
        f"{result.period_state}."
    )
    if result.reports_filled:
        click.echo(
            f"{result.sets_enabled} criteria sets enabled; {result.reports_filled} reports filled, "
            f"{result.reports_submitted} submitted, {result.reports_approved} approved."
        )
    names = {slug: name for slug, name in db.execute(select(Tenant.slug, Tenant.name))}
    rows = [(u, p, r, names.get(s, s)) for u, p, r, s in login_table()]
    widths = [max(len(row[i]) for row in rows + [("username", "password", "role", "unit")])
              for i in range(4)]
    click.echo("")
    for row in [("username", "password", "role", "unit"), tuple("-" * w for w in widths), *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
