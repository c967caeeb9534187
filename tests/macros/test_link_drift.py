"""A macro is flagged "linked article changed" when an article it links to is republished with new
words, until an editor confirms the macro or a new revision of it goes live."""

import pytest

from kb.review import services as review
from tests.support import csrf_token


@pytest.fixture
def article(make_document):
    return make_document("article", state="published", title="Refund policy", slug="refund-policy",
                         body="We refund within 14 days.")


@pytest.fixture
def macro(make_document, article):
    return make_document("macro", state="published", title="Billing::Refund reply",
                         body="Hi {{ customer.first_name }}, see [our policy](/articles/refund-policy).")


def republish_article(api_as, article, **changes):
    """An article change the usual way: a draft through review, then publish."""
    editor, _ = api_as("editor")
    current = editor.get(f"/articles/{article.id}").get_json()
    fields = {"title": current["title"], "body": current["body"], "section": current["section"],
              "review_by": current["review_by"], "base_revision": current["revision"], **changes}
    response = editor.put(f"/articles/{article.id}", json=fields)
    assert response.status_code == 200, response.get_json()
    reviewer, _ = api_as("reviewer")
    for step in ("submit", "approve", "publish"):
        api = editor if step == "submit" else reviewer
        assert api.post(f"/articles/{article.id}/{step}").status_code == 200
    return response.get_json()["revision"]


def flags(api_as, macro, role="agent"):
    api, _ = api_as(role)
    response = api.get(f"/macros/{macro.id}")
    assert response.status_code == 200
    return response.get_json()["flags"]


def test_a_macro_in_step_with_its_article_has_no_flags(api_as, macro):
    assert flags(api_as, macro) == []


def test_republishing_the_article_with_new_words_flags_the_macro(api_as, macro, article):
    republish_article(api_as, article, body="We refund within 30 days.")
    found = flags(api_as, macro)
    assert [(f["kind"], f["article_id"]) for f in found] == [("link_changed", article.id)]
    assert found[0]["since"] is not None
    assert found[0]["diff"] == f"/api/v1/articles/{article.id}/diff?from=1&to=2"


def test_a_new_title_alone_flags_the_macro(api_as, macro, article):
    republish_article(api_as, article, title="Refunds and returns")
    assert [f["kind"] for f in flags(api_as, macro)] == ["link_changed"]


def test_republishing_with_only_a_new_review_date_raises_no_flag(api_as, macro, article):
    republish_article(api_as, article, review_by="2031-01-31")
    assert flags(api_as, macro) == []


def test_the_diff_link_shows_what_changed(api_as, macro, article):
    republish_article(api_as, article, body="We refund within 30 days.")
    editor, _ = api_as("editor")
    diff = editor.get(flags(api_as, macro)[0]["diff"].removeprefix("/api/v1")).get_json()
    assert "-We refund within 14 days." in diff["diff"] and "+We refund within 30 days." in diff["diff"]


def test_the_flag_keeps_the_time_of_the_first_change(api_as, macro, article):
    republish_article(api_as, article, body="We refund within 30 days.")
    first = flags(api_as, macro)[0]["since"]
    republish_article(api_as, article, body="We refund within 60 days.")
    again = flags(api_as, macro)
    assert again[0]["since"] == first
    assert again[0]["diff"].endswith("?from=1&to=3")


def test_going_back_to_the_confirmed_words_clears_the_flag(api_as, macro, article):
    republish_article(api_as, article, body="We refund within 30 days.")
    republish_article(api_as, article, body="We refund within 14 days.")
    assert flags(api_as, macro) == []


def test_an_editor_confirming_clears_the_flag_and_is_audited(api_as, client, login, make_user, macro, article):
    republish_article(api_as, article, body="We refund within 30 days.")
    editor, _ = api_as("editor")
    response = editor.post(f"/macros/{macro.id}/confirm-links")
    assert response.status_code == 200 and response.get_json() == {"flags": []}
    assert flags(api_as, macro) == []
    login(make_user("admin"))
    log = client.get(f"/editor/audit?action=confirm_links&document={macro.id}").get_data(as_text=True)
    assert log.count('data-audit-action="confirm_links"') == 1
    assert f"articles: [{article.id}]" in log
    # A later change flags again, compared with the confirmed words.
    republish_article(api_as, article, body="We refund within 60 days.")
    assert flags(api_as, macro)[0]["diff"].endswith("?from=2&to=3")


def test_agents_see_the_flag_but_only_editors_confirm(api_as, macro, article):
    republish_article(api_as, article, body="We refund within 30 days.")
    agent, _ = api_as("agent")
    assert [f["kind"] for f in flags(api_as, macro, "agent")] == ["link_changed"]
    refused = agent.post(f"/macros/{macro.id}/confirm-links")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"]
    anonymous, _ = api_as(None)
    assert anonymous.post(f"/macros/{macro.id}/confirm-links").status_code in (401, 404)
    assert flags(api_as, macro) != []


def test_publishing_a_new_macro_revision_confirms_it(api_as, macro, article):
    republish_article(api_as, article, body="We refund within 30 days.")
    editor, _ = api_as("editor")
    response = editor.put(f"/macros/{macro.id}", json={
        "title": "Billing::Refund reply", "body": "Hi, we refund within 30 days: [policy](/articles/refund-policy).",
        "base_revision": macro.latest.number})
    assert response.status_code == 200, response.get_json()
    reviewer, _ = api_as("reviewer")
    assert editor.post(f"/macros/{macro.id}/submit").status_code == 200
    for step in ("approve", "publish"):
        assert reviewer.post(f"/macros/{macro.id}/{step}").status_code == 200
    assert flags(api_as, macro) == []


def test_broken_links_keep_their_kind(api_as, make_user, macro, article):
    review.archive("article", article.id, make_user("reviewer"))
    assert [(f["kind"], f["article_id"]) for f in flags(api_as, macro)] == [("link_broken", article.id)]


def test_the_macro_page_shows_the_flag_with_a_diff_link_and_confirms(client, login, make_user, api_as,
                                                                      macro, article):
    republish_article(api_as, article, body="We refund within 30 days.")
    login(make_user("editor"))
    page = client.get(f"/macros/{macro.id}").get_data(as_text=True)
    assert 'data-flag="changed"' in page and "Linked article changed" in page
    assert f'href="/editor/articles/{article.id}?from=1&amp;to=2"' in page
    diff_page = client.get(f"/editor/articles/{article.id}?from=1&to=2")
    assert diff_page.status_code == 200 and "30 days" in diff_page.get_data(as_text=True)
    assert "Refund reply" in client.get("/macros/flagged").get_data(as_text=True)
    response = client.post(f"/macros/{macro.id}/confirm-links",
                           data={"csrf_token": csrf_token(client, f"/macros/{macro.id}")})
    assert response.status_code == 302
    assert "data-link-flags" not in client.get(f"/macros/{macro.id}").get_data(as_text=True)
    assert "Refund reply" not in client.get("/macros/flagged").get_data(as_text=True)


def test_agents_see_the_flag_on_the_page_without_the_confirm_button(client, login, make_user, api_as,
                                                                     macro, article):
    republish_article(api_as, article, body="We refund within 30 days.")
    login(make_user("agent"))
    page = client.get(f"/macros/{macro.id}").get_data(as_text=True)
    assert "Linked article changed" in page and "data-confirm-links" not in page
    response = client.post(f"/macros/{macro.id}/confirm-links",
                           data={"csrf_token": csrf_token(client, f"/macros/{macro.id}")})
    assert response.status_code == 403
