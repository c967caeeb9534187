"""search insights: one row per search burst, clicks, daily roll-ups, article views

A search row gains its burst key, the searcher's role and the results it showed; clicks on
results and the daily roll-ups the insights reports read get tables of their own; reader
comments can be marked handled.

Revision ID: 83683b6a029c
Revises: 8f3614c6ceee
Create Date: 2026-12-06 03:36:19.364131

"""
from alembic import op
import sqlalchemy as sa

import kb.models.types

revision = '83683b6a029c'
down_revision = '8f3614c6ceee'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('article_view_daily',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('document_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'document_id', name=op.f('pk_article_view_daily'))
    )
    op.create_table('search_clicks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('burst', sa.String(length=64), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('created_at', kb.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_clicks'))
    )
    with op.batch_alter_table('search_clicks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_clicks_burst'), ['burst'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_clicks_created_at'), ['created_at'], unique=False)

    op.create_table('search_daily',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('scope', sa.String(length=24), nullable=False),
    sa.Column('query', sa.String(length=256), nullable=False),
    sa.Column('searches', sa.Integer(), nullable=False),
    sa.Column('zero_results', sa.Integer(), nullable=False),
    sa.Column('clicked', sa.Integer(), nullable=False),
    sa.Column('rank_sum', sa.Integer(), nullable=False),
    sa.Column('result_sum', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_daily')),
    sa.UniqueConstraint('day', 'scope', 'query', name=op.f('uq_search_daily_day'))
    )
    with op.batch_alter_table('search_daily', schema=None) as batch_op:
        batch_op.create_index('ix_search_daily_query_day', ['query', 'day'], unique=False)

    op.create_table('search_document_daily',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('document_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('impressions', sa.Integer(), nullable=False),
    sa.Column('clicks', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'document_id', name=op.f('pk_search_document_daily'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handled_at', kb.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_feedback_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('macro_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_macro_uses_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('search_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('burst', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('role', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('shown', kb.models.types.JSONText(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_search_log_burst'), ['burst'])



def downgrade():
    with op.batch_alter_table('search_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_search_log_burst'), type_='unique')
        batch_op.drop_column('shown')
        batch_op.drop_column('role')
        batch_op.drop_column('burst')

    with op.batch_alter_table('macro_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_macro_uses_created_at'))

    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_created_at'))
        batch_op.drop_column('handled_at')

    op.drop_table('search_document_daily')
    with op.batch_alter_table('search_daily', schema=None) as batch_op:
        batch_op.drop_index('ix_search_daily_query_day')

    op.drop_table('search_daily')
    with op.batch_alter_table('search_clicks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_clicks_created_at'))
        batch_op.drop_index(batch_op.f('ix_search_clicks_burst'))

    op.drop_table('search_clicks')
    op.drop_table('article_view_daily')
