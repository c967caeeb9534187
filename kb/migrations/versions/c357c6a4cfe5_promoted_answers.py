"""promoted answers: an article pinned to the top of the results for a normalised query

Revision ID: c357c6a4cfe5
Revises: 5e1a9c3d7b20
Create Date: 2026-12-06 03:50:00

"""
from alembic import op
import sqlalchemy as sa

import kb.models.types


revision = 'c357c6a4cfe5'
down_revision = '5e1a9c3d7b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'promoted_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('query', sa.String(length=256), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', kb.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_promoted_answers_created_by_id_users')),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_promoted_answers_document_id_documents')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_promoted_answers')),
        sa.UniqueConstraint('query', name=op.f('uq_promoted_answers_query')),
    )
    with op.batch_alter_table('promoted_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promoted_answers_document_id'), ['document_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('promoted_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promoted_answers_document_id'))
    op.drop_table('promoted_answers')
