"""report integrity: what a report's computation read of the units below, the changes flagged
since, and one pending extension request per unit and period

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('children_basis', sa.JSON(none_as_null=True), nullable=True))

    op.create_table('submission_child_change',
    sa.Column('submission_id', sa.Uuid(), nullable=False),
    sa.Column('child_tenant_id', sa.Uuid(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('detected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['child_tenant_id'], ['tenant.id'], name=op.f('fk_submission_child_change_child_tenant_id_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'submission_id'], ['submission.tenant_id', 'submission.id'], name='fk_submission_child_change_submission', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_submission_child_change_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_submission_child_change')),
    sa.UniqueConstraint('tenant_id', 'submission_id', 'child_tenant_id', name='uq_submission_child_change_child')
    )
    with op.batch_alter_table('submission_child_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_child_change_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_child_change_tenant_id'), ['tenant_id'], unique=False)

    pending = sa.text("status = 'requested'")
    op.create_index('uq_deadline_extension_pending', 'deadline_extension', ['tenant_id', 'period_id'],
                    unique=True, sqlite_where=pending, postgresql_where=pending)


def downgrade() -> None:
    op.drop_index('uq_deadline_extension_pending', table_name='deadline_extension')
    with op.batch_alter_table('submission_child_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_child_change_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_submission_child_change_submission_id'))
    op.drop_table('submission_child_change')
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_column('children_basis')
