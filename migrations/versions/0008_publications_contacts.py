"""publication and publication_area (the programme's publications and research, linked to the areas they
are about; no link: programme-wide) and area_contact (the area team's local office: role, office, address,
e-mail, phone, opening hours)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'publication',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('year_start', sa.Integer(), nullable=False),
        sa.Column('year_end', sa.Integer(), nullable=True),
        sa.Column('publisher', sa.Text(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('illustrative', sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('article', 'book', 'research', 'phd')", name=op.f('ck_publication_kind')),
        sa.CheckConstraint('year_end IS NULL OR year_end >= year_start', name=op.f('ck_publication_years')),
        sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_publication_source_id_source')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_publication')),
    )
    op.create_table(
        'publication_area',
        sa.Column('publication_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['publication_id'], ['publication.id'],
                                name=op.f('fk_publication_area_publication_id_publication'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_publication_area_area_id_area'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('publication_id', 'area_id', name=op.f('pk_publication_area')),
    )
    op.create_table(
        'area_contact',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.Text(), nullable=False),
        sa.Column('office', sa.Text(), nullable=False),
        sa.Column('address', sa.Text(), nullable=True),
        sa.Column('email', sa.String(length=200), nullable=True),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('opening_hours', sa.Text(), nullable=True),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('illustrative', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_area_contact_area_id_area'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_area_contact_source_id_source')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_area_contact')),
    )
    op.create_index(op.f('ix_area_contact_area_id'), 'area_contact', ['area_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_area_contact_area_id'), table_name='area_contact')
    op.drop_table('area_contact')
    op.drop_table('publication_area')
    op.drop_table('publication')
