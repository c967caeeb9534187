"""Clean search data: a typing burst is one search, zero-result queries and clicks are reported,
and the API answers the same numbers as the page."""

from __future__ import annotations

import re

import pytest

from kb.extensions import db
from kb.models import SearchClick, SearchLog


@pytest.fixture
def editor_api(api_as):
    return api_as("editor")[0]


@pytest.fixture
def articles(make_document):
    return [
        make_document("article", state="published", title="Refund timeline",
                      body="Refunds reach the card within five days."),
        make_document("article", state="published", title="Refund a partial order",
                      body="A partial refund of an order is possible."),
    ]


def test_a_typing_burst_of_six_keystrokes_counts_as_one_search(articles, api_as, editor_api):
    agent = api_as("agent")[0]
    for typed in ("r", "re", "ref", "refu", "refun", "refund"):
        answer = agent.get(f"/search?q={typed}&prefix=true&burst=burst-0001")
        assert answer.status_code == 200
    answer = editor_api.get("/insights/searches")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["total"] == 1
    assert body["top"] == [{"query": "refund", "count": 1, "clicks": 0}]
    assert db.session.scalar(db.select(db.func.count()).select_from(SearchLog)) == 1


def test_searches_without_a_burst_each_count(articles, client, editor_api):
    for _ in range(3):
        assert client.get("/search?q=refund").status_code == 200
    body = editor_api.get("/insights/searches").get_json()
    assert body["total"] == 3
    assert body["top"][0] == {"query": "refund", "count": 3, "clicks": 0}


def test_a_zero_result_query_shows_in_the_api(articles, client, editor_api):
    client.get("/search?q=teleportation")
    client.get("/search?q=teleportation")
    client.get("/search?q=refund")
    body = editor_api.get("/insights/searches").get_json()
    assert body["zero_results"] == [{"query": "teleportation", "count": 2}]
    assert body["total"] == 3


def test_a_click_is_attributed_to_its_result_and_rank(articles, client, editor_api):
    page = client.get("/search?q=refund").get_data(as_text=True)
    links = re.findall(r'href="(/search/click/[^"]+)"', page)
    assert len(links) == 2
    answer = client.get(links[1])
    assert answer.status_code == 302
    second = answer.headers["Location"]
    assert second.endswith("/en/articles/refund-timeline") or second.endswith(
        "/en/articles/refund-a-partial-order")
    click = db.session.execute(db.select(SearchClick)).scalar_one()
    assert click.rank == 2
    assert f"/articles/{db.session.get(type(articles[0]), click.document_id).slug}" in second
    body = editor_api.get("/insights/searches").get_json()
    assert body["top"] == [{"query": "refund", "count": 1, "clicks": 1}]


def test_a_forged_click_token_is_refused(client):
    assert client.get("/search/click/not-a-token").status_code == 404


@pytest.mark.parametrize("role, status", [(None, 401), ("agent", 403), ("editor", 200),
                                          ("reviewer", 200), ("admin", 200)])
def test_only_editors_and_up_read_insights(api_as, role, status):
    api = api_as(role)[0]
    for path in ("/insights/searches", "/insights/articles", "/insights/macros"):
        assert api.get(path).status_code == status


@pytest.mark.parametrize("query, field", [("from=2026-02-30", "from"), ("to=yesterday", "to"),
                                          ("to=", "to")])
def test_a_bad_range_is_a_clear_400(editor_api, query, field):
    answer = editor_api.get(f"/insights/searches?{query}")
    assert answer.status_code == 400
    assert answer.get_json()["error"]["field"] == field


def test_a_bad_burst_id_is_refused(api_as):
    answer = api_as("agent")[0].get("/search?q=refund&burst=bad id!")
    assert answer.status_code == 400


def test_the_public_search_boxs_suggestions_count_one_search_per_burst(articles, client,
                                                                        editor_api):
    for typed in ("re", "ref", "refu", "refun", "refund"):
        answer = client.get(f"/search/suggestions?q={typed}&burst=typeahead-0001")
        assert answer.status_code == 200
    client.get("/search/suggestions?q=refund")  # no burst id: a request, not a search
    body = editor_api.get("/insights/searches").get_json()
    assert body["total"] == 1
    assert body["top"] == [{"query": "refund", "count": 1, "clicks": 0}]
