"""contact requests: the requests, their hand-over outbox, form sessions and opened suggestions

Revision ID: a5eca78e72df
Revises: 9d4e2b7a1c58
Create Date: 2026-12-06 07:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a5eca78e72df'
down_revision = '9d4e2b7a1c58'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'contact_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('topic', sa.String(length=120), nullable=False),
        sa.Column('suggested', sa.Text(), nullable=False),
        sa.Column('attachments', sa.Text(), nullable=False),
        sa.Column('form_session', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_requests')),
    )
    with op.batch_alter_table('contact_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_requests_created_at'), ['created_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_contact_requests_form_session'), ['form_session'],
                              unique=False)
    op.create_table(
        'contact_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=32), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['request_id'], ['contact_requests.id'],
                                name=op.f('fk_contact_deliveries_request_id_contact_requests')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_deliveries')),
        sa.UniqueConstraint('request_id', 'channel', name=op.f('uq_contact_deliveries_request_id')),
    )
    with op.batch_alter_table('contact_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_contact_deliveries_due', ['delivered_at', 'next_attempt_at'],
                              unique=False)
    op.create_table(
        'contact_form_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('topic', sa.String(length=120), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('opened_document_id', sa.Integer(), nullable=True),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_form_sessions')),
        sa.UniqueConstraint('key', name=op.f('uq_contact_form_sessions_key')),
    )
    with op.batch_alter_table('contact_form_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_form_sessions_started_at'), ['started_at'],
                              unique=False)
    op.create_table(
        'contact_suggestion_opens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_key', sa.String(length=64), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_suggestion_opens')),
    )
    with op.batch_alter_table('contact_suggestion_opens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_suggestion_opens_session_key'),
                              ['session_key'], unique=False)


def downgrade():
    with op.batch_alter_table('contact_suggestion_opens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_suggestion_opens_session_key'))
    op.drop_table('contact_suggestion_opens')
    with op.batch_alter_table('contact_form_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_form_sessions_started_at'))
    op.drop_table('contact_form_sessions')
    with op.batch_alter_table('contact_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_deliveries_due')
    op.drop_table('contact_deliveries')
    with op.batch_alter_table('contact_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_requests_form_session'))
        batch_op.drop_index(batch_op.f('ix_contact_requests_created_at'))
    op.drop_table('contact_requests')
