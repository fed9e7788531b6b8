"""rollups, clusters and the Vietnamese sort key of tenant names

Rollups per period and subtree (rollup, rollup_source), the census of each subtree
(subtree_count, filled here from the tree), clusters with their members and frozen rankings,
and tenant.name_key (filled here). The rollups of reports already stored are computed by
`thidua rollups rebuild`, which needs the plugins' aggregates.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""
import uuid
from collections import defaultdict

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from core.text.collation import sort_key


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cluster',
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('name_key', sa.String(length=2400).with_variant(sa.String(length=2400, collation='C'), 'postgresql'), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_cluster_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_cluster')),
    sa.UniqueConstraint('slug', name=op.f('uq_cluster_slug'))
    )
    with op.batch_alter_table('cluster', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cluster_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('subtree_count',
    sa.Column('unit_kind', sa.String(length=40), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_subtree_count_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_subtree_count')),
    sa.UniqueConstraint('tenant_id', 'unit_kind', name='uq_subtree_count_tenant_kind')
    )
    with op.batch_alter_table('subtree_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subtree_count_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('cluster_member',
    sa.Column('cluster_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['tenant.id'], name=op.f('fk_cluster_member_member_id_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'cluster_id'], ['cluster.tenant_id', 'cluster.id'], name='fk_cluster_member_cluster', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_cluster_member_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_cluster_member')),
    sa.UniqueConstraint('tenant_id', 'cluster_id', 'member_id', name='uq_cluster_member_unit')
    )
    with op.batch_alter_table('cluster_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cluster_member_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cluster_member_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cluster_member_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('cluster_result',
    sa.Column('cluster_id', sa.Uuid(), nullable=False),
    sa.Column('period_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['tenant.id'], name=op.f('fk_cluster_result_member_id_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_cluster_result_period_id_reporting_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'cluster_id'], ['cluster.tenant_id', 'cluster.id'], name='fk_cluster_result_cluster', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_cluster_result_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_cluster_result')),
    sa.UniqueConstraint('tenant_id', 'cluster_id', 'period_id', 'member_id', name='uq_cluster_result_unit')
    )
    with op.batch_alter_table('cluster_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cluster_result_cluster_id'), ['cluster_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cluster_result_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cluster_result_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('rollup',
    sa.Column('period_id', sa.Uuid(), nullable=False),
    sa.Column('unit_kind', sa.String(length=40), nullable=False),
    sa.Column('started', sa.Integer(), nullable=False),
    sa.Column('drafts', sa.Integer(), nullable=False),
    sa.Column('submitted', sa.Integer(), nullable=False),
    sa.Column('returned', sa.Integer(), nullable=False),
    sa.Column('approved', sa.Integer(), nullable=False),
    sa.Column('late', sa.Integer(), nullable=False),
    sa.Column('figures', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('aggregates', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_rollup_period_id_reporting_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_rollup_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_rollup')),
    sa.UniqueConstraint('tenant_id', 'period_id', 'unit_kind', name='uq_rollup_tenant_period_kind')
    )
    with op.batch_alter_table('rollup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rollup_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rollup_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('rollup_source',
    sa.Column('period_id', sa.Uuid(), nullable=False),
    sa.Column('unit_kind', sa.String(length=40), nullable=False),
    sa.Column('counters', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('aggregates', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_rollup_source_period_id_reporting_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_rollup_source_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_rollup_source')),
    sa.UniqueConstraint('tenant_id', 'period_id', name='uq_rollup_source_tenant_period')
    )
    with op.batch_alter_table('rollup_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rollup_source_period_id'), ['period_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rollup_source_tenant_id'), ['tenant_id'], unique=False)

    name_key_type = sa.String(length=2400).with_variant(sa.String(length=2400, collation='C'), 'postgresql')
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', name_key_type, nullable=True))
    _fill_tenants()
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.alter_column('name_key', existing_type=name_key_type, nullable=False)
        batch_op.create_index(batch_op.f('ix_tenant_name_key'), ['name_key'], unique=False)


def _fill_tenants() -> None:
    """Each tenant's name key, and the census of every subtree (units per kind)."""
    connection = op.get_bind()
    tenant = sa.table('tenant', sa.column('id', sa.Uuid()), sa.column('name', sa.String()),
                      sa.column('path', sa.String()), sa.column('kind', sa.String()),
                      sa.column('active', sa.Boolean()), sa.column('name_key', sa.String()))
    counts = defaultdict(int)
    rows = connection.execute(sa.select(tenant.c.id, tenant.c.name, tenant.c.path, tenant.c.kind,
                                        tenant.c.active)).all()
    for row in rows:
        connection.execute(tenant.update().where(tenant.c.id == row.id).values(name_key=sort_key(row.name)))
        if row.active:
            for part in row.path.strip('/').split('/'):
                counts[(uuid.UUID(part), row.kind)] += 1
    census = sa.table('subtree_count', sa.column('tenant_id', sa.Uuid()), sa.column('id', sa.Uuid()),
                      sa.column('unit_kind', sa.String()), sa.column('units', sa.Integer()))
    if counts:
        op.bulk_insert(census, [{'tenant_id': t, 'id': uuid.uuid4(), 'unit_kind': kind, 'units': n}
                                for (t, kind), n in counts.items()])


def downgrade() -> None:
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenant_name_key'))
        batch_op.drop_column('name_key')

    with op.batch_alter_table('rollup_source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rollup_source_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_rollup_source_period_id'))

    op.drop_table('rollup_source')
    with op.batch_alter_table('rollup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rollup_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_rollup_period_id'))

    op.drop_table('rollup')
    with op.batch_alter_table('cluster_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cluster_result_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_cluster_result_period_id'))
        batch_op.drop_index(batch_op.f('ix_cluster_result_cluster_id'))

    op.drop_table('cluster_result')
    with op.batch_alter_table('cluster_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cluster_member_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_cluster_member_member_id'))
        batch_op.drop_index(batch_op.f('ix_cluster_member_cluster_id'))

    op.drop_table('cluster_member')
    with op.batch_alter_table('subtree_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subtree_count_tenant_id'))

    op.drop_table('subtree_count')
    with op.batch_alter_table('cluster', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cluster_tenant_id'))

    op.drop_table('cluster')
