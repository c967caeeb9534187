"""Search never leaks: drafts, internal and archived articles, macros and personal macros."""

import pytest

from kb.content.services import DocumentInput, save_revision


def search(api, q, **params):
    query = "&".join(f"{k}={v}" for k, v in {"q": q, **params}.items())
    response = api.get(f"/search?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_results_have_the_contract_shape(make_document, api_as):
    make_document(state="published", title="How payouts work", body="Payouts arrive monthly.")
    body = search(api_as(None)[0], "payouts")
    assert set(body) == {"query", "total", "results", "suggestion"}
    assert set(body["results"][0]) >= {"type", "id", "slug", "title", "snippet", "url", "score"}
    assert body["results"][0]["url"] == "/en/articles/how-payouts-work"


def test_a_macro_result_links_to_the_macro_page_agents_copy_from(make_document, api_as):
    macro = make_document("macro", state="published", title="Billing::Refund sent", body="Your refund is on its way.")
    body = search(api_as("agent")[0], "refund", type="macro")
    assert body["results"][0]["url"] == f"/macros/{macro.id}"


def test_a_drafts_words_are_never_found(make_document, api_as):
    make_document(state="draft", body="zanzibarian secret plan")
    for role in (None, "agent", "admin"):
        assert search(api_as(role)[0], "zanzibarian")["total"] == 0


def test_a_new_draft_of_a_published_article_is_not_searched(make_document, make_user, api_as):
    document = make_document(state="published", body="original wording")
    save_revision("article", document.id, DocumentInput(title=document.latest.title, body="quixotic rewrite",
                                                        section="general/basics"), 1, make_user("editor"))
    api = api_as("agent")[0]
    assert search(api, "quixotic")["total"] == 0
    assert search(api, "original")["total"] == 1


def test_internal_articles_are_hidden_from_anonymous_and_shown_to_agents(make_document, api_as):
    make_document(state="published", visibility="internal", body="escalation runbook for chargebacks")
    assert search(api_as(None)[0], "chargebacks")["total"] == 0
    assert search(api_as("agent")[0], "chargebacks")["total"] == 1


def test_archived_articles_leave_search(make_document, api_as):
    make_document(state="archived", body="obsolete procedure")
    assert search(api_as("admin")[0], "obsolete")["total"] == 0


def test_macros_are_never_shown_to_anonymous(make_document, api_as):
    make_document("macro", state="published", title="Billing::Refund", body="Your refund is on its way")
    assert search(api_as(None)[0], "refund")["total"] == 0
    assert search(api_as(None)[0], "refund", type="macro")["total"] == 0
    assert search(api_as("agent")[0], "refund", type="macro")["total"] == 1


def test_personal_macros_are_found_only_by_their_owner(api_as):
    owner_api, _ = api_as("agent")
    owner_api.post("/macros", json={"title": "My sign-off", "body": "Warm regards from the flamingo desk",
                                    "personal": True})
    assert search(owner_api, "flamingo")["total"] == 1
    assert search(api_as("admin")[0], "flamingo")["total"] == 0


def test_snippets_escape_the_documents_html_and_mark_matches(make_document, api_as):
    make_document(state="published", body="Use the `<script>alert(1)</script>` tag to embed a widget.")
    result = search(api_as(None)[0], "widget")["results"][0]
    assert "<script>" not in result["snippet"]
    assert "<mark>widget</mark>" in result["snippet"]


def test_a_match_late_in_a_long_article_still_gets_a_marked_snippet(make_document, api_as):
    # The index stores only the opening of each text; the snippet then comes from the whole text.
    filler = "Payouts arrive on the fifth of each month. " * 60
    make_document(state="published", body=filler + "Ask support about the flamingo exception.")
    snippet = search(api_as(None)[0], "flamingo")["results"][0]["snippet"]
    assert "<mark>flamingo</mark>" in snippet and snippet.startswith("\u2026")


def test_a_typo_finds_the_article_and_gets_a_suggestion(make_document, api_as):
    make_document(state="published", title="Reset your password", body="Choose a new password from the sign-in page.")
    make_document(state="published", title="Payout schedule", body="Payouts arrive monthly.")
    body = search(api_as(None)[0], "pasword reset")
    assert body["results"] and body["results"][0]["title"] == "Reset your password"
    assert body["suggestion"] == "password reset"


@pytest.mark.parametrize("q", ['"unbalanced', "AND OR NOT", "title:x", "*", "??", "(((", "a" * 600, "\x00\x07"])
def test_hostile_queries_answer_normally(api_as, make_document, q):
    make_document(state="published")
    response = api_as(None)[0].get("/search", query_string={"q": q[:512]})
    assert response.status_code in (200, 400)
    assert "error" in response.get_json() or "results" in response.get_json()


def test_a_missing_query_is_a_400(api_as):
    assert api_as(None)[0].get("/search").status_code == 400


def test_the_search_page_never_shows_internal_or_draft_words(make_document, client):
    make_document(state="published", visibility="internal", body="chargeback escalation matrix")
    make_document(state="draft", body="chargeback draft wording")
    page = client.get("/search?q=chargeback").get_data(as_text=True)
    assert "escalation" not in page and "draft wording" not in page


def test_suggest_never_offers_what_the_agent_may_not_see(make_document, api_as):
    make_document(state="draft", body="refund my pledge please draft")
    make_document("macro", state="published", title="Billing::Refunds::Refund timeline",
                  body="Refunds take five to ten days.")
    api, _ = api_as("agent")
    body = api.post("/suggest", json={"text": "Hi, I want a refund for my pledge, when will it arrive?"}).get_json()
    assert [r["title"] for r in body["results"]] == ["Billing::Refunds::Refund timeline"]
    assert "refund" in body["results"][0]["matched"]


def test_suggest_needs_an_agent(api_as):
    assert api_as(None)[0].post("/suggest", json={"text": "refund"}).status_code == 401
