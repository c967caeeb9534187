"""A range that crosses month boundaries reads whole months from the monthly tier and the days
around them from the daily one, and answers the same numbers as the raw rows did."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kb.extensions import db
from kb.insights import tiers
from kb.models import Feedback, MacroUse, SearchClick, SearchLog, SearchMonthly


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


#: (when, query, scope, results, rank of the click or None)
SEARCHES = [
    ("2026-01-30 10:00", "refund", "public", 3, 1),
    ("2026-01-31 23:59", "refund", "public", 2, None),
    ("2026-02-01 00:00", "teleport", "public", 0, None),
    ("2026-02-15 12:00", "refund", "staff", 4, 2),
    ("2026-02-28 23:00", "teleport", "public", 0, None),
    ("2026-03-01 08:00", "shipping", "public", 1, None),
    ("2026-03-02 08:00", "refund", "public", 1, None),
]


@pytest.fixture
def editor_api(api_as):
    return api_as("editor")[0]


@pytest.fixture
def searched(app):
    for n, (when, query, scope, results, rank) in enumerate(SEARCHES):
        burst = f"test:{n}"
        db.session.add(SearchLog(query=query, scope=scope, surface="page", result_count=results,
                                 took_ms=1.0, created_at=at(when), burst=burst, shown=[]))
        if rank:
            db.session.add(SearchClick(burst=burst, document_id=1, rank=rank,
                                       created_at=at(when).replace(second=5)))
    db.session.commit()


RANGES = {
    # Feb whole from the monthly tier; Jan 31 and Mar 1 from the daily one.
    ("2026-01-31", "2026-03-01"): {
        "total": 5,
        "top": [{"query": "refund", "count": 2, "clicks": 1},
                {"query": "teleport", "count": 2, "clicks": 0},
                {"query": "shipping", "count": 1, "clicks": 0}],
        "zero_results": [{"query": "teleport", "count": 2}],
    },
    # Three whole months.
    ("2026-01-01", "2026-03-31"): {
        "total": 7,
        "top": [{"query": "refund", "count": 4, "clicks": 2},
                {"query": "teleport", "count": 2, "clicks": 0},
                {"query": "shipping", "count": 1, "clicks": 0}],
        "zero_results": [{"query": "teleport", "count": 2}],
    },
    # Inside one month, not whole: days only.
    ("2026-02-02", "2026-02-28"): {
        "total": 2,
        "top": [{"query": "refund", "count": 1, "clicks": 1},
                {"query": "teleport", "count": 1, "clicks": 0}],
        "zero_results": [{"query": "teleport", "count": 1}],
    },
}


def _searches(editor_api, start: str, end: str) -> dict:
    body = editor_api.get(f"/insights/searches?from={start}&to={end}").get_json()
    return {key: body[key] for key in ("total", "top", "zero_results")}


def test_search_sums_across_month_boundaries_match_before_and_after_the_rollup(
        searched, runner, editor_api):
    for (start, end), expected in RANGES.items():
        assert _searches(editor_api, start, end) == expected, "from the raw rows"
    result = runner.invoke(args=["publish-scheduled"])
    assert result.exit_code == 0, result.output
    months = db.session.execute(
        db.select(SearchMonthly.month, SearchMonthly.scope, SearchMonthly.query,
                  SearchMonthly.searches, SearchMonthly.zero_results, SearchMonthly.clicked)
        .where(SearchMonthly.month <= datetime(2026, 3, 1).date())
        .order_by(SearchMonthly.month, SearchMonthly.scope, SearchMonthly.query)).all()
    assert [(m.isoformat(), scope, query, s, z, c) for m, scope, query, s, z, c in months] == [
        ("2026-01-01", "public", "refund", 2, 0, 1),
        ("2026-02-01", "public", "teleport", 2, 2, 0),
        ("2026-02-01", "staff", "refund", 1, 0, 1),
        ("2026-03-01", "public", "refund", 1, 0, 0),
        ("2026-03-01", "public", "shipping", 1, 0, 0),
    ]
    for (start, end), expected in RANGES.items():
        assert _searches(editor_api, start, end) == expected, "from the tiers"


def test_votes_and_uses_across_month_boundaries(make_document, make_user, editor_api):
    article = make_document("article", state="published", title="Refund timeline")
    macro = make_document("macro", state="published", title="Billing::Refund")
    agent = make_user("agent")
    for n, (when, helpful, comment) in enumerate([
            ("2026-01-31 12:00", True, ""), ("2026-02-10 12:00", False, "Too short."),
            ("2026-02-28 12:00", True, ""), ("2026-03-01 12:00", False, ""),
            ("2026-03-05 12:00", True, "")]):
        db.session.add(Feedback(document_id=article.id, voter=f"v{n}", helpful=helpful,
                                comment=comment, created_at=at(when)))
    for when in ("2026-01-31 09:00", "2026-02-01 09:00", "2026-02-20 09:00", "2026-03-01 09:00",
                 "2026-04-01 09:00"):
        db.session.add(MacroUse(document_id=macro.id, user_id=agent.id, created_at=at(when)))
    db.session.commit()
    tiers.recount()  # rows written behind the counters' back, as a bulk load does

    body = editor_api.get("/insights/articles?from=2026-01-31&to=2026-03-01").get_json()
    row = next(a for a in body["articles"] if a["id"] == article.id)
    assert (row["helpful"], row["not_helpful"]) == (2, 2)
    body = editor_api.get("/insights/macros?from=2026-01-31&to=2026-03-01").get_json()
    assert next(m for m in body["macros"] if m["id"] == macro.id)["uses"] == 4
    body = editor_api.get("/insights/macros?from=2026-02-01&to=2026-02-28").get_json()
    assert next(m for m in body["macros"] if m["id"] == macro.id)["uses"] == 2
    assert next(m for m in body["macros"] if m["id"] == macro.id)["last_used_at"].startswith(
        "2026-04-01")


def test_pieces_cut_a_range_into_whole_months_and_the_days_around_them():
    from datetime import date

    assert tiers.pieces(date(2025, 12, 7), date(2026, 12, 6)) == (
        (date(2026, 1, 1), date(2026, 11, 1)),
        [(date(2025, 12, 7), date(2025, 12, 31)), (date(2026, 12, 1), date(2026, 12, 6))])
    assert tiers.pieces(date(2026, 2, 1), date(2026, 2, 28)) == ((date(2026, 2, 1),) * 2, [])
    assert tiers.pieces(date(2026, 2, 2), date(2026, 2, 28)) == (
        None, [(date(2026, 2, 2), date(2026, 2, 28))])
    assert tiers.pieces(date(2026, 3, 2), date(2026, 3, 1)) == (None, [])
