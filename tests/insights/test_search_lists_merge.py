"""The rolled-up days' ranking is kept between roll-ups, and today's searches are merged into it
exactly: a query searched today moves by its full sums, a kept query clicked today leaves the
"no clicks" list, and when the kept rows cannot prove a list it is ranked again from scratch."""

from __future__ import annotations

from datetime import date, datetime, timezone
from itertools import count

import pytest

from kb.extensions import db
from kb.insights import search_lists, searches
from kb.insights.ranges import DateRange, today
from kb.models import SearchClick, SearchLog
from kb.models.types import utcnow

_bursts = count(1)


def search(query: str, results: int, when: datetime, click: int | None = None) -> None:
    burst = f"merge:{next(_bursts)}"
    db.session.add(SearchLog(query=query, scope="public", surface="page", result_count=results,
                             took_ms=1.0, created_at=when, burst=burst, shown=[]))
    if click:
        db.session.add(SearchClick(burst=burst, document_id=1, rank=click, created_at=when))
    db.session.commit()


@pytest.fixture
def rolled(app, runner):
    past = datetime(2026, 11, 2, 12, 0, tzinfo=timezone.utc)
    for _ in range(3):
        search("alpha", 5, past)
    search("beta", 5, past, click=1)
    search("beta", 5, past)
    search("gamma", 0, past)
    search("delta", 5, past)
    assert runner.invoke(args=["publish-scheduled"]).exit_code == 0


def lists(limit: int) -> dict[str, list[tuple[str, int]]]:
    found = searches.report(DateRange(date(2026, 11, 1), today()), limit=limit)
    return {"top": [(r.query, r.searches) for r in found.top],
            "zero": [(r.query, r.zero_results) for r in found.zero_results],
            "no_clicks": [(r.query, r.searches) for r in found.no_clicks]}


@pytest.mark.parametrize("keep", [0, 1, 100])
def test_todays_searches_merge_into_the_kept_ranking(rolled, monkeypatch, keep):
    monkeypatch.setattr(search_lists, "KEEP", keep)
    assert lists(1) == {"top": [("alpha", 3)], "zero": [("gamma", 1)],
                        "no_clicks": [("alpha", 3)]}
    # Today: alpha is clicked, so it leaves "no clicks"; nothing kept one row deep proves
    # delta is next, so that list is ranked again.
    search("alpha", 5, utcnow(), click=2)
    assert lists(1) == {"top": [("alpha", 4)], "zero": [("gamma", 1)],
                        "no_clicks": [("delta", 1)]}
    # Today: delta three more times, gamma twice finding nothing.
    for _ in range(3):
        search("delta", 5, utcnow())
    search("gamma", 0, utcnow())
    search("gamma", 0, utcnow())
    assert lists(1) == {"top": [("alpha", 4)], "zero": [("gamma", 3)],
                        "no_clicks": [("delta", 4)]}
    assert lists(20) == {
        "top": [("alpha", 4), ("delta", 4), ("gamma", 3), ("beta", 2)],
        "zero": [("gamma", 3)],
        "no_clicks": [("delta", 4)],
    }
