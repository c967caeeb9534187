"""Sending e-mail: one small door every feature uses (password reset links, the weekly digest,
and the contact form later).

Configured by ``KB_SMTP_URL`` (``smtp://[user:pass@]host:port``; ``smtps://`` for TLS from the
first byte, ``smtp+starttls://`` to upgrade a plain connection) and ``KB_MAIL_FROM``. Without a
URL, :func:`configured` is false and features that need mail stay hidden.
"""

from __future__ import annotations

import smtplib
import threading
from collections.abc import Sequence
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app

from kb.errors import KbError

_SCHEMES = {"smtp", "smtps", "smtp+starttls"}
TIMEOUT_SECONDS = 10


class MailError(KbError):
    """The mail server could not be reached or refused the message."""

    status = 503
    code = "mail_unavailable"


def configured(sender: str | None = None) -> bool:
    """Whether this instance can send mail at all (from ``sender``, else ``KB_MAIL_FROM``)."""
    return bool(current_app.config.get("SMTP_URL")) and bool(sender or current_app.config.get("MAIL_FROM"))


def send(to: str | Sequence[str], subject: str, body: str, *, sender: str | None = None,
         reply_to: str | None = None) -> None:
    """Send one plain-text message (to one address, or one message to several).

    :param sender: the From address when not ``KB_MAIL_FROM`` (the contact form's mail may
        come from the support address).
    :param reply_to: where a reply goes (the person who asked, for support's copy).
    :raises MailError: no mail configured, a malformed URL, or the server failed.
    """
    if not configured(sender):
        raise MailError("no mail server is configured (KB_SMTP_URL and KB_MAIL_FROM)")
    url = urlsplit(str(current_app.config["SMTP_URL"]))
    if url.scheme not in _SCHEMES or not url.hostname:
        raise MailError("KB_SMTP_URL must look like smtp://host:port")
    message = EmailMessage()
    message["From"] = str(sender or current_app.config["MAIL_FROM"])
    message["To"] = to if isinstance(to, str) else ", ".join(to)
    message["Subject"] = subject
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(body)
    default_port = 465 if url.scheme == "smtps" else 25
    connect = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    try:
        with connect(url.hostname, url.port or default_port, timeout=TIMEOUT_SECONDS) as server:
            if url.scheme == "smtp+starttls":
                server.starttls()
            if url.username:
                server.login(unquote(url.username), unquote(url.password or ""))
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        current_app.logger.warning("mail to %s not sent: %s", to, exc)
        raise MailError("the mail server could not take the message; try again later") from None


def send_later(to: str, subject: str, body: str) -> None:
    """Send from a thread of its own, so the request answers as fast whether or not a message
    goes out (a reply that took a mail server's time would tell who has an account). A failure
    is logged, as nobody waits for it."""
    if not configured():
        raise MailError("no mail server is configured (KB_SMTP_URL and KB_MAIL_FROM)")
    app = current_app._get_current_object()

    def deliver() -> None:
        with app.app_context():
            try:
                send(to, subject, body)
            except MailError:
                pass  # send() logged it

    threading.Thread(target=deliver, name="kb-mail", daemon=True).start()
