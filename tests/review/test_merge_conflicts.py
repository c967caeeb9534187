"""Two people edit the same revision: the second save is merged, never dropped."""

import re

from kb.extensions import db
from kb.models import Document
from tests.support.pages import post_form, signed_in, textarea

BASE = "Refunds take ten days.\n\nContact support by e-mail.\n\nCards are charged monthly.\n"


def _fields(document, **overrides):
    latest = document.latest
    fields = {"title": latest.title, "body": latest.body, "tags": ", ".join(latest.tags),
              "slug": document.slug, "section": latest.section.path if latest.section else "",
              "visibility": latest.visibility, "review_by": "", "message": "",
              "base_revision": str(latest.number)}
    return {**fields, **overrides}


def _latest(document_id: int):
    db.session.expire_all()
    return db.session.get(Document, document_id).latest


def _two_editors(app, make_user):
    return signed_in(app, make_user("editor")), signed_in(app, make_user("editor"))


def test_edits_to_different_lines_merge_cleanly_and_are_shown_before_saving(app, make_user, make_document):
    document = make_document("article", title="Refunds", body=BASE)
    first, second = _two_editors(app, make_user)
    stale = _fields(document, body=BASE.replace("by e-mail", "by chat"))
    post_form(first, f"/editor/articles/{document.id}/edit", _fields(document, body=BASE.replace("ten", "five")))

    response = post_form(second, f"/editor/articles/{document.id}/edit", stale)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "data-merge-clean" in page and "Save anyway" not in page
    merged = textarea(page, "body")
    assert merged == "Refunds take five days.\n\nContact support by chat.\n\nCards are charged monthly.\n"
    assert re.search(r'name="base_revision" value="2"', page)
    assert _latest(document.id).number == 2  # nothing saved until the person confirms

    response = post_form(second, f"/editor/articles/{document.id}/edit", {**stale, "body": merged,
                                                                          "base_revision": "2"})
    assert response.status_code == 303
    latest = _latest(document.id)
    assert latest.number == 3 and "five days" in latest.body and "by chat" in latest.body


def test_overlapping_edits_are_marked_listed_and_keep_both_versions(app, make_user, make_document):
    document = make_document("article", title="Refunds", body=BASE)
    first, second = _two_editors(app, make_user)
    stale = _fields(document, title="Refund times", body=BASE.replace("ten days", "ten business days"))
    post_form(first, f"/editor/articles/{document.id}/edit",
              _fields(document, title="How refunds work", body=BASE.replace("ten days", "five days")))

    page = post_form(second, f"/editor/articles/{document.id}/edit", stale).get_data(as_text=True)
    assert 'data-merge-conflicts="2"' in page
    assert page.count('data-conflict-hunk="body"') == 1 and page.count('data-conflict-hunk="title"') == 1
    assert textarea(page, "body") == (
        "<<<<<<< yours\nRefunds take ten business days.\n=======\nRefunds take five days.\n"
        ">>>>>>> theirs (revision 2)\n\nContact support by e-mail.\n\nCards are charged monthly.\n")
    title = re.search(r'<input[^>]*name="title"[^>]*value="([^"]*)"', page).group(1)
    assert "Refund times" in title and "How refunds work" in title and "&lt;&lt;&lt;&lt;&lt;&lt;&lt; yours" in title


def test_text_with_conflict_markers_left_cannot_be_saved(app, make_user, make_document):
    document = make_document("article", title="Refunds", body=BASE)
    first, second = _two_editors(app, make_user)
    stale = _fields(document, body=BASE.replace("ten days", "ten business days"))
    post_form(first, f"/editor/articles/{document.id}/edit", _fields(document, body=BASE.replace("ten", "five")))
    merged = textarea(post_form(second, f"/editor/articles/{document.id}/edit", stale).get_data(as_text=True),
                      "body")

    response = post_form(second, f"/editor/articles/{document.id}/edit",
                         {**stale, "body": merged, "base_revision": "2"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "the body still has 2 conflict marker lines" in page
    assert textarea(page, "body") == merged  # the text is kept to finish resolving
    assert _latest(document.id).number == 2

    half = merged.replace("<<<<<<< yours\n", "")
    assert post_form(second, f"/editor/articles/{document.id}/edit",
                     {**stale, "body": half, "base_revision": "2"}).status_code == 400
    resolved = "Refunds take five business days.\n\nContact support by e-mail.\n\nCards are charged monthly.\n"
    assert post_form(second, f"/editor/articles/{document.id}/edit",
                     {**stale, "body": resolved, "base_revision": "2"}).status_code == 303
    assert _latest(document.id).body == resolved


def test_a_new_document_with_markers_is_refused_too(app, make_user):
    client = signed_in(app, make_user("editor"))
    response = post_form(client, "/editor/macros/new", {
        "title": "Reply", "body": "Hi\n<<<<<<< yours\na\n=======\nb\n>>>>>>> theirs (revision 2)\n",
        "tags": "", "visibility": "internal"})
    assert response.status_code == 400
    assert "conflict marker" in response.get_data(as_text=True)


def test_a_git_conflict_quoted_in_an_article_is_not_mistaken_for_ours(app, make_user, make_document):
    document = make_document("article", body="Intro.")
    client = signed_in(app, make_user("editor"))
    body = "```\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> feature\n```\n"
    assert post_form(client, f"/editor/articles/{document.id}/edit", _fields(document, body=body)).status_code == 303
    assert _latest(document.id).body == body


def test_the_api_still_answers_409_on_a_stale_base(app, make_user, make_document, api_as):
    document = make_document("article", body=BASE)
    api, _ = api_as("editor")
    payload = {"title": document.latest.title, "body": "Changed.", "base_revision": 1}
    assert api.put(f"/articles/{document.id}", json=payload).status_code == 200
    stale = api.put(f"/articles/{document.id}", json={**payload, "body": "Other."})
    assert stale.status_code == 409 and stale.get_json()["current_revision"] == 2
