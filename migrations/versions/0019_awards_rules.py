"""commendations: who issues a Giấy khen granted by the head of a unit (award_type.issuer_kinds:
the proposer's nearest unit of these kinds names the authority on the decision and the
certificates), and the five-year awards read the top band in each of the five years the summary
covers (award_type.requires gains "years": 5) on databases seeded before

Revision ID: 0019_awards_rules
Revises: 0018_awards_files
Create Date: 2026-11-30
"""
import json

from alembic import op
import sqlalchemy as sa

revision = '0019_awards_rules'
down_revision = '0018_awards_files'
branch_labels = None
depends_on = None

# key → (requires as 0017 seeded it, requires now). A row an administrator changed is left alone.
CHANGES = {
    'co-thi-dua-tp': ({'top_band': True, 'cluster_rank': 1}, {'top_band': True, 'years': 5, 'cluster_rank': 1}),
    'co-thi-dua-chinh-phu': ({'top_band': True, 'cluster_rank': 1},
                             {'top_band': True, 'years': 5, 'cluster_rank': 1}),
    'bang-khen-thu-tuong': ({'top_band': True}, {'top_band': True, 'years': 5}),
    'huan-chuong-lao-dong-hang-ba': ({'top_band': True}, {'top_band': True, 'years': 5}),
}

# key → the kinds of unit whose head grants it (as core.awards.catalogue.ISSUER_KINDS ships them).
ISSUERS = {
    'giay-khen-so-nganh': ['department', 'agency'],
    'giay-khen-xa-phuong': ['ward', 'commune'],
}

award_type = sa.table('award_type', sa.column('key', sa.String), sa.column('requires', sa.JSON),
                      sa.column('issuer_kinds', sa.JSON))


def _move(index: int) -> None:
    bind = op.get_bind()
    for key, values in CHANGES.items():
        stored = bind.execute(sa.select(award_type.c.requires).where(award_type.c.key == key)).scalar()
        if isinstance(stored, str):
            stored = json.loads(stored)
        if stored == values[1 - index]:
            bind.execute(award_type.update().where(award_type.c.key == key).values(requires=values[index]))


def upgrade() -> None:
    with op.batch_alter_table('award_type') as batch:
        batch.add_column(sa.Column('issuer_kinds', sa.JSON(), nullable=False, server_default='[]'))
    for key, kinds in ISSUERS.items():
        op.execute(award_type.update().where(award_type.c.key == key).values(issuer_kinds=kinds))
    _move(1)


def downgrade() -> None:
    _move(0)
    with op.batch_alter_table('award_type') as batch:
        batch.drop_column('issuer_kinds')
