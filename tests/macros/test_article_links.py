"""Macros that link to help articles are flagged when the article is archived, moved or missing."""

import pytest

from kb.macros import links
from kb.review import services as review
from tests.support import csrf_token


@pytest.fixture
def article(make_document):
    return make_document("article", state="published", title="Refund policy", slug="refund-policy",
                         body="We refund within 14 days.")


@pytest.fixture
def linking_macro(make_document, article):
    return make_document("macro", state="published", title="Billing::Refund policy link",
                         body="Hi {{ customer.first_name }}, see [our policy](/articles/refund-policy).")


def macro_page(client, macro):
    return client.get(f"/macros/{macro.id}").get_data(as_text=True)


def flagged_page(client):
    return client.get("/macros/flagged").get_data(as_text=True)


def republish(make_user, macro, body):
    """Fix a macro the usual way: edit, review, publish."""
    author, reviewer = make_user("editor"), make_user("reviewer")
    from kb.content.services import DocumentInput, save_revision

    save_revision("macro", macro.id, DocumentInput(title=macro.latest.title, body=body), macro.latest.number, author)
    review.submit("macro", macro.id, author)
    review.approve("macro", macro.id, reviewer)
    review.publish("macro", macro.id, reviewer)


def rename_article(api_as, article, title, body, slug):
    """Give an article a new slug the usual way: a draft through review, then publish."""
    editor, _ = api_as("editor")
    response = editor.put(f"/articles/{article.id}", json={
        "title": title, "body": body, "section": "general/basics", "slug": slug,
        "base_revision": article.latest.number})
    assert response.status_code == 200, response.get_json()
    reviewer, _ = api_as("reviewer")
    for step in ("submit", "approve", "publish"):
        api = editor if step == "submit" else reviewer
        assert api.post(f"/articles/{article.id}/{step}").status_code == 200


def test_a_healthy_link_raises_no_flag(client, login, make_user, linking_macro):
    login(make_user("editor"))
    assert "data-link-flags" not in macro_page(client, linking_macro)
    assert "Every macro's article links are fine." in flagged_page(client)


def test_archiving_the_article_flags_the_macro(client, login, make_user, linking_macro, article):
    review.archive("article", article.id, make_user("reviewer"))
    login(make_user("editor"))
    assert "Links to an archived article: /articles/refund-policy" in macro_page(client, linking_macro)
    assert "Refund policy link" in flagged_page(client)


def test_changing_the_articles_slug_flags_the_macro_as_moved(client, login, make_user, api_as, linking_macro, article):
    rename_article(api_as, article, "Refund policy", "We refund within 14 days.", "refunds")
    login(make_user("agent"))
    assert "Article moved: update the link to /articles/refunds" in macro_page(client, linking_macro)


def test_fixing_the_macro_clears_the_flag(client, login, make_user, api_as, linking_macro, article):
    rename_article(api_as, article, "Refund policy", "We refund within 14 days.", "refunds")
    republish(make_user, linking_macro, "See [our policy](/articles/refunds).")
    login(make_user("editor"))
    assert "data-link-flags" not in macro_page(client, linking_macro)
    assert "Refund policy link" not in flagged_page(client)


def test_a_link_to_a_missing_article_is_flagged(client, login, make_user, make_document):
    macro = make_document("macro", state="published", title="Dead link", body="See [this](/articles/nowhere).")
    login(make_user("agent"))
    assert "Links to an article that does not exist: /articles/nowhere" in macro_page(client, macro)


def test_only_the_published_revision_counts(client, login, make_user, make_document, article):
    macro = make_document("macro", state="draft", title="Draft link", body="See [x](/articles/refund-policy).")
    review.archive("article", article.id, make_user("reviewer"))
    login(make_user("editor"))
    assert "Draft link" not in flagged_page(client)
    assert links.flags_for(macro) == []


def test_a_personal_macro_save_keeps_its_links(client, login, make_user, article):
    login(make_user("agent"))
    response = client.post("/macros/new", data={
        "title": "My policy reply", "body": "Read [the policy](/articles/refund-policy).", "tags": "",
        "csrf_token": csrf_token(client, "/macros/new")})
    macro_url = response.headers["Location"]
    review.archive("article", article.id, make_user("reviewer"))
    assert "Links to an archived article" in client.get(macro_url).get_data(as_text=True)


def test_absolute_links_to_this_site_count_and_other_sites_do_not(app):
    hrefs = ["/articles/a", "http://kb.test/articles/b#part", "https://elsewhere.example/articles/c",
             "/articles/a?x=1", "mailto:x@example.com", "/search?q=articles"]
    assert links.article_slugs(hrefs) == ["a", "b"]


def test_the_flagged_list_is_for_editors_and_up(client, login, make_user):
    login(make_user("agent"))
    assert client.get("/macros/flagged").status_code == 403


def test_a_link_written_before_the_article_moved_is_flagged_as_moved(client, login, make_user, api_as, make_document):
    macro = make_document("macro", state="published", title="Early link", body="See [x](/articles/later-article).")
    article = make_document("article", state="published", title="Later article", slug="later-article", body="x")
    rename_article(api_as, article, "Later article", "x", "renamed-article")
    login(make_user("agent"))
    assert "update the link to /articles/renamed-article" in macro_page(client, macro)
