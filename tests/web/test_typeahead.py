"""Suggestions while typing in the public search box: ``GET /search/suggestions?q=…``.

Titles of published, public articles only, from two letters on, the same for everyone (so
cacheable), rate-limited per client; the public search boxes point their script at it.
"""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def articles(make_document):
    """Public articles about passwords, and a draft and an internal one whose titles match too."""
    return {
        "reset": make_document(state="published", title="Reset your password",
                               body="Use the link on the sign-in page.", section="account/security"),
        "change": make_document(state="published", title="Password rules",
                                body="At least twelve characters.", section="account/security"),
        "payouts": make_document(state="published", title="How payouts work",
                                 body="Payouts go to your bank.", section="payments/payouts"),
        "draft": make_document(state="draft", title="Password recovery codes (draft)",
                               body="Not ready.", section="account/security"),
        "review": make_document(state="in_review", title="Password managers we like",
                                body="Under review.", section="account/security"),
        "internal": make_document(state="published", title="Password resets for VIP accounts",
                                  body="Staff runbook.", visibility="internal",
                                  section="account/security"),
    }


def suggest(client, q: str, **headers):
    response = client.get("/search/suggestions", query_string={"q": q}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def titles(response) -> list[str]:
    return [r["title"] for r in response.get_json()["results"]]


def test_two_letters_bring_the_titles_of_matching_public_articles(client, articles):
    found = titles(suggest(client, "pa"))
    assert set(found) == {"Reset your password", "Password rules", "How payouts work"}


def test_a_word_being_typed_is_read_as_a_prefix_and_results_link_to_the_article(client, articles):
    body = suggest(client, "reset passw").get_json()
    assert body["query"] == "reset passw"
    assert body["results"][0] == {"id": articles["reset"].id, "title": "Reset your password",
                                  "url": "/en/articles/" + articles["reset"].slug, "pinned": False}


def test_fewer_than_two_letters_suggest_nothing(client, articles):
    assert titles(suggest(client, "p")) == []
    assert titles(suggest(client, " p ")) == []
    assert titles(suggest(client, "p?!")) == []
    assert titles(suggest(client, "")) == []


def test_never_a_draft_or_internal_title_not_even_for_staff(client, articles, make_user, login):
    hidden = {"Password recovery codes (draft)", "Password managers we like",
              "Password resets for VIP accounts"}
    for q in ("pa", "pass", "password", "password re", "vip", "recovery", "managers"):
        assert not hidden & set(titles(suggest(client, q))), q
    # The answer is the public one whoever asks, which is what lets caches share it.
    login(make_user("admin"))
    assert not hidden & set(titles(suggest(client, "password")))
    assert set(titles(suggest(client, "password"))) == {"Reset your password", "Password rules"}


def test_answers_may_be_cached_by_browsers_and_shared_caches(client, articles):
    response = suggest(client, "password")
    assert response.headers["Content-Type"].startswith("application/json")
    assert "public" in response.headers["Cache-Control"]
    assert re.search(r"max-age=\d+", response.headers["Cache-Control"])


def test_bad_input_gets_a_json_error(client, articles):
    response = client.get("/search/suggestions", query_string={"q": "pass\x00word"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"
    response = client.get("/search/suggestions", query_string={"q": "p" * 300})
    assert response.status_code == 400 and "256" in response.get_json()["error"]["message"]


def test_suggestions_are_rate_limited_per_client(app, client, articles):
    app.config["TYPEAHEAD_RATE_LIMIT_PER_MINUTE"] = 3
    statuses = [client.get("/search/suggestions?q=password").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/search/suggestions?q=password")
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    # Keystrokes too short to search cost nothing and are never refused.
    assert client.get("/search/suggestions?q=p").status_code == 200


def test_the_public_search_boxes_offer_suggestions(client, articles):
    for path in ("/", "/search", "/search?q=password"):
        page = client.get(path).get_data(as_text=True)
        assert 'data-typeahead="/search/suggestions"' in page, path
        assert "js/typeahead.js" in page
        # Without the script the box still submits to /search.
        assert re.search(r'<form[^>]+action="/search"[^>]+method="get"', page)
