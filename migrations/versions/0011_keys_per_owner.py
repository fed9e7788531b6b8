"""period keys and cluster slugs unique per owning unit

A unit choosing a period key or a cluster slug must not learn that another unit uses it: the
keys were unique across the whole platform, so "already exists" answered for periods and
clusters outside the caller's reach. They are now unique per owning unit (indexed for the
lookups by key).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reporting_period', schema=None) as batch_op:
        batch_op.drop_constraint('uq_reporting_period_key', type_='unique')
        batch_op.create_unique_constraint('uq_reporting_period_owner_key', ['owner_tenant_id', 'key'])
        batch_op.create_index(batch_op.f('ix_reporting_period_key'), ['key'], unique=False)
    with op.batch_alter_table('cluster', schema=None) as batch_op:
        batch_op.drop_constraint('uq_cluster_slug', type_='unique')
        batch_op.create_unique_constraint('uq_cluster_tenant_slug', ['tenant_id', 'slug'])
        batch_op.create_index(batch_op.f('ix_cluster_slug'), ['slug'], unique=False)


def downgrade() -> None:
    # Fails if two units now use one key or slug, as it must: the old constraint cannot hold.
    with op.batch_alter_table('cluster', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cluster_slug'))
        batch_op.drop_constraint('uq_cluster_tenant_slug', type_='unique')
        batch_op.create_unique_constraint('uq_cluster_slug', ['slug'])
    with op.batch_alter_table('reporting_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reporting_period_key'))
        batch_op.drop_constraint('uq_reporting_period_owner_key', type_='unique')
        batch_op.create_unique_constraint('uq_reporting_period_key', ['key'])
