"""criteria tables: reach by chosen units or a cluster, the owner's consent to copy, and
targets per unit

criteria_definition gains unit_ids (chosen units), cluster_id (a cluster's members) and
published (units outside the owner's line may copy the table); criteria_target holds a unit's
own target for a Định lượng row of one version, tenant-owned by the table's owner, behind
row-level security.

Revision ID: 0020_crit_reach_targets
Revises: 0019_awards_rules
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

from migrations import rls

revision = '0020_crit_reach_targets'
down_revision = '0019_awards_rules'
branch_labels = None
depends_on = None

TENANT_TABLES = ('criteria_target',)


def upgrade() -> None:
    with op.batch_alter_table('criteria_definition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_ids', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('cluster_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('published', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table('criteria_target',
    sa.Column('definition_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=False),
    sa.Column('field', sa.String(length=200), nullable=False),
    sa.Column('target', sa.Double(), nullable=False),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'definition_id'], ['criteria_definition.tenant_id', 'criteria_definition.id'], name='fk_criteria_target_definition', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_criteria_target_tenant_id_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['tenant.id'], name=op.f('fk_criteria_target_unit_id_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_criteria_target_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_criteria_target')),
    sa.UniqueConstraint('tenant_id', 'definition_id', 'version', 'unit_id', 'field', name='uq_criteria_target_unit_field')
    )
    op.create_index(op.f('ix_criteria_target_definition_id'), 'criteria_target', ['definition_id'], unique=False)
    op.create_index(op.f('ix_criteria_target_tenant_id'), 'criteria_target', ['tenant_id'], unique=False)
    op.create_index(op.f('ix_criteria_target_unit_id'), 'criteria_target', ['unit_id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        rls.enable(TENANT_TABLES, rls.LOOKUP)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        rls.disable(TENANT_TABLES)
    op.drop_index(op.f('ix_criteria_target_unit_id'), table_name='criteria_target')
    op.drop_index(op.f('ix_criteria_target_tenant_id'), table_name='criteria_target')
    op.drop_index(op.f('ix_criteria_target_definition_id'), table_name='criteria_target')
    op.drop_table('criteria_target')
    with op.batch_alter_table('criteria_definition', schema=None) as batch_op:
        batch_op.drop_column('published')
        batch_op.drop_column('cluster_id')
        batch_op.drop_column('unit_ids')
