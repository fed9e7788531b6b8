"""``thidua demo``: schools, enterprises, users for every role, the open annual period and the
year before it on top of the Hanoi directory, so that the platform can be tried at once. Running
it again adds nothing.

The demo follows the calendar, never a fixed date: its year is the one whose period is open
today (this year's until it closes on 15 December, then the next one, which opened on
1 December), and every report is dated inside its period's window, before today, by running
each step under :func:`core.clock.frozen` at that step's moment.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

import core
from core import clock
from core.audit.operations import record
from core.awards import attachments as award_attachments
from core.awards import operations as award_ops
from core.awards.models import Dossier
from core.cli.system import system_session
from core.errors import Invalid
from core.periods import models as period_models
from core.periods import operations as period_ops
from core.periods.models import TIME_ZONE, ReportingPeriod
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
    ("truong-thpt-chu-van-an", "Trường THPT Chu Văn An", "school", "so-giao-duc-va-dao-tao"),
    ("truong-thpt-phan-dinh-phung", "Trường THPT Phan Đình Phùng", "school", "so-giao-duc-va-dao-tao"),
    ("truong-thpt-viet-duc", "Trường THPT Việt Đức", "school", "so-giao-duc-va-dao-tao"),
)

DRAFT_ONLY = "draft"
SUBMITTED = "submitted"
APPROVED = "approved"

# What the demo's own units show in the open period, so that every account finds its work: the
# school of demo.ntp.reporter (and demo.ntp.head) and the ward of demo.hoankiem.reporter have a
# report half filled; a report waits for demo.badinh.reviewer and one for demo.sogddt. The other
# units draw their outcome at random (seeded).
STORY: dict[str, str] = {
    "truong-thcs-nguyen-tri-phuong": DRAFT_ONLY,
    "phuong-hoan-kiem": DRAFT_ONLY,
    "truong-tieu-hoc-ngoc-ha": SUBMITTED,
    "truong-thpt-chu-van-an": SUBMITTED,
    "truong-thpt-phan-dinh-phung": APPROVED,
}
TRY_FILLING = "demo.ntp.reporter"

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
    # The commendation chain: Công an Thành phố vets the units' dossiers, Sở Nội vụ's Ban Thi đua -
    # Khen thưởng appraises them and records the decisions.
    ("demo.congan.khenthuong", "Cán bộ thi đua - khen thưởng Công an Thành phố", roles.REVIEWER,
     "cong-an-thanh-pho"),
    ("demo.tdkt", "Cán bộ Ban Thi đua - Khen thưởng Thành phố", roles.REVIEWER, "ban-thi-dua-khen-thuong"),
)


@dataclass
class DemoResult:
    tenants_created: int = 0
    users_created: int = 0
    memberships_created: int = 0
    period_key: str = ""
    period_created: bool = False
    period_state: str = ""
    previous_key: str = ""
    previous_created: bool = False
    directory_loaded: bool = False
    sets_enabled: int = 0
    reports_filled: int = 0
    reports_submitted: int = 0
    reports_late: int = 0
    reports_approved: int = 0
    drafts: list[str] = field(default_factory=list)  # slugs of the demo's units left in draft
    dossier_created: bool = False


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


def demo_year(now: datetime) -> int:
    """The movement's year whose period is open at ``now`` (aware): this year's until it closes
    on 15 December, the next year's from 16 December (it opened on 1 December). From 1 to
    15 December both are open; the demo keeps this year's, which is being consolidated."""
    local = now.astimezone(VN)
    if local <= annual_period_dates(local.year)["closes_at"]:
        return local.year
    return local.year + 1


def _ensure_period(db: Session, access: SystemAccess, year: int) -> tuple[ReportingPeriod, bool]:
    """The annual period of ``year``, created and opened if missing; (period, created)."""
    key = f"{year}-annual"
    period = period_ops.find_by_key(db, key)
    created = period is None
    dates = annual_period_dates(year)
    if period is None:
        # Created and opened on the day it opens, so that its history reads like a real year.
        with clock.frozen(min(dates["opens_at"], clock.now())):
            period = period_ops.create(db, access, _by_slug(db, CITY_SLUG), {
                "key": key,
                "kind": "annual",
                "title": f"Báo cáo kết quả phong trào “Toàn dân bảo vệ an ninh Tổ quốc” năm {year}",
                **dates,
            })
    if period.state == period_models.DRAFT:
        with clock.frozen(min(dates["opens_at"], clock.now())):
            period_ops.transition(db, access, period, period_models.OPEN)
    return period, created


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


@dataclass(frozen=True)
class Window:
    """A stretch of time a step may be dated in (aware datetimes, ``start < end``)."""

    start: datetime
    end: datetime

    def pick(self, rng: random.Random) -> datetime:
        return self.start + (self.end - self.start) * rng.random()


def windows(dates: dict[str, datetime], until: datetime) -> tuple[Window | None, Window | None]:
    """(on time, late): a submission on time lies between opening and ``due_at``, a late one
    between ``due_at`` and closing; both end at ``until`` (today, for the open period), so no
    step is dated in the future. ``None`` where nothing of the window has passed yet."""
    on_time_end = min(dates["due_at"], until)
    on_time = Window(dates["opens_at"], on_time_end) if on_time_end > dates["opens_at"] else None
    late_start = dates["due_at"] + timedelta(minutes=1)
    late_end = min(dates["closes_at"], until)
    late = Window(late_start, late_end) if late_end > late_start else None
    return on_time, late


@dataclass
class _Unit:
    """One unit's year in the demo: its values and the moments of its steps."""

    tenant: Tenant
    sections: dict
    outcome: str
    saved_at: datetime
    submit_at: datetime | None = None
    approve_at: datetime | None = None
    submitted: bool = False


def _outcome(rng: random.Random, slug: str, past_year: bool) -> str:
    if not past_year and slug in STORY:
        return STORY[slug]
    draw = rng.random()
    if past_year:  # a finished year: nearly every unit reported and was reviewed
        return DRAFT_ONLY if draw < 0.05 else (SUBMITTED if draw < 0.15 else APPROVED)
    return DRAFT_ONLY if draw < 0.3 else (SUBMITTED if draw < 0.65 else APPROVED)


def _plan(rng: random.Random, tenant: Tenant, sections: dict, dates: dict[str, datetime],
          until: datetime, past_year: bool) -> _Unit | None:
    """When each step of a unit's report happens: submitted on time, or late one time in four
    when the deadline has passed; approved some days after, if that is before ``until``. None
    when the period has not opened by ``until``."""
    on_time, late = windows(dates, until)
    if on_time is None:
        return None
    outcome = _outcome(rng, tenant.slug, past_year)
    if outcome == DRAFT_ONLY:
        partial = dict(sorted(sections.items())[:1]) if tenant.slug in STORY else sections
        window = on_time if late is None else Window(on_time.start, late.end)
        return _Unit(tenant, partial, outcome, window.pick(rng))
    chosen = late if late is not None and (rng.random() < 0.25) else on_time
    submit_at = chosen.pick(rng)
    saved_at = max(dates["opens_at"], submit_at - timedelta(days=rng.uniform(1, 20)))
    unit = _Unit(tenant, sections, outcome, saved_at, submit_at)
    if outcome == APPROVED and tenant.parent_id is not None:
        approve_at = submit_at + timedelta(days=rng.uniform(0.5, 12))
        if approve_at < until:
            unit.approve_at = approve_at
    return unit


def _fill_reports(db: Session, access: SystemAccess, host: PluginHost, period, result: DemoResult,
                  sample: int, rng: random.Random, store, until: datetime, past_year: bool) -> None:
    """A year of reports up to ``until``: values from each set's demo generator; drafts, reports
    submitted on time and late, approved ones. Each step runs with the clock at its moment, in
    the order of those moments, so dates, lateness and the audit log all read like a real year."""
    dates = {name: getattr(period, name) for name in ("opens_at", "due_at", "city_due_at", "closes_at")}
    units: list[_Unit] = []
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
        unit = _plan(rng, tenant, sections, dates, until, past_year) if sections else None
        if unit is not None:
            units.append(unit)

    def save(unit: _Unit) -> None:
        report_ops.save_draft(db, access, host, unit.tenant, period, 0, unit.sections)
        result.reports_filled += 1
        if unit.outcome == DRAFT_ONLY and not past_year and unit.tenant.slug in STORY:
            result.drafts.append(unit.tenant.slug)

    def submit(unit: _Unit) -> None:
        submission = report_ops.find(db, unit.tenant, period)
        _attach_demo_evidence(db, access, host, store, submission, unit.tenant, period)
        try:
            submitted = report_ops.submit(db, access, host, unit.tenant, period)
        except Invalid:
            return
        unit.submitted = True
        result.reports_submitted += 1
        result.reports_late += bool(submitted.late)

    def approve(unit: _Unit) -> None:
        if unit.submitted:
            report_ops.approve(db, access, host, unit.tenant, period, "Số liệu khớp với minh chứng.")
            result.reports_approved += 1

    steps: list[tuple[datetime, int, Callable[[_Unit], None], _Unit]] = []
    for order, unit in enumerate(units):
        steps.append((unit.saved_at, order, save, unit))
        if unit.submit_at is not None:
            steps.append((unit.submit_at, order, submit, unit))
        if unit.approve_at is not None:
            steps.append((unit.approve_at, order, approve, unit))
    for moment, _order, step, unit in sorted(steps, key=lambda s: (s[0], s[1])):
        with clock.frozen(moment):
            step(unit)


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


# The commendation dossier the demo proposes for the year before, waiting for Công an Thành phố
# (demo.congan.khenthuong) to vet it, then for demo.tdkt to appraise and decide it.
DOSSIER_UNIT = "phuong-ba-dinh"
DOSSIER_JUSTIFICATION = (
    "Phường Ba Đình triển khai sâu rộng phong trào “Toàn dân bảo vệ an ninh Tổ quốc”: 100% tổ dân "
    "phố duy trì tổ bảo vệ an ninh trật tự, không để xảy ra trọng án, tội phạm hình sự giảm so với "
    "năm trước.")
DOSSIER_NOMINEES = (
    {"subject": "collective", "award": "bang-khen-chu-tich-tp"},
    {"subject": "individual", "award": "giay-khen-cong-an-tp", "person_name": "Trần Minh Hoàng",
     "person_position": "Tổ trưởng tổ bảo vệ an ninh trật tự tổ dân phố số 5"},
)


def _ensure_dossier(db: Session, access: SystemAccess, store, period: ReportingPeriod) -> bool:
    """Propose Phường Ba Đình's commendation dossier for ``period`` (the year before, whose
    results are in) unless the ward has one there: a collective and an individual, the summary
    of achievements and the cover memo. Dated three days after the city's consolidation,
    inside the period, before it closes. True when created."""
    unit = _by_slug(db, DOSSIER_UNIT)
    if unit is None or db.scalar(select(Dossier.id).where(Dossier.tenant_id == unit.id,
                                                          Dossier.period_id == period.id)):
        return False
    award_ops.install_defaults(db)
    with clock.frozen(min(period.city_due_at + timedelta(days=3), clock.now())):
        dossier_id = award_ops.create(db, access, period, unit, DOSSIER_JUSTIFICATION)
        for nominee in DOSSIER_NOMINEES:
            award_ops.add_nominee(db, access, period, dossier_id, {**nominee, "unit": unit.id})
        award_attachments.add(db, access, store, period, dossier_id, "memo",
                              demo_pdf("To trinh de nghi khen thuong"), "to-trinh-de-nghi-khen-thuong.pdf")
        award_ops.step(db, access, period, dossier_id, "submit", {"confirm": True})
    return True


def build_demo(db: Session, access: SystemAccess, year: int | None = None, *, host: PluginHost | None = None,
               sample: int = 12, seed: int = 2025) -> DemoResult:
    """Create whatever of the demo is missing; commits.

    ``year`` defaults to :func:`demo_year` of today (:mod:`core.clock`). With a plugin host, also
    enable its sets in that year's period and the year before, and fill reports for the demo
    units and ``sample`` more communes: the year before complete and closed, so that a dashboard
    compares two years; this year up to today. Works on any day of the year."""
    result = DemoResult()
    now = clock.now()
    year = year or demo_year(now)
    _ensure_directory(db, result)
    _ensure_units(db, result)
    _ensure_users(db, access, result)
    previous, result.previous_created = _ensure_period(db, access, year - 1)
    period, result.period_created = _ensure_period(db, access, year)
    result.previous_key, result.period_key = previous.key, period.key
    if host is not None:
        store = evidence_ops.store_for(current_app)
        rng = random.Random(seed)
        if result.previous_created:
            _enable_sets(db, access, host, previous)
            _fill_reports(db, access, host, previous, result, sample, rng, store,
                          min(previous.closes_at, now), past_year=True)
        result.dossier_created = _ensure_dossier(db, access, store, previous)
        # The year before is over: closed when it closed (also when the demo made it as this
        # year's on an earlier run, before 16 December).
        if previous.state == period_models.OPEN and previous.closes_at < now:
            with clock.frozen(previous.closes_at + timedelta(minutes=1)):
                period_ops.transition(db, access, previous, period_models.CLOSED)
        result.sets_enabled = _enable_sets(db, access, host, period)
        if period.state == period_models.OPEN:
            _fill_reports(db, access, host, period, result, sample, rng, store, now, past_year=False)
    result.period_state = period.state
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
    """Add demo schools, enterprises, users, the open annual period and the year before with
    every loaded criteria set enabled, and reports for part of Hanoi dated inside each period's
    window (loads the Hanoi directory first if needed). Works on any date; safe to run again."""
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
        f"{result.period_state} (the year before: {result.previous_key})."
    )
    if result.reports_filled:
        click.echo(
            f"{result.sets_enabled} criteria sets enabled; {result.reports_filled} reports filled, "
            f"{result.reports_submitted} submitted ({result.reports_late} late), "
            f"{result.reports_approved} approved."
        )
    names = {slug: name for slug, name in db.execute(select(Tenant.slug, Tenant.name))}
    rows = [(u, p, r, names.get(s, s)) for u, p, r, s in login_table()]
    widths = [max(len(row[i]) for row in rows + [("username", "password", "role", "unit")])
              for i in range(4)]
    click.echo("")
    for row in [("username", "password", "role", "unit"), tuple("-" * w for w in widths), *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    click.echo("")
    click.echo(f"A report to fill: sign in as {TRY_FILLING} (then submit it as demo.ntp.head).")
    click.echo("A commendation dossier to vet: sign in as demo.congan.khenthuong (then appraise and decide "
               "it as demo.tdkt).")
