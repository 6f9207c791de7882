"""state_grant.in_sums: a published total whose parts are rows of their own is not summed again

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('state_grant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_sums', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('state_grant', schema=None) as batch_op:
        batch_op.drop_column('in_sums')
