"""The daily roll-up and the retention of raw search rows, run by the scheduled-publishing job."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kb.extensions import db
from kb.models import SearchClick, SearchDaily, SearchLog
from kb.models.types import utcnow
from kb.search import service as search_service


@pytest.fixture
def editor_api(api_as):
    return api_as("editor")[0]


def _age_all_searches(days: int) -> None:
    """Move every logged search and click ``days`` into the past (as if made then)."""
    search_service.search_log().flush()
    db.session.rollback()
    for table in (SearchLog, SearchClick):
        for row in db.session.execute(db.select(table)).scalars():
            row.created_at = row.created_at - timedelta(days=days)
    db.session.commit()


def _count(table) -> int:
    db.session.rollback()
    return db.session.scalar(db.select(db.func.count()).select_from(table))


def test_the_job_drops_old_raw_rows_and_keeps_the_daily_rollup(make_document, client, runner,
                                                             editor_api):
    make_document("article", state="published", title="Refund timeline", body="Refunds take days.")
    client.get("/search?q=refund")
    client.get("/search?q=teleportation")
    _age_all_searches(120)
    client.get("/search?q=refund")  # today's: kept raw
    old_day = (utcnow() - timedelta(days=120)).date().isoformat()

    before = editor_api.get(f"/insights/searches?from={old_day}&to={old_day}").get_json()
    assert before["total"] == 2
    assert before["zero_results"] == [{"query": "teleportation", "count": 1}]

    result = runner.invoke(args=["publish-scheduled"])
    assert result.exit_code == 0, result.output
    assert "published 0 scheduled document(s)" in result.output
    assert "removed 2 old search row(s)" in result.output

    assert _count(SearchLog) == 1
    assert _count(SearchDaily) == 2
    after = editor_api.get(f"/insights/searches?from={old_day}&to={old_day}").get_json()
    assert after == before
    today = editor_api.get("/insights/searches").get_json()
    assert today["top"] == [{"query": "refund", "count": 1, "clicks": 0}]


def test_rows_within_retention_stay_raw_and_reports_agree_before_and_after(
        make_document, client, runner, editor_api):
    make_document("article", state="published", title="Refund timeline", body="Refunds take days.")
    for query in ("refund", "refund", "shipping"):
        client.get(f"/search?q={query}")
    _age_all_searches(3)
    before = editor_api.get("/insights/searches").get_json()
    assert before["total"] == 3
    assert runner.invoke(args=["publish-scheduled"]).exit_code == 0
    assert _count(SearchLog) == 3  # 3 days old: within the 90 kept
    assert editor_api.get("/insights/searches").get_json() == before
    # A second run rolls nothing again and changes nothing.
    result = runner.invoke(args=["publish-scheduled"])
    assert "rolled up 0 day(s)" in result.output
    assert editor_api.get("/insights/searches").get_json() == before
