"""The account pages: /admin/users and /admin/settings for admins, /account for everyone."""

from __future__ import annotations

import re

from tests.support import Api, csrf_token


def _post(client, path, data, page):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page)})


def _row(html: str, email: str) -> str:
    match = re.search(rf'<tr data-user-email="{re.escape(email)}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {email}"
    return match.group(1)


def test_the_navigation_offers_account_to_everyone_and_users_and_settings_to_admins(client, make_user, login):
    login(make_user("reviewer"))
    nav = client.get("/").get_data(as_text=True)
    assert 'href="/account"' in nav
    assert 'href="/admin/users"' not in nav and 'href="/admin/settings"' not in nav

    admin_browser = client.application.test_client()
    admin = make_user("admin")
    admin_browser.post("/login", data={"email": admin.email, "password": "password123",
                                       "csrf_token": csrf_token(admin_browser)})
    nav = admin_browser.get("/").get_data(as_text=True)
    assert all(f'href="{p}"' in nav for p in ("/account", "/admin/users", "/admin/settings"))


def test_admin_pages_refuse_everyone_but_admins(client, make_user, login):
    assert client.get("/admin/users").status_code == 302
    assert client.get("/account").status_code == 302
    login(make_user("reviewer"))
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/settings").status_code == 403
    assert client.get("/account").status_code == 200


def test_the_users_page_lists_role_last_sign_in_and_state(client, make_user, login):
    never = make_user("agent")
    admin = login(make_user("admin"))
    page = client.get("/admin/users")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    html = page.get_data(as_text=True)
    assert "never" in _row(html, never.email) and "active" in _row(html, never.email)
    assert "UTC" in _row(html, admin.email)  # just signed in
    assert "system@kb.invalid" not in html


def test_an_admin_invites_without_a_password_and_gets_a_one_time_link(client, make_user, login, app):
    login(make_user("admin"))
    answer = _post(client, "/admin/users", {"email": "nova@example.com", "name": "Nova", "role": "editor",
                                            "password": ""}, "/admin/users")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    link = re.search(r'value="(http://kb\.test/reset-password/[^"]+)"', html).group(1)
    assert "editor" in _row(html, "nova@example.com")
    assert link not in client.get("/admin/users").get_data(as_text=True)  # shown once

    invitee = app.test_client()
    path = link.removeprefix("http://kb.test")
    assert invitee.post(path, data={"password": "nova-password", "confirm": "nova-password",
                                    "csrf_token": csrf_token(invitee, path)}).status_code == 302
    assert invitee.post("/login", data={"email": "nova@example.com", "password": "nova-password",
                                        "csrf_token": csrf_token(invitee)}).status_code == 302


def test_a_refused_invitation_says_why(client, make_user, login):
    taken = make_user("agent")
    login(make_user("admin"))
    answer = _post(client, "/admin/users", {"email": taken.email, "role": "agent"}, "/admin/users")
    assert answer.status_code == 409
    assert "exists already" in answer.get_data(as_text=True)
    answer = _post(client, "/admin/users", {"email": "x@example.com", "role": "boss"}, "/admin/users")
    assert answer.status_code == 400 and "unknown role" in answer.get_data(as_text=True)


def test_an_admin_changes_a_role_deactivates_and_reactivates(client, make_user, login, token_for, app):
    agent = make_user("agent")
    their_api = Api(app.test_client(), token_for(agent))
    login(make_user("admin"))
    _post(client, f"/admin/users/{agent.id}", {"role": "reviewer", "action": "role"}, "/admin/users")
    assert "reviewer" in _row(client.get("/admin/users").get_data(as_text=True), agent.email)

    _post(client, f"/admin/users/{agent.id}", {"role": "reviewer", "action": "deactivate"}, "/admin/users")
    assert "deactivated" in _row(client.get("/admin/users").get_data(as_text=True), agent.email)
    assert their_api.get("/tokens").status_code == 401

    _post(client, f"/admin/users/{agent.id}", {"role": "reviewer", "action": "reactivate"}, "/admin/users")
    row = _row(client.get("/admin/users").get_data(as_text=True), agent.email)
    assert "deactivated" not in row and "Deactivate" in row


def test_the_last_admin_cannot_deactivate_or_demote_themselves(client, make_user, login):
    admin = login(make_user("admin"))
    answer = _post(client, f"/admin/users/{admin.id}", {"role": "admin", "action": "deactivate"}, "/admin/users")
    assert answer.status_code == 409
    assert "cannot deactivate the last active admin" in answer.get_data(as_text=True)
    answer = _post(client, f"/admin/users/{admin.id}", {"role": "agent", "action": "role"}, "/admin/users")
    assert answer.status_code == 409
    assert "cannot demote the last active admin" in answer.get_data(as_text=True)
    assert client.get("/admin/users").status_code == 200


def test_self_approval_is_switched_on_the_settings_page(app, client, make_user, login, make_document,
                                                       token_for):
    reviewer = make_user("reviewer")
    document = make_document("article", state="in_review", author=reviewer)
    their_api = Api(app.test_client(), token_for(reviewer))

    login(make_user("admin"))
    assert 'id="self-approval" name="self_approval">' in client.get("/admin/settings").get_data(as_text=True)
    assert their_api.post(f"/articles/{document.id}/approve", json={}).status_code == 403

    _post(client, "/admin/settings", {"self_approval": "on"}, "/admin/settings")
    assert 'name="self_approval" checked' in client.get("/admin/settings").get_data(as_text=True)
    approved = their_api.post(f"/articles/{document.id}/approve", json={})
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"

    _post(client, "/admin/settings", {}, "/admin/settings")
    assert 'id="self-approval" name="self_approval">' in client.get("/admin/settings").get_data(as_text=True)


def test_changing_ones_password_needs_the_current_one_and_signs_out_other_browsers(app, client, make_user, login):
    user = make_user("agent")
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": "password123", "csrf_token": csrf_token(other)})
    login(user)

    wrong = _post(client, "/account/password", {"current_password": "nope-nope", "new_password": "brand-new-1",
                                                "confirm": "brand-new-1"}, "/account")
    assert wrong.status_code == 400 and "current password is not right" in wrong.get_data(as_text=True)
    short = _post(client, "/account/password", {"current_password": "password123", "new_password": "short",
                                                "confirm": "short"}, "/account")
    assert short.status_code == 400 and "at least 8 characters" in short.get_data(as_text=True)

    done = _post(client, "/account/password", {"current_password": "password123", "new_password": "brand-new-1",
                                               "confirm": "brand-new-1"}, "/account")
    assert done.status_code == 302
    assert client.get("/account").status_code == 200  # this browser stays signed in
    assert other.get("/account").status_code == 302  # the other one is signed out
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": user.email, "password": "password123",
                                      "csrf_token": csrf_token(fresh)}).status_code == 401
    assert fresh.post("/login", data={"email": user.email, "password": "brand-new-1",
                                      "csrf_token": csrf_token(fresh)}).status_code == 302


def test_tokens_on_the_account_page_are_shown_once_and_revoked(app, client, make_user, login):
    login(make_user("agent"))
    made = _post(client, "/account/tokens", {"name": "zapier"}, "/account")
    html = made.get_data(as_text=True)
    secret = re.search(r'value="(kb_[^"]+)"', html).group(1)
    api = Api(app.test_client(), secret)
    assert api.get("/tokens").status_code == 200

    listing = client.get("/account").get_data(as_text=True)
    assert "zapier" in listing and secret not in listing and secret[:10] in listing
    token_id = re.search(r'data-token-id="(\d+)"', listing).group(1)
    _post(client, f"/account/tokens/{token_id}/revoke", {}, "/account")
    assert api.get("/tokens").status_code == 401
    assert "You have no API tokens" in client.get("/account").get_data(as_text=True)


def test_revoking_someone_elses_token_on_the_page_is_refused(app, client, make_user, login, token_for):
    other = make_user("agent")
    secret = token_for(other)
    login(make_user("admin"))
    other_id = Api(app.test_client(), secret).get("/tokens").get_json()["tokens"][0]["id"]
    answer = _post(client, f"/account/tokens/{other_id}/revoke", {}, "/account")
    assert answer.status_code == 404
    assert Api(app.test_client(), secret).get("/tokens").status_code == 200
