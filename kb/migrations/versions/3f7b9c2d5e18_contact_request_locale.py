"""contact requests keep the form page's locale, so the person's confirmation is in their language

Requests sent before this have none and are answered in the default locale.

Revision ID: 3f7b9c2d5e18
Revises: 6c2f8e1d4a97
Create Date: 2026-12-06 11:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '3f7b9c2d5e18'
down_revision = '6c2f8e1d4a97'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('contact_requests', sa.Column('locale', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('contact_requests') as batch_op:
        batch_op.drop_column('locale')
