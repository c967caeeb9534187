"""Hand-over of stored requests, for real: e-mail through a local SMTP server, and a signed
webhook to a local receiver that is down, then failing, then well, retried from the outbox."""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from kb.extensions import db
from kb.models import ContactDelivery, ContactRequest
from tests.support.pages import signed_in

SECRET = "s3cret-for-tests"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.messages: queue.Queue = queue.Queue()

    async def handle_DATA(self, server, session, envelope):
        self.messages.put((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


class Receiver:
    """A webhook receiver: answers ``failures`` with 500 first, then 204; keeps what came."""

    def __init__(self, failures: int, on_receive=None) -> None:
        self.failures = failures
        self.on_receive = on_receive or (lambda body: None)
        self.received: list = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((self.headers, body))
                outer.on_receive(body)
                status = 500 if len(outer.received) <= outer.failures else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.handler = Handler
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/hooks/kb"
        self.server = None

    def start(self):
        """Listen from now on (until then, a connection is refused: the receiver is down)."""
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self.handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def _form(client, **fields):
    page = client.get("/contact").get_data(as_text=True)
    data = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
            "form_session": re.search(r'name="form_session" value="([^"]+)"', page).group(1),
            "email": "ana@example.com", "subject": "Payout missing",
            "description": "My payout did not arrive in my bank account.", "topic": ""}
    data.update(fields)
    return data


def _deliveries(channel: str) -> list[ContactDelivery]:
    db.session.rollback()
    return db.session.scalars(db.select(ContactDelivery).where(
        ContactDelivery.channel == channel)).all()


def test_with_smtp_each_request_mails_support_with_the_articles_shown_and_confirms(app, client, smtp, make_document):
    inbox, port = smtp
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{port}", SUPPORT_EMAIL="support@example.com")
    article = make_document("article", state="published", title="When payouts arrive",
                            body="A payout reaches your bank account within three days.")
    answer = client.post("/contact", data=_form(client))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    messages = {tuple(inbox.messages.get(timeout=10)[0]): None for _ in range(2)}
    assert set(messages) == {("support@example.com",), ("ana@example.com",)}
    # the queue's content, read again by recipient
    request = db.session.scalar(db.select(ContactRequest))
    assert {d.channel: bool(d.delivered_at) for d in _deliveries("support_email")
            + _deliveries("confirmation_email")} == {"support_email": True, "confirmation_email": True}
    assert request.suggested[0]["slug"] == article.slug


def test_the_support_mail_names_the_request_and_lists_the_articles(app, client, smtp, make_document):
    inbox, port = smtp
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{port}", SUPPORT_EMAIL="support@example.com")
    article = make_document("article", state="published", title="When payouts arrive",
                            body="A payout reaches your bank account within three days.")
    client.post("/contact", data=_form(client))
    received = dict((tuple(to), text) for to, text in
                    (inbox.messages.get(timeout=10) for _ in range(2)))
    support = received[("support@example.com",)]
    assert "Reply-To: ana@example.com" in support
    assert "My payout did not arrive in my bank account." in support
    assert f"When payouts arrive: http://kb.test/en/articles/{article.slug}" in support
    assert "We received your request" in received[("ana@example.com",)]


def test_a_mail_server_that_is_down_loses_nothing_and_the_job_delivers_later(app, client, smtp, runner):
    inbox, port = smtp
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{_free_port()}", SUPPORT_EMAIL="support@example.com",
                      CONTACT_RETRY_SECONDS=0)
    assert client.post("/contact", data=_form(client)).status_code == 200
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactRequest)) == 1
    pending = _deliveries("support_email")[0]
    assert pending.delivered_at is None and pending.attempts == 1 and pending.last_error
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    result = runner.invoke(args=["publish-scheduled"])
    assert result.exit_code == 0, result.output
    assert _deliveries("support_email")[0].delivered_at is not None
    assert inbox.messages.get(timeout=10)


def test_the_webhook_is_signed_retried_with_backoff_and_delivered_exactly_once(app, client, runner, make_user,
                                                                               make_document):
    article = make_document("article", state="published", title="When payouts arrive",
                            body="A payout reaches your bank account within three days.")
    receiver = Receiver(failures=1)
    app.config.update(REQUEST_WEBHOOK_URL=receiver.url, REQUEST_WEBHOOK_SECRET=SECRET,
                      CONTACT_RETRY_SECONDS=0)
    # First try: the receiver is down (nothing listens yet).
    answer = client.post("/contact", data=_form(client, topic="general"))
    assert answer.status_code == 200
    request = db.session.scalar(db.select(ContactRequest))
    (delivery,) = _deliveries("webhook")
    assert delivery.delivered_at is None and delivery.attempts == 1
    assert "refused" in delivery.last_error

    receiver.start()
    try:
        runner.invoke(args=["publish-scheduled"])  # second try: the receiver answers 500
        (delivery,) = _deliveries("webhook")
        assert delivery.delivered_at is None and delivery.attempts == 2
        assert "500" in delivery.last_error
        runner.invoke(args=["publish-scheduled"])  # third try: 204
        runner.invoke(args=["publish-scheduled"])  # nothing left to send
    finally:
        receiver.stop()
    (delivery,) = _deliveries("webhook")
    assert delivery.delivered_at is not None and delivery.attempts == 3
    assert len(receiver.received) == 2  # the 500 and the one delivery; nothing after

    headers, body = receiver.received[-1]
    stamp, mac = re.fullmatch(r"t=(\d+),v1=([0-9a-f]{64})", headers["X-KB-Signature"]).groups()
    expected = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(mac, expected)
    sent = json.loads(body)
    assert set(sent) == {"id", "email", "subject", "description", "topic", "suggested", "created_at"}
    assert (sent["id"], sent["email"], sent["subject"], sent["topic"]) == (
        request.id, "ana@example.com", "Payout missing", "general")
    assert sent["description"] == "My payout did not arrive in my bank account."
    assert sent["suggested"] == [{"slug": article.slug, "title": "When payouts arrive",
                                  "url": f"http://kb.test/en/articles/{article.slug}"}]
    assert sent["created_at"] == request.created_at.isoformat()

    staff = signed_in(app, make_user("agent"))
    page = staff.get(f"/agent/requests/{request.id}").get_data(as_text=True)
    assert 'data-state="delivered"' in page and 'data-channel="webhook"' in page


def test_backoff_waits_before_the_next_try(app, client, runner):
    app.config.update(REQUEST_WEBHOOK_URL=f"http://127.0.0.1:{_free_port()}/", REQUEST_WEBHOOK_SECRET=SECRET,
                      CONTACT_RETRY_SECONDS=600)
    client.post("/contact", data=_form(client))
    runner.invoke(args=["publish-scheduled"])  # not due yet: no second try
    (delivery,) = _deliveries("webhook")
    assert delivery.attempts == 1
    waited = (delivery.next_attempt_at - db.session.scalar(db.select(ContactRequest.created_at)))
    assert waited.total_seconds() >= 600


def test_the_request_is_in_the_database_before_the_webhook_hears_of_it(app, client):
    seen = []

    def look(body: bytes) -> None:  # in the receiver's thread, through a connection of its own
        with app.app_context():
            seen.append(db.session.get(ContactRequest, json.loads(body)["id"]) is not None)
            db.session.remove()

    receiver = Receiver(failures=0, on_receive=look)
    receiver.start()
    app.config.update(REQUEST_WEBHOOK_URL=receiver.url, REQUEST_WEBHOOK_SECRET=SECRET)
    try:
        assert client.post("/contact", data=_form(client)).status_code == 200
    finally:
        receiver.stop()
    assert seen == [True]
    assert _deliveries("webhook")[0].delivered_at is not None


@pytest.mark.parametrize("app_config", [{"LOCALES": "en,fr"}])
def test_the_confirmation_is_written_in_the_language_of_the_form(app, client, smtp, app_config, make_user):
    inbox, port = smtp
    app.config.update(SMTP_URL=f"smtp://127.0.0.1:{port}", SUPPORT_EMAIL="support@example.com")
    page = client.get("/contact", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    data = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
            "form_session": re.search(r'name="form_session" value="([^"]+)"', page).group(1),
            "email": "ana@example.com", "subject": "Virement absent",
            "description": "Mon virement n'est pas arrivé.", "topic": ""}
    assert client.post("/contact", data=data, headers={"Accept-Language": "fr"}).status_code == 200
    received = dict((tuple(to), text) for to, text in
                    (inbox.messages.get(timeout=10) for _ in range(2)))
    confirmation = received[("ana@example.com",)]
    request = db.session.scalar(db.select(ContactRequest))
    assert request.locale == "fr"
    assert "Subject: =?utf-8?" in confirmation or "Nous avons bien re" in confirmation
    assert "Nous avons bien reçu votre demande n°" in _decoded_body(confirmation)
    assert "Ce que vous avez écrit" in _decoded_body(confirmation)
    assert "We received" not in _decoded_body(confirmation)
    # support reads its own language (the mail to support stays as it was); the agent sees the person's
    assert "Request #" in received[("support@example.com",)]
    staff = signed_in(app, make_user("agent"))
    shown = staff.get(f"/agent/requests/{request.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<dd data-request-locale="fr">French</dd>' in shown


def _decoded_body(raw: str) -> str:
    import email
    from email import policy

    message = email.message_from_string(raw, policy=policy.default)
    return f"{message['Subject']}\n{message.get_body().get_content()}"
