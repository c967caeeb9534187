"""Results opened from the agent macro library count as clicks on their search, with their
rank, as public search results do: the library's links go through the signed click address."""

from __future__ import annotations

import re

import pytest

from kb.extensions import db
from kb.models import SearchClick


@pytest.fixture
def macros(make_document):
    return [
        make_document("macro", state="published", title="Billing::Refund timeline",
                      body="Your refund reaches the card within five days."),
        make_document("macro", state="published", title="Billing::Partial refund",
                      body="A partial refund of an order is possible."),
    ]


def test_a_library_search_gives_click_addresses_and_a_click_counts_with_its_rank(
        macros, client, make_user, login, api_as):
    login(make_user("agent"))
    answer = client.get("/api/v1/search?q=refund&type=macro&prefix=true&burst=library-0001")
    assert answer.status_code == 200
    results = answer.get_json()["results"]
    assert len(results) == 2
    assert all(r["click_url"].startswith("/search/click/") for r in results)
    second = results[1]
    followed = client.get(second["click_url"])
    assert followed.status_code == 302
    assert followed.headers["Location"].endswith(f"/macros/{second['id']}")
    click = db.session.execute(db.select(SearchClick)).scalar_one()
    assert (click.document_id, click.rank) == (second["id"], 2)
    editor = api_as("editor")[0]
    body = editor.get("/insights/searches").get_json()
    assert body["top"] == [{"query": "refund", "count": 1, "clicks": 1}]


def test_a_search_without_a_burst_answers_as_before(macros, api_as):
    agent = api_as("agent")[0]
    results = agent.get("/search?q=refund&type=macro").get_json()["results"]
    assert len(results) == 2
    assert all("click_url" not in r for r in results)


def test_the_library_page_opens_its_results_through_the_click_address(
        macros, client, make_user, login):
    login(make_user("agent"))
    page = client.get("/macros?q=refund").get_data(as_text=True)
    opened = re.findall(r'data-open="(/search/click/[^"]+)"', page)
    linked = re.findall(r'<a href="(/search/click/[^"]+)" tabindex="-1">', page)
    assert len(opened) == 2 and opened == linked
    # The result's own address stays for copying a link.
    assert sorted(re.findall(r'data-url="(/macros/[0-9]+)"', page)) == sorted(
        f"/macros/{m.id}" for m in macros)
    assert client.get(opened[0]).status_code == 302
    click = db.session.execute(db.select(SearchClick)).scalar_one()
    assert click.rank == 1
