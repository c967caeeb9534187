"""Signing out and deactivation end a browser's session on the server, not only in the browser."""

from __future__ import annotations

from kb.auth import services as auth_services
from kb.database import transaction
from kb.extensions import db
from tests.support import csrf_token


def _cookie(client, name="session"):
    cookie = client.get_cookie(name, domain="kb.test")
    return cookie.value if cookie else None


def test_a_cookie_copied_before_logout_no_longer_opens_the_editor(app, client, make_user, login):
    login(make_user("editor"))
    assert client.get("/editor/").status_code == 200
    copied = _cookie(client)

    client.post("/logout", data={"csrf_token": csrf_token(client, "/editor/")})
    assert client.get("/editor/").status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", copied, domain="kb.test")
    response = thief.get("/editor/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_signing_out_one_browser_keeps_the_others_signed_in(app, make_user):
    editor = make_user("editor")
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        browser.post("/login", data={"email": editor.email, "password": "password123",
                                     "csrf_token": csrf_token(browser)})
    first.post("/logout", data={"csrf_token": csrf_token(first, "/editor/")})

    assert first.get("/editor/").status_code == 302
    assert second.get("/editor/").status_code == 200


def test_a_deactivated_users_open_session_is_refused_on_the_next_request(client, make_user, login):
    editor = login(make_user("editor"))
    assert client.get("/editor/").status_code == 200

    with transaction():
        db.session.get(type(editor), editor.id).active = False
    assert client.get("/editor/").status_code == 302


def test_ending_all_sessions_signs_every_browser_out(app, make_user):
    editor = make_user("editor")
    browsers = [app.test_client() for _ in range(2)]
    for browser in browsers:
        browser.post("/login", data={"email": editor.email, "password": "password123",
                                     "csrf_token": csrf_token(browser)})
    assert auth_services.end_all_sessions(editor) == 2
    assert [b.get("/editor/").status_code for b in browsers] == [302, 302]


def test_a_session_planted_before_sign_in_is_replaced(client, make_user):
    with client.session_transaction() as session:
        session["kb_sid"] = "chosen-by-an-attacker"
    editor = make_user("editor")
    client.post("/login", data={"email": editor.email, "password": "password123",
                                "csrf_token": csrf_token(client)})
    with client.session_transaction() as session:
        assert session["kb_sid"] != "chosen-by-an-attacker"
