"""milestone.version and state_grant.version (optimistic locking, as measure and investment have);
the text "nan" that project edits wrote into empty fields becomes NULL again

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('milestone', 'state_grant'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    # Before 0005 every save of a project form wrote the text "nan" (pandas' missing value) into an
    # empty description or photo field; the map then said "Har foto".
    for column in ('description', 'photo_before', 'photo_after'):
        op.execute(f"UPDATE investment SET {column} = NULL WHERE {column} = 'nan'")


def downgrade() -> None:
    for table in ('state_grant', 'milestone'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
