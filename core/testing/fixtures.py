"""Fixtures of the Thi Đua pytest plugin."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from core.app import create_app
from core.db import migrate, scoping
from core.db.engine import database, normalise_url
from core.extensions import limiter
from core.testing.world import World, build_world
from migrations.models import target_metadata


def _test_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("THIDUA_TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return normalise_url(url)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(scope="session")
def thidua_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to head once per test session, emptied when the session starts."""
    url = _test_database_url(tmp_path_factory)
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    engine.dispose()
    yield url


def empty_all_tables(app: Flask) -> None:
    engine = database(app).engine
    tables = list(reversed(target_metadata().sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} CASCADE"))
        else:
            # The tenant table refers to itself; order cannot satisfy it row by row.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for table in tables:
                connection.execute(table.delete())
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


def testing_config(database_url: str, instance_path: str) -> dict:
    """The overrides every test app is built with (a module may build its own app with them)."""
    return {
        "ENV": "testing",
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
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
