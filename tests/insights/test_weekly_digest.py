"""``kb report weekly``: the week's zero-result queries, least helpful articles and content due
for review, printed and (with KB_SMTP_URL) e-mailed to reviewers through a real SMTP server."""

from __future__ import annotations

import socket
from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller

from kb.extensions import db
from kb.models import SearchLog
from kb.search import service as search_service


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = _free_port()


@pytest.fixture
def app_config():
    return {"SMTP_URL": f"smtp://127.0.0.1:{PORT}", "MAIL_FROM": "digest@example.com"}


@pytest.fixture
def inbox():
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=PORT)
    controller.start()
    yield box
    controller.stop()


def _last_week(days: int = 2) -> None:
    """Move every logged search ``days`` back: into the week the digest covers (it ends
    yesterday)."""
    search_service.search_log().flush()
    db.session.rollback()
    for row in db.session.execute(db.select(SearchLog)).scalars():
        row.created_at = row.created_at - timedelta(days=days)
    db.session.commit()


def test_the_digest_is_printed_and_mailed_to_reviewers(inbox, make_document, make_user, client,
                                                       runner):
    make_document("article", state="published", title="Old policy", review_by=date(2020, 1, 1))
    client.get("/search?q=teleportation")
    client.get("/search?q=teleportation")
    _last_week()
    reviewer, admin = make_user("reviewer"), make_user("admin")
    editor = make_user("editor")
    result = runner.invoke(args=["report", "weekly"])
    assert result.exit_code == 0, result.output
    assert "Top searches that found nothing:\n      2  teleportation\n" in result.output
    assert "2020-01-01  article  Old policy" in result.output
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    # make_document's own reviewer is one of them too; editors are not.
    assert {reviewer.email, admin.email} <= set(message.rcpt_tos)
    assert editor.email not in message.rcpt_tos
    assert all(address.startswith(("reviewer", "admin")) for address in message.rcpt_tos)
    assert f"e-mailed to {len(message.rcpt_tos)} reviewer(s)" in result.output
    assert message.mail_from == "digest@example.com"
    assert "teleportation" in message.content.decode()


def test_an_unreachable_mail_server_is_a_clear_error(make_user, runner):
    make_user("reviewer")
    result = runner.invoke(args=["report", "weekly"])  # no inbox running on the port
    assert result.exit_code == 1
    assert "could not e-mail the digest" in result.output
    assert "Traceback" not in result.output
