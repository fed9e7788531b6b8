"""commendations: a dossier's attachments (the cover memo and the meeting minutes), and an
individual nominee's achievement record

Revision ID: 0018_awards_files
Revises: 0017_awards
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

from migrations import rls

revision = '0018_awards_files'
down_revision = '0017_awards'
branch_labels = None
depends_on = None

TENANT_TABLES = ('award_attachment',)


def upgrade() -> None:
    op.create_table('award_attachment',
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Uuid(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'dossier_id'], ['award_dossier.tenant_id', 'award_dossier.id'], name='fk_award_attachment_dossier', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_award_attachment_tenant_id_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_award_attachment_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_award_attachment'))
    )
    op.create_index(op.f('ix_award_attachment_dossier_id'), 'award_attachment', ['dossier_id'], unique=False)
    op.create_index(op.f('ix_award_attachment_tenant_id'), 'award_attachment', ['tenant_id'], unique=False)
    with op.batch_alter_table('award_nominee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('achievement', sa.JSON(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        rls.enable(TENANT_TABLES, rls.LOOKUP)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        rls.disable(TENANT_TABLES)
    with op.batch_alter_table('award_nominee', schema=None) as batch_op:
        batch_op.drop_column('achievement')
    op.drop_table('award_attachment')
