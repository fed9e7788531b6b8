"""PostgreSQL's row-level security, the second wall behind the ORM's tenant criteria.

The app connects as a role that owns no table and cannot bypass the policies of migration 0010;
the grants reach the policies through transaction-local settings. These tests run on the
PostgreSQL leg (``THIDUA_TEST_DATABASE_URL``); SQLite has no row-level security."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

from core.db import scoping
from core.db.base import TenantScoped
from core.db.engine import ScopedSession, database
from core.users.access import Access
from core.users.models import Membership


def url(world, slug: str = "school-a1") -> str:
    return f"/api/v1/tenants/{world.tenant(slug).id}/periods/{world.period.id}/report"


@pytest.fixture
def pg(app):
    if database(app).engine.dialect.name != "postgresql":
        pytest.skip("row-level security exists on PostgreSQL only (the PostgreSQL leg runs this)")
    return database(app).engine


def grants_of(db, world, username: str) -> scoping.TenantContext:
    return Access.for_user(db, world.user(username)).tenant_context()


def test_every_tenant_table_forces_row_level_security(pg):
    names = sorted({m.local_table.name for m in _mappers() if issubclass(m.class_, TenantScoped)})
    assert "submission" in names and "membership" in names
    with pg.connect() as connection:
        rows = dict(connection.execute(text(
            "SELECT relname, relrowsecurity AND relforcerowsecurity FROM pg_class "
            "WHERE relkind = 'r' AND relname = ANY(:names)"), {"names": names}).all())
        role = connection.execute(text(
            "SELECT rolsuper, rolbypassrls, current_user FROM pg_roles WHERE rolname = current_user")).one()
        owned = connection.execute(text(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"
        )).scalar()
    assert rows == dict.fromkeys(names, True)
    assert role[:2] == (False, False), f"the app role {role[2]} may bypass row-level security"
    assert owned == 0


def _mappers():
    from core.db.base import Base

    return list(Base.registry.mappers)


def test_raw_sql_as_the_app_role_returns_only_the_granted_subtree(pg, db, world):
    ward = {world.tenant(s).id for s in ("ward-a", "school-a1", "school-a2")}
    every = set(db.scalars(select(Membership.tenant_id)))
    assert every > ward, "the world has memberships outside ward A"
    with pg.connect() as connection:
        with connection.begin():
            assert connection.execute(text("SELECT count(*) FROM membership")).scalar() == 0, \
                "no grants set: nothing is visible"
        for username, expected in (("ward_reviewer", ward), ("a1_head", {world.tenant("school-a1").id})):
            with connection.begin():
                scoping.apply_settings(connection, grants_of(db, world, username))
                seen = set(connection.execute(text("SELECT DISTINCT tenant_id FROM membership")).scalars())
            assert seen == expected, username


def test_raw_insert_into_a_sibling_is_refused(pg, db, world):
    with pg.connect() as connection, connection.begin():
        scoping.apply_settings(connection, grants_of(db, world, "a1_head"))
        with pytest.raises(DBAPIError, match="row-level security"):
            connection.execute(insert(Membership.__table__).values(
                tenant_id=world.tenant("school-a2").id, id=world.tenant("school-a2").id,
                user_id=world.user("a1_head").id, role="head"))


def test_orm_criteria_switched_off_still_cannot_read_a_sibling(pg, app, db, world):
    session = database(app).new_session()
    scoping.set_context(session, grants_of(db, world, "a1_head"))
    event.remove(ScopedSession, "do_orm_execute", scoping._scope_statement)
    try:
        rows = session.scalars(select(Membership)).all()
        sibling = session.scalars(
            select(Membership).where(Membership.tenant_id == world.tenant("school-a2").id)).all()
        raw = set(session.execute(text("SELECT tenant_id FROM membership")).scalars())
    finally:
        event.listen(ScopedSession, "do_orm_execute", scoping._scope_statement)
        session.close()
    assert {m.tenant_id for m in rows} == {world.tenant("school-a1").id}
    assert sibling == []
    assert raw == {world.tenant("school-a1").id}


def test_a_pooled_connection_carries_nothing_to_the_next_request(pg, app, world, api_as):
    """Two requests on the one connection of a pool of one: the city admin's grants are gone
    when the connection comes back, and a reporter's request on it sees only its unit."""
    db_ = database(app)
    db_.engine.dispose()
    db_.engine = create_engine(db_.url, pool_size=1, max_overflow=0)
    db_.sessionmaker = sessionmaker(bind=db_.engine, class_=ScopedSession, expire_on_commit=False)
    pids = []
    event.listen(db_.engine, "checkout", lambda dbapi, record, proxy: pids.append(dbapi.info.backend_pid))
    city, sibling_head = api_as("city_admin"), api_as("a2_head")
    assert city.get(url(world)).status_code == 200
    with db_.engine.connect() as connection, connection.begin():
        leftovers = connection.execute(text(
            "SELECT current_setting('thidua.read_paths', true), current_setting('thidua.bypass', true),"
            " (SELECT count(*) FROM membership)")).one()
    assert tuple(leftovers) in {("", "", 0), (None, None, 0)}, leftovers
    assert sibling_head.get(url(world)).status_code == 404
    assert len(set(pids)) == 1 and len(pids) >= 3, pids


def _settings(session) -> tuple[str, str]:
    return tuple(session.execute(text(
        "SELECT coalesce(current_setting('thidua.unscoped', true), ''),"
        " coalesce(current_setting('thidua.read_ids', true), '')")).one())


def test_an_unscoped_block_ended_with_a_context_closes_in_the_same_statement(pg, app, db, world):
    """Signing a request in reads the user's memberships unscoped, then sets their grants: the
    statement that sets the grants closes the block, and setting the same grants again sends
    nothing, while a block opened afterwards makes set_context write them again."""
    grants = grants_of(db, world, "a1_head")
    statements: list[str] = []

    def note(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    session = database(app).new_session()
    event.listen(pg, "before_cursor_execute", note)
    try:
        with scoping.unscoped_statements(session) as block:
            every = set(session.scalars(select(Membership.tenant_id).execution_options(
                **{scoping.UNSCOPED_OPTION: "a test of the block"})))
            block.end_with(grants)
        assert len(every) > 1, "the block read across units"
        assert [s.count("set_config") for s in statements] == [1, 0, 6], statements
        assert _settings(session) == ("", str(world.tenant("school-a1").id).join("{}"))
        assert set(session.scalars(select(Membership.tenant_id))) == {world.tenant("school-a1").id}
        before = len(statements)
        scoping.set_context(session, grants)
        assert len(statements) == before, "equal grants were sent again"
        with scoping.unscoped_statements(session):
            scoping.set_context(session, grants)
            assert _settings(session)[0] == "", "set_context inside a block must close it"
    finally:
        event.remove(pg, "before_cursor_execute", note)
        session.close()


def test_a_pooled_connection_idle_too_long_is_pinged_and_replaced_when_dead(pg, app, monkeypatch):
    """A connection in steady use is not pinged (a round trip per request for nothing); one idle
    longer than IDLE_PING_SECONDS is, and the pool replaces it when its backend is gone."""
    import time

    from core.db import engine as engine_module

    fresh = engine_module.Database(database(app).url)
    pings: list[bool] = []
    real_ping = fresh.engine.dialect.do_ping

    def counted(dbapi_connection):
        pings.append(True)
        return real_ping(dbapi_connection)

    monkeypatch.setattr(fresh.engine.dialect, "do_ping", counted)
    try:
        def backend() -> int:
            with fresh.engine.connect() as connection:
                return connection.execute(text("SELECT pg_backend_pid()")).scalar()

        first = backend()
        assert backend() == first and pings == [], "a connection just used was pinged"
        with pg.connect() as other:
            assert other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": first}).scalar()
        aged = time.monotonic() - engine_module.IDLE_PING_SECONDS - 1
        for record in list(fresh.engine.pool._pool.queue):
            record.info["checked_in_at"] = aged
        replaced = backend()
        assert pings == [True] and replaced != first
    finally:
        fresh.dispose()
