"""import_log (every import of a data file: who, when, the file's SHA-256, kind, counts, source and
what an undo needs), import_profile (a saved column mapping for wide tables), indicator_value_revision
(the previous figure when an import changes a stored value) and indicator_value.revised_at

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 17:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'import_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('username', sa.String(length=120), nullable=False),
        sa.Column('file_name', sa.String(length=300), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('file_format', sa.String(length=20), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('added', sa.Integer(), nullable=False),
        sa.Column('changed', sa.Integer(), nullable=False),
        sa.Column('unchanged', sa.Integer(), nullable=False),
        sa.Column('refused', sa.Integer(), nullable=False),
        sa.Column('removed', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=True),
        sa.Column('detail', sa.JSON(none_as_null=True), nullable=True),
        sa.Column('undo', sa.JSON(none_as_null=True), nullable=True),
        sa.Column('undone_at', sa.DateTime(), nullable=True),
        sa.Column('undone_by', sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_import_log_source_id_source')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_log')),
    )
    op.create_index(op.f('ix_import_log_kind'), 'import_log', ['kind'], unique=False)
    op.create_table(
        'import_profile',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('mapping', sa.JSON(), nullable=False),
        sa.Column('created_by', sa.String(length=120), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_profile')),
        sa.UniqueConstraint('name', name=op.f('uq_import_profile_name')),
    )
    op.create_table(
        'indicator_value_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value_id', sa.Integer(), nullable=False),
        sa.Column('import_id', sa.Integer(), nullable=True),
        sa.Column('revised_at', sa.DateTime(), nullable=False),
        sa.Column('value', sa.Float(), nullable=True),
        sa.Column('value_text', sa.String(length=60), nullable=True),
        sa.Column('numerator', sa.Integer(), nullable=True),
        sa.Column('denominator', sa.Integer(), nullable=True),
        sa.Column('ci_low', sa.Float(), nullable=True),
        sa.Column('ci_high', sa.Float(), nullable=True),
        sa.Column('suppressed', sa.Boolean(), nullable=False),
        sa.Column('illustrative', sa.Boolean(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['value_id'], ['indicator_value.id'],
                                name=op.f('fk_indicator_value_revision_value_id_indicator_value'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['import_id'], ['import_log.id'],
                                name=op.f('fk_indicator_value_revision_import_id_import_log'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['source_id'], ['source.id'],
                                name=op.f('fk_indicator_value_revision_source_id_source')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_value_revision')),
    )
    op.create_index(op.f('ix_indicator_value_revision_value_id'), 'indicator_value_revision', ['value_id'])
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revised_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.drop_column('revised_at')
    op.drop_index(op.f('ix_indicator_value_revision_value_id'), table_name='indicator_value_revision')
    op.drop_table('indicator_value_revision')
    op.drop_table('import_profile')
    op.drop_index(op.f('ix_import_log_kind'), table_name='import_log')
    op.drop_table('import_log')
