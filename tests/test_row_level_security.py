"""PostgreSQL's row-level security, the second wall behind the ORM's tenant criteria.

The app connects as a role that owns no table and cannot bypass the policies of migration 0010;
the grants reach the policies through transaction-local settings. These tests run on the
PostgreSQL leg (``THIDUA_TEST_DATABASE_URL``); SQLite has no row-level security."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

from core.auth.context import _LAST_CONTEXT, load_session_user
from core.bench.figures import counting
from core.db import scoping
from core.db.base import TenantScoped
from core.db.engine import ScopedSession, database, session
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


def _sign_in(app, user) -> tuple[object, list[str], tuple[str, str], set]:
    """One request's signing in of ``user`` (as Flask-Login loads them): who was loaded, the
    statements sent, then the settings the transaction holds and the membership rows it reads
    (raw SQL: the policies alone decide)."""
    with app.test_request_context("/"):
        with counting(app) as statements:
            loaded = load_session_user(f"{user.id}:{user.session_version}")
        db_ = session()
        readable = set(db_.execute(text("SELECT tenant_id FROM membership")).scalars())
        return loaded, statements, _settings(db_), readable


def test_signing_in_sets_the_grants_of_the_last_request_in_the_statement_that_reads_the_user(pg, app, world):
    """The first request reads the user, then sets their grants; the next one sets the grants
    in the statement that reads the user, and sends nothing else."""
    user = world.user("a1_head")
    own = world.tenant("school-a1").id
    _LAST_CONTEXT.pop(user.id, None)
    loaded, statements, settings, readable = _sign_in(app, user)
    assert loaded is not None and loaded.id == user.id
    assert [s.count("set_config") for s in statements] == [0, 6], statements
    assert "thidua_memberships_of" in statements[0]
    assert settings == ("", str(own).join("{}")) and readable == {own}

    loaded, statements, settings, readable = _sign_in(app, user)
    assert loaded is not None
    assert [s.count("set_config") for s in statements] == [6], statements
    assert settings == ("", str(own).join("{}")) and readable == {own}


def test_grants_changed_since_the_last_request_are_set_again_before_anything_else(pg, app, db, world):
    """The statement that signs in sets the grants the user had last time; a membership added
    since is set by the next statement, and one removed is no longer readable."""
    user = world.user("a1_head")
    own, sibling = world.tenant("school-a1").id, world.tenant("school-a2").id
    _sign_in(app, user)
    membership = Membership(tenant_id=sibling, user_id=user.id, role="head")
    db.add(membership)
    db.commit()
    loaded, statements, settings, readable = _sign_in(app, user)
    assert loaded is not None
    assert [s.count("set_config") for s in statements] == [6, 6], statements
    assert readable == {own, sibling}

    db.delete(membership)
    db.commit()
    loaded, statements, settings, readable = _sign_in(app, user)
    assert [s.count("set_config") for s in statements] == [6, 6], statements
    assert readable == {own}


@pytest.mark.parametrize("change", ["deactivated", "signed out everywhere"])
def test_a_user_turned_away_leaves_no_grants_behind(pg, app, db, world, change):
    """A session of a deactivated user, or of an older session version, loads no one, and the
    grants of their last request are not set: the statement sets them only for a current user."""
    user = world.user("a1_head")
    _sign_in(app, user)
    assert _LAST_CONTEXT.get(user.id) is not None
    stale = world.user("a1_head")
    version = stale.session_version
    if change == "deactivated":
        db.get(type(user), user.id).active = False
    else:
        db.get(type(user), user.id).session_version = version + 1
    db.commit()
    with app.test_request_context("/"):
        assert load_session_user(f"{user.id}:{version}") is None
        db_ = session()
        assert _settings(db_) == ("", "")
        assert db_.execute(text("SELECT count(*) FROM membership")).scalar() == 0


def test_a_token_request_reads_the_grants_without_turning_the_policies_off(pg, app, world, api_as):
    """A request with an API token reads the user's grants through thidua_memberships_of as
    signing in does: no statement of its own turns the unscoped setting on."""
    client = api_as("a1_head")
    with counting(app) as statements:
        response = client.get(url(world))
    assert response.status_code == 200
    assert any("thidua_memberships_of" in s for s in statements), statements
    assert not [s for s in statements if s.count("set_config") == 1], statements


def test_the_memberships_function_reads_unscoped_for_its_own_execution_only(pg, db, world):
    """thidua_memberships_of (migration 0022), called as the app role with no grants, reads
    the user's memberships, and the setting that let it is gone when it returns."""
    user = world.user("ward_reviewer")
    mine = select(Membership).where(Membership.user_id == user.id)
    expected = {(m.tenant_id, m.role) for m in db.scalars(mine)}
    assert expected
    with pg.connect() as connection, connection.begin():
        found = set(connection.execute(text("SELECT tenant_id, role FROM thidua_memberships_of(:u)"),
                                       {"u": user.id}).all())
        after = connection.execute(text(
            "SELECT coalesce(current_setting('thidua.unscoped', true), ''),"
            " (SELECT count(*) FROM membership)")).one()
    assert found == expected
    assert tuple(after) == ("", 0)


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
