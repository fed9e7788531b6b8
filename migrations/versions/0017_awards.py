"""commendations: award types, nomination dossiers and nominees

The award types the movement ends in (plan, section IV): each year Giấy khen of Công an TP, of a
department and of a commune or ward, and Bằng khen of the City Chairman; at the five-year summary
Cờ thi đua of the City and of the Government, Bằng khen of the Prime Minister and Huân chương Lao
động hạng Ba (Luật Thi đua, khen thưởng 06/2022/QH15, Art. 9, 25, 26, 44, 73–75). They are seeded
here as data; no percentage quota was confirmed in a source, so none is seeded.

Revision ID: 0017_awards
Revises: 0016_dash
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

from core.awards.catalogue import DEFAULT_AWARD_TYPES, award_type_id
from migrations import rls

revision = '0017_awards'
down_revision = '0016_dash'
branch_labels = None
depends_on = None

TENANT_TABLES = ('award_dossier', 'award_nominee')


def upgrade() -> None:
    award_type = op.create_table('award_type',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('name_en', sa.String(length=255), nullable=False),
    sa.Column('form', sa.String(length=40), nullable=False),
    sa.Column('authority', sa.String(length=255), nullable=False),
    sa.Column('authority_en', sa.String(length=255), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('round_kind', sa.String(length=20), nullable=False),
    sa.Column('subjects', sa.JSON(), nullable=False),
    sa.Column('proposer_kinds', sa.JSON(), nullable=False),
    sa.Column('requires', sa.JSON(), nullable=False),
    sa.Column('quota', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_type')),
    sa.UniqueConstraint('key', name=op.f('uq_award_type_key'))
    )
    op.create_table('award_dossier',
    sa.Column('period_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('return_reason', sa.Text(), nullable=False),
    sa.Column('returned_from', sa.String(length=20), nullable=True),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_number', sa.String(length=80), nullable=True),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('decision_authority', sa.String(length=255), nullable=True),
    sa.Column('forwarded_to', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_award_dossier_period_id_reporting_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_award_dossier_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_award_dossier')),
    sa.UniqueConstraint('tenant_id', 'period_id', name='uq_award_dossier_tenant_period')
    )
    op.create_index(op.f('ix_award_dossier_period_id'), 'award_dossier', ['period_id'], unique=False)
    op.create_index(op.f('ix_award_dossier_status'), 'award_dossier', ['status'], unique=False)
    op.create_index(op.f('ix_award_dossier_tenant_id'), 'award_dossier', ['tenant_id'], unique=False)
    op.create_table('award_nominee',
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('period_id', sa.Uuid(), nullable=False),
    sa.Column('award_type_id', sa.Uuid(), nullable=False),
    sa.Column('subject', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=False),
    sa.Column('person_name', sa.String(length=255), nullable=False),
    sa.Column('person_position', sa.String(length=255), nullable=False),
    sa.Column('person_search', sa.String(length=255), nullable=False),
    sa.Column('subject_key', sa.String(length=400), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['award_type_id'], ['award_type.id'], name=op.f('fk_award_nominee_award_type_id_award_type'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_award_nominee_period_id_reporting_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'dossier_id'], ['award_dossier.tenant_id', 'award_dossier.id'], name='fk_award_nominee_dossier', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_award_nominee_tenant_id_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['tenant.id'], name=op.f('fk_award_nominee_unit_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_award_nominee')),
    sa.UniqueConstraint('period_id', 'award_type_id', 'subject_key', name='uq_award_nominee_subject')
    )
    op.create_index(op.f('ix_award_nominee_dossier_id'), 'award_nominee', ['dossier_id'], unique=False)
    op.create_index(op.f('ix_award_nominee_period_id'), 'award_nominee', ['period_id'], unique=False)
    op.create_index(op.f('ix_award_nominee_person_search'), 'award_nominee', ['person_search'], unique=False)
    op.create_index(op.f('ix_award_nominee_tenant_id'), 'award_nominee', ['tenant_id'], unique=False)
    op.create_index(op.f('ix_award_nominee_unit_id'), 'award_nominee', ['unit_id'], unique=False)
    # The catalogue as it is at install time; later changes of the defaults are data, not schema.
    op.bulk_insert(award_type, [{'id': award_type_id(row['key']), **row} for row in DEFAULT_AWARD_TYPES])
    if op.get_bind().dialect.name == 'postgresql':
        rls.enable(TENANT_TABLES, rls.LOOKUP)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        rls.disable(TENANT_TABLES)
    op.drop_table('award_nominee')
    op.drop_table('award_dossier')
    op.drop_table('award_type')
