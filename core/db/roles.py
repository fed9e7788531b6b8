"""The PostgreSQL role the application connects as, and the owner URL migrations use.

Row-level security (migration 0010) binds every role but superusers, roles with BYPASSRLS and,
without FORCE, the tables' owner. The web, jobs and the command line therefore connect as a role
that owns no table, is no superuser and has no BYPASSRLS, with DML on the tables only;
migrations run as the owner through ``THIDUA_MIGRATION_DATABASE_URL`` (``DATABASE_URL`` when
unset). The audit log is append-only for the application: it may insert and read it, never
change or delete a row.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, Engine, text

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Tables the application reads and appends to, never changes.
APPEND_ONLY = ("audit_entry",)
# Tables only migrations touch.
OWNER_ONLY = ("alembic_version",)


def create_app_role(engine: Engine, name: str, password: str | None = None, *,
                    schema: str = "public") -> None:
    """Create (or fix) the application's role ``name`` on ``engine``'s database and grant it
    DML on every table of ``schema``, now and for tables the connecting owner creates later.
    Idempotent; run it as the tables' owner.

    :raises ValueError: ``name`` is not a plain lower-case identifier, or the database is not
        PostgreSQL.
    """
    if not ROLE_NAME.match(name) or not ROLE_NAME.match(schema):
        raise ValueError(f"role and schema names are lower-case letters, digits and _: {name!r}, {schema!r}")
    if engine.dialect.name != "postgresql":
        raise ValueError("roles exist on PostgreSQL only; SQLite needs none")
    with engine.begin() as connection:
        _create(connection, name, password)
        _grant(connection, name, schema)


def _create(connection: Connection, name: str, password: str | None) -> None:
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).scalar()
    attributes = "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT"
    connection.exec_driver_sql(f'{"ALTER" if exists else "CREATE"} ROLE "{name}" {attributes}')
    if password is not None:
        # PASSWORD takes no bind parameter; quote it as a literal.
        literal = "'" + password.replace("'", "''") + "'"
        connection.exec_driver_sql(f'ALTER ROLE "{name}" PASSWORD {literal}')


def _grant(connection: Connection, name: str, schema: str = "public") -> None:
    database = connection.execute(text("SELECT current_database()")).scalar()
    role = f'"{name}"'
    for statement in (
        f'GRANT CONNECT ON DATABASE "{database}" TO {role}',
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
        f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ):
        connection.exec_driver_sql(statement)
    present = set(connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = :schema"), {"schema": schema}).scalars())
    for table in APPEND_ONLY:
        if table in present:
            connection.exec_driver_sql(f"REVOKE UPDATE, DELETE ON {schema}.{table} FROM {role}")
    for table in OWNER_ONLY:
        if table in present:
            connection.exec_driver_sql(f"REVOKE INSERT, UPDATE, DELETE ON {schema}.{table} FROM {role}")
