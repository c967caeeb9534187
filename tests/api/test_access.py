"""Roles and tokens on every endpoint."""

import pytest

from kb.auth.services import create_token, revoke_token


def test_a_bad_token_is_401(client):
    response = client.get("/api/v1/articles", headers={"Authorization": "Bearer kb_nope"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_malformed_authorization_header_is_401(client):
    assert client.get("/api/v1/articles", headers={"Authorization": "Basic abc"}).status_code == 401


def test_a_revoked_token_stops_working(client, make_user):
    user = make_user("agent")
    token = create_token(user)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/macros", headers=headers).status_code == 200
    revoke_token(user, token[:10])
    assert client.get("/api/v1/macros", headers=headers).status_code == 401


def test_tokens_are_stored_hashed(app, make_user):
    from kb.extensions import db
    from kb.models import ApiToken

    token = create_token(make_user("agent"))
    stored = db.session.execute(db.select(ApiToken)).scalar_one()
    assert token not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64


def test_anonymous_may_not_create(api_as):
    api, _ = api_as(None)
    assert api.post("/articles", json={"title": "x"}).status_code == 401


def test_anonymous_lists_only_published_public_articles(make_document, api_as):
    live = make_document(state="published")
    make_document(state="published", visibility="internal")
    make_document(state="draft")
    api, _ = api_as(None)
    listing = api.get("/articles").get_json()
    assert [item["id"] for item in listing["items"]] == [live.id]


@pytest.mark.parametrize("state", ["draft", "in_review", "approved", "archived"])
def test_anonymous_cannot_read_unpublished_articles(make_document, api_as, state):
    document = make_document(state=state)
    api, _ = api_as(None)
    assert api.get(f"/articles/{document.id}").status_code == 404


def test_anonymous_cannot_read_internal_articles(make_document, api_as):
    document = make_document(state="published", visibility="internal")
    api, _ = api_as(None)
    assert api.get(f"/articles/{document.id}").status_code == 404


def test_anonymous_cannot_read_or_list_macros(make_document, api_as):
    macro = make_document("macro", state="published")
    api, _ = api_as(None)
    assert api.get(f"/macros/{macro.id}").status_code == 404
    assert api.get("/macros").get_json()["items"] == []


@pytest.mark.parametrize("path", ["/revisions", "/revisions/1", "/diff?from=1&to=1", "/comments"])
def test_anonymous_cannot_see_history_of_a_public_article(make_document, api_as, path):
    document = make_document(state="published")
    api, _ = api_as(None)
    assert api.get(f"/articles/{document.id}{path}").status_code == 401


def test_agents_read_internal_articles_and_macros(make_document, api_as):
    internal = make_document(state="published", visibility="internal")
    macro = make_document("macro", state="published")
    api, _ = api_as("agent")
    assert api.get(f"/articles/{internal.id}").status_code == 200
    assert api.get(f"/macros/{macro.id}").status_code == 200


def test_agents_may_create_edit_and_submit(api_as):
    api, _ = api_as("agent")
    created = api.post("/macros", json={"title": "Billing::Refund", "body": "Hi {{ customer.first_name }}"})
    assert created.status_code == 201
    macro_id = created.get_json()["id"]
    assert api.put(f"/macros/{macro_id}", json={"title": "Billing::Refund", "body": "Hello",
                                               "base_revision": 1}).status_code == 200
    assert api.post(f"/macros/{macro_id}/submit").status_code == 200


def test_personal_macros_are_seen_only_by_their_owner(api_as):
    owner_api, _ = api_as("agent")
    other_api, _ = api_as("agent")
    created = owner_api.post("/macros", json={"title": "My sign-off", "body": "Cheers!", "personal": True}).get_json()
    assert created["personal"] and created["status"] == "published"
    assert owner_api.get(f"/macros/{created['id']}").status_code == 200
    assert other_api.get(f"/macros/{created['id']}").status_code == 404
    assert other_api.put(f"/macros/{created['id']}", json={"title": "x", "body": "y",
                                                          "base_revision": 1}).status_code == 404


def test_an_agent_deletes_a_personal_macro_through_the_api(api_as):
    api, _ = api_as("agent")
    created = api.post("/macros", json={"title": "Old sign-off", "body": "Bye!", "personal": True}).get_json()
    assert api.get("/search", query_string={"q": "sign-off", "type": "macro"}).get_json()["results"]
    assert api.delete(f"/macros/{created['id']}").status_code == 204
    assert api.get(f"/macros/{created['id']}").get_json()["status"] == "archived"
    assert not api.get("/search", query_string={"q": "sign-off", "type": "macro"}).get_json()["results"]
    assert api.delete(f"/macros/{created['id']}").status_code == 404


def test_nobody_deletes_another_agents_personal_macro_or_a_shared_one(api_as, make_document):
    owner_api, _ = api_as("agent")
    other_api, _ = api_as("agent")
    admin_api, _ = api_as("admin")
    personal = owner_api.post("/macros", json={"title": "Mine", "body": "Hi", "personal": True}).get_json()
    shared = make_document("macro", state="published")
    assert other_api.delete(f"/macros/{personal['id']}").status_code == 404
    assert admin_api.delete(f"/macros/{shared.id}").status_code == 404
    assert owner_api.get(f"/macros/{personal['id']}").status_code == 200
    assert admin_api.get(f"/macros/{shared.id}").get_json()["status"] == "published"


def test_deleting_needs_a_token(api_as):
    anonymous, _ = api_as(None)
    assert anonymous.delete("/macros/1").status_code == 401


def test_session_cookie_posts_to_the_api_need_the_csrf_header(client, make_user, login):
    login(make_user("editor"))
    response = client.post("/api/v1/articles", json={"title": "x"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "csrf"


def test_unknown_api_routes_answer_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
