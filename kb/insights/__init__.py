"""Search and content insights for Product Education: what people look for and do not find,
which articles help, which macros are used, and what needs attention.

Raw events (searches, clicks) come from :mod:`kb.search.searchlog` and this package's
:mod:`~kb.insights.events`; :mod:`~kb.insights.rollup` folds each finished day into daily
tables and drops raw rows past ``KB_SEARCH_LOG_DAYS``; the report modules answer from the
daily tables plus the raw rows of the days not yet rolled up, so every range costs a few rows
per day.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Roll up and prune with the job that publishes scheduled revisions."""
    from kb.insights import rollup
    from kb.review.scheduler import register_job

    register_job(app, "insights", rollup.run)
