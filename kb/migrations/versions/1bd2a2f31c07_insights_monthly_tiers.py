"""insights tiers: monthly companions of the daily roll-ups, and counters per day and month for
votes, macro uses and views, filled from the rows already there

Revision ID: 1bd2a2f31c07
Revises: 24217d5959c8
Create Date: 2026-12-06 07:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '1bd2a2f31c07'
down_revision = '24217d5959c8'
branch_labels = None
depends_on = None

_SEARCH_SUMS = ('searches', 'zero_results', 'clicked', 'rank_sum', 'result_sum')


def _counters(name, period, *columns):
    op.create_table(
        name,
        sa.Column(period, sa.Date(), nullable=False),
        sa.Column('document_id', sa.Integer(), autoincrement=False, nullable=False),
        *(sa.Column(c, sa.Integer(), nullable=False) for c in columns),
        sa.PrimaryKeyConstraint(period, 'document_id', name=op.f(f'pk_{name}')),
    )


#: Per-document tiers read by range: an index holding every column the reports read.
_COVERED = (
    ('search_document_daily', 'day', ('impressions', 'clicks')),
    ('search_document_monthly', 'month', ('impressions', 'clicks')),
    ('article_view_daily', 'day', ('views',)),
    ('article_view_monthly', 'month', ('views',)),
    ('feedback_daily', 'day', ('helpful', 'not_helpful', 'comments')),
    ('feedback_monthly', 'month', ('helpful', 'not_helpful', 'comments')),
    ('macro_use_daily', 'day', ('uses',)),
    ('macro_use_monthly', 'month', ('uses',)),
)


def upgrade():
    op.create_table(
        'search_monthly',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('scope', sa.String(length=24), nullable=False),
        sa.Column('query', sa.String(length=256), nullable=False),
        *(sa.Column(c, sa.Integer(), nullable=False) for c in _SEARCH_SUMS),
        sa.PrimaryKeyConstraint('month', 'scope', 'query', name=op.f('pk_search_monthly')),
    )
    with op.batch_alter_table('search_monthly', schema=None) as batch_op:
        batch_op.create_index('ix_search_monthly_query_month', ['query', 'month'], unique=False)
    op.create_table(
        'search_volume_daily',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('scope', sa.String(length=24), nullable=False),
        sa.Column('searches', sa.Integer(), nullable=False),
        sa.Column('zero_results', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('day', 'scope', name=op.f('pk_search_volume_daily')),
    )
    _counters('search_document_monthly', 'month', 'impressions', 'clicks')
    _counters('article_view_monthly', 'month', 'views')
    _counters('feedback_daily', 'day', 'helpful', 'not_helpful', 'comments')
    _counters('feedback_monthly', 'month', 'helpful', 'not_helpful', 'comments')
    _counters('macro_use_daily', 'day', 'uses')
    _counters('macro_use_monthly', 'month', 'uses')
    with op.batch_alter_table('macro_uses', schema=None) as batch_op:
        batch_op.create_index('ix_macro_uses_document_created', ['document_id', 'created_at'],
                              unique=False)
    for name, period, columns in _COVERED:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.create_index(f'ix_{name}_covering', [period, 'document_id', *columns],
                                  unique=False)
    _fill()


def _fill():
    """The new tables from the rows already there (UTC days, as the app counts them)."""
    postgres = op.get_bind().dialect.name == 'postgresql'

    def day(column):
        return f"CAST(timezone('UTC', {column}) AS DATE)" if postgres else f"date({column})"

    def month(column):
        return (f"CAST(date_trunc('month', {column}) AS DATE)" if postgres
                else f"date({column}, 'start of month')")

    yes, no = ('CASE WHEN helpful THEN 1 ELSE 0 END', 'CASE WHEN helpful THEN 0 ELSE 1 END')
    op.execute(f"INSERT INTO feedback_daily (day, document_id, helpful, not_helpful, comments) "
               f"SELECT {day('created_at')}, document_id, SUM({yes}), SUM({no}), "
               f"SUM(CASE WHEN comment <> '' THEN 1 ELSE 0 END) FROM feedback GROUP BY 1, 2")
    op.execute("INSERT INTO macro_use_daily (day, document_id, uses) "
               f"SELECT {day('created_at')}, document_id, COUNT(*) FROM macro_uses GROUP BY 1, 2")
    op.execute("INSERT INTO search_volume_daily (day, scope, searches, zero_results) "
               "SELECT day, scope, SUM(searches), SUM(zero_results) FROM search_daily "
               "GROUP BY day, scope")
    sums = ', '.join(_SEARCH_SUMS)
    op.execute(f"INSERT INTO search_monthly (month, scope, query, {sums}) "
               f"SELECT {month('day')}, scope, query, "
               f"{', '.join(f'SUM({c})' for c in _SEARCH_SUMS)} FROM search_daily GROUP BY 1, 2, 3")
    for target, source, columns in (
            ('search_document_monthly', 'search_document_daily', ('impressions', 'clicks')),
            ('article_view_monthly', 'article_view_daily', ('views',)),
            ('feedback_monthly', 'feedback_daily', ('helpful', 'not_helpful', 'comments')),
            ('macro_use_monthly', 'macro_use_daily', ('uses',))):
        op.execute(f"INSERT INTO {target} (month, document_id, {', '.join(columns)}) "
                   f"SELECT {month('day')}, document_id, "
                   f"{', '.join(f'SUM({c})' for c in columns)} FROM {source} GROUP BY 1, 2")


def downgrade():
    for name in ('article_view_daily', 'search_document_daily'):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{name}_covering')
    with op.batch_alter_table('macro_uses', schema=None) as batch_op:
        batch_op.drop_index('ix_macro_uses_document_created')
    for name in ('macro_use_monthly', 'macro_use_daily', 'feedback_monthly', 'feedback_daily',
                 'article_view_monthly', 'search_document_monthly', 'search_volume_daily',
                 'search_monthly'):
        op.drop_table(name)
