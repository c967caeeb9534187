"""macro link drift: which article revision each macro link was last confirmed against

A macro that links to an article is flagged "linked article changed" when the article goes live
with a different title or body than the revision the macro was written or confirmed against.
Existing links start out confirmed against the article as it is live now: nothing is flagged
by the upgrade itself.

Revision ID: b7d24c0f9a31
Revises: a20f1d0c4e71
Create Date: 2026-12-06 02:10:00

"""
from alembic import op
import sqlalchemy as sa

import kb.models.types


revision = 'b7d24c0f9a31'
down_revision = 'a20f1d0c4e71'
branch_labels = None
depends_on = None


def upgrade():
    # document_links is small and nothing points at it, so a batch copy on SQLite is cheap.
    with op.batch_alter_table('document_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_revision_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('changed_at', kb.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_document_links_confirmed_revision_id_revisions'),
                                    'revisions', ['confirmed_revision_id'], ['id'])
    op.execute(
        "UPDATE document_links SET confirmed_revision_id = ("
        " SELECT documents.published_revision_id FROM documents"
        " WHERE documents.id = document_links.target_id)"
        " WHERE target_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('document_links', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_document_links_confirmed_revision_id_revisions'),
                                 type_='foreignkey')
        batch_op.drop_column('changed_at')
        batch_op.drop_column('confirmed_revision_id')
