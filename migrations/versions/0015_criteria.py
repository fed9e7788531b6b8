"""criteria tables defined as data: an owner's versioned table of criteria

criteria_definition holds one table per (owner unit, key) with its set key and latest version;
criteria_definition_version one frozen version of its rows each. Both are tenant-owned, behind
row-level security.

Revision ID: 0015_criteria
Revises: 0013
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

from migrations import rls
from sqlalchemy.dialects import postgresql

revision = '0015_criteria'
down_revision = '0013'
branch_labels = None
depends_on = None

TENANT_TABLES = ('criteria_definition', 'criteria_definition_version')


def upgrade() -> None:
    op.create_table('criteria_definition',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('set_key', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('tenant_kinds', sa.JSON(), nullable=False),
    sa.Column('latest_version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_criteria_definition_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_criteria_definition_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_criteria_definition')),
    sa.UniqueConstraint('set_key', name=op.f('uq_criteria_definition_set_key')),
    sa.UniqueConstraint('tenant_id', 'key', name='uq_criteria_definition_tenant_key')
    )
    op.create_index(op.f('ix_criteria_definition_tenant_id'), 'criteria_definition', ['tenant_id'], unique=False)
    op.create_table('criteria_definition_version',
    sa.Column('definition_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('tenant_kinds', sa.JSON(), nullable=False),
    sa.Column('nodes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_criteria_definition_version_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'definition_id'], ['criteria_definition.tenant_id', 'criteria_definition.id'], name='fk_criteria_definition_version_definition', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_criteria_definition_version_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_criteria_definition_version')),
    sa.UniqueConstraint('tenant_id', 'definition_id', 'version', name='uq_criteria_definition_version_tenant_definition')
    )
    op.create_index(op.f('ix_criteria_definition_version_definition_id'), 'criteria_definition_version', ['definition_id'], unique=False)
    op.create_index(op.f('ix_criteria_definition_version_tenant_id'), 'criteria_definition_version', ['tenant_id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        rls.enable(TENANT_TABLES)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        rls.disable(TENANT_TABLES)
    op.drop_index(op.f('ix_criteria_definition_version_tenant_id'), table_name='criteria_definition_version')
    op.drop_index(op.f('ix_criteria_definition_version_definition_id'), table_name='criteria_definition_version')
    op.drop_table('criteria_definition_version')
    op.drop_index(op.f('ix_criteria_definition_tenant_id'), table_name='criteria_definition')
    op.drop_table('criteria_definition')
