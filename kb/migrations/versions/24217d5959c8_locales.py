"""locales: each document has a locale; a translation points at its source

Revision ID: 24217d5959c8
Revises: c945c6eeff01
Create Date: 2026-12-06 07:10:00

Existing documents and old slugs take the instance's default locale (the first of
``KB_LOCALES``). Slugs become unique per locale.
"""
from alembic import op
import sqlalchemy as sa


revision = '24217d5959c8'
down_revision = 'c945c6eeff01'
branch_labels = None
depends_on = None


def _default_locale() -> str:
    try:
        from kb import locales
        return locales.default()
    except Exception:  # outside the app (offline SQL): the documented default
        return 'en'


def upgrade():
    default = _default_locale()
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=16), server_default='en', nullable=False))
        batch_op.add_column(sa.Column('translation_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('source_revision_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint('uq_documents_kind', type_='unique')
        batch_op.create_unique_constraint('uq_documents_kind_locale_slug', ['kind', 'locale', 'slug'])
        batch_op.create_unique_constraint('uq_documents_translation_of_id_locale',
                                          ['translation_of_id', 'locale'])
        batch_op.create_foreign_key(op.f('fk_documents_translation_of_id_documents'), 'documents',
                                    ['translation_of_id'], ['id'])
        batch_op.create_foreign_key('fk_documents_source_revision', 'revisions',
                                    ['source_revision_id'], ['id'])
    with op.batch_alter_table('slug_redirects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=16), server_default='en', nullable=False))
    with op.batch_alter_table('slug_redirects', schema=None) as batch_op:
        batch_op.drop_constraint('uq_slug_redirects_kind', type_='unique')
        batch_op.create_unique_constraint('uq_slug_redirects_kind_locale_slug', ['kind', 'locale', 'slug'])
    if default != 'en':
        for table in ('documents', 'slug_redirects'):
            op.execute(sa.text(f"UPDATE {table} SET locale = :locale").bindparams(locale=default))


def downgrade():
    # Translations cannot live without a locale: dropping them would lose content, so refuse.
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM documents WHERE translation_of_id IS NOT NULL")).scalar():
        raise RuntimeError("this database holds translations; export them before downgrading")
    with op.batch_alter_table('slug_redirects', schema=None) as batch_op:
        batch_op.drop_constraint('uq_slug_redirects_kind_locale_slug', type_='unique')
        batch_op.create_unique_constraint('uq_slug_redirects_kind', ['kind', 'slug'])
        batch_op.drop_column('locale')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint('fk_documents_source_revision', type_='foreignkey')
        batch_op.drop_constraint(op.f('fk_documents_translation_of_id_documents'), type_='foreignkey')
        batch_op.drop_constraint('uq_documents_translation_of_id_locale', type_='unique')
        batch_op.drop_constraint('uq_documents_kind_locale_slug', type_='unique')
        batch_op.create_unique_constraint('uq_documents_kind', ['kind', 'slug'])
        batch_op.drop_column('source_revision_id')
        batch_op.drop_column('translation_of_id')
        batch_op.drop_column('locale')
