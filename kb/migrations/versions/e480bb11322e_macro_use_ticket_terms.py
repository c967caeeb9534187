"""macro uses keep the key terms of the ticket they answered (past uses for suggest)

Revision ID: e480bb11322e
Revises: 83683b6a029c
Create Date: 2026-12-06 05:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e480bb11322e'
down_revision = '83683b6a029c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('macro_uses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ticket_terms', sa.String(length=400), nullable=True))


def downgrade():
    with op.batch_alter_table('macro_uses', schema=None) as batch_op:
        batch_op.drop_column('ticket_terms')
