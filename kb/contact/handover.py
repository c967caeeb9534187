"""Handing a stored request over to support: a signed webhook, e-mail to the support address
and a confirmation to the person, each a row of the ``contact_deliveries`` outbox.

The rows are written with the request, so a hand-over that fails (a receiver down, a mail
server refusing) is only late: it is retried with backoff (``KB_CONTACT_RETRY_SECONDS``,
doubling, at most an hour apart) until it succeeds. A worker claims a row before it sends
(a conditional update, so two workers never send the same row at once) and marks it
delivered after; the first try happens right after the request is stored, with a short
timeout, and the scheduler's job takes the rest.

Webhook body: ``{"id", "email", "subject", "description", "topic", "suggested": [{"slug",
"title", "url"}], "created_at"}``; header ``X-KB-Signature: t=<unix seconds>,v1=<hex
HMAC-SHA256 of "<t>.<body>" keyed with KB_REQUEST_WEBHOOK_SECRET>``. Only a 2xx answer counts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from kb import locales, mail
from kb.extensions import db
from kb.models import ContactDelivery, ContactRequest
from kb.models.types import utcnow

WEBHOOK = "webhook"
SUPPORT_EMAIL = "support_email"
CONFIRMATION_EMAIL = "confirmation_email"
#: The longest wait between two tries of one hand-over.
MAX_BACKOFF_SECONDS = 3600
#: How long a claimed row stays with the worker sending it (longer than any one try takes).
CLAIM_SECONDS = 120
#: Rows one run of the job takes on.
BATCH = 100


def channels() -> list[str]:
    """The hand-overs this instance's configuration asks for."""
    config = current_app.config
    found = []
    if config.get("REQUEST_WEBHOOK_URL"):
        found.append(WEBHOOK)
    if config.get("SMTP_URL") and config.get("SUPPORT_EMAIL"):
        found += [SUPPORT_EMAIL, CONFIRMATION_EMAIL]
    return found


def new_delivery(channel: str, now: datetime) -> ContactDelivery:
    return ContactDelivery(channel=channel, attempts=0, next_attempt_at=now)


def backoff(attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failed ones."""
    base = float(current_app.config.get("CONTACT_RETRY_SECONDS") or 0)
    return min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)


def deliver_request(request_id: int) -> None:
    """Try this request's hand-overs now (right after it was stored); what fails waits for
    the job. Never raises: the request is safe in the database whatever happens here."""
    try:
        ids = db.session.scalars(select(ContactDelivery.id).where(
            ContactDelivery.request_id == request_id,
            ContactDelivery.delivered_at.is_(None))).all()
        for delivery_id in ids:
            _try(delivery_id)
    except Exception:  # the job tries again; the person still gets their confirmation page
        db.session.rollback()
        current_app.logger.exception("contact request %s: hand-over not tried now", request_id)


def deliver_due() -> int:
    """Every hand-over whose time has come (the scheduled job); answers how many succeeded."""
    now = utcnow()
    ids = db.session.scalars(
        select(ContactDelivery.id)
        .where(ContactDelivery.delivered_at.is_(None), ContactDelivery.next_attempt_at <= now)
        .order_by(ContactDelivery.next_attempt_at, ContactDelivery.id).limit(BATCH)).all()
    db.session.rollback()
    return sum(1 for delivery_id in ids if _try(delivery_id))


def _claim(delivery_id: int) -> bool:
    """Take the row for this worker, unless it is delivered or another worker holds it."""
    now = utcnow()
    table = ContactDelivery.__table__
    with db.engine.begin() as connection:
        taken = connection.execute(
            update(table).where(
                table.c.id == delivery_id, table.c.delivered_at.is_(None),
                or_(table.c.claimed_until.is_(None), table.c.claimed_until < now))
            .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS)))
        return taken.rowcount == 1


def _finish(delivery_id: int, error: str | None) -> None:
    table = ContactDelivery.__table__
    now = utcnow()
    with db.engine.begin() as connection:
        attempts = connection.execute(select(table.c.attempts).where(
            table.c.id == delivery_id)).scalar_one() + 1
        values = {"attempts": attempts, "claimed_until": None}
        if error is None:
            values.update(delivered_at=now, last_error=None)
        else:
            values.update(last_error=error[:500],
                          next_attempt_at=now + timedelta(seconds=backoff(attempts)))
        connection.execute(update(table).where(table.c.id == delivery_id).values(**values))


def _try(delivery_id: int) -> bool:
    """One try of one hand-over; whether it was delivered."""
    db.session.rollback()  # read the row as it is now, after the claim
    if not _claim(delivery_id):
        return False
    delivery = db.session.get(ContactDelivery, delivery_id)
    try:
        SENDERS[delivery.channel](delivery.request)
    except Exception as exc:  # any failure is a retry later, never a lost request
        current_app.logger.warning("contact request %s: %s hand-over failed: %s",
                                   delivery.request_id, delivery.channel, exc)
        error: str | None = f"{exc.__class__.__name__}: {exc}"
    else:
        error = None
    db.session.rollback()
    _finish(delivery_id, error)
    return error is None


def payload(request: ContactRequest) -> dict:
    return {"id": request.id, "email": request.email, "subject": request.subject,
            "description": request.description, "topic": request.topic,
            "suggested": [{"slug": s["slug"], "title": s["title"], "url": s["url"]}
                          for s in request.suggested or []],
            "created_at": request.created_at.isoformat()}


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-KB-Signature`` header value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is not a delivery: the receiver must answer 2xx itself."""

    def redirect_request(self, *args, **kwargs):
        return None


class WebhookError(Exception):
    pass


def _send_webhook(request: ContactRequest) -> None:
    config = current_app.config
    body = json.dumps(payload(request), separators=(",", ":"), ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "kb-contact-webhook",
               "X-KB-Request-Id": str(request.id),
               "X-KB-Signature": signature(str(config.get("REQUEST_WEBHOOK_SECRET") or ""),
                                           int(time.time()), body)}
    outgoing = urllib.request.Request(str(config["REQUEST_WEBHOOK_URL"]), data=body,
                                      headers=headers, method="POST")
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        timeout = float(config.get("REQUEST_WEBHOOK_TIMEOUT") or 3)
        with opener.open(outgoing, timeout=timeout) as answer:
            status = answer.status
    except urllib.error.HTTPError as exc:
        raise WebhookError(f"the receiver answered {exc.code}") from None
    if not 200 <= status < 300:
        raise WebhookError(f"the receiver answered {status}")


def _sender() -> str:
    config = current_app.config
    return str(config.get("MAIL_FROM") or config["SUPPORT_EMAIL"])


def _send_to_support(request: ContactRequest) -> None:
    shown = request.suggested or []
    lines = [f"Request #{request.id} from {request.email}",
             f"Topic: {request.topic or 'something else'}",
             f"Sent: {request.created_at:%Y-%m-%d %H:%M} UTC", "",
             f"Subject: {request.subject}", "", request.description, "",
             "Articles the person was shown before sending:" if shown
             else "No article was suggested to the person."]
    lines += [f"- {s['title']}: {s['url']}" for s in shown]
    if request.attachments:
        lines += ["", f"Attached images ({len(request.attachments)}): see the request in kb."]
    mail.send(str(current_app.config["SUPPORT_EMAIL"]),
              f"[Request #{request.id}] {request.subject}",
              "\n".join(lines) + "\n", sender=_sender(), reply_to=request.email)


def _send_confirmation(request: ContactRequest) -> None:
    """The person's receipt, in the language of the page they wrote from (a retry from the
    job, outside any request, still knows it from the stored request)."""
    with force_locale(locales.babel_name(request.locale or locales.default())):
        body = (_("We received your request #%(id)s, “%(subject)s”, and will answer at this "
                  "address.", id=request.id, subject=request.subject)
                + "\n\n" + _("What you wrote:") + f"\n\n{request.description}\n")
        subject = _("We received your request: %(subject)s", subject=request.subject)
    mail.send(request.email, subject, body, sender=_sender())


SENDERS = {WEBHOOK: _send_webhook, SUPPORT_EMAIL: _send_to_support,
           CONFIRMATION_EMAIL: _send_confirmation}
