"""revisions carry their slug and where they were written

A slug is part of a revision so that a rename goes through review: it takes effect when the
revision is published. Existing revisions get their document's current slug. ``origin`` tells
revisions written by ``kb import`` from those made in the app, so a re-import can leave the
latter alone; earlier imports are recognised by the message every import wrote.

Revision ID: d21a5c0e7f13
Revises: 3b1d2c7a9e40
Create Date: 2026-12-06 00:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd21a5c0e7f13'
down_revision = '3b1d2c7a9e40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('revisions') as batch:
        batch.add_column(sa.Column('slug', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('origin', sa.String(length=16), nullable=False,
                                   server_default='app'))
    op.execute(
        "UPDATE revisions SET slug = (SELECT documents.slug FROM documents "
        "WHERE documents.id = revisions.document_id)"
    )
    op.execute("UPDATE revisions SET origin = 'import' WHERE message LIKE 'Imported from %'")


def downgrade():
    with op.batch_alter_table('revisions') as batch:
        batch.drop_column('origin')
        batch.drop_column('slug')
