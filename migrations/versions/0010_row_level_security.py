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

from migrations import rls


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


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.alter_column('tenant', 'path', type_=sa.String(length=2000, collation='C'),
                    existing_type=sa.String(length=2000), existing_nullable=False)
    rls.enable(TENANT_TABLES)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    rls.disable(TENANT_TABLES)
    op.alter_column('tenant', 'path', type_=sa.String(length=2000),
                    existing_type=sa.String(length=2000, collation='C'), existing_nullable=False)
