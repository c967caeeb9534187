"""Who sees what in the agent workspace: never anonymous; personal macros only for their owner."""

import pytest

from tests.support import csrf_token


@pytest.fixture
def shared_macro(make_document):
    return make_document("macro", state="published", title="Billing::Zebra refund", body="Zebra refunds take a week.")


@pytest.fixture
def internal_article(make_document):
    return make_document("article", state="published", title="Zebra escalation runbook", visibility="internal",
                         body="Internal zebra escalation steps.")


@pytest.fixture
def personal(api_as):
    """A personal macro and its owner's API."""
    api, owner = api_as("agent")
    response = api.post("/macros", json={"title": "My zebra sign-off", "body": "Stripy regards, {{ agent.name }}",
                                         "personal": True})
    assert response.status_code == 201
    return {"id": response.get_json()["id"], "api": api, "owner": owner}


def test_anonymous_pages_never_show_macros_or_internal_articles(client, shared_macro, internal_article):
    for path in ("/macros", f"/macros/{shared_macro.id}", "/macros?q=zebra", "/macros/flagged"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert "Zebra" not in response.get_data(as_text=True)


def test_anonymous_posts_are_sent_to_sign_in_too(client, app, shared_macro):
    app.config["WTF_CSRF_ENABLED"] = False
    for path in ("/macros/suggest", f"/macros/{shared_macro.id}/favourite", "/macros/new"):
        response = client.post(path, data={"text": "zebra refund", "favourite": "1", "title": "x", "body": "y"})
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_anonymous_api_calls_never_show_macros_or_internal_articles(api_as, shared_macro, internal_article):
    api, _ = api_as(None)
    assert api.post(f"/macros/{shared_macro.id}/preview", json={"values": {}}).status_code == 401
    assert api.post(f"/macros/{shared_macro.id}/render", json={"values": {}}).status_code == 401
    assert api.post("/suggest", json={"text": "zebra refund escalation"}).status_code == 401
    found = api.get("/search?q=zebr&prefix=true").get_json()
    assert found["total"] == 0
    assert api.get("/search?q=zebra&type=macro&prefix=true").get_json()["total"] == 0


def test_the_owner_sees_a_personal_macro_with_a_badge(client, login, personal):
    login(personal["owner"])
    library = client.get("/macros").get_data(as_text=True)
    assert "My zebra sign-off" in library and "badge-personal" in library
    page = client.get(f"/macros/{personal['id']}")
    assert page.status_code == 200
    assert "Personal" in page.get_data(as_text=True)


def test_another_agent_never_sees_someone_elses_personal_macro(client, login, make_user, personal):
    login(make_user("admin"))
    assert "My zebra sign-off" not in client.get("/macros").get_data(as_text=True)
    assert "My zebra sign-off" not in client.get("/macros?q=zebra").get_data(as_text=True)
    assert client.get(f"/macros/{personal['id']}").status_code == 404
    assert client.get(f"/macros/{personal['id']}/edit").status_code == 404
    token = csrf_token(client, "/macros")
    assert client.post(f"/macros/{personal['id']}/favourite", data={"favourite": "1", "csrf_token": token}).status_code == 404


def test_personal_macros_stay_out_of_other_agents_api_results(api_as, personal):
    other, _ = api_as("reviewer")
    assert other.get(f"/macros/{personal['id']}").status_code == 404
    assert other.post(f"/macros/{personal['id']}/preview", json={"values": {}}).status_code == 404
    assert other.post(f"/macros/{personal['id']}/render", json={"values": {}}).status_code == 404
    assert other.get("/search?q=zebr&type=macro&prefix=true").get_json()["total"] == 0
    suggested = other.post("/suggest", json={"text": "stripy zebra sign-off regards"}).get_json()
    assert personal["id"] not in [r["id"] for r in suggested["results"]]
    mine = personal["api"].get("/search?q=zebr&type=macro&prefix=true").get_json()
    assert personal["id"] in [r["id"] for r in mine["results"]]
    assert next(r for r in mine["results"] if r["id"] == personal["id"])["personal"] is True


def test_agents_see_internal_articles_marked_internal_in_library_search(api_as, internal_article):
    api, _ = api_as("agent")
    results = api.get("/search?q=zebra&prefix=true").get_json()["results"]
    assert [r["internal"] for r in results if r["id"] == internal_article.id] == [True]
