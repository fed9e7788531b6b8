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
migration that drops and creates the policies again.
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


def _grant(table: str, kind: str) -> str:
    return (
        f"({_bypass()}"
        f" OR {table}.tenant_id = ANY ({_setting(kind + '_ids', 'uuid[]')})"
        f" OR EXISTS (SELECT 1 FROM tenant AS rls_tenant WHERE rls_tenant.id = {table}.tenant_id"
        f" AND rls_tenant.path LIKE ANY ({_setting(kind + '_paths', 'text[]')})))"
    )


def enable(tables: tuple[str, ...]) -> None:
    """ENABLE and FORCE row-level security on each table (a ``tenant_id`` column) with the read,
    insert, update and delete policies. PostgreSQL only: callers check the dialect."""
    for table in tables:
        read, write = _grant(table, 'read'), _grant(table, 'write')
        op.execute(f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE {table} FORCE ROW LEVEL SECURITY')
        op.execute(f'CREATE POLICY thidua_read ON {table} FOR SELECT USING {read}')
        op.execute(f'CREATE POLICY thidua_insert ON {table} FOR INSERT WITH CHECK {write}')
        op.execute(f'CREATE POLICY thidua_update ON {table} FOR UPDATE USING {write} WITH CHECK {write}')
        op.execute(f'CREATE POLICY thidua_delete ON {table} FOR DELETE USING {write}')


def disable(tables: tuple[str, ...]) -> None:
    """Undo :func:`enable`."""
    for table in tables:
        for policy in POLICIES:
            op.execute(f'DROP POLICY IF EXISTS {policy} ON {table}')
        op.execute(f'ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE {table} DISABLE ROW LEVEL SECURITY')
