"""The contract's "Accounts and tokens": users for admins, one's own tokens for everyone."""

from __future__ import annotations

from tests.support import Api, csrf_token


def test_an_admin_lists_users_with_role_state_and_last_sign_in(api_as, make_user, login, client):
    api, admin = api_as("admin")
    editor = make_user("editor", name="Eda Editor")
    login(editor)

    listed = api.get("/users")
    assert listed.status_code == 200
    rows = {u["email"]: u for u in listed.get_json()["users"]}
    assert set(rows) == {admin.email, editor.email}  # not the system account
    assert rows[editor.email]["name"] == "Eda Editor"
    assert rows[editor.email]["role"] == "editor"
    assert rows[editor.email]["active"] is True
    assert rows[editor.email]["last_login_at"] is not None
    assert rows[admin.email]["last_login_at"] is None  # tokens are not sign-ins
    assert set(rows[editor.email]) == {"id", "email", "name", "role", "active", "last_login_at"}


def test_only_admins_manage_users(api_as):
    for role in ("agent", "editor", "reviewer"):
        api, _ = api_as(role)
        assert api.get("/users").status_code == 403
        assert api.post("/users", json={"email": "x@example.com", "role": "agent"}).status_code == 403
        assert api.patch("/users/1", json={"role": "admin"}).status_code == 403
    anonymous, _ = api_as(None)
    assert anonymous.get("/users").status_code == 401


def test_creating_a_user_with_a_password_lets_them_sign_in(api_as, app):
    api, _ = api_as("admin")
    created = api.post("/users", json={"email": "New.Person@Example.com", "name": "New Person",
                                       "role": "reviewer", "password": "a-long-password"})
    assert created.status_code == 201
    body = created.get_json()
    assert body["email"] == "new.person@example.com" and body["role"] == "reviewer"
    assert body["active"] is True and body["last_login_at"] is None
    assert "set_password_url" not in body

    browser = app.test_client()
    response = browser.post("/login", data={"email": "new.person@example.com", "password": "a-long-password",
                                            "csrf_token": csrf_token(browser)})
    assert response.status_code == 302


def test_creating_a_user_without_a_password_answers_a_set_password_link(api_as, app):
    api, _ = api_as("admin")
    created = api.post("/users", json={"email": "invitee@example.com", "role": "agent"})
    assert created.status_code == 201
    link = created.get_json()["set_password_url"]
    assert "/reset-password/" in link

    browser = app.test_client()
    path = link.split("kb.test", 1)[1]
    form = browser.get(path)
    assert form.status_code == 200 and "invitee@example.com" in form.get_data(as_text=True)
    token = csrf_token(browser, path)
    done = browser.post(path, data={"password": "chosen-by-me", "confirm": "chosen-by-me", "csrf_token": token})
    assert done.status_code == 302
    signed_in = browser.post("/login", data={"email": "invitee@example.com", "password": "chosen-by-me",
                                             "csrf_token": csrf_token(browser)})
    assert signed_in.status_code == 302


def test_bad_user_input_is_a_400_naming_the_field(api_as, make_user):
    api, _ = api_as("admin")
    taken = make_user("agent")
    cases = [
        ({"role": "agent"}, "email"),
        ({"email": "not-an-address", "role": "agent"}, "email"),
        ({"email": "a@example.com", "role": "owner"}, "role"),
        ({"email": "a@example.com", "role": "agent", "password": "short"}, "password"),
        ({"email": "a@example.com", "role": "agent", "colour": "red"}, "colour"),
    ]
    for body, field in cases:
        response = api.post("/users", json=body)
        assert response.status_code == 400, body
        assert response.get_json()["error"]["field"] == field, body
    assert api.patch(f"/users/{taken.id}", json={"role": "owner"}).get_json()["error"]["field"] == "role"
    assert api.patch(f"/users/{taken.id}", json={"active": "no"}).status_code == 400
    assert api.patch(f"/users/{taken.id}").status_code == 400  # no body at all
    assert api.patch(f"/users/{taken.id}", json={}).status_code == 200  # nothing to change

    duplicate = api.post("/users", json={"email": taken.email.upper(), "role": "agent"})
    assert duplicate.status_code == 409
    assert duplicate.get_json()["error"]["code"] == "conflict"


def test_patch_changes_role_and_name_and_answers_the_user(api_as, make_user):
    api, _ = api_as("admin")
    agent = make_user("agent")
    changed = api.patch(f"/users/{agent.id}", json={"role": "editor", "name": "Renamed"})
    assert changed.status_code == 200
    assert changed.get_json()["role"] == "editor" and changed.get_json()["name"] == "Renamed"
    assert api.patch("/users/999999", json={"role": "editor"}).status_code == 404


def test_a_user_made_inactive_is_refused_at_once_by_token_and_by_session(api_as, make_user, token_for, app):
    api, _ = api_as("admin")
    editor = make_user("editor")
    their_api = Api(app.test_client(), token_for(editor))
    browser = app.test_client()
    browser.post("/login", data={"email": editor.email, "password": "password123",
                                 "csrf_token": csrf_token(browser)})
    assert their_api.get("/tokens").status_code == 200
    assert browser.get("/editor/").status_code == 200

    assert api.patch(f"/users/{editor.id}", json={"active": False}).get_json()["active"] is False

    assert their_api.get("/tokens").status_code == 401
    page = browser.get("/editor/")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    # and their password no longer signs in
    again = app.test_client()
    refused = again.post("/login", data={"email": editor.email, "password": "password123",
                                         "csrf_token": csrf_token(again)})
    assert refused.status_code == 401

    assert api.patch(f"/users/{editor.id}", json={"active": True}).status_code == 200
    assert their_api.get("/tokens").status_code == 200  # tokens come back; sessions ended for good
    assert browser.get("/editor/").status_code == 302


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(api_as, make_user):
    api, admin = api_as("admin")
    for change, field in (({"role": "editor"}, "role"), ({"active": False}, "active")):
        refused = api.patch(f"/users/{admin.id}", json=change)
        assert refused.status_code == 409
        assert "last active admin" in refused.get_json()["error"]["message"]
        assert refused.get_json()["error"]["field"] == field
    assert api.get("/users").status_code == 200  # still an admin

    other = make_user("admin")
    assert api.patch(f"/users/{admin.id}", json={"role": "editor"}).status_code == 200
    assert api.get("/users").status_code == 403
    other_api, _ = api_as(user=other)
    assert other_api.patch(f"/users/{other.id}", json={"active": False}).status_code == 409


def test_tokens_are_listed_created_and_revoked_by_their_owner(api_as, app):
    api, agent = api_as("agent")
    created = api.post("/tokens", json={"name": "ticket sidebar"})
    assert created.status_code == 201
    body = created.get_json()
    assert body["name"] == "ticket sidebar" and body["token"].startswith("kb_")
    assert body["created_at"] and body["last_used_at"] is None

    new_api = Api(app.test_client(), body["token"])
    assert new_api.get("/tokens").status_code == 200  # it works, and is used now

    listed = api.get("/tokens").get_json()["tokens"]
    names = [t["name"] for t in listed]
    assert names == ["ticket sidebar", "tests"]  # newest first
    assert all("token" not in t for t in listed)
    mine = next(t for t in listed if t["id"] == body["id"])
    assert mine["last_used_at"] is not None
    assert set(mine) >= {"id", "name", "created_at", "last_used_at"}

    assert api.delete(f"/tokens/{body['id']}").status_code == 204
    assert new_api.get("/tokens").status_code == 401
    assert [t["name"] for t in api.get("/tokens").get_json()["tokens"]] == ["tests"]
    assert api.delete(f"/tokens/{body['id']}").status_code == 404


def test_another_users_token_is_a_404_and_keeps_working(api_as, app):
    api, _ = api_as("admin")
    other_api, other = api_as("agent")
    theirs = other_api.post("/tokens", json={"name": "theirs"}).get_json()
    assert api.delete(f"/tokens/{theirs['id']}").status_code == 404
    assert Api(app.test_client(), theirs["token"]).get("/tokens").status_code == 200


def test_a_token_needs_a_name(api_as):
    api, _ = api_as("agent")
    for body in ({}, {"name": ""}, {"name": "two\nlines"}):
        response = api.post("/tokens", json=body)
        assert response.status_code == 400, body
        assert response.get_json()["error"]["field"] == "name"


def test_session_callers_manage_tokens_with_the_csrf_header(client, make_user, login):
    login(make_user("agent"))
    assert client.get("/api/v1/tokens").status_code == 200
    assert client.post("/api/v1/tokens", json={"name": "x"}).status_code == 403
    token = csrf_token(client, "/account")
    made = client.post("/api/v1/tokens", json={"name": "x"}, headers={"X-CSRFToken": token})
    assert made.status_code == 201


def test_the_openapi_document_describes_the_account_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/users"]) == {"get", "post"}
    assert set(paths["/api/v1/users/{user_id}"]) == {"patch"}
    assert set(paths["/api/v1/tokens"]) == {"get", "post"}
    assert set(paths["/api/v1/tokens/{token_id}"]) == {"delete"}
    assert "409" in paths["/api/v1/users"]["post"]["responses"]


def test_ids_past_what_a_column_holds_are_the_normal_404(api_as):
    admin = api_as("admin")[0]
    too_big = 2**63 - 2
    assert admin.patch(f"/users/{too_big}", json={"name": "X"}).status_code == 404
    assert admin.delete(f"/tokens/{too_big}").status_code == 404
