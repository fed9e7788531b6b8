"""row-level security checks a subtree grant by looking up the row's tenant (PostgreSQL only)

The policies of 0010 and 0012 checked a subtree grant with ``EXISTS (SELECT 1 FROM tenant WHERE
id = tenant_id AND path LIKE ANY (paths))``. PostgreSQL turns that into a semi-join: for a city
admin it hashed the city's 10,000 tenants once per statement, and with no statistics yet (a
freshly loaded directory) it looped over the whole subtree for each row read. The policies are
created again with the scalar form ``(SELECT path FROM tenant WHERE id = tenant_id) LIKE ANY
(paths)``, which is never made into a join: one primary-key probe per row read. The grants are
the same (see migrations/rls.py); only the plan changes. Every table carrying the policies is
rewritten, whichever migration put it behind them.

A dashboard picks a chart's keys out of the aggregates of each rollup row below its scope, and
each pick decompresses the whole value: rollup.aggregates is compressed with lz4 from now on
(values written before keep pglz until their next update), which decompresses several times
faster. Skipped on a server built without lz4. SQLite: nothing to do.

Revision ID: 0016_dash
Revises: 0015_criteria
Create Date: 2026-11-30
"""
from alembic import op

from migrations import rls


revision = '0016_dash'
down_revision = '0015_criteria'
branch_labels = None
depends_on = None


def _has_lz4() -> bool:
    return bool(op.get_bind().exec_driver_sql(
        "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'"
        " AND 'lz4' = ANY (enumvals)"
    ).scalar())


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    rls.recreate(rls.protected_tables(), rls.LOOKUP)
    if _has_lz4():
        op.execute('ALTER TABLE rollup ALTER COLUMN aggregates SET COMPRESSION lz4')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('ALTER TABLE rollup ALTER COLUMN aggregates SET COMPRESSION default')
    rls.recreate(rls.protected_tables(), rls.EXISTS)
