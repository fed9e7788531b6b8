"""Notices to everyone acting for a subtree: the members with the roles, in the unit and below,
found by the subtree's path, never by the list of its units (a city has thousands)."""

from __future__ import annotations

from sqlalchemy import event, select

from core.db import scoping
from core.db.engine import database
from core.notifications.models import Notification
from core.notifications.operations import notify_within
from core.tenants.models import Tenant
from core.tenants.operations import new_tenant
from core.users.access import Access


def test_the_subtrees_reviewers_are_told_and_no_statement_lists_its_units(app, db, world):
    scoping.set_context(db, scoping.TenantContext.system_context())
    commune = db.get(Tenant, world.tenant("commune-b").id)
    for number in range(150):
        new_tenant(db, name=f"Trường thử {number}", kind="school", parent=commune)
    db.commit()
    session = database(app).new_session()
    grants = Access.for_user(session, world.user("a1_head")).tenant_context()
    scoping.set_context(session, grants)
    bound: list[int] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        bound.append(len(parameters or ()))

    event.listen(database(app).engine, "before_cursor_execute", seen)
    try:
        with app.test_request_context():
            city = session.get(Tenant, world.tenant("ha-noi").id)
            notify_within(session, city, ["reviewer"], kind="award.vet", title="Hồ sơ chờ thẩm định")
            session.commit()
    finally:
        event.remove(database(app).engine, "before_cursor_execute", seen)
        assert scoping.get_context(session) == grants, "the caller's grants are put back"
        session.close()
    assert bound and max(bound) < 40, bound
    told = set(db.scalars(select(Notification.user_id).where(Notification.kind == "award.vet")))
    names = {u.username for u in world.users.values() if u.id in told}
    assert names == {"city_reviewer", "ward_reviewer", "edu_reviewer"}, names
