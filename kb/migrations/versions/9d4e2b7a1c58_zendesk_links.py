"""zendesk links: the Zendesk id each imported article or macro came from

Revision ID: 9d4e2b7a1c58
Revises: e480bb11322e
Create Date: 2026-12-06 04:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = '9d4e2b7a1c58'
down_revision = 'e480bb11322e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'zendesk_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('zendesk_id', sa.BigInteger(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_zendesk_links_document_id_documents')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_zendesk_links')),
        sa.UniqueConstraint('kind', 'zendesk_id', name=op.f('uq_zendesk_links_kind')),
    )
    with op.batch_alter_table('zendesk_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_zendesk_links_document_id'), ['document_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('zendesk_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_zendesk_links_document_id'))
    op.drop_table('zendesk_links')
