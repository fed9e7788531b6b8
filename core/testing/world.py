"""A small tenant tree with siblings and cousins, and a user for every role that matters.

    city (Hà Nội, admin/reviewer/viewer)
    ├── ward-a (Phường A: admin, reviewer, reporter, head)
    │   ├── school-a1 (reporter, head)
    │   └── school-a2 (reporter, head)        ← sibling of school-a1
    ├── commune-b (Xã B: admin, reporter, head)  ← sibling of ward-a
    │   └── enterprise-b1 (reporter)            ← cousin of school-a1
    └── dept-edu (Sở Giáo dục và Đào tạo: reviewer)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core import clock
from core.periods import models as period_models
from core.periods import operations as period_ops
from core.periods.models import ReportingPeriod
from core.tenants.models import Tenant
from core.tenants.operations import new_tenant
from core.users import operations as user_ops
from core.users.access import SystemAccess
from core.users.models import User

PASSWORD = "mat-khau-thu-nghiem"
VN = ZoneInfo("Asia/Ho_Chi_Minh")

TREE = (
    # slug, name, kind, parent slug, code
    ("ha-noi", "Thành phố Hà Nội", "city", None, "01"),
    ("ward-a", "Phường A", "ward", "ha-noi", "90001"),
    ("commune-b", "Xã B", "commune", "ha-noi", "90002"),
    ("dept-edu", "Sở Giáo dục và Đào tạo", "department", "ha-noi", None),
    ("school-a1", "Trường THCS A1", "school", "ward-a", None),
    ("school-a2", "Trường THCS A2", "school", "ward-a", None),
    ("enterprise-b1", "Công ty B1", "enterprise", "commune-b", None),
)

USERS = (
    # username, tenant slug, role
    ("city_admin", "ha-noi", "admin"),
    ("city_reviewer", "ha-noi", "reviewer"),
    ("city_viewer", "ha-noi", "viewer"),
    ("ward_admin", "ward-a", "admin"),
    ("ward_reviewer", "ward-a", "reviewer"),
    ("ward_reporter", "ward-a", "reporter"),
    ("ward_head", "ward-a", "head"),
    ("commune_admin", "commune-b", "admin"),
    ("commune_reporter", "commune-b", "reporter"),
    ("commune_head", "commune-b", "head"),
    ("edu_reviewer", "dept-edu", "reviewer"),
    ("a1_reporter", "school-a1", "reporter"),
    ("a1_head", "school-a1", "head"),
    ("a2_reporter", "school-a2", "reporter"),
    ("a2_head", "school-a2", "head"),
    ("b1_reporter", "enterprise-b1", "reporter"),
)


@dataclass
class World:
    tenants: dict[str, Tenant] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    period: ReportingPeriod | None = None
    password: str = PASSWORD

    def tenant(self, slug: str) -> Tenant:
        return self.tenants[slug]

    def user(self, username: str) -> User:
        return self.users[username]


def build_world(db: Session, now: datetime | None = None) -> World:
    """Create the tree, the users and an open annual period; commits."""
    access = SystemAccess(db=db, user=None)
    world = World()
    for slug, name, kind, parent, code in TREE:
        world.tenants[slug] = new_tenant(
            db, name=name, kind=kind, parent=world.tenants.get(parent) if parent else None,
            slug=slug, code=code,
        )
    db.flush()
    for username, slug, role in USERS:
        user = world.users.get(username) or user_ops.create_user(db, access, username, PASSWORD)
        world.users[username] = user
        user_ops.add_membership(db, access, user, world.tenants[slug], role)
    now = now or clock.now_in_hanoi()
    year = now.year
    world.period = period_ops.create(db, access, world.tenants["ha-noi"], {
        "key": f"{year}-annual",
        "kind": "annual",
        "title": f"Báo cáo kết quả phong trào năm {year}",
        "opens_at": now - timedelta(days=30),
        "due_at": now + timedelta(days=14),
        "city_due_at": now + timedelta(days=34),
        "closes_at": now + timedelta(days=60),
    })
    period_ops.transition(db, access, world.period, period_models.OPEN)
    db.commit()
    return world
