"""Bulk actions of the content list: each document through its own use case and checks."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from kb.content import services as content
from kb.extensions import db
from kb.models import AuditEvent, Document, Revision
from tests.support import csrf_token


def signed_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": "password123",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    return client


def bulk(client, action: str, ids, **fields):
    data = {"action": action, "ids": [str(i) for i in ids], **fields,
            "csrf_token": csrf_token(client, "/editor/content")}
    return client.post("/editor/content/bulk", data=data)


def outcome(html: str, part: str) -> set[int]:
    """The document ids a result page lists as done / unchanged / refused."""
    match = re.search(rf'<ul class="bulk-{part}">(.*?)</ul>', html, re.S)
    return {int(n) for n in re.findall(r'data-document-id="(\d+)"', match.group(1))} if match else set()


def reread(document) -> Document:
    db.session.expire_all()
    return db.session.get(Document, document.id)


@pytest.fixture
def editor(make_user):
    return make_user("editor")


@pytest.fixture
def as_editor(app, editor):
    return signed_in(app, editor)


def test_csrf_token_is_required(app, as_editor, make_document):
    draft = make_document("article")
    response = as_editor.post("/editor/content/bulk", data={"action": "submit", "ids": [str(draft.id)]})
    assert response.status_code == 400
    assert reread(draft).latest.state == "draft"


def test_agents_are_refused(app, make_user, make_document):
    draft = make_document("article")
    agent = signed_in(app, make_user("agent"))
    token = csrf_token(agent, "/login")
    response = agent.post("/editor/content/bulk", data={"action": "submit", "ids": [str(draft.id)],
                                                         "csrf_token": token})
    assert response.status_code == 403
    assert reread(draft).latest.state == "draft"


def test_submit_goes_on_past_a_refusal(app, as_editor, make_document):
    draft = make_document("article")
    sent_back = make_document("macro", state="changes_requested")
    live = make_document("article", state="published")
    page = bulk(as_editor, "submit", [draft.id, live.id, sent_back.id, 999999]).get_data(as_text=True)
    assert outcome(page, "done") == {draft.id, sent_back.id}
    assert outcome(page, "refused") == {live.id, 999999}
    assert "cannot submit a revision that is published" in page
    assert reread(draft).latest.state == "in_review"
    assert reread(sent_back).latest.state == "in_review"
    assert reread(live).latest.state == "published"


def test_archive_asks_first_and_editors_may_not_archive(app, as_editor, make_user, make_document):
    live = make_document("article", state="published", title="Old pricing")
    other = make_document("article", state="published", title="Older pricing")
    confirm = bulk(as_editor, "archive", [live.id, other.id])
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Archive 2 documents?" in page
    assert "Old pricing" in page and "Older pricing" in page
    assert reread(live).latest.state == "published"  # nothing yet
    # editors: the permissions table says archiving needs a reviewer
    page = bulk(as_editor, "archive", [live.id], confirm="yes").get_data(as_text=True)
    assert outcome(page, "refused") == {live.id} and "needs the reviewer role" in page
    assert reread(live).latest.state == "published"
    reviewer = signed_in(app, make_user("reviewer"))
    page = bulk(reviewer, "archive", [live.id, other.id], confirm="yes").get_data(as_text=True)
    assert outcome(page, "done") == {live.id, other.id}
    assert reread(live).latest.state == "archived" and reread(live).published_revision_id is None


def test_move_makes_a_new_draft_revision_and_leaves_the_published_one(app, as_editor, editor, make_document):
    live = make_document("article", state="published", section="billing/refunds", tags=("a",))
    published_id = live.published_revision_id
    draft = make_document("article", section="billing/refunds")
    macro = make_document("macro")
    content.create_document("article", content.DocumentInput(title="x", body="y", section="account/login"),
                            editor, create_sections=True)
    page = bulk(as_editor, "move", [live.id, draft.id, macro.id], section="account/login").get_data(as_text=True)
    assert outcome(page, "done") == {live.id, draft.id}
    assert outcome(page, "refused") == {macro.id} and "macros are filed by their title" in page
    moved = reread(live)
    assert moved.published_revision_id == published_id  # readers still get the published one
    published = db.session.get(Revision, published_id)
    assert published.section.path == "billing/refunds" and published.state == "published"
    assert moved.latest.number == 2 and moved.latest.state == "draft"
    assert moved.latest.section.path == "account/login" and moved.latest.tags == ["a"]
    assert moved.latest.body == published.body and moved.latest.author_id == editor.id
    assert reread(draft).latest.section.path == "account/login"
    assert db.session.query(AuditEvent).filter_by(action="edit", document_id=live.id).count() == 1
    # an unknown section refuses the whole request before anything changes
    response = bulk(as_editor, "move", [draft.id], section="nowhere/none")
    assert response.status_code == 400 and "no section nowhere/none" in response.get_data(as_text=True)


def test_a_draft_in_flight_carries_the_change(app, as_editor, editor, make_document):
    live = make_document("article", state="published", title="First")
    base = reread(live).latest
    content.save_revision("article", live.id, replace(content.copy_input(base), title="Second"),
                          base.number, editor)
    page = bulk(as_editor, "review_by", [live.id], review_by="2031-02-03").get_data(as_text=True)
    assert outcome(page, "done") == {live.id}
    latest = reread(live).latest
    assert latest.number == 3 and latest.title == "Second" and latest.review_by == date(2031, 2, 3)
    assert reread(live).published.title == "First" and reread(live).published.review_by is None


def test_review_date_set_and_cleared(app, as_editor, make_document):
    draft = make_document("article")
    bulk(as_editor, "review_by", [draft.id], review_by="2031-02-03")
    assert reread(draft).latest.review_by == date(2031, 2, 3)
    bulk(as_editor, "review_by", [draft.id], review_by="")
    assert reread(draft).latest.review_by is None
    response = bulk(as_editor, "review_by", [draft.id], review_by="someday")
    assert response.status_code == 400 and "must be a date" in response.get_data(as_text=True)


def test_add_and_remove_tags(app, as_editor, make_document):
    tagged = make_document("article", tags=("billing",))
    plain = make_document("macro")
    page = bulk(as_editor, "add_tag", [tagged.id, plain.id], tag=" Billing ").get_data(as_text=True)
    assert outcome(page, "done") == {plain.id} and outcome(page, "unchanged") == {tagged.id}
    assert reread(plain).latest.tags == ["billing"]
    assert reread(tagged).latest.number == 1  # nothing to change: no new revision
    page = bulk(as_editor, "remove_tag", [tagged.id, plain.id], tag="billing").get_data(as_text=True)
    assert outcome(page, "done") == {tagged.id, plain.id}
    assert reread(tagged).latest.tags == [] and reread(plain).latest.tags == []
    assert bulk(as_editor, "add_tag", [plain.id], tag="  ").status_code == 400


def test_other_peoples_personal_macros_are_not_found(app, as_editor, make_user):
    owner = make_user("agent")
    personal = content.create_document("macro", content.DocumentInput(title="Mine", body="x"), owner,
                                       personal=True)
    page = bulk(as_editor, "submit", [personal.id]).get_data(as_text=True)
    assert outcome(page, "refused") == {personal.id}
    assert "Mine" not in page  # not even its title
    assert reread(personal).latest.number == 1


def test_bad_requests_change_nothing(app, as_editor, make_document):
    draft = make_document("article")
    assert bulk(as_editor, "delete", [draft.id]).status_code == 400
    assert bulk(as_editor, "submit", []).status_code == 400
    assert bulk(as_editor, "submit", ["x"]).status_code == 400
    assert reread(draft).latest.state == "draft"
