"""media: uploaded images, their smaller widths, and the revisions that use them

Images are stored in the database so every node serves them and a backup holds them.
``media_uses`` is filled as revisions are written; revisions saved before this migration show
no uploaded image (there was no way to upload one), so it starts empty.

Revision ID: 08189d82d392
Revises: c357c6a4cfe5
Create Date: 2026-12-06 03:50:00

"""
from alembic import op
import sqlalchemy as sa

import kb.models.types


revision = '08189d82d392'
down_revision = 'c357c6a4cfe5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('media',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('ext', sa.String(length=8), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('bytes', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', kb.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_media_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media')),
    sa.UniqueConstraint('sha256', name=op.f('uq_media_sha256'))
    )
    op.create_table('media_variants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('media_id', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['media_id'], ['media.id'], name=op.f('fk_media_variants_media_id_media')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_variants')),
    sa.UniqueConstraint('media_id', 'width', name=op.f('uq_media_variants_media_id'))
    )
    op.create_table('media_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_media_uses_revision_id_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_uses')),
    sa.UniqueConstraint('revision_id', 'sha256', name=op.f('uq_media_uses_revision_id'))
    )
    with op.batch_alter_table('media_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_uses_sha256'), ['sha256'], unique=False)


def downgrade():
    with op.batch_alter_table('media_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_media_uses_sha256'))
    op.drop_table('media_uses')
    op.drop_table('media_variants')
    op.drop_table('media')
