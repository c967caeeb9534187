"""Archiving asks first, sits apart from the primary actions, and can be undone."""

import re
from dataclasses import replace

from kb.content import services
from kb.content.services import copy_input
from kb.extensions import db
from kb.models import Document
from tests.support.pages import flashes, post_form, signed_in


def _document(document_id: int) -> Document:
    db.session.expire_all()
    return db.session.get(Document, document_id)


def _audit_actions(admin_client, document_id: int) -> list[str]:
    page = admin_client.get(f"/editor/audit?document={document_id}").get_data(as_text=True)
    return re.findall(r'data-audit-action="([a-z_]+)"', page)


def test_the_review_screen_keeps_archive_away_from_the_primary_actions(app, make_user, make_document):
    document = make_document("article", state="approved", title="Payout timeline")
    page = signed_in(app, make_user("reviewer")).get(f"/editor/articles/{document.id}").get_data(as_text=True)
    actions = re.search(r'<section class="review-actions".*?</section>', page, re.S).group(0)
    assert "Publish now" in actions and "Archive" not in actions
    zone = re.search(r'<section class="danger-zone".*?</section>', page, re.S).group(0)
    assert f'href="/editor/articles/{document.id}/archive"' in zone
    assert "<form" not in zone  # a link to the question, not a one-click button
    assert page.index("danger-zone") > page.index("review-thread")  # at the foot of the page


def test_archiving_needs_the_confirmation_page(app, make_user, make_document):
    document = make_document("article", state="published", title="Payout timeline")
    reviewer = signed_in(app, make_user("reviewer"))
    response = post_form(reviewer, f"/editor/articles/{document.id}/archive")  # no confirmation
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/editor/articles/{document.id}/archive")
    assert _document(document.id).latest.state == "published"

    question = reviewer.get(f"/editor/articles/{document.id}/archive")
    assert question.status_code == 200
    text = question.get_data(as_text=True)
    assert "Archive the article “Payout timeline”?" in text
    assert "It leaves the help center" in text and f"/en/articles/{document.slug}" in text
    assert 'name="confirm" value="archive"' in text and "Cancel, keep it" in text

    response = post_form(reviewer, f"/editor/articles/{document.id}/archive", {"confirm": "archive"})
    assert response.status_code == 303
    assert _document(document.id).latest.state == "archived"
    assert reviewer.get(f"/en/articles/{document.slug}").status_code == 404


def test_the_question_says_what_happens_to_a_macro(app, make_user, make_document):
    document = make_document("macro", state="published", title="Refund reply")
    page = signed_in(app, make_user("admin")).get(f"/editor/macros/{document.id}/archive").get_data(as_text=True)
    assert "Archive the macro “Refund reply”?" in page and "It leaves the macro library" in page


def test_someone_who_may_not_archive_gets_no_question(app, make_user, make_document):
    document = make_document("article", state="published")
    editor = signed_in(app, make_user("editor"))
    response = editor.get(f"/editor/articles/{document.id}/archive")
    assert response.status_code == 303
    messages = flashes(editor.get(response.headers["Location"]).get_data(as_text=True))
    assert any(m.startswith("Not allowed") for m in messages), messages
    post_form(editor, f"/editor/articles/{document.id}/archive", {"confirm": "archive"})
    assert _document(document.id).latest.state == "published"


def test_restoring_puts_the_last_published_revision_back_live_and_is_audited(app, make_user, make_document):
    document = make_document("article", state="published", title="Payout timeline", body="Five days.")
    reviewer, admin = signed_in(app, make_user("reviewer")), signed_in(app, make_user("admin"))
    post_form(reviewer, f"/editor/articles/{document.id}/archive", {"confirm": "archive"})
    page = reviewer.get(f"/editor/articles/{document.id}").get_data(as_text=True)
    assert 'data-action="unarchive"' in page and "Restore from archive" in page

    response = post_form(reviewer, f"/editor/articles/{document.id}/unarchive")
    messages = flashes(reviewer.get(response.headers["Location"]).get_data(as_text=True))
    assert "Restored from the archive: revision 1 is live again on the help center." in messages
    restored = _document(document.id)
    assert (restored.latest.number, restored.latest.state, restored.published.number) == (1, "published", 1)
    public = app.test_client().get(f"/en/articles/{document.slug}")
    assert public.status_code == 200 and "Five days." in public.get_data(as_text=True)
    assert _audit_actions(admin, document.id)[:2] == ["unarchive", "archive"]


def test_unreviewed_work_comes_back_as_a_draft_not_live(app, make_user, make_document):
    """Archived while a new revision was in review: the old live one goes live again, the new
    one returns as a draft to be reviewed again (its approval is not revived)."""
    author = make_user("editor")
    document = make_document("article", state="published", body="Old reviewed text.", author=author)
    latest = _document(document.id).latest
    services.save_revision("article", document.id, replace(copy_input(latest), body="New unreviewed text."),
                           1, author)
    reviewer = signed_in(app, make_user("reviewer"))
    post_form(signed_in(app, author), f"/editor/articles/{document.id}/submit")
    post_form(reviewer, f"/editor/articles/{document.id}/approve")
    assert _document(document.id).latest.state == "approved"
    post_form(reviewer, f"/editor/articles/{document.id}/archive", {"confirm": "archive"})

    response = post_form(reviewer, f"/editor/articles/{document.id}/unarchive")
    messages = flashes(reviewer.get(response.headers["Location"]).get_data(as_text=True))
    assert ("Restored from the archive: revision 1 is live again on the help center; the unpublished "
            "revision 2 is back as a draft for review.") in messages
    restored = _document(document.id)
    assert restored.published.number == 1
    assert (restored.latest.number, restored.latest.state, restored.latest.approved_by_id) == (2, "draft", None)
    assert "Old reviewed text." in app.test_client().get(f"/en/articles/{document.slug}").get_data(as_text=True)


def test_a_document_never_published_comes_back_as_a_draft(app, make_user, make_document):
    document = make_document("article", state="in_review")
    reviewer = signed_in(app, make_user("reviewer"))
    post_form(reviewer, f"/editor/articles/{document.id}/archive", {"confirm": "archive"})
    response = post_form(reviewer, f"/editor/articles/{document.id}/unarchive")
    messages = flashes(reviewer.get(response.headers["Location"]).get_data(as_text=True))
    assert any(m.startswith("Restored from the archive as a draft") for m in messages), messages
    restored = _document(document.id)
    assert restored.latest.state == "draft" and restored.published is None


def test_restoring_is_refused_to_editors_and_for_documents_not_archived(app, make_user, make_document):
    archived = make_document("article", state="archived")
    live = make_document("article", state="published")
    editor, reviewer = signed_in(app, make_user("editor")), signed_in(app, make_user("reviewer"))
    response = post_form(editor, f"/editor/articles/{archived.id}/unarchive")
    messages = flashes(editor.get(response.headers["Location"]).get_data(as_text=True))
    assert any(m.startswith("Not allowed: restoring from the archive needs the reviewer role") for m in messages)
    assert _document(archived.id).latest.state == "archived"
    response = post_form(reviewer, f"/editor/articles/{live.id}/unarchive")
    messages = flashes(reviewer.get(response.headers["Location"]).get_data(as_text=True))
    assert any(m.startswith("Not possible right now: only an archived document") for m in messages), messages


def test_the_api_restores_from_the_archive_with_the_same_rules(app, make_user, make_document, api_as):
    document = make_document("article", state="archived", body="Reviewed text.")
    editor_api, _ = api_as("editor")
    refused = editor_api.post(f"/articles/{document.id}/unarchive")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"]
    reviewer_api, _ = api_as("reviewer")
    answer = reviewer_api.post(f"/articles/{document.id}/unarchive")
    assert answer.status_code == 200
    assert (answer.get_json()["status"], answer.get_json()["published_revision"]) == ("published", 1)
    assert reviewer_api.post(f"/articles/{document.id}/unarchive").status_code == 409
    spec = reviewer_api.get("/openapi.json").get_json()
    assert "post" in spec["paths"]["/api/v1/articles/{document_id}/unarchive"]
