"""macro revisions keep a fill template: their body rendered once, placeholders as markers

Filling a macro for a ticket used to render its whole body through Markdown on every view.
Existing revisions get their template lazily, the first time they are filled (rendering here
could meet a body that takes minutes; the app renders it within its budget instead).

Revision ID: c4e7b20a5d11
Revises: c21e5a7d0b13
Create Date: 2026-12-06 01:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e7b20a5d11'
down_revision = 'c21e5a7d0b13'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: SQLite does it in place, no table copy (revisions and documents point
    # at each other, which a batch copy would have to work around).
    op.add_column('revisions', sa.Column('fill_template', sa.Text(), nullable=True))
    op.add_column('revisions', sa.Column('fill_marker', sa.String(length=40), nullable=True))


def downgrade():
    op.drop_column('revisions', 'fill_marker')
    op.drop_column('revisions', 'fill_template')
