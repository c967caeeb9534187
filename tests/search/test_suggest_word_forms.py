"""Suggest meets a customer's word in another form than the help center's, and judges a macro
also by the help articles it links to: both through ``POST /api/v1/suggest`` as an agent."""

from __future__ import annotations


def suggested(api, text: str, limit: int = 10) -> list[str]:
    response = api.post("/suggest", json={"text": text, "limit": limit})
    assert response.status_code == 200
    return [r["slug"] for r in response.get_json()["results"] if r["type"] == "macro"]


def test_a_word_the_index_does_not_hold_as_written_is_read_in_its_plain_form(api_as, make_document):
    # Created first, so the engine's order (which breaks ties) favours the other one.
    make_document("macro", state="published", title="Money::Banks::Card timing",
                  body="Card money shows at once.")
    wire = make_document("macro", state="published", title="Money::Banks::Transfer timing",
                         body="Your bank takes two days.")
    api, _ = api_as("agent")
    # No document holds "transferred"; the macro holds "transfer".
    assert suggested(api, "my money got transferred to the wrong place")[:1] == [wire.slug]


def test_an_irregular_past_tense_meets_its_present(api_as, make_document):
    make_document("article", state="published", title="Lost and found",
                  body="Things lost and found are kept for a month.")  # the index knows both
    lose = make_document("macro", state="published", title="Keys::Access::If you lose a key",
                         body="Copies of a key are made at the desk.")
    find = make_document("macro", state="published", title="Keys::Access::If you find a key",
                         body="Copies of a key are made at the desk.")
    api, _ = api_as("agent")
    assert suggested(api, "I lost my key!!")[:1] == [lose.slug]
    assert suggested(api, "I found a key!!")[:1] == [find.slug]


def test_a_macro_is_lifted_by_the_article_it_links_to(api_as, make_document):
    make_document("article", state="published", title="Customs duties",
                  body="Import duties and customs fees are charged by the destination country.")
    make_document("article", state="published", title="Gift wrapping",
                  body="Wrapping paper and ribbons are chosen at checkout.")
    title = "Shipping::Abroad::Shipping abroad"
    body = "Shipping abroad takes longer. See [this](/articles/{}).".format
    customs = make_document("macro", state="published", title=title, body=body("customs-duties"))
    wrapping = make_document("macro", state="published", title=title, body=body("gift-wrapping"))
    api, _ = api_as("agent")
    # The two macros are alike; only what their articles say tells them apart.
    assert suggested(api, "shipping abroad: why did I pay import fees?")[:1] == [customs.slug]
    assert suggested(api, "shipping abroad: can I pick the ribbons?")[:1] == [wrapping.slug]


def test_an_unpublished_article_lifts_nothing(api_as, make_document):
    make_document("article", state="draft", title="Customs duties",
                  body="Import duties and customs fees are charged by the destination country.")
    title, body = ("Shipping::Abroad::Shipping abroad",
                   "Shipping abroad takes longer. See [customs](/articles/customs-duties).")
    first = make_document("macro", state="published", title=title, body=body)
    second = make_document("macro", state="published", title=title, body=body)
    api, _ = api_as("agent")
    ranked = suggested(api, "shipping abroad, customs duties")
    assert ranked[:2] == [first.slug, second.slug]  # the engine's order, nothing lifted


def test_a_phrase_of_common_words_counts_only_in_order(api_as, make_document):
    """A message that holds "me" and "not" apart is not saying "not me" (someone else)."""
    hacked = make_document("macro", state="published", title="Account::Security::Hacked account",
                           body="We secured your account.")
    trial = make_document("macro", state="published", title="Trials::Trial::Free trial missing",
                          body="Trials are set per tier.")
    api, _ = api_as("agent")
    ranked = suggested(api, "my friend has a free trial but I see none for me, why not?")
    assert ranked[:1] == [trial.slug]
    assert hacked.slug not in ranked
