"""index_failures: documents the search index could not take

A document whose text the index writer refuses is recorded here and set aside after a few
tries, so the indexer moves past it instead of retrying the same event forever.

Revision ID: a20f1d0c4e71
Revises: c4e7b20a5d11
Create Date: 2026-12-06 00:40:00

"""
from alembic import op
import sqlalchemy as sa

import kb.models.types


revision = 'a20f1d0c4e71'
down_revision = 'c4e7b20a5d11'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('index_failures',
    sa.Column('document_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('first_failed_at', kb.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_failed_at', kb.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_index_failures'))
    )


def downgrade():
    op.drop_table('index_failures')
