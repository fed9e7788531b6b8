"""row-level security on every tenant-owned table (PostgreSQL only)

The second wall behind the ORM's tenant criteria: each tenant-owned table gets ENABLE and FORCE
ROW LEVEL SECURITY and policies reading the grants from transaction-local settings, which the
application writes at the start of each transaction (core/db/scoping.py):

* ``thidua.bypass = 'system'``: the system context (CLI, jobs for no tenant, directory loads);
* ``thidua.unscoped = 'on'``: one reviewed statement marked with the unscoped option;
* ``thidua.read_ids`` / ``thidua.write_ids``: uuid[] of tenants reached one by one;
* ``thidua.read_paths`` / ``thidua.write_paths``: text[] of LIKE patterns ``/<root>/…/<id>/%``
  of subtrees reached whole.

Unset or empty settings grant nothing (fail closed). The table owner is subject to the policies
too (FORCE); superusers and BYPASSRLS roles are not, which is why the application connects as a
role that owns nothing (``thidua db create-app-role``). tenant.path takes the "C" collation so
that a prefix LIKE uses its index. SQLite: nothing to do.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# Frozen here: a later tenant-owned table adds its policies in its own migration.
TENANT_TABLES = (
    'membership', 'submission', 'submission_section', 'submission_child_change',
    'submission_comment', 'evidence', 'deadline_extension', 'notification', 'rollup',
    'rollup_source', 'subtree_count', 'cluster', 'cluster_member', 'cluster_result',
)


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


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.alter_column('tenant', 'path', type_=sa.String(length=2000, collation='C'),
                    existing_type=sa.String(length=2000), existing_nullable=False)
    for table in TENANT_TABLES:
        read, write = _grant(table, 'read'), _grant(table, 'write')
        op.execute(f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE {table} FORCE ROW LEVEL SECURITY')
        op.execute(f'CREATE POLICY thidua_read ON {table} FOR SELECT USING {read}')
        op.execute(f'CREATE POLICY thidua_insert ON {table} FOR INSERT WITH CHECK {write}')
        op.execute(f'CREATE POLICY thidua_update ON {table} FOR UPDATE USING {write} WITH CHECK {write}')
        op.execute(f'CREATE POLICY thidua_delete ON {table} FOR DELETE USING {write}')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in TENANT_TABLES:
        for policy in ('thidua_read', 'thidua_insert', 'thidua_update', 'thidua_delete'):
            op.execute(f'DROP POLICY IF EXISTS {policy} ON {table}')
        op.execute(f'ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE {table} DISABLE ROW LEVEL SECURITY')
    op.alter_column('tenant', 'path', type_=sa.String(length=2000),
                    existing_type=sa.String(length=2000, collation='C'), existing_nullable=False)
