"""The migrations build exactly the schema the models describe, on an empty database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from core.db import migrate
from core.db.base import GlobalTable, ReferenceTable, TenantScoped
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
