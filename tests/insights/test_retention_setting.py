"""KB_SEARCH_LOG_DAYS sets how long raw search rows are kept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kb.extensions import db
from kb.models import SearchDaily, SearchLog
from kb.search import service as search_service


def _age_all_searches(days: int) -> None:
    search_service.search_log().flush()
    db.session.rollback()
    for row in db.session.execute(db.select(SearchLog)).scalars():
        row.created_at = row.created_at - timedelta(days=days)
    db.session.commit()


def _count(table) -> int:
    db.session.rollback()
    return db.session.scalar(db.select(db.func.count()).select_from(table))


@pytest.fixture
def app_config():
    return {"SEARCH_LOG_DAYS": 2}


def test_the_retention_follows_the_setting(make_document, client, runner):
    client.get("/search?q=refund")
    _age_all_searches(3)
    result = runner.invoke(args=["publish-scheduled"])
    assert "removed 1 old search row(s)" in result.output
    assert _count(SearchLog) == 0
    assert _count(SearchDaily) == 1
