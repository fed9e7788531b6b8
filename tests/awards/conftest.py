"""Commendation tests: the world with Công an Thành phố (vetting) and Sở Nội vụ with its Ban Thi
đua - Khen thưởng (appraising) beside the units, the shipped award types, and one small plugin
(fixtures/awards_plugin.py) whose set is enabled for wards and communes."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.plugins.testing import config_for_marker

FIXTURE = Path(__file__).parent / "fixtures" / "awards_plugin.py"

CHAIN_USERS = (
    # username, tenant slug, role
    ("police_reviewer", "cong-an-thanh-pho", "reviewer"),
    ("police_reporter", "cong-an-thanh-pho", "reporter"),
    ("noivu_reviewer", "so-noi-vu", "reviewer"),
    ("board_admin", "ban-thi-dua-khen-thuong", "admin"),
)


@pytest.fixture
def thidua_config(request, install_plugin):
    install_plugin("awd", {"thidua_awd.py": FIXTURE.read_text(encoding="utf-8")})
    return config_for_marker(request.node.get_closest_marker("thidua_plugins")) or {"THIDUA_PLUGINS": "awd"}


@pytest.fixture
def awards_world(app, db, world, enable_criteria_sets):
    from core.awards.operations import install_defaults
    from core.tenants.operations import new_tenant
    from core.users import operations as user_ops
    from core.users.access import SystemAccess

    with app.app_context():
        access = SystemAccess(db=db, user=None)
        city = world.tenant("ha-noi")
        police = new_tenant(db, name="Công an Thành phố", kind="department", parent=city,
                            slug="cong-an-thanh-pho")
        noivu = new_tenant(db, name="Sở Nội vụ", kind="department", parent=city, slug="so-noi-vu")
        board = new_tenant(db, name="Ban Thi đua - Khen thưởng Thành phố", kind="agency", parent=noivu,
                           slug="ban-thi-dua-khen-thuong")
        db.flush()
        world.tenants.update({"cong-an-thanh-pho": police, "so-noi-vu": noivu,
                              "ban-thi-dua-khen-thuong": board})
        for username, slug, role in CHAIN_USERS:
            user = user_ops.create_user(db, access, username, world.password)
            user_ops.add_membership(db, access, user, world.tenants[slug], role)
            world.users[username] = user
        install_defaults(db)
        db.commit()
    enable_criteria_sets("awd.safety")
    return world


@pytest.fixture
def acting(app, awards_world):
    """``acting("ward_head")`` → (session, access) scoped as that user would be in a request,
    inside a request context (messages are translated)."""
    from core.testing.fixtures import acting_in

    with acting_in(app, awards_world) as make:
        yield make
