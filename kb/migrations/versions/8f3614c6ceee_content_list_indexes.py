"""indexes for the staff content list

The list filters and sorts every shared document by its latest revision's state, section,
author, visibility, review date and title. A covering index of those columns lets it read
them without the revision rows (which hold the body, HTML and text); one on documents leads
from a latest revision to its document and holds what the list reads of it; one on
feedback counts each document's helpful votes without reading the votes.

Revision ID: 8f3614c6ceee
Revises: 08189d82d392
Create Date: 2026-12-06 03:50:00

"""
from alembic import op


revision = '8f3614c6ceee'
down_revision = '08189d82d392'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.create_index('ix_revisions_listing', ['state', 'visibility', 'section_id', 'author_id',
                                                       'review_by', 'publish_at', 'title'], unique=False)
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index('ix_documents_listing', ['latest_revision_id', 'owner_id', 'kind',
                                                       'updated_at', 'use_count'], unique=False)
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_document_helpful', ['document_id', 'helpful'], unique=False)


def downgrade():
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_document_helpful')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_listing')
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_revisions_listing')
