"""The plain SQL of ``thidua bench``: what the baselines run beside the product (no ORM, no
scoping, no checks), and the throw-away schema the run lives in on PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import Connection, Uuid, bindparam, text

# One unit's report values in one period: the bare endpoint's read.
UNIT_VALUES = text(
    "SELECT s.id, s.status, s.version, s.self_score, x.set_key, x.\"values\" FROM submission s "
    "LEFT JOIN submission_section x ON x.tenant_id = s.tenant_id AND x.submission_id = s.id "
    "WHERE s.tenant_id = :tenant AND s.period_id = :period ORDER BY x.set_key"
).bindparams(bindparam("tenant", type_=Uuid), bindparam("period", type_=Uuid))

# A user and the units they hold a role in: the bare counterpart of ``/me``.
USER_MEMBERSHIPS = text(
    "SELECT u.id, u.username, u.full_name, t.id, t.slug, t.name, t.kind, m.role FROM user_account u "
    "JOIN membership m ON m.user_id = u.id JOIN tenant t ON t.id = m.tenant_id WHERE u.username = :username"
)

# A page of the units below a path and their number: the bare counterpart of ``/tenants``.
UNITS_PAGE = text(
    "SELECT id, slug, name, kind, code, parent_id FROM tenant WHERE active AND path LIKE :path "
    "ORDER BY depth, kind, name LIMIT :limit"
)
UNITS_COUNT = text("SELECT count(*) FROM tenant WHERE active AND path LIKE :path")

_SCHEMA_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")


def create_schema(connection: Connection, name: str) -> None:
    """:raises ValueError: ``name`` is not a plain lower-case identifier."""
    if not _SCHEMA_NAME.fullmatch(name):
        raise ValueError(f"not a schema name: {name!r}")
    connection.execute(text(f'CREATE SCHEMA "{name}"'))


def drop_schema(connection: Connection, name: str) -> None:
    """Drop the schema and everything in it. :raises ValueError: as :func:`create_schema`."""
    if not _SCHEMA_NAME.fullmatch(name):
        raise ValueError(f"not a schema name: {name!r}")
    connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))


def analyze(connection: Connection) -> None:
    """``ANALYZE`` the tables of the connection's current schema (PostgreSQL) or database
    (SQLite): the planner's statistics after a bulk load."""
    if connection.dialect.name != "postgresql":
        connection.execute(text("ANALYZE"))
        return
    names = connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )).scalars().all()
    if names:
        connection.execute(text("ANALYZE " + ", ".join(f'"{name}"' for name in names)))
