"""Suggest reads a ticket as people write it: greetings and filler are no query, the help
center's words stand in for the customer's, and macros agents use rank a little higher."""

from __future__ import annotations

import pytest

from kb.auth import services as auth_services
from kb.transfer import import_paths
from tests.support import REPO


def suggested(api, text: str, limit: int = 10) -> list[str]:
    response = api.post("/suggest", json={"text": text, "limit": limit})
    assert response.status_code == 200
    return [r["slug"] for r in response.get_json()["results"] if r["type"] == "macro"]


@pytest.fixture
def samples(app):
    report = import_paths([REPO / "macros"], auth_services.system_user(), workers=0)
    assert report.failed == 0


def test_charged_after_cancelling_finds_its_macro_first(samples, api_as):
    api, _ = api_as("agent")
    assert suggested(api, "I was charged after cancelling, why?")[0] == "charged-after-cancelling"


def test_a_customers_words_reach_the_macro_in_the_help_centers_words(samples, api_as):
    api, _ = api_as("agent")
    assert "duplicate-charge" in suggested(api, "looks like I paid twice for the same month")[:3]
    assert suggested(api, "someone hacked me!!")[0] == "compromised-account"


def test_a_message_of_only_greetings_and_thanks_suggests_nothing(samples, api_as):
    api, _ = api_as("agent")
    response = api.post("/suggest", json={"text": "Hello there, thanks so much, kind regards!"})
    assert response.status_code == 200
    assert response.get_json()["results"] == []


def test_each_result_says_which_words_of_the_message_it_matched(samples, api_as):
    api, _ = api_as("agent")
    response = api.post("/suggest", json={"text": "How do I use a backup code?", "limit": 3})
    first = response.get_json()["results"][0]
    assert first["slug"] == "using-backup-codes"
    assert {"backup", "code"} <= set(first["matched"])


def test_a_macro_agents_use_ranks_above_an_equally_good_one(api_as, make_document):
    body = "Your parcel tracking number is below; parcels arrive within three days."
    first = make_document("macro", state="published", title="Shipping::Tracking::Parcel tracking",
                          body=body)
    second = make_document("macro", state="published", title="Shipping::Tracking::Parcel tracking",
                           body=body)
    api, _ = api_as("agent")
    ticket = "Where is my parcel? I need the tracking number."
    before = suggested(api, ticket)
    assert sorted(before) == sorted([first.slug, second.slug])
    unused, used = before
    for _ in range(3):
        assert api.post(f"/macros/{(first if used == first.slug else second).id}/render",
                        json={"values": {}}).status_code == 200
    assert suggested(api, ticket) == [used, unused]


def test_suggest_needs_an_agent(samples, api_as):
    anonymous, _ = api_as(None)
    assert anonymous.post("/suggest", json={"text": "charged twice"}).status_code == 401


def test_a_snippet_marks_the_messages_words_not_just_one(samples, api_as):
    api, _ = api_as("agent")
    response = api.post("/suggest", json={"text": "my payout went back to me, returned by the bank",
                                          "limit": 1})
    snippet = response.get_json()["results"][0]["snippet"].lower()
    assert "<mark>bank</mark>" in snippet and "<mark>return</mark>" in snippet
