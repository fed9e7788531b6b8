"""Row-level security for tenant-owned tables on PostgreSQL, shared by the migrations that create
such tables (0010 for the tables before it, later ones for their own).

The policies read the grants from transaction-local settings that core/db/scoping.py writes at the
start of each transaction; unset or empty settings grant nothing (fail closed):

* ``thidua.bypass = 'system'``: the system context (CLI, jobs for no tenant, directory loads);
* ``thidua.unscoped = 'on'``: one reviewed statement marked with the unscoped option;
* ``thidua.read_ids`` / ``thidua.write_ids``: uuid[] of tenants reached one by one;
* ``thidua.read_paths`` / ``thidua.write_paths``: text[] of LIKE patterns ``/<root>/…/<id>/%``
  of subtrees reached whole.

The SQL here must stay what it was when a migration used it: a change of policy is a new
migration that drops and creates the policies again. Two forms of the subtree check exist:

* ``EXISTS``, the form of 0010 and 0012: ``EXISTS (SELECT 1 FROM tenant WHERE id = tenant_id AND
  path LIKE ANY (paths))``. PostgreSQL turns it into a semi-join, and with a subtree of 10,000
  units it hashes every tenant of the subtree once per statement (a few milliseconds at the city
  whatever the number of rows read), or, planned without statistics, loops over the subtree for
  each row.
* ``LOOKUP``, the form of 0016: ``(SELECT path FROM tenant WHERE id = tenant_id) LIKE ANY
  (paths)``. A scalar subquery is never turned into a join: each row read costs one probe of the
  tenant's primary key, so a statement pays for the rows it reads, not for the size of the
  subtree granted. It grants exactly what the EXISTS form grants (the id is unique; no tenant,
  no path, no row).
"""

from __future__ import annotations

from alembic import op

POLICIES = ('thidua_read', 'thidua_insert', 'thidua_update', 'thidua_delete')


def _setting(name: str, cast: str) -> str:
    # A scalar subquery is evaluated once per statement, not once per row; COALESCE makes it an
    # array expression for ANY (a bare subquery there would be ANY over its rows).
    return (f"COALESCE((SELECT CAST(NULLIF(current_setting('thidua.{name}', true), '') AS {cast})),"
            f" CAST('{{}}' AS {cast}))")


def _bypass() -> str:
    return ("(SELECT current_setting('thidua.bypass', true) = 'system'"
            " OR current_setting('thidua.unscoped', true) = 'on')")


EXISTS = 'exists'
LOOKUP = 'lookup'


def _grant(table: str, kind: str, form: str = EXISTS) -> str:
    if form == EXISTS:
        subtree = (f"EXISTS (SELECT 1 FROM tenant AS rls_tenant WHERE rls_tenant.id = {table}.tenant_id"
                   f" AND rls_tenant.path LIKE ANY ({_setting(kind + '_paths', 'text[]')}))")
    elif form == LOOKUP:
        subtree = (f"(SELECT rls_tenant.path FROM tenant AS rls_tenant"
                   f" WHERE rls_tenant.id = {table}.tenant_id)"
                   f" LIKE ANY ({_setting(kind + '_paths', 'text[]')})")
    else:
        raise ValueError(f"unknown form of the subtree check: {form!r}")
    return (
        f"({_bypass()}"
        f" OR {table}.tenant_id = ANY ({_setting(kind + '_ids', 'uuid[]')})"
        f" OR {subtree})"
    )


def _create_policies(table: str, form: str) -> None:
    read, write = _grant(table, 'read', form), _grant(table, 'write', form)
    op.execute(f'CREATE POLICY thidua_read ON {table} FOR SELECT USING {read}')
    op.execute(f'CREATE POLICY thidua_insert ON {table} FOR INSERT WITH CHECK {write}')
    op.execute(f'CREATE POLICY thidua_update ON {table} FOR UPDATE USING {write} WITH CHECK {write}')
    op.execute(f'CREATE POLICY thidua_delete ON {table} FOR DELETE USING {write}')


def enable(tables: tuple[str, ...], form: str = EXISTS) -> None:
    """ENABLE and FORCE row-level security on each table (a ``tenant_id`` column) with the read,
    insert, update and delete policies, the subtree checked in ``form`` (see the module
    docstring). PostgreSQL only: callers check the dialect."""
    for table in tables:
        op.execute(f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE {table} FORCE ROW LEVEL SECURITY')
        _create_policies(table, form)


def recreate(tables: tuple[str, ...], form: str) -> None:
    """Drop the four policies of each table and create them again with the subtree checked in
    ``form``; row-level security stays enabled and forced throughout the migration's
    transaction. PostgreSQL only: callers check the dialect."""
    for table in tables:
        for policy in POLICIES:
            op.execute(f'DROP POLICY IF EXISTS {policy} ON {table}')
        _create_policies(table, form)


def protected_tables() -> tuple[str, ...]:
    """The tables of the current schema that carry the read policy: every tenant-owned table
    put behind row-level security by the migrations before the caller."""
    rows = op.get_bind().exec_driver_sql(
        "SELECT tablename FROM pg_policies WHERE policyname = 'thidua_read'"
        " AND schemaname = current_schema() ORDER BY tablename"
    ).all()
    return tuple(row[0] for row in rows)


def disable(tables: tuple[str, ...]) -> None:
    """Undo :func:`enable`."""
    for table in tables:
        for policy in POLICIES:
            op.execute(f'DROP POLICY IF EXISTS {policy} ON {table}')
        op.execute(f'ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE {table} DISABLE ROW LEVEL SECURITY')
