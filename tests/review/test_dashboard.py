"""The editorial dashboard: each queue lists the right documents for the person looking."""

import re
from datetime import date, timedelta

from kb.auth import services as auth_services
from kb.extensions import db
from kb import create_app
from kb.instance import first_run_setup
from kb.review import queries

from kb.models.types import utcnow
from kb.review import services as review
from tests.support import csrf_token, empty_database
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


def test_the_sections_have_their_names_and_say_so_when_empty(app, make_user):
    page = signed_in(app, make_user("reviewer")).get("/editor/").get_data(as_text=True)
    for heading in ("My drafts", "Waiting for my review", "Changes requested of me", "Scheduled",
                    "Review due", "Recently published", "Drafts nobody is working on"):
        assert f">{heading} <span class=\"count\">0</span></h2>" in page, heading
    assert "You have no drafts." in page and "Every draft has someone working on it." in page


def test_idle_drafts_and_drafts_of_inactive_authors_are_nobodys(app, make_user, make_document):
    author, gone = make_user("editor"), make_user("editor")
    fresh = make_document("article", state="draft", author=author)
    orphan = make_document("article", state="changes_requested", author=gone)
    make_document("article", state="in_review", author=gone)  # someone is reviewing it
    gone.active = False
    db.session.commit()
    editor_page = signed_in(app, make_user("editor")).get("/editor/").get_data(as_text=True)
    assert queue_ids(editor_page, "unattended-drafts") == {orphan.id}
    assert queue_ids(signed_in(app, make_user("agent")).get("/editor/").get_data(as_text=True),
                     "unattended-drafts") is None  # agents are not asked to take drafts over
    # no activity for the configured number of days makes a draft nobody's too
    later = utcnow() + timedelta(days=15)
    assert {d.id for d, _ in queries.unattended_drafts(14, now=later)} == {fresh.id, orphan.id}
    assert {d.id for d, _ in queries.unattended_drafts(20, now=later)} == {orphan.id}


def test_the_sample_drafts_are_listed_on_a_fresh_instance(tmp_path):
    """What ``kb serve`` does on an empty database (the first-run set-up imports the samples as
    the system account): the two sample drafts are there for an editor and an admin to pick up."""
    with empty_database(tmp_path) as url:
        fresh = create_app({"TESTING": True, "INSTANCE": str(tmp_path / "fresh"), "DATABASE_URL": url,
                            "SQLALCHEMY_DATABASE_URI": url})
        try:
            with fresh.app_context():
                assert first_run_setup(samples=True).samples is not None
                db.session.remove()
            for role in ("editor", "admin"):
                email = f"{role}@example.com"
                with fresh.app_context():
                    auth_services.create_user(email, role, "password123", role.title())
                    db.session.remove()
                client = fresh.test_client()
                login = client.post("/login", data={"email": email, "password": "password123",
                                                    "csrf_token": csrf_token(client)})
                assert login.status_code == 302, login.get_data(as_text=True)[:3000]
                page = client.get("/editor/").get_data(as_text=True)
                section = re.search(r'<section class="queue" id="unattended-drafts".*?</section>', page, re.S)
                assert section is not None, page[:500]
                for title in ("Gift memberships", "Tax withholding for non-US creators"):
                    assert f">{title}</a>" in section.group(0), (role, title)
        finally:
            with fresh.app_context():
                db.session.remove()
                db.engine.dispose()


def test_with_self_approval_allowed_a_reviewers_own_revision_waits_for_them_too(app, make_user, make_document):
    reviewer = make_user("reviewer")
    own = make_document("article", state="in_review", author=reviewer)
    review.set_self_approval(make_user("admin"), True)
    page = signed_in(app, reviewer).get("/editor/").get_data(as_text=True)
    assert own.id in queue_ids(page, "awaiting-review")
