"""report_snapshot and snapshot_item: statuses frozen at a tertial report

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_snapshot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('taken_at', sa.DateTime(), nullable=False),
        sa.Column('taken_by', sa.String(length=120), nullable=False),
        sa.Column('illustrative', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_snapshot')),
    )
    op.create_index(op.f('ix_report_snapshot_taken_at'), 'report_snapshot', ['taken_at'], unique=False)
    op.create_table(
        'snapshot_item',
        sa.Column('snapshot_id', sa.Integer(), nullable=False),
        sa.Column('measure_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('illustrative', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_snapshot_item_measure_id_measure'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['snapshot_id'], ['report_snapshot.id'],
                                name=op.f('fk_snapshot_item_snapshot_id_report_snapshot'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('snapshot_id', 'measure_id', name=op.f('pk_snapshot_item')),
    )


def downgrade() -> None:
    op.drop_table('snapshot_item')
    op.drop_index(op.f('ix_report_snapshot_taken_at'), table_name='report_snapshot')
    op.drop_table('report_snapshot')
