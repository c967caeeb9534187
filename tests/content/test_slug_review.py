"""A slug is part of a revision: a rename goes live when its revision is published (issue 21, part 4)."""

import pytest

from tests.support.pages import signed_in
from tests.support import csrf_token


@pytest.fixture
def people(api_as):
    editor, _ = api_as("editor")
    reviewer, _ = api_as("reviewer")
    return editor, reviewer


@pytest.fixture
def article(make_document):
    return make_document("article", state="published", title="Payout timing", slug="payout-timing",
                         body="Payouts go out on the 5th.")


def save_slug(editor, document_id: int, slug: str):
    current = editor.get(f"/articles/{document_id}").get_json()
    return editor.put(f"/articles/{document_id}", json={
        "title": current["title"], "body": current["body"], "section": current["section"], "slug": slug,
        "base_revision": current["revision"]})


def review_and_publish(editor, reviewer, document_id: int):
    assert editor.post(f"/articles/{document_id}/submit").status_code == 200
    assert reviewer.post(f"/articles/{document_id}/approve").status_code == 200
    return reviewer.post(f"/articles/{document_id}/publish")


def sitemap(client) -> str:
    return client.get("/sitemap.xml").get_data(as_text=True)


def test_a_drafts_new_slug_leaves_the_live_url_alone_until_it_is_published(client, people, article):
    editor, reviewer = people
    response = save_slug(editor, article.id, "when-payouts-arrive")
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["slug"], response.get_json()["draft_slug"]) == ("payout-timing", "when-payouts-arrive")
    assert client.get("/en/articles/payout-timing").status_code == 200
    assert client.get("/en/articles/when-payouts-arrive").status_code == 404
    assert "/en/articles/payout-timing</loc>" in sitemap(client)
    assert "when-payouts-arrive" not in sitemap(client)
    assert [r["slug"] for r in editor.get("/search?q=payouts").get_json()["results"]] == ["payout-timing"]

    published = review_and_publish(editor, reviewer, article.id)
    assert published.status_code == 200
    assert published.get_json()["slug"] == "when-payouts-arrive"
    moved = client.get("/en/articles/payout-timing")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/en/articles/when-payouts-arrive")
    assert client.get("/en/articles/when-payouts-arrive").status_code == 200
    assert "/en/articles/when-payouts-arrive</loc>" in sitemap(client)
    assert "payout-timing" not in sitemap(client)
    assert [r["slug"] for r in editor.get("/search?q=payouts").get_json()["results"]] == ["when-payouts-arrive"]


def test_every_older_slug_redirects_to_the_current_one(client, people, article):
    editor, reviewer = people
    for slug in ("payouts-b", "payouts-c"):
        assert save_slug(editor, article.id, slug).status_code == 200
        assert review_and_publish(editor, reviewer, article.id).status_code == 200
    for old in ("payout-timing", "payouts-b"):
        response = client.get(f"/en/articles/{old}")
        assert response.status_code == 301, old
        assert response.headers["Location"].endswith("/en/articles/payouts-c")
    assert client.get("/en/articles/payouts-c").status_code == 200


def test_going_back_to_an_old_slug_works_and_redirects_from_the_newer_one(client, people, article):
    editor, reviewer = people
    for slug in ("payouts-b", "payout-timing"):
        assert save_slug(editor, article.id, slug).status_code == 200
        assert review_and_publish(editor, reviewer, article.id).status_code == 200
    assert client.get("/en/articles/payout-timing").status_code == 200
    assert client.get("/en/articles/payouts-b").headers["Location"].endswith("/en/articles/payout-timing")


def test_a_slug_another_document_lives_at_is_refused_at_save(people, article, make_document):
    editor, _ = people
    other = make_document("article", state="published", title="Refunds", slug="refunds")
    response = save_slug(editor, other.id, "payout-timing")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "slug_taken"
    assert editor.get(f"/articles/{other.id}").get_json()["draft_slug"] == "refunds"


def test_a_slug_taken_meanwhile_is_refused_at_publish_and_the_live_url_stays(client, people, article,
                                                                              make_document):
    editor, reviewer = people
    other = make_document("article", state="published", title="Refunds", slug="refunds")
    assert save_slug(editor, article.id, "money-out").status_code == 200
    assert save_slug(editor, other.id, "money-out").status_code == 200
    assert review_and_publish(editor, reviewer, other.id).status_code == 200
    refused = review_and_publish(editor, reviewer, article.id)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "slug_taken"
    assert "money-out" in refused.get_json()["error"]["message"]
    assert client.get("/en/articles/payout-timing").status_code == 200
    assert editor.get(f"/articles/{article.id}").get_json()["status"] == "approved"


def test_the_editor_and_review_pages_show_the_address_the_draft_will_get(app, people, article, make_user):
    editor, _ = people
    save_slug(editor, article.id, "when-payouts-arrive")
    client = signed_in(app, make_user("reviewer"))
    page = client.get(f"/editor/articles/{article.id}/edit").get_data(as_text=True)
    assert 'value="when-payouts-arrive"' in page
    assert "Live address: <code>payout-timing</code>" in page
    assert 'data-pending-slug="when-payouts-arrive"' in page
    review_page = client.get(f"/editor/articles/{article.id}").get_data(as_text=True)
    assert ("moves the address from <code>payout-timing</code> to <code>when-payouts-arrive</code>"
            in review_page)


def test_a_taken_slug_in_the_editor_form_keeps_the_text_and_says_why(app, article, make_document, make_user):
    other = make_document("article", state="published", title="Refunds", slug="refunds", body="Refund text.")
    client = signed_in(app, make_user("editor"))
    response = client.post(f"/editor/articles/{other.id}/edit", data={
        "title": "Refunds", "body": "My unsaved words.", "tags": "", "section": "general/basics",
        "visibility": "public", "slug": "payout-timing", "review_by": "", "message": "",
        "base_revision": str(other.latest.number),
        "csrf_token": csrf_token(client, f"/editor/articles/{other.id}/edit")})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "My unsaved words." in page and "is used by another article" in page


def test_a_scheduled_rename_whose_slug_was_taken_waits_and_the_others_still_go_live(client, people, make_document,
                                                                                     make_user):
    from datetime import timedelta

    from kb.models.types import utcnow
    from kb.review import services as review

    editor, reviewer_api = people
    reviewer = make_user("reviewer")
    moving = make_document("article", state="published", title="Moving", slug="moving")
    plain = make_document("article", state="approved", title="Plain", slug="plain")
    squatter = make_document("article", state="published", title="Squatter", slug="squatter")
    assert save_slug(editor, moving.id, "wanted").status_code == 200
    assert editor.post(f"/articles/{moving.id}/submit").status_code == 200
    assert reviewer_api.post(f"/articles/{moving.id}/approve").status_code == 200
    for document in (moving, plain):
        review.schedule("article", document.id, reviewer, utcnow() + timedelta(minutes=1))
    assert save_slug(editor, squatter.id, "wanted").status_code == 200
    review_and_publish(editor, reviewer_api, squatter.id)

    published = review.publish_due(utcnow() + timedelta(minutes=2))
    assert [d.id for d in published] == [plain.id]
    assert client.get("/en/articles/moving").status_code == 200
    assert editor.get(f"/articles/{moving.id}").get_json()["status"] == "approved"
