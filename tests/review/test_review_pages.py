"""The review screen, history and audit log: actions obey roles, refusals are clear messages."""

import re
from dataclasses import replace

import pytest

from kb.content import services
from kb.content.services import copy_input
from kb.extensions import db
from kb.models import Document
from tests.support.pages import action_forms, flashes, post_form, signed_in, textarea


def _save(document, body: str, base: int, author):
    db.session.expire_all()
    latest = db.session.get(Document, document.id).latest
    services.save_revision(document.kind, document.id, replace(copy_input(latest), body=body), base, author)


def _state(document_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Document, document_id).latest.state


@pytest.mark.parametrize("role, state, expected", [
    ("agent", "draft", {"submit"}),
    ("editor", "in_review", set()),
    ("reviewer", "in_review", {"approve", "request-changes", "archive"}),
    ("reviewer", "approved", {"publish", "schedule", "request-changes", "archive"}),
    ("admin", "published", {"archive"}),
    ("admin", "archived", {"unarchive"}),
    ("editor", "archived", set()),
])
def test_the_review_screen_offers_only_the_actions_the_role_may_take(app, make_user, make_document,
                                                                     role, state, expected):
    document = make_document("article", state=state)
    page = signed_in(app, make_user(role)).get(f"/editor/articles/{document.id}").get_data(as_text=True)
    assert action_forms(page) == expected


def test_a_reviewer_is_not_offered_approval_of_their_own_revision(app, make_user, make_document):
    reviewer = make_user("reviewer")
    document = make_document("article", state="in_review", author=reviewer)
    page = signed_in(app, reviewer).get(f"/editor/articles/{document.id}").get_data(as_text=True)
    assert "approve" not in action_forms(page)
    assert "someone else must approve it" in page


def test_a_forbidden_action_is_refused_with_a_clear_message(app, make_user, make_document):
    document = make_document("article", state="in_review")
    client = signed_in(app, make_user("editor"))
    response = post_form(client, f"/editor/articles/{document.id}/approve")
    assert response.status_code == 303
    messages = flashes(client.get(response.headers["Location"]).get_data(as_text=True))
    assert any(m.startswith("Not allowed: approve needs the reviewer role") for m in messages), messages
    assert _state(document.id) == "in_review"


def test_an_action_the_state_forbids_is_refused_with_a_clear_message(app, make_user, make_document):
    document = make_document("article", state="draft")
    client = signed_in(app, make_user("reviewer"))
    response = post_form(client, f"/editor/articles/{document.id}/publish")
    messages = flashes(client.get(response.headers["Location"]).get_data(as_text=True))
    assert any(m.startswith("Not possible right now: cannot publish a revision that is draft") for m in messages)
    assert _state(document.id) == "draft"


def test_requesting_changes_without_a_comment_is_refused(app, make_user, make_document):
    document = make_document("article", state="in_review")
    client = signed_in(app, make_user("reviewer"))
    response = post_form(client, f"/editor/articles/{document.id}/request-changes", {"comment": "   "})
    messages = flashes(client.get(response.headers["Location"]).get_data(as_text=True))
    assert any("a comment is required" in m for m in messages)
    assert _state(document.id) == "in_review"


def test_requested_changes_show_in_the_thread_with_who_and_which_revision(app, make_user, make_document):
    document = make_document("article", state="in_review")
    reviewer = make_user("reviewer", name="Rita Reviewer")
    client = signed_in(app, reviewer)
    post_form(client, f"/editor/articles/{document.id}/request-changes", {"comment": "Say <b>five</b> days."})
    assert _state(document.id) == "changes_requested"
    page = client.get(f"/editor/articles/{document.id}").get_data(as_text=True)
    item = re.search(r'<li class="thread-item thread-request_changes".*?</li>', page, re.S).group(0)
    assert "Rita Reviewer" in item and "on revision 1" in item
    assert "Say &lt;b&gt;five&lt;/b&gt; days." in item


def test_a_refused_comment_is_offered_again(app, make_user, make_document):
    document = make_document("article", state="in_review")
    reviewer = signed_in(app, make_user("reviewer"))
    too_long = "Please rewrite this. " + "x" * 10_000
    response = post_form(reviewer, f"/editor/articles/{document.id}/request-changes", {"comment": too_long})
    page = reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert any("at most 10000 characters" in m for m in flashes(page))
    assert textarea(page, "comment") is not None
    assert too_long in page  # back in the request-changes box, to shorten rather than retype


def test_the_whole_workflow_through_the_pages(app, make_user, make_document):
    author, reviewer = make_user("editor"), make_user("reviewer")
    document = make_document("article", state="draft", author=author)
    writer, checker = signed_in(app, author), signed_in(app, reviewer)
    path = f"/editor/articles/{document.id}"
    post_form(writer, f"{path}/submit")
    assert _state(document.id) == "in_review"
    post_form(checker, f"{path}/approve", {"comment": "Looks right."})
    assert _state(document.id) == "approved"
    post_form(checker, f"{path}/publish")
    assert _state(document.id) == "published"
    post_form(checker, f"{path}/archive", {"confirm": "archive"})
    assert _state(document.id) == "archived"


def test_comments_are_added_to_the_thread(app, make_user, make_document):
    document = make_document("macro", state="draft")
    client = signed_in(app, make_user("agent"))
    post_form(client, f"/editor/macros/{document.id}/comment", {"comment": "Is the tone right?"})
    page = client.get(f"/editor/macros/{document.id}").get_data(as_text=True)
    assert "Is the tone right?" in page


def test_any_two_revisions_can_be_compared(app, make_user, make_document):
    document = make_document("article", body="alpha one")
    client = signed_in(app, make_user("editor"))
    for number, body in ((1, "alpha two"), (2, "alpha three")):
        _save(document, body, number, make_user("editor"))
    history = client.get(f"/editor/articles/{document.id}/history").get_data(as_text=True)
    assert all(f'data-revision="{n}"' in history for n in (1, 2, 3))
    page = client.get(f"/editor/articles/{document.id}?from=1&to=3").get_data(as_text=True)
    rendered = re.search(r"data-rendered-diff>(.*?)</div>", page, re.S).group(1)
    assert "<del>one</del><ins>three</ins>" in rendered
    assert re.search(r'<tr class="row-replace"><td>alpha one</td><td>alpha three</td></tr>', page)


def test_the_rendered_diff_never_lets_markup_through(app, make_user, make_document):
    document = make_document("article", body="Safe text.")
    _save(document, 'Safe text. <img src=x onerror="alert(1)"> `<script>` <b>bold</b>', 1, make_user("editor"))
    page = signed_in(app, make_user("editor")).get(f"/editor/articles/{document.id}?from=1&to=2").get_data(as_text=True)
    rendered = re.search(r"data-rendered-diff>(.*?)</div>", page, re.S).group(1)
    assert "onerror" not in rendered and "<script" not in rendered
    assert not re.search(r"<img[^>]*onerror", page)
    assert "<script>" not in page.split("<main")[1]
    assert "&lt;script&gt;" in rendered


def test_an_unknown_revision_in_a_comparison_is_a_404(app, make_user, make_document):
    document = make_document("article")
    client = signed_in(app, make_user("editor"))
    assert client.get(f"/editor/articles/{document.id}?from=1&to=9").status_code == 404
    assert client.get(f"/editor/articles/{document.id}?from=x").status_code == 400


def test_restoring_an_old_revision_makes_a_new_draft(app, make_user, make_document):
    document = make_document("article", state="published", body="First wording.")
    _save(document, "Second wording.", 1, make_user("editor"))
    client = signed_in(app, make_user("editor"))
    history = client.get(f"/editor/articles/{document.id}/history").get_data(as_text=True)
    assert 'data-restore="1"' in history and 'data-restore="2"' not in history
    response = post_form(client, f"/editor/articles/{document.id}/restore", {"revision": "1"})
    assert response.status_code == 303
    db.session.expire_all()
    latest = db.session.get(Document, document.id).latest
    assert (latest.number, latest.state, latest.body) == (3, "draft", "First wording.\n")


def test_restoring_a_revision_that_does_not_exist_is_refused(app, make_user, make_document):
    document = make_document("article")
    client = signed_in(app, make_user("editor"))
    response = post_form(client, f"/editor/articles/{document.id}/restore", {"revision": "7"})
    assert any("has no revision 7" in m for m in flashes(client.get(response.headers["Location"]).get_data(as_text=True)))


def test_the_audit_log_is_for_admins_only(app, make_user, make_document):
    make_document("article", state="published")
    assert signed_in(app, make_user("reviewer")).get("/editor/audit").status_code == 403
    page = signed_in(app, make_user("admin")).get("/editor/audit").get_data(as_text=True)
    assert {"create", "submit", "approve", "publish"} <= set(re.findall(r'data-audit-action="(\w+)"', page))


def test_the_audit_log_filters_by_action_and_document(app, make_user, make_document):
    first = make_document("article", state="published")
    make_document("article", state="published")
    client = signed_in(app, make_user("admin"))
    page = client.get("/editor/audit?action=publish").get_data(as_text=True)
    assert set(re.findall(r'data-audit-action="(\w+)"', page)) == {"publish"}
    assert page.count('data-audit-action="publish"') == 2
    page = client.get(f"/editor/audit?document={first.id}").get_data(as_text=True)
    assert page.count("data-audit-action=") == 4  # create, submit, approve, publish


def test_the_audit_log_pages(app, make_user, make_document, monkeypatch):
    from kb.review import queries

    monkeypatch.setattr(queries, "AUDIT_PAGE_SIZE", 4)
    for _ in range(3):
        make_document("article", state="in_review")  # create + submit: 6 events
    client = signed_in(app, make_user("admin"))
    first = client.get("/editor/audit").get_data(as_text=True)
    total = int(re.search(r"(\d+) events", first).group(1))
    pages = -(-total // 4)
    last = client.get(f"/editor/audit?page={pages}").get_data(as_text=True)
    assert total >= 6 and first.count("data-audit-action=") == 4
    assert f"Page 1 of {pages}" in first
    assert last.count("data-audit-action=") == total - 4 * (pages - 1)


def test_requesting_changes_after_approval_takes_the_approval_back(app, make_user, make_document, api_as):
    document = make_document("article", state="approved")
    reviewer_api, reviewer = api_as("reviewer")
    response = reviewer_api.post(f"/articles/{document.id}/request-changes", json={"comment": "One more fix"})
    assert response.status_code == 200
    page = signed_in(app, reviewer).get(f"/editor/articles/{document.id}").get_data(as_text=True)
    assert "Approved by" not in page
