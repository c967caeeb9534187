"""article order: each revision carries its place in its section (Zendesk's ``position``)

Revision ID: c945c6eeff01
Revises: a5eca78e72df
Create Date: 2026-12-06 07:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c945c6eeff01'
down_revision = 'a5eca78e72df'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_column('position')
