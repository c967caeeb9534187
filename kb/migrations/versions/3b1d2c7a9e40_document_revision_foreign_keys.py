"""documents point at their revisions through real foreign keys

The initial schema declared the two foreign keys from documents to revisions with
``use_alter`` (each table refers to the other), and ``create_table`` leaves such constraints
out, so PostgreSQL databases were built without them. SQLite keeps them inline in the table
definition and needs nothing.

Revision ID: 3b1d2c7a9e40
Revises: fe6c4931347e
Create Date: 2026-11-29 15:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '3b1d2c7a9e40'
down_revision = 'fe6c4931347e'
branch_labels = None
depends_on = None

FOREIGN_KEYS = {
    'fk_documents_latest_revision': 'latest_revision_id',
    'fk_documents_published_revision': 'published_revision_id',
}


def _existing_foreign_keys():
    return {fk['name'] for fk in sa.inspect(op.get_bind()).get_foreign_keys('documents')}


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        return
    existing = _existing_foreign_keys()
    for name, column in FOREIGN_KEYS.items():
        if name not in existing:
            op.create_foreign_key(name, 'documents', 'revisions', [column], ['id'])


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        return
    existing = _existing_foreign_keys()
    for name in FOREIGN_KEYS:
        if name in existing:
            op.drop_constraint(name, 'documents', type_='foreignkey')
