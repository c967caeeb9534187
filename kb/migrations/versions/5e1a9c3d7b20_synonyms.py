"""synonyms: the list of other ways to say things, which search applies at query time

Editors keep it at /editor/synonyms; kb export writes it to synonyms.yml and kb import reads
it back. The table starts empty: the sample content ships its list as a file.

Revision ID: 5e1a9c3d7b20
Revises: b8c0fb2c6eae
Create Date: 2026-12-06 03:45:00

"""
from alembic import op
import sqlalchemy as sa

import kb.models.types


revision = '5e1a9c3d7b20'
down_revision = 'b8c0fb2c6eae'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'synonyms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('term', sa.String(length=100), nullable=False),
        sa.Column('variants', kb.models.types.JSONText(), nullable=False),
        sa.Column('updated_at', kb.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_synonyms')),
        sa.UniqueConstraint('term', name=op.f('uq_synonyms_term')),
    )


def downgrade():
    op.drop_table('synonyms')
