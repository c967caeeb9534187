"""Personal macros: created and edited by an agent from the workspace, live at once, private."""

from kb.extensions import db
from kb.models import Document
from tests.support import csrf_token


def create(client, **fields):
    data = {"title": "My::Sign-off", "body": "Cheers, {{ agent.name }}", "tags": "mine, sign-off", **fields}
    return client.post("/macros/new", data={**data, "csrf_token": csrf_token(client, "/macros/new")})


def test_an_agent_creates_a_personal_macro_that_is_live_at_once(client, login, make_user):
    owner = login(make_user("agent"))
    response = create(client)
    assert response.status_code == 302
    document = db.session.execute(db.select(Document).where(Document.owner_id == owner.id)).unique().scalar_one()
    assert document.published is not None and document.published.tags == ["mine", "sign-off"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sign-off" in page and "badge-personal" in page
    assert f"Cheers, {owner.name}" in page


def test_an_agent_edits_their_personal_macro(client, login, make_user):
    login(make_user("agent"))
    macro_url = create(client).headers["Location"]
    edit_url = f"{macro_url}/edit"
    form = client.get(edit_url).get_data(as_text=True)
    assert 'name="base_revision" value="1"' in form
    response = client.post(edit_url, data={"title": "My::Sign-off", "body": "Warmly, {{ agent.name }}", "tags": "",
                                           "base_revision": "1", "csrf_token": csrf_token(client, edit_url)})
    assert response.status_code == 302
    assert "Warmly," in client.get(macro_url).get_data(as_text=True)


def test_a_stale_edit_is_refused_and_the_text_is_kept(client, login, make_user):
    login(make_user("agent"))
    macro_url = create(client).headers["Location"]
    edit_url = f"{macro_url}/edit"
    token = csrf_token(client, edit_url)
    client.post(edit_url, data={"title": "My::Sign-off", "body": "First edit", "base_revision": "1", "csrf_token": token})
    response = client.post(edit_url, data={"title": "My::Sign-off", "body": "Second edit from an old tab",
                                           "base_revision": "1", "csrf_token": token})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "is not the latest" in page and "Second edit from an old tab" in page


def test_a_malformed_placeholder_is_explained_and_nothing_is_saved(client, login, make_user):
    owner = login(make_user("agent"))
    response = create(client, body="Hi {{ customer.first_name }")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "malformed placeholder at line 1" in page and "Hi {{ customer.first_name }" in page
    assert db.session.execute(db.select(Document).where(Document.owner_id == owner.id)).first() is None


def test_a_missing_title_is_explained(client, login, make_user):
    login(make_user("agent"))
    response = create(client, title="  ")
    assert response.status_code == 400
    assert "a title is required" in response.get_data(as_text=True)


def test_shared_macros_are_not_edited_through_the_personal_form(client, login, make_user, make_document):
    macro = make_document("macro", state="published", title="Shared", body="For everyone.")
    login(make_user("admin"))
    assert client.get(f"/macros/{macro.id}/edit").status_code == 404


def test_an_agent_deletes_their_personal_macro_and_it_is_gone_everywhere(client, login, make_user):
    login(make_user("agent"))
    macro_url = create(client).headers["Location"]
    assert search_total(client, "sign-off") == 1
    response = client.post(f"{macro_url}/delete", data={"csrf_token": csrf_token(client, macro_url)})
    assert response.status_code == 302
    assert client.get(macro_url).status_code == 404
    assert client.get(f"{macro_url}/edit").status_code == 404
    assert "Sign-off" not in client.get("/macros").get_data(as_text=True)
    assert search_total(client, "sign-off") == 0


def search_total(client, query: str) -> int:
    return client.get("/api/v1/search", query_string={"q": query, "type": "macro"}).get_json()["total"]


def test_nobody_deletes_another_agents_personal_macro(client, login, make_user):
    login(make_user("agent"))
    macro_url = create(client).headers["Location"]
    login(make_user("agent"))
    response = client.post(f"{macro_url}/delete", data={"csrf_token": csrf_token(client, "/macros/new")})
    assert response.status_code == 404
    macro = db.session.execute(db.select(Document).where(Document.owner_id.is_not(None))).unique().scalar_one()
    assert macro.published is not None
