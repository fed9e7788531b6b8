"""Fixtures of the Thi Đua pytest plugin."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from core import clock
from core.app import create_app
from core.db import migrate, roles, scoping
from core.db.engine import database, migration_engine, normalise_url
from core.extensions import limiter
from core.testing.world import World, build_world
from migrations.models import target_metadata

#: Set to an ISO moment (``2026-12-16T08:00+07:00``; a date alone is 09:00 that day in Hanoi) to
#: run the tests as if the session started then: :mod:`core.clock` reads that moment and runs on
#: from it, so every date-dependent test can be tried on 1 January, 29 February or 31 December.
TEST_NOW = "THIDUA_TEST_NOW"

# The app's database URL → the tables' owner's URL (they differ on PostgreSQL).
OWNER_URLS: dict[str, str] = {}


def _test_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("THIDUA_TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return normalise_url(url)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


def _app_role_url(app_url: str, owner_url: str) -> str:
    """The URL the app connects with on PostgreSQL: ``app_url`` when it names a role other than
    the owner's (``THIDUA_MIGRATION_DATABASE_URL`` set apart), else the owner's URL with the
    role ``<database>_app``."""
    app, owner = make_url(app_url), make_url(owner_url)
    if app.username and app.username != owner.username:
        return app_url
    return owner.set(username=f"{owner.database}_app", password=None).render_as_string(
        hide_password=False)


def session_start(raw: str) -> datetime:
    """The moment ``THIDUA_TEST_NOW`` names: ISO 8601, Hanoi time without an offset, a date alone
    09:00 that day in Hanoi.

    :raises ValueError: not an ISO date or moment.
    """
    moment = datetime.fromisoformat(raw.strip())
    if len(raw.strip()) == 10:
        moment = moment.replace(hour=9)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=clock.HANOI)


@pytest.fixture(scope="session", autouse=True)
def thidua_test_now() -> Iterator[datetime | None]:
    """The session's clock starts at ``THIDUA_TEST_NOW`` when it is set (see :data:`TEST_NOW`);
    the system clock otherwise. Tests that freeze the clock restore this one after."""
    raw = os.environ.get(TEST_NOW, "").strip()
    if not raw:
        yield None
        return
    start = session_start(raw)
    clock.set_clock(clock.running_from(start))
    try:
        yield start
    finally:
        clock.set_clock(None)


@pytest.fixture(scope="session")
def thidua_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to head once per test session, emptied when the session starts.

    On PostgreSQL the schema is rebuilt and migrated as the owner (``THIDUA_MIGRATION_DATABASE_URL``,
    else the test URL itself), and the URL yielded is the application role's, which owns no table
    and is bound by row-level security (created or fixed here, ``thidua db create-app-role``)."""
    url = _test_database_url(tmp_path_factory)
    owner_url = url
    if url.startswith("postgresql") and os.environ.get("THIDUA_MIGRATION_DATABASE_URL"):
        owner_url = normalise_url(os.environ["THIDUA_MIGRATION_DATABASE_URL"])
    engine = create_engine(owner_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    if engine.dialect.name == "postgresql":
        url = _app_role_url(url, owner_url)
        roles.create_app_role(engine, make_url(url).username)
    engine.dispose()
    OWNER_URLS[url] = owner_url
    yield url


def empty_all_tables(app: Flask) -> None:
    """Empty every table, as the tables' owner, children first.

    DELETE rather than TRUNCATE: on PostgreSQL a TRUNCATE of every table gives each one new
    files, which costs about a second per test, where deleting a test's few hundred rows costs
    milliseconds. The owner's transaction sets the system context, since the tables FORCE
    row-level security on their owner too (a superuser bypasses it anyway)."""
    engine = migration_engine(app)
    tables = list(reversed(target_metadata().sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"SELECT set_config('{scoping.SETTING_BYPASS}', 'system', true)"))
        else:
            # The tenant table refers to itself; order cannot satisfy it row by row.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        for table in tables:
            connection.execute(table.delete())
        if engine.dialect.name != "postgresql":
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    engine.dispose()


def testing_config(database_url: str, instance_path: str) -> dict:
    """The overrides every test app is built with (a module may build its own app with them)."""
    return {
        "ENV": "testing",
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "MIGRATION_DATABASE_URL": OWNER_URLS.get(database_url),
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "LOGIN_LIMIT_PER_IP": "1000/minute",
        "LOGIN_FREE_FAILURES": 1000,
        "TESTING": True,
        "INSTANCE_PATH": instance_path,
    }


@pytest.fixture
def app(thidua_database_url: str, thidua_config: dict, tmp_path) -> Iterator[Flask]:
    """A fresh app on the test database; every table is emptied after the test."""
    config = testing_config(thidua_database_url, str(tmp_path / "instance"))
    config.update(thidua_config)
    application = create_app(config)
    limiter.reset()
    try:
        yield application
    finally:
        empty_all_tables(application)
        database(application).dispose()


@pytest.fixture
def db(app: Flask):
    """A session with the system context (sees every tenant).

    No app context stays pushed: a test-client request would otherwise reuse it, and with it
    ``g`` (the signed-in user, the request session) from an earlier request.
    """
    session = database(app).new_session()
    scoping.set_context(session, scoping.TenantContext.system_context())
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def world(app: Flask, db) -> World:
    """The tree of :mod:`core.testing.world`, its users and an open period."""
    with app.app_context():
        return build_world(db)


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = _CSRF.search(html)
    if not match:
        raise AssertionError("no csrf_token in the page")
    return match.group(1)


def login(client: FlaskClient, username: str, password: str):
    page = client.get("/login")
    return client.post(
        "/login",
        data={"username": username, "password": password,
              "csrf_token": csrf_token_from(page.get_data(as_text=True))},
    )


@pytest.fixture
def client_as(app: Flask, world: World) -> Callable[[str], FlaskClient]:
    """``client_as("ward_admin")`` → a test client signed in through the real login form."""

    def make(username: str) -> FlaskClient:
        client = app.test_client()
        response = login(client, username, world.password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make


@pytest.fixture
def api_as(app: Flask, world: World, db) -> Callable[[str], FlaskClient]:
    """``api_as("ward_admin")`` → a client sending a fresh bearer token of that user."""
    from core.users.access import SystemAccess
    from core.users.operations import issue_token

    def make(username: str) -> FlaskClient:
        with app.app_context():
            token = issue_token(db, SystemAccess(db=db, user=None), world.user(username))
            db.commit()
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    return make


@contextmanager
def acting_in(app: Flask, world: World) -> Iterator[Callable[[str], tuple[Any, Any]]]:
    """``make("a1_head")`` → (session, access) scoped as that user of ``world`` would be in a
    request, inside a request context (messages are translated); the sessions close at the end.
    Fixtures that call the operations layer directly build on it."""
    from core.users.access import Access

    sessions = []
    context = app.test_request_context()
    context.push()

    def make(username: str):
        session = database(app).new_session()
        sessions.append(session)
        access = Access.for_user(session, world.user(username))
        scoping.set_context(session, access.tenant_context())
        return session, access

    try:
        yield make
    finally:
        for session in sessions:
            session.close()
        context.pop()
