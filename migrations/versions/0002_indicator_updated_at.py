"""indicator.updated_at and an index for all indicators of one scope and year

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_value_scope_year', ['scope', 'year'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_value_scope_year')
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
