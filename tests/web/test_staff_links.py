"""Staff can edit from anywhere: Edit links and pending-draft notices on public pages, for
staff only, and never kept by a shared cache."""

from dataclasses import replace

from kb.content import services
from kb.content.services import copy_input
from kb.extensions import db
from kb.models import Document
from kb.review import services as review
from tests.support.pages import signed_in


def _new_draft(document, author, body="A newer text."):
    db.session.expire_all()
    latest = db.session.get(Document, document.id).latest
    services.save_revision(document.kind, document.id, replace(copy_input(latest), body=body),
                           latest.number, author)


def test_staff_see_an_edit_link_on_the_article_page(app, make_user, make_document):
    document = make_document("article", state="published", title="Payout timeline")
    for role in ("agent", "editor", "admin"):
        page = signed_in(app, make_user(role)).get(f"/en/articles/{document.slug}").get_data(as_text=True)
        assert f'href="/editor/articles/{document.id}/edit" data-edit-link' in page, role


def test_anonymous_readers_see_no_staff_links_or_notices(app, client, make_user, make_document):
    document = make_document("article", state="published", title="Payout timeline")
    _new_draft(document, make_user("editor"))
    review.submit("article", document.id, make_user("editor"))
    page = client.get(f"/en/articles/{document.slug}").get_data(as_text=True)
    assert "data-edit-link" not in page and "data-pending-notice" not in page
    assert "/editor/" not in page


def test_a_pending_revision_is_announced_to_staff_with_a_link_to_its_review(app, make_user, make_document):
    editor = make_user("editor")
    document = make_document("article", state="published", author=editor)
    staff = signed_in(app, make_user("agent"))
    page = staff.get(f"/en/articles/{document.slug}").get_data(as_text=True)
    assert "data-pending-notice" not in page  # nothing newer than the live revision

    _new_draft(document, editor)
    review.submit("article", document.id, editor)
    page = staff.get(f"/en/articles/{document.slug}").get_data(as_text=True)
    assert ('A newer draft is in review — <a href="/editor/articles/%d">see the review</a>' % document.id) in page

    review.approve("article", document.id, make_user("reviewer"))
    page = staff.get(f"/en/articles/{document.slug}").get_data(as_text=True)
    assert "A newer revision is approved and waiting to be published" in page


def test_signed_in_article_pages_are_never_stored_and_anonymous_ones_stay_private(app, client, make_user,
                                                                                   make_document):
    document = make_document("article", state="published")
    anonymous = client.get(f"/en/articles/{document.slug}")
    assert "private" in anonymous.headers["Cache-Control"] and "no-store" not in anonymous.headers["Cache-Control"]
    assert "Cookie" in anonymous.headers["Vary"]
    staff = signed_in(app, make_user("agent")).get(f"/en/articles/{document.slug}")
    assert "private" in staff.headers["Cache-Control"] and "no-store" in staff.headers["Cache-Control"]
    assert "public" not in staff.headers["Cache-Control"]


def test_a_new_draft_changes_the_staff_etag_so_the_notice_is_never_stale(app, make_user, make_document):
    editor = make_user("editor")
    document = make_document("article", state="published", author=editor)
    staff = signed_in(app, make_user("agent"))
    before = staff.get(f"/en/articles/{document.slug}").headers["ETag"]
    _new_draft(document, editor)
    after = staff.get(f"/en/articles/{document.slug}", headers={"If-None-Match": before})
    assert after.status_code == 200 and "data-pending-notice" in after.get_data(as_text=True)


def test_staff_search_results_carry_edit_links_and_anonymous_ones_do_not(app, client, make_user, make_document):
    article = make_document("article", state="published", title="Quokka payouts", body="Quokka payouts explained.")
    macro = make_document("macro", state="published", title="Quokka reply", body="About quokka payouts.")
    page = signed_in(app, make_user("agent")).get("/search?q=quokka")
    text = page.get_data(as_text=True)
    assert f'href="/editor/articles/{article.id}/edit" data-edit-link' in text
    assert f'href="/editor/macros/{macro.id}/edit" data-edit-link' in text
    assert "no-store" in page.headers["Cache-Control"]
    anonymous = client.get("/search?q=quokka").get_data(as_text=True)
    assert "Quokka payouts" in anonymous and "data-edit-link" not in anonymous


def test_the_macro_page_offers_edit_to_agents(app, make_user, make_document):
    macro = make_document("macro", state="published", title="Refund reply")
    page = signed_in(app, make_user("agent")).get(f"/macros/{macro.id}").get_data(as_text=True)
    assert f'href="/editor/macros/{macro.id}/edit"' in page
