"""settings hold any text, and remember that an instance in use was set up

The settings table becomes the instance's general key/value store (kb.settings), so a value
may be longer than 255 characters. ``kb serve`` now seeds the sample content only on a
database that was never set up, recorded under ``instance.set_up_at``; a database already in
use (it holds a document or an account) is marked here, so upgrading never seeds it.

Revision ID: c21e5a7d0b13
Revises: e20a5e551015
Create Date: 2026-12-06 00:50:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = 'c21e5a7d0b13'
down_revision = 'e20a5e551015'
branch_labels = None
depends_on = None

SET_UP_KEY = 'instance.set_up_at'
settings = sa.table('settings', sa.column('key', sa.String), sa.column('value', sa.Text))


def upgrade():
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.alter_column('value', existing_type=sa.String(length=255), type_=sa.Text(),
                              existing_nullable=False)
    bind = op.get_bind()
    in_use = any(bind.execute(sa.text(f'SELECT 1 FROM {table} LIMIT 1')).first()
                 for table in ('documents', 'users'))
    marked = bind.execute(sa.select(settings.c.key).where(settings.c.key == SET_UP_KEY)).first()
    if in_use and not marked:
        op.bulk_insert(settings, [{'key': SET_UP_KEY,
                                   'value': datetime.now(timezone.utc).isoformat(timespec='seconds')}])


def downgrade():
    op.execute(settings.delete().where(settings.c.key == SET_UP_KEY))
    with op.batch_alter_table('settings', schema=None) as batch_op:
        batch_op.alter_column('value', existing_type=sa.Text(), type_=sa.String(length=255),
                              existing_nullable=False)
