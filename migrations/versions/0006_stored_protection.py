"""indicator_value.protection (the suppression pattern, decided when data changes), protection_run
(the rule each run applied) and zone_part (a zone made of zones of a finer level)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL = not decided yet: readers hide such values until `init-db` (or the app's start) protects them.
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.add_column(sa.Column('protection', sa.String(length=12), nullable=True))
    op.create_table(
        'protection_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('threshold', sa.Integer(), nullable=False),
        sa.Column('margin', sa.Integer(), nullable=False),
        sa.Column('indicators', sa.Integer(), nullable=False),
        sa.Column('cells', sa.Integer(), nullable=False),
        sa.Column('hidden', sa.Integer(), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_protection_run')),
    )

    op.create_table(
        'zone_part',
        sa.Column('zone_id', sa.Integer(), nullable=False),
        sa.Column('part_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['part_id'], ['zone.id'], name=op.f('fk_zone_part_part_id_zone'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_zone_part_zone_id_zone'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('zone_id', 'part_id', name=op.f('pk_zone_part')),
    )


def downgrade() -> None:
    op.drop_table('zone_part')
    op.drop_table('protection_run')
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.drop_column('protection')
