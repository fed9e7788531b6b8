"""user_account.username holds a sign-in name qualified by its unit

A unit's admin types the local part of a name (up to 60 characters) and the account is stored as
"local@<unit slug>" (the slug up to 120), so the column grows from 120 to 181 characters.

Revision ID: 0021_user_realm
Revises: 0020_crit_reach_targets
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = '0021_user_realm'
down_revision = '0020_crit_reach_targets'
branch_labels = None
depends_on = None

OLD_LENGTH = 120
NEW_LENGTH = 181


def upgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('username', existing_type=sa.String(length=OLD_LENGTH),
                              type_=sa.String(length=NEW_LENGTH), existing_nullable=False)


def downgrade() -> None:
    # Narrowing would cut (SQLite) or refuse midway (PostgreSQL): say which accounts are in the way.
    longer = op.get_bind().execute(
        sa.text('SELECT count(*) FROM user_account WHERE length(username) > :n'), {'n': OLD_LENGTH}
    ).scalar()
    if longer:
        raise RuntimeError(
            f'{longer} sign-in name(s) are longer than {OLD_LENGTH} characters; '
            'rename them before downgrading below 0021_user_realm.'
        )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('username', existing_type=sa.String(length=NEW_LENGTH),
                              type_=sa.String(length=OLD_LENGTH), existing_nullable=False)
