"""The editorial dashboard: each queue lists the right documents for the person looking."""

from datetime import date, timedelta

from kb.models.types import utcnow
from kb.review import services as review
from tests.support.pages import queue_ids, signed_in


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/editor/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_drafts_and_requested_changes_are_listed_for_their_author_only(app, make_user, make_document):
    author, other = make_user("editor"), make_user("editor")
    draft = make_document("article", state="draft", author=author)
    sent_back = make_document("article", state="changes_requested", author=author)
    page = signed_in(app, author).get("/editor/").get_data(as_text=True)
    assert queue_ids(page, "my-drafts") == {draft.id}
    assert queue_ids(page, "changes-requested") == {sent_back.id}
    other_page = signed_in(app, other).get("/editor/").get_data(as_text=True)
    assert queue_ids(other_page, "my-drafts") == set()
    assert queue_ids(other_page, "changes-requested") == set()


def test_reviewers_see_what_awaits_review_except_their_own(app, make_user, make_document):
    reviewer = make_user("reviewer")
    theirs = make_document("macro", state="in_review")
    own = make_document("article", state="in_review", author=reviewer)
    page = signed_in(app, reviewer).get("/editor/").get_data(as_text=True)
    assert queue_ids(page, "awaiting-review") == {theirs.id}
    assert own.id not in queue_ids(page, "awaiting-review")


def test_editors_have_no_review_queue(app, make_user, make_document):
    make_document("article", state="in_review")
    page = signed_in(app, make_user("editor")).get("/editor/").get_data(as_text=True)
    assert queue_ids(page, "awaiting-review") is None


def test_scheduled_and_recently_published_are_listed_for_everyone(app, make_user, make_document):
    reviewer = make_user("reviewer")
    scheduled = make_document("article", state="approved")
    review.schedule("article", scheduled.id, reviewer, utcnow() + timedelta(days=1))
    published = make_document("article", state="published")
    page = signed_in(app, make_user("agent")).get("/editor/").get_data(as_text=True)
    assert queue_ids(page, "scheduled") == {scheduled.id}
    assert queue_ids(page, "recently-published") == {published.id}


def test_content_past_its_review_date_is_due_for_its_owner_and_for_admins(app, make_user, make_document):
    owner, other, admin = make_user("editor"), make_user("editor"), make_user("admin")
    overdue = make_document("article", state="published", author=owner,
                            review_by=date.today() - timedelta(days=3))
    make_document("article", state="published", author=owner, review_by=date.today() + timedelta(days=30))
    assert queue_ids(signed_in(app, owner).get("/editor/").get_data(as_text=True), "due-for-review") == {overdue.id}
    assert queue_ids(signed_in(app, other).get("/editor/").get_data(as_text=True), "due-for-review") == set()
    assert queue_ids(signed_in(app, admin).get("/editor/").get_data(as_text=True), "due-for-review") == {overdue.id}


def test_the_dashboard_offers_new_articles_and_macros(app, make_user):
    page = signed_in(app, make_user("agent")).get("/editor/").get_data(as_text=True)
    assert 'href="/editor/articles/new"' in page and 'href="/editor/macros/new"' in page
