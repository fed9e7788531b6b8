"""period snapshots, exports and report narratives

A closed period's frozen results (period_snapshot with its snapshot_unit and snapshot_rollup
rows, one version per closing), the files made by export jobs (report_export) and the narrative
section an admin writes into a report (report_narrative). Periods closed before this revision
have no snapshot: their reports read the live results until they are reopened and closed again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

from migrations import rls
from sqlalchemy.dialects import postgresql

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


# The tenant-owned tables made here, behind row-level security as those of 0010 are. An export
# is looked up across units by its id and checked in the application against its scope.
TENANT_TABLES = ('snapshot_unit', 'snapshot_rollup', 'report_narrative')


def upgrade() -> None:
    op.create_table('period_snapshot',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('period_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_period_snapshot_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_period_snapshot_period_id_reporting_period'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period_snapshot')),
    sa.UniqueConstraint('period_id', 'version', name='uq_period_snapshot_period_version')
    )
    op.create_index(op.f('ix_period_snapshot_period_id'), 'period_snapshot', ['period_id'], unique=False)
    op.create_table('report_narrative',
    sa.Column('period_id', sa.Uuid(), nullable=False),
    sa.Column('report', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_report_narrative_period_id_reporting_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_report_narrative_tenant_id_tenant'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_report_narrative_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_report_narrative')),
    sa.UniqueConstraint('tenant_id', 'period_id', 'report', name='uq_report_narrative_tenant_period_report')
    )
    op.create_index(op.f('ix_report_narrative_period_id'), 'report_narrative', ['period_id'], unique=False)
    op.create_index(op.f('ix_report_narrative_tenant_id'), 'report_narrative', ['tenant_id'], unique=False)
    op.create_table('report_export',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('job_id', sa.Uuid(), nullable=False),
    sa.Column('period_id', sa.Uuid(), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('report', sa.String(length=20), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Uuid(), nullable=True),
    sa.Column('snapshot_version', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('stored_as', sa.String(length=80), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_report_export_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['job_id'], ['job.id'], name=op.f('fk_report_export_job_id_job'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_period.id'], name=op.f('fk_report_export_period_id_reporting_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['period_snapshot.id'], name=op.f('fk_report_export_snapshot_id_period_snapshot'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_report_export_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_export')),
    sa.UniqueConstraint('job_id', name=op.f('uq_report_export_job_id'))
    )
    op.create_index(op.f('ix_report_export_created_by_id'), 'report_export', ['created_by_id'], unique=False)
    op.create_index(op.f('ix_report_export_expires_at'), 'report_export', ['expires_at'], unique=False)
    op.create_index(op.f('ix_report_export_period_id'), 'report_export', ['period_id'], unique=False)
    op.create_index(op.f('ix_report_export_tenant_id'), 'report_export', ['tenant_id'], unique=False)
    op.create_table('snapshot_rollup',
    sa.Column('snapshot_id', sa.Uuid(), nullable=False),
    sa.Column('unit_kind', sa.String(length=40), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('counters', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['snapshot_id'], ['period_snapshot.id'], name=op.f('fk_snapshot_rollup_snapshot_id_period_snapshot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_snapshot_rollup_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_snapshot_rollup')),
    sa.UniqueConstraint('tenant_id', 'snapshot_id', 'unit_kind', name='uq_snapshot_rollup_tenant_snapshot_kind')
    )
    op.create_index(op.f('ix_snapshot_rollup_snapshot_id'), 'snapshot_rollup', ['snapshot_id'], unique=False)
    op.create_index(op.f('ix_snapshot_rollup_tenant_id'), 'snapshot_rollup', ['tenant_id'], unique=False)
    op.create_table('snapshot_unit',
    sa.Column('snapshot_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('classification', sa.String(length=80), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('outcomes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('values', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('contribution', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['snapshot_id'], ['period_snapshot.id'], name=op.f('fk_snapshot_unit_snapshot_id_period_snapshot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_snapshot_unit_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_snapshot_unit')),
    sa.UniqueConstraint('tenant_id', 'snapshot_id', name='uq_snapshot_unit_tenant_snapshot')
    )
    op.create_index(op.f('ix_snapshot_unit_snapshot_id'), 'snapshot_unit', ['snapshot_id'], unique=False)
    op.create_index(op.f('ix_snapshot_unit_tenant_id'), 'snapshot_unit', ['tenant_id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        rls.enable(TENANT_TABLES)

def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        rls.disable(TENANT_TABLES)
    op.drop_index(op.f('ix_snapshot_unit_tenant_id'), table_name='snapshot_unit')
    op.drop_index(op.f('ix_snapshot_unit_snapshot_id'), table_name='snapshot_unit')
    op.drop_table('snapshot_unit')
    op.drop_index(op.f('ix_snapshot_rollup_tenant_id'), table_name='snapshot_rollup')
    op.drop_index(op.f('ix_snapshot_rollup_snapshot_id'), table_name='snapshot_rollup')
    op.drop_table('snapshot_rollup')
    op.drop_index(op.f('ix_report_export_tenant_id'), table_name='report_export')
    op.drop_index(op.f('ix_report_export_period_id'), table_name='report_export')
    op.drop_index(op.f('ix_report_export_expires_at'), table_name='report_export')
    op.drop_index(op.f('ix_report_export_created_by_id'), table_name='report_export')
    op.drop_table('report_export')
    op.drop_index(op.f('ix_report_narrative_tenant_id'), table_name='report_narrative')
    op.drop_index(op.f('ix_report_narrative_period_id'), table_name='report_narrative')
    op.drop_table('report_narrative')
    op.drop_index(op.f('ix_period_snapshot_period_id'), table_name='period_snapshot')
    op.drop_table('period_snapshot')
