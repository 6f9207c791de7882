"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 20:51:46.028040
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=120), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('password_hash', sa.String(length=300), nullable=True),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role IN ('viewer', 'editor', 'admin')", name=op.f('ck_app_user_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('username', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)

    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('licence', sa.String(length=200), nullable=True),
    sa.Column('period', sa.String(length=80), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source')),
    sa.UniqueConstraint('key', name=op.f('uq_source_key'))
    )
    op.create_table('area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=False),
    sa.Column('end_year', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('bydel_name', sa.String(length=80), nullable=True),
    sa.Column('levekaarssone_names', sa.String(length=300), nullable=True),
    sa.Column('coordinator', sa.String(length=200), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('geometry_note', sa.Text(), nullable=True),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('population_illustrative', sa.Boolean(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("state IN ('active', 'preproject', 'ended')", name=op.f('ck_area_state')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_area_source_id_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_area')),
    sa.UniqueConstraint('slug', name=op.f('uq_area_slug'))
    )
    op.create_table('boundary_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('valid_from', sa.Integer(), nullable=True),
    sa.Column('valid_to', sa.Integer(), nullable=True),
    sa.Column('zone_count', sa.Integer(), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_boundary_version_source_id_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_boundary_version')),
    sa.UniqueConstraint('key', name=op.f('uq_boundary_version_key'))
    )
    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('name_nb', sa.String(length=200), nullable=False),
    sa.Column('name_nn', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('definition_nb', sa.Text(), nullable=True),
    sa.Column('definition_nn', sa.Text(), nullable=True),
    sa.Column('definition_en', sa.Text(), nullable=True),
    sa.Column('why_nb', sa.Text(), nullable=True),
    sa.Column('why_nn', sa.Text(), nullable=True),
    sa.Column('why_en', sa.Text(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('decimals', sa.Integer(), nullable=False),
    sa.Column('higher_is_better', sa.Boolean(), nullable=True),
    sa.Column('topic', sa.String(length=40), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("unit IN ('percent', 'nok', 'years', 'per_1000', 'persons', 'count')", name=op.f('ck_indicator_unit')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_indicator_source_id_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator')),
    sa.UniqueConstraint('key', name=op.f('uq_indicator_key'))
    )
    op.create_table('pillar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name_nb', sa.String(length=200), nullable=False),
    sa.Column('name_nn', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_pillar_source_id_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pillar')),
    sa.UniqueConstraint('number', name=op.f('uq_pillar_number'))
    )
    op.create_table('indicator_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('target_value', sa.Float(), nullable=False),
    sa.Column('target_year', sa.Integer(), nullable=False),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_indicator_target_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_target_indicator_id_indicator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_indicator_target_source_id_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_target'))
    )
    op.create_table('participation_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('public_meeting', 'barnetrakk', 'survey', 'neighbourhood_group', 'workshop')", name=op.f('ck_participation_activity_kind')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_participation_activity_area_id_area')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_participation_activity_source_id_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participation_activity'))
    )
    with op.batch_alter_table('participation_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participation_activity_area_id'), ['area_id'], unique=False)

    op.create_table('state_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount_nok', sa.BigInteger(), nullable=False),
    sa.Column('scheme', sa.String(length=300), nullable=False),
    sa.Column('funder', sa.String(length=300), nullable=False),
    sa.Column('recipient', sa.String(length=300), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('derived', sa.Boolean(), nullable=False),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('proposed', 'granted')", name=op.f('ck_state_grant_status')),
    sa.CheckConstraint('amount_nok >= 0', name=op.f('ck_state_grant_amount')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_state_grant_area_id_area')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_state_grant_source_id_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_state_grant'))
    )
    with op.batch_alter_table('state_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_state_grant_year'), ['year'], unique=False)

    op.create_table('subprogramme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('goal', sa.Text(), nullable=True),
    sa.Column('leader', sa.String(length=200), nullable=True),
    sa.Column('pillar_id', sa.Integer(), nullable=True),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['pillar_id'], ['pillar.id'], name=op.f('fk_subprogramme_pillar_id_pillar')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_subprogramme_source_id_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subprogramme')),
    sa.UniqueConstraint('number', name=op.f('uq_subprogramme_number'))
    )
    op.create_table('user_area',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_user_area_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_user_area_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'area_id', name=op.f('pk_user_area'))
    )
    op.create_table('zone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('boundary_version_id', sa.Integer(), nullable=False),
    sa.Column('geometry', sa.JSON(), nullable=True),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('population_year', sa.Integer(), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("level IN ('kommune', 'bydel', 'delomraade', 'levekaarssone', 'grunnkrets')", name=op.f('ck_zone_level')),
    sa.ForeignKeyConstraint(['boundary_version_id'], ['boundary_version.id'], name=op.f('fk_zone_boundary_version_id_boundary_version')),
    sa.ForeignKeyConstraint(['parent_id'], ['zone.id'], name=op.f('fk_zone_parent_id_zone')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_zone_source_id_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zone')),
    sa.UniqueConstraint('boundary_version_id', 'level', 'code', name=op.f('uq_zone_boundary_version_id'))
    )
    with op.batch_alter_table('zone', schema=None) as batch_op:
        batch_op.create_index('ix_zone_level_code', ['level', 'code'], unique=False)
        batch_op.create_index(batch_op.f('ix_zone_parent_id'), ['parent_id'], unique=False)

    op.create_table('area_zone',
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=False),
    sa.Column('approximate', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_area_zone_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_area_zone_zone_id_zone'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('area_id', 'zone_id', name=op.f('pk_area_zone'))
    )
    op.create_table('indicator_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
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
    sa.CheckConstraint("scope IN ('zone', 'area', 'city', 'country')", name=op.f('ck_indicator_value_scope')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_indicator_value_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_indicator_value_indicator_id_indicator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_indicator_value_source_id_source')),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_indicator_value_zone_id_zone'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_value'))
    )
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_value_area', ['area_id', 'indicator_id'], unique=False)
        batch_op.create_index('ix_indicator_value_lookup', ['indicator_id', 'scope', 'year'], unique=False)
        batch_op.create_index('ix_indicator_value_zone', ['zone_id', 'indicator_id'], unique=False)

    op.create_table('investment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('funding_source', sa.String(length=20), nullable=False),
    sa.Column('budget_nok', sa.BigInteger(), nullable=False),
    sa.Column('spent_nok', sa.BigInteger(), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=False),
    sa.Column('end_year', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('photo_before', sa.String(length=500), nullable=True),
    sa.Column('photo_after', sa.String(length=500), nullable=True),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("category IN ('physical_upgrading', 'schools', 'parks_squares', 'culture_social', 'housing_cooperatives', 'paths_lighting')", name=op.f('ck_investment_category')),
    sa.CheckConstraint("funding_source IN ('municipality', 'state_kdd', 'husbanken', 'other')", name=op.f('ck_investment_funding_source')),
    sa.CheckConstraint("status IN ('planned', 'under_way', 'completed')", name=op.f('ck_investment_status')),
    sa.CheckConstraint('budget_nok >= 0 AND spent_nok >= 0', name=op.f('ck_investment_amounts')),
    sa.CheckConstraint('end_year IS NULL OR end_year >= start_year', name=op.f('ck_investment_years')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_investment_area_id_area')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_investment_source_id_source')),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_investment_zone_id_zone')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_investment'))
    )
    with op.batch_alter_table('investment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_investment_area_id'), ['area_id'], unique=False)

    op.create_table('measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subprogramme_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('responsible_unit', sa.String(length=200), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.Column('status_illustrative', sa.Boolean(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('not_started', 'on_track', 'at_risk', 'off_track', 'completed')", name=op.f('ck_measure_status')),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_measure_progress')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_measure_source_id_source')),
    sa.ForeignKeyConstraint(['subprogramme_id'], ['subprogramme.id'], name=op.f('fk_measure_subprogramme_id_subprogramme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure'))
    )
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_subprogramme_id'), ['subprogramme_id'], unique=False)

    op.create_table('measure_area',
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_measure_area_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_measure_area_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('measure_id', 'area_id', name=op.f('pk_measure_area'))
    )
    op.create_table('measure_indicator',
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_measure_indicator_indicator_id_indicator'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_measure_indicator_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('measure_id', 'indicator_id', name=op.f('pk_measure_indicator'))
    )
    op.create_table('milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('done_date', sa.Date(), nullable=True),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_milestone_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone'))
    )
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_measure_id'), ['measure_id'], unique=False)

    op.create_table('status_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('previous_status', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('changed_by', sa.String(length=120), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('illustrative', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_status_update_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_update'))
    )
    with op.batch_alter_table('status_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_update_changed_at'), ['changed_at'], unique=False)
        batch_op.create_index('ix_status_update_measure_at', ['measure_id', 'changed_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('status_update', schema=None) as batch_op:
        batch_op.drop_index('ix_status_update_measure_at')
        batch_op.drop_index(batch_op.f('ix_status_update_changed_at'))

    op.drop_table('status_update')
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestone_measure_id'))

    op.drop_table('milestone')
    op.drop_table('measure_indicator')
    op.drop_table('measure_area')
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_subprogramme_id'))

    op.drop_table('measure')
    with op.batch_alter_table('investment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_investment_area_id'))

    op.drop_table('investment')
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_value_zone')
        batch_op.drop_index('ix_indicator_value_lookup')
        batch_op.drop_index('ix_indicator_value_area')

    op.drop_table('indicator_value')
    op.drop_table('area_zone')
    with op.batch_alter_table('zone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zone_parent_id'))
        batch_op.drop_index('ix_zone_level_code')

    op.drop_table('zone')
    op.drop_table('user_area')
    op.drop_table('subprogramme')
    with op.batch_alter_table('state_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_state_grant_year'))

    op.drop_table('state_grant')
    with op.batch_alter_table('participation_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_activity_area_id'))

    op.drop_table('participation_activity')
    op.drop_table('indicator_target')
    op.drop_table('pillar')
    op.drop_table('indicator')
    op.drop_table('boundary_version')
    op.drop_table('area')
    op.drop_table('source')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
    op.drop_table('app_user')
