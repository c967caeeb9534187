"""place names and locale links: category and section names per locale, and macro links that
name a locale (``/fr/articles/<slug>``)

Existing links were all written as ``/articles/<slug>`` and keep an empty ``target_locale``
(the default locale's address). No category or section has a translated name yet.

Revision ID: 6c2f8e1d4a97
Revises: 1bd2a2f31c07
Create Date: 2026-12-06 10:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '6c2f8e1d4a97'
down_revision = '1bd2a2f31c07'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'place_names',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=True),
        sa.Column('section_id', sa.Integer(), nullable=True),
        sa.Column('locale', sa.String(length=16), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.CheckConstraint('(category_id IS NULL) <> (section_id IS NULL)',
                           name=op.f('ck_place_names_one_place')),
        sa.ForeignKeyConstraint(['category_id'], ['categories.id'],
                                name=op.f('fk_place_names_category_id_categories')),
        sa.ForeignKeyConstraint(['section_id'], ['sections.id'],
                                name=op.f('fk_place_names_section_id_sections')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_place_names')),
        sa.UniqueConstraint('category_id', 'locale', name='uq_place_names_category_id_locale'),
        sa.UniqueConstraint('section_id', 'locale', name='uq_place_names_section_id_locale'),
    )
    # document_links is small and nothing points at it, so a batch copy on SQLite is cheap.
    with op.batch_alter_table('document_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_locale', sa.String(length=16), server_default='',
                                      nullable=False))
        batch_op.drop_constraint('uq_document_links_source_id', type_='unique')
        batch_op.create_unique_constraint('uq_document_links_source_locale_slug',
                                          ['source_id', 'target_locale', 'target_slug'])


def downgrade():
    # A macro may link to the same slug in two locales; before the old one-slug rule comes
    # back, keep one row per slug (the next publish of the macro rewrites its links anyway).
    op.execute("DELETE FROM document_links WHERE EXISTS ("
               " SELECT 1 FROM document_links other WHERE other.source_id = document_links.source_id"
               " AND other.target_slug = document_links.target_slug AND other.id < document_links.id)")
    with op.batch_alter_table('document_links', schema=None) as batch_op:
        batch_op.drop_constraint('uq_document_links_source_locale_slug', type_='unique')
        batch_op.create_unique_constraint('uq_document_links_source_id', ['source_id', 'target_slug'])
        batch_op.drop_column('target_locale')
    op.drop_table('place_names')
