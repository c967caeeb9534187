"""One-time set-password links: from `kb users reset-password`, and by mail from "Forgot
password?" through a real (local) SMTP server."""

from __future__ import annotations

import queue
import re
import socket

import pytest
from aiosmtpd.controller import Controller

from tests.support import csrf_token


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: queue.Queue = queue.Queue()

    async def handle_DATA(self, server, session, envelope):
        self.messages.put((envelope.mail_from, list(envelope.rcpt_tos),
                           envelope.content.decode("utf-8", "replace")))
        return "250 Message accepted for delivery"

    def next(self, timeout: float = 10):
        return self.messages.get(timeout=timeout)


@pytest.fixture
def smtp():
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd 1.4 cannot report one it chose)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def _link_path(text: str) -> str:
    match = re.search(r"https?://[^/\s]+(/reset-password/[A-Za-z0-9_\-]+)", text)
    assert match, text
    return match.group(1)


def _set_password(browser, path: str, password: str):
    return browser.post(path, data={"password": password, "confirm": password,
                                    "csrf_token": csrf_token(browser, path)})


def _signs_in(app, email: str, password: str) -> bool:
    browser = app.test_client()
    return browser.post("/login", data={"email": email, "password": password,
                                        "csrf_token": csrf_token(browser)}).status_code == 302


def test_the_cli_prints_a_link_that_works_once(app, runner, make_user):
    user = make_user("editor")
    result = runner.invoke(args=["users", "reset-password", user.email.upper(),
                                 "--base-url", "https://help.example.com"])
    assert result.exit_code == 0, result.output
    assert "valid for 60 minutes" in result.output
    assert re.search(r"^https://help\.example\.com/reset-password/\S+$", result.output, re.M)
    path = _link_path(result.output)

    browser = app.test_client()
    assert _set_password(browser, path, "a-new-password").status_code == 302
    assert _signs_in(app, user.email, "a-new-password")
    assert not _signs_in(app, user.email, "password123")

    again = browser.get(path)
    assert again.status_code == 410
    assert "was used already" in again.get_data(as_text=True)
    late = app.test_client()
    assert late.post(path, data={"password": "third-password", "confirm": "third-password",
                                 "csrf_token": csrf_token(late)}).status_code == 410
    assert _signs_in(app, user.email, "a-new-password")


def test_the_cli_refuses_unknown_and_deactivated_users(runner, make_user, api_as):
    result = runner.invoke(args=["users", "reset-password", "nobody@example.com"])
    assert result.exit_code == 1 and "no user with e-mail" in result.output
    api, _ = api_as("admin")
    user = make_user("agent")
    api.patch(f"/users/{user.id}", json={"active": False})
    result = runner.invoke(args=["users", "reset-password", user.email])
    assert result.exit_code == 1 and "deactivated" in result.output


def test_an_expired_link_shows_a_clear_page(app, runner, make_user):
    """Nobody waits an hour in a test: the stored link is aged by two hours instead, which is
    what the clock would do to it."""
    user = make_user("agent")
    from datetime import timedelta

    from kb.models import PasswordReset
    from kb.database import transaction
    from kb.extensions import db

    result = runner.invoke(args=["users", "reset-password", user.email])
    path = _link_path(result.output)
    with transaction():  # the clock moves on: the link's hour is over
        for reset in db.session.query(PasswordReset).all():
            reset.expires_at = reset.expires_at - timedelta(hours=2)
    page = app.test_client().get(path)
    assert page.status_code == 410 and "has expired" in page.get_data(as_text=True)
    late = app.test_client()
    assert late.post(path, data={"password": "too-late-now", "confirm": "too-late-now",
                                 "csrf_token": csrf_token(late)}).status_code == 410
    assert not _signs_in(app, user.email, "too-late-now")


def test_a_new_password_spends_outstanding_links_and_ends_other_sessions(app, runner, make_user, client, login):
    user = make_user("agent")
    path = _link_path(runner.invoke(args=["users", "reset-password", user.email]).output)
    second = _link_path(runner.invoke(args=["users", "reset-password", user.email]).output)
    login(user)
    assert client.get("/account").status_code == 200

    assert _set_password(app.test_client(), path, "reset-password-1").status_code == 302
    assert client.get("/account").status_code == 302  # the open session ended
    assert app.test_client().get(second).status_code == 410  # the other link is spent too


def test_a_bad_password_on_the_reset_page_keeps_the_link(app, runner, make_user):
    user = make_user("agent")
    path = _link_path(runner.invoke(args=["users", "reset-password", user.email]).output)
    browser = app.test_client()
    short = _set_password(browser, path, "short")
    assert short.status_code == 400 and "at least 8 characters" in short.get_data(as_text=True)
    differ = browser.post(path, data={"password": "long-enough-1", "confirm": "long-enough-2",
                                      "csrf_token": csrf_token(browser, path)})
    assert differ.status_code == 400 and "differ" in differ.get_data(as_text=True)
    assert _set_password(browser, path, "long-enough-1").status_code == 302


def test_the_request_log_never_holds_the_links_secret(app, runner, make_user, caplog):
    user = make_user("agent")
    path = _link_path(runner.invoke(args=["users", "reset-password", user.email]).output)
    with caplog.at_level("INFO", logger="kb.request"):
        app.test_client().get(path)
    lines = [r.getMessage() for r in caplog.records if r.name == "kb.request"]
    assert lines == ["GET /reset-password/<secret> 200 " + lines[0].split(" 200 ")[1]]
    assert path.rsplit("/", 1)[1] not in caplog.text


def test_an_unknown_link_is_refused(app):
    page = app.test_client().get("/reset-password/not-a-real-secret")
    assert page.status_code == 410 and "not valid" in page.get_data(as_text=True)


def test_without_mail_there_is_no_forgot_password(client):
    assert "Forgot password?" not in client.get("/login").get_data(as_text=True)
    assert client.get("/forgot-password").status_code == 404


class TestByMail:
    @pytest.fixture
    def app_config(self, smtp):
        _, port = smtp
        return {"SMTP_URL": f"smtp://127.0.0.1:{port}", "MAIL_FROM": "help@example.com"}

    def test_forgot_password_mails_a_link_that_works_once(self, app, client, smtp, make_user):
        inbox, _ = smtp
        user = make_user("agent")
        login_page = client.get("/login").get_data(as_text=True)
        assert 'href="/forgot-password"' in login_page and "Forgot password?" in login_page

        answer = client.post("/forgot-password", data={"email": user.email.upper(),
                                                      "csrf_token": csrf_token(client, "/forgot-password")})
        assert answer.status_code == 200
        sender, recipients, message = inbox.next()
        assert sender == "help@example.com" and recipients == [user.email]
        assert "Subject: Set a new password" in message
        path = _link_path(message)

        assert _set_password(app.test_client(), path, "mailed-password").status_code == 302
        assert _signs_in(app, user.email, "mailed-password")
        assert app.test_client().get(path).status_code == 410

    def test_the_answer_is_the_same_whether_or_not_the_address_exists(self, app, smtp, make_user):
        inbox, _ = smtp
        user = make_user("agent")
        answers = []
        for email in ("nobody@example.com", user.email):
            browser = app.test_client()
            response = browser.post("/forgot-password", data={
                "email": email, "csrf_token": csrf_token(browser, "/forgot-password")})
            answers.append((response.status_code, response.get_data(as_text=True)))
        assert answers[0] == answers[1]
        _, recipients, _ = inbox.next()
        assert recipients == [user.email]  # one message only: to the account that exists
        assert inbox.messages.empty()

    def test_requests_are_rate_limited_per_address(self, app, smtp, make_user):
        user = make_user("agent")
        statuses = []
        for _ in range(4):
            browser = app.test_client()
            statuses.append(browser.post("/forgot-password", data={
                "email": user.email, "csrf_token": csrf_token(browser, "/forgot-password")}).status_code)
        assert statuses == [200, 200, 200, 429]
        inbox, _ = smtp
        assert [inbox.next()[1] for _ in range(3)] == [[user.email]] * 3
        assert inbox.messages.empty()  # the refused fourth request was answered before any mail

    def test_a_mail_server_that_is_down_gives_the_same_answer(self, app, client, smtp, make_user):
        user = make_user("agent")
        app.config["SMTP_URL"] = "smtp://127.0.0.1:1"
        answer = client.post("/forgot-password", data={"email": user.email,
                                                      "csrf_token": csrf_token(client, "/forgot-password")})
        assert answer.status_code == 200 and 'id="reset-sent"' in answer.get_data(as_text=True)
