"""The migrations build exactly the schema the models describe, on an empty database."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from core.db import migrate
from core.db.base import GlobalTable, ReferenceTable, TenantScoped
from core.testing.fixtures import OWNER_URLS
from migrations.models import target_metadata


def test_models_and_migrations_agree(thidua_database_url):
    engine = create_engine(thidua_database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, target_metadata())
    engine.dispose()
    assert differences == [], f"models and migrations differ: {differences}"


def test_upgrade_and_downgrade_on_an_empty_sqlite_file(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    migrate.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"tenant", "user_account", "membership", "reporting_period", "audit_entry"} <= tables
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()


def test_every_table_declares_its_class():
    """Each table is reference, global or tenant-owned; tenant-owned tables key on tenant_id."""
    from core.db.base import Base

    for mapper in Base.registry.mappers:
        cls = mapper.class_
        assert issubclass(cls, ReferenceTable | GlobalTable | TenantScoped), cls
        if issubclass(cls, TenantScoped):
            key = [column.name for column in mapper.local_table.primary_key.columns]
            assert key[0] == "tenant_id" or "tenant_id" in key, cls


def _username_length(engine) -> int:
    return next(c["type"].length for c in inspect(engine).get_columns("user_account")
                if c["name"] == "username")


def _add_user(engine, username: str) -> None:
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO user_account (id, username, full_name, password_hash, session_version,"
            " active, password_must_change, created_at)"
            " VALUES (:id, :username, '', 'x', 1, :yes, :no, CURRENT_TIMESTAMP)"
        ), {"id": uuid.uuid4().hex if engine.dialect.name == "sqlite" else uuid.uuid4(),
            "username": username, "yes": True, "no": False})


@pytest.fixture
def migration_engine(thidua_database_url, tmp_path):
    """An empty database of the dialect under test: a fresh SQLite file, or on PostgreSQL a
    schema of its own in the test database (as its owner), dropped afterwards."""
    owner_url = OWNER_URLS.get(thidua_database_url, thidua_database_url)
    if not owner_url.startswith("postgresql"):
        engine = create_engine(f"sqlite:///{tmp_path / 'steps.db'}")
        yield engine
        engine.dispose()
        return
    schema = f"migration_steps_{uuid.uuid4().hex[:8]}"
    with create_engine(owner_url).begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = create_engine(owner_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        cleanup = create_engine(owner_url)
        with cleanup.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        cleanup.dispose()


def test_0021_widens_sign_in_names_and_narrows_them_back(migration_engine):
    """A unit's admin creates "local@<unit slug>" names, up to 60 + 1 + 120 characters; the
    downgrade refuses while a longer name exists instead of cutting it."""
    engine = migration_engine
    migrate.upgrade(engine, "0020_crit_reach_targets")
    assert _username_length(engine) == 120
    _add_user(engine, "old.name")

    migrate.upgrade(engine, "0021_user_realm")
    assert _username_length(engine) == 181
    long_name = "n" * 60 + "@" + "s" * 120
    _add_user(engine, long_name)
    with pytest.raises(RuntimeError, match="longer than 120"):
        migrate.downgrade(engine, "0020_crit_reach_targets")
    assert _username_length(engine) == 181

    with engine.begin() as connection:
        connection.execute(text("DELETE FROM user_account WHERE username = :u"), {"u": long_name})
    migrate.downgrade(engine, "0020_crit_reach_targets")
    assert _username_length(engine) == 120
    with engine.connect() as connection:
        assert connection.execute(text("SELECT username FROM user_account")).scalars().all() == ["old.name"]
