"""No hidden content is reachable by side doors: old addresses and workflow actions tell nothing."""

from __future__ import annotations

from kb.content import services as content_services
from kb.content.services import DocumentInput
from kb.review import services as review_services


def _rename_and_publish(document, new_slug, editor, reviewer):
    latest = document.latest
    data = DocumentInput(title=latest.title, body=latest.body + "\n\nMoved.", section="general/basics",
                         visibility=latest.visibility, slug=new_slug)
    content_services.save_revision("article", document.id, data, latest.number, editor)
    for step in ("submit", "approve", "publish"):
        actor = editor if step == "submit" else reviewer
        getattr(review_services, step)("article", document.id, actor)


def test_an_old_slug_of_an_internal_article_is_a_404_for_readers_and_a_301_for_staff(
        app, client, make_document, make_user, login):
    editor, reviewer = make_user("editor"), make_user("reviewer")
    document = make_document("article", state="published", visibility="internal",
                             title="Fraud team escalations", author=editor)
    old = document.slug
    _rename_and_publish(document, "fraud-escalations-internal", editor, reviewer)

    assert client.get(f"/en/articles/{old}").status_code == 404
    assert client.get("/en/articles/never-existed").status_code == 404

    login(make_user("agent"))
    moved = client.get(f"/en/articles/{old}")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith("/en/articles/fraud-escalations-internal")


def test_an_old_slug_of_an_archived_article_redirects_nobody(app, client, make_document, make_user):
    editor, reviewer = make_user("editor"), make_user("reviewer")
    document = make_document("article", state="published", title="Legacy payouts", author=editor)
    old = document.slug
    _rename_and_publish(document, "legacy-payouts-moved", editor, reviewer)
    assert client.get(f"/en/articles/{old}").status_code == 301

    review_services.archive("article", document.id, reviewer)
    assert client.get(f"/en/articles/{old}").status_code == 404


def test_workflow_actions_answer_the_same_404_for_hidden_and_missing_ids(api_as, make_document):
    draft = make_document("article", state="draft")
    published = make_document("article", state="published")
    anonymous, _ = api_as(None)
    for action in ("submit", "approve", "publish", "archive"):
        hidden = anonymous.post(f"/articles/{draft.id}/{action}", json={})
        missing = anonymous.post(f"/articles/{draft.id + 1000}/{action}", json={})
        assert (hidden.status_code, missing.status_code) == (404, 404), action
        assert hidden.get_json()["error"]["code"] == missing.get_json()["error"]["code"] == "not_found"
    # What the caller may read anyway is no secret: there it is sign-in that is missing.
    assert anonymous.post(f"/articles/{published.id}/submit", json={}).status_code == 401


def test_another_agents_personal_macro_is_a_404_to_every_workflow_action(api_as):
    owner_api, _ = api_as("agent")
    created = owner_api.post("/macros", json={"title": "Mine", "body": "Hello", "personal": True})
    assert created.status_code == 201
    other_api, _ = api_as("agent")
    for action in ("submit", "archive", "comments"):
        assert other_api.post(f"/macros/{created.get_json()['id']}/{action}",
                              json={"comment": "x"}).status_code == 404
