"""The editor: create and edit through the form, validation, the conflict page, the preview."""

import re

from kb.content import queries
from kb.models import Document
from kb.extensions import db
from tests.support.pages import flashes, post_form, signed_in, textarea
from tests.support import csrf_token


def _fields(**overrides):
    return {"title": "Refund timeline", "body": "Refunds take **five** days.", "tags": "refunds, billing",
            "section": "general/basics", "visibility": "public", "review_by": "", "message": "", **overrides}


def _edit_fields(document, **overrides):
    latest = document.latest
    current = {"title": latest.title, "body": latest.body, "tags": ", ".join(latest.tags), "slug": document.slug,
               "section": latest.section.path if latest.section else "", "base_revision": str(latest.number)}
    return _fields(**{**current, **overrides})


def test_creating_an_article_saves_a_draft_and_opens_its_review_screen(app, make_user, make_document):
    make_document("article", section="general/basics")  # the section exists
    client = signed_in(app, make_user("editor"))
    response = post_form(client, "/editor/articles/new", _fields())
    assert response.status_code == 303
    document_id = int(re.search(r"/editor/articles/(\d+)$", response.headers["Location"]).group(1))
    document = queries.get_document("article", document_id)
    assert (document.latest.number, document.latest.state) == (1, "draft")
    assert document.latest.tags == ["refunds", "billing"]
    assert document.latest.section.path == "general/basics"


def test_creating_a_macro_needs_no_section(app, make_user):
    client = signed_in(app, make_user("agent"))
    response = post_form(client, "/editor/macros/new",
                         {"title": "Billing::Refund", "body": "Hi {{ customer.first_name }}"})
    assert response.status_code == 303
    assert "/editor/macros/" in response.headers["Location"]


def test_editing_saves_a_new_revision(app, make_user, make_document):
    document = make_document("article", state="published", body="Old text.")
    client = signed_in(app, make_user("editor"))
    response = post_form(client, f"/editor/articles/{document.id}/edit",
                         _edit_fields(document, body="New text.", message="clearer"))
    assert response.status_code == 303
    db.session.expire_all()
    document = db.session.get(Document, document.id)
    assert (document.latest.number, document.latest.body, document.latest.message) == (2, "New text.\n", "clearer")
    assert document.published.number == 1


def test_saving_identical_content_makes_no_revision(app, make_user, make_document):
    document = make_document("article", body="Same text.", tags=("a", "b"))
    client = signed_in(app, make_user("editor"))
    response = post_form(client, f"/editor/articles/{document.id}/edit", _edit_fields(document))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Document, document.id).latest.number == 1
    assert "Nothing changed" in " ".join(flashes(client.get(response.headers["Location"]).get_data(as_text=True)))


def test_a_validation_error_keeps_the_text_and_says_why(app, make_user, make_document):
    document = make_document("article")
    client = signed_in(app, make_user("editor"))
    response = post_form(client, f"/editor/articles/{document.id}/edit",
                         _edit_fields(document, title="  ", body="My long careful rewrite."))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "a title is required" in page
    assert textarea(page, "body") == "My long careful rewrite."


def test_a_bad_review_date_is_refused_with_the_text_intact(app, make_user):
    client = signed_in(app, make_user("editor"))
    response = post_form(client, "/editor/macros/new", {"title": "X", "body": "Kept body", "review_by": "soon"})
    assert response.status_code == 400
    assert "review by must be a date" in response.get_data(as_text=True)
    assert textarea(response.get_data(as_text=True), "body") == "Kept body"


def test_a_stale_save_shows_the_conflict_page_with_the_users_text(app, make_user, make_document):
    document = make_document("article", body="Base text.")
    first, second = signed_in(app, make_user("editor")), signed_in(app, make_user("editor"))
    stale_form = _edit_fields(document, body="Second editor's careful text.")
    assert post_form(first, f"/editor/articles/{document.id}/edit",
                     _edit_fields(document, body="First editor's text.")).status_code == 303
    response = post_form(second, f"/editor/articles/{document.id}/edit", stale_form)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    # both changed the one line: both versions are kept, between markers
    assert textarea(page, "body") == ("<<<<<<< yours\nSecond editor's careful text.\n=======\n"
                                      "First editor's text.\n>>>>>>> theirs (revision 2)\n")
    assert re.search(r'name="base_revision" value="2"', page)
    their_diff = re.search(r"data-their-diff>(.*?)</div>", page, re.S).group(1)
    assert "<del>Base</del>" in their_diff and "<ins>First editor" in their_diff
    db.session.expire_all()
    assert db.session.get(Document, document.id).latest.number == 2


def test_a_conflict_resolved_by_hand_saves_on_top_of_theirs(app, make_user, make_document):
    document = make_document("article", body="Base text.")
    first, second = signed_in(app, make_user("editor")), signed_in(app, make_user("editor"))
    stale_form = _edit_fields(document, body="Mine.")
    post_form(first, f"/editor/articles/{document.id}/edit", _edit_fields(document, body="Theirs."))
    assert post_form(second, f"/editor/articles/{document.id}/edit", stale_form).status_code == 409
    response = post_form(second, f"/editor/articles/{document.id}/edit", {**stale_form, "base_revision": "2"})
    assert response.status_code == 303
    db.session.expire_all()
    latest = db.session.get(Document, document.id).latest
    assert (latest.number, latest.body) == (3, "Mine.\n")


def test_the_preview_renders_sanitised_html(app, make_user):
    client = signed_in(app, make_user("agent"))
    token = csrf_token(client, "/editor/articles/new")
    response = client.post("/editor/preview", json={"body": "**bold** <script>alert(1)</script>"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert "<strong>bold</strong>" in html
    assert "<script" not in html


def test_the_preview_requires_the_csrf_token(app, make_user):
    client = signed_in(app, make_user("agent"))
    response = client.post("/editor/preview", json={"body": "text"})
    assert response.status_code == 400


def test_the_preview_requires_signing_in(client):
    token = csrf_token(client)
    response = client.post("/editor/preview", json={"body": "text"}, headers={"X-CSRFToken": token})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_the_preview_refuses_a_malformed_request(app, make_user):
    client = signed_in(app, make_user("agent"))
    token = csrf_token(client, "/editor/articles/new")
    response = client.post("/editor/preview", json={"body": 5}, headers={"X-CSRFToken": token})
    assert response.status_code == 400


def test_the_editor_page_needs_signing_in(client, make_document):
    document = make_document("article")
    response = client.get(f"/editor/articles/{document.id}/edit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_missing_document_is_a_404_page(app, make_user):
    client = signed_in(app, make_user("editor"))
    assert client.get("/editor/articles/999/edit").status_code == 404


def test_personal_macros_are_edited_in_the_macro_library(app, make_user):
    from kb.content.services import DocumentInput, create_document

    agent = make_user("agent")
    mine = create_document("macro", DocumentInput(title="My reply", body="Hi"), agent, personal=True)
    client = signed_in(app, agent)
    response = client.get(f"/editor/macros/{mine.id}/edit")
    assert response.status_code == 302 and f"/macros/{mine.id}/edit" in response.headers["Location"]
    assert signed_in(app, make_user("admin")).get(f"/editor/macros/{mine.id}/edit").status_code == 404


def test_the_macro_page_links_to_the_editor(app, make_user, make_document):
    document = make_document("macro", state="published")
    page = signed_in(app, make_user("editor")).get(f"/macros/{document.id}").get_data(as_text=True)
    assert f'href="/editor/macros/{document.id}/edit"' in page
