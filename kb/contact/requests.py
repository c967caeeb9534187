"""Storing a contact request, before any hand-over, and reading requests back for staff.

A request is plain text: HTML markup is refused (a person's message is shown to agents, mailed
and posted to other tools; none of them should have to guess whether it is markup), and every
page renders it escaped. Attached images go through the same checks and re-encoding as an
editor's upload (:mod:`kb.media`) and are kept staff-only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from kb import locales, permissions, validation
from kb.contact import handover, tracking
from kb.database import transaction
from kb.errors import NotFoundError, SearchUnavailableError, ValidationError
from kb.extensions import db
from kb.media import store as media_store
from kb.models import ContactFormSession, ContactRequest
from kb.models.types import utcnow

MAX_EMAIL = 254
MAX_SUBJECT = 200
MAX_DESCRIPTION = 5_000
MAX_ATTACHMENTS = 3
#: Each attached image, at most; the whole form stays under the site's 2 MiB body limit.
MAX_ATTACHMENT_BYTES = 600 * 1024
PAGE_SIZE = 50

_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+\Z")
#: What a browser would read as a tag or a comment: ``<b>``, ``</p>``, ``<!--``, ``<a href=…>``.
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][^<>]*>|<!--")


@dataclass
class RequestInput:
    """What the form sent, as text; ``attachments`` are the files' bytes."""

    email: str
    subject: str
    description: str
    topic: str = ""
    form_session: str | None = None
    attachments: list[bytes] = field(default_factory=list)
    #: The form page's locale: the articles kept with the request are the ones shown, in it.
    locale: str | None = None


def _plain(value: str, name: str, *, max_length: int, multiline: bool) -> str:
    value = validation.text(value, name, required=True, max_length=max_length,
                            multiline=multiline).strip()
    if _MARKUP.search(value):
        raise ValidationError(f"{name} must be plain text: HTML tags are not accepted",
                              field=name)
    return value


def check(data: RequestInput) -> RequestInput:
    """The request's fields, trimmed and checked.

    :raises ValidationError: naming the first field that cannot be taken.
    """
    email = validation.text(data.email, "email", required=True, max_length=MAX_EMAIL,
                            multiline=False).strip()
    if not _EMAIL.match(email):
        raise ValidationError("email must be an address like name@example.com", field="email")
    if len(data.attachments) > MAX_ATTACHMENTS:
        raise ValidationError(f"attach at most {MAX_ATTACHMENTS} images", field="attachments")
    key = data.form_session or None
    return RequestInput(
        email=email,
        subject=_plain(data.subject, "subject", max_length=MAX_SUBJECT, multiline=False),
        description=_plain(data.description, "description", max_length=MAX_DESCRIPTION,
                           multiline=True),
        topic=tracking.check_topic(data.topic),
        form_session=tracking.check_key(key) if key else tracking.new_key(),
        attachments=data.attachments, locale=data.locale)


def submit(data: RequestInput, article_url) -> ContactRequest:
    """Store a request and its hand-overs, in one transaction, before anything is sent.

    :param article_url: ``document -> absolute URL`` of an article, for the suggestions kept with
        the request (the agent's e-mail and the webhook link to them).
    :raises ValidationError: a field that cannot be taken.
    :raises UnsupportedMediaError, MediaTooLargeError (:mod:`kb.media.images`): an
        attachment that is not an accepted image, or too big.
    """
    data = check(data)
    kept = [media_store.keep_attachment(blob, MAX_ATTACHMENT_BYTES) for blob in data.attachments]
    try:
        shown = tracking.suggestions(data.subject, data.description, data.form_session,
                                     locale=data.locale)
    except SearchUnavailableError:  # the request matters more than the list beside it
        current_app.logger.warning("no suggestions kept with a contact request: index down")
        shown = []
    now = utcnow()
    with transaction():
        request = ContactRequest(
            email=data.email, subject=data.subject, description=data.description,
            topic=data.topic, form_session=data.form_session, created_at=now,
            locale=locales.find(data.locale),
            suggested=[{"id": r.document.id, "slug": r.document.slug, "title": r.hit.title,
                        "url": article_url(r.document)} for r in shown],
            attachments=[{"sha256": m.sha256, "ext": m.ext} for m in kept])
        db.session.add(request)
        for channel in handover.channels():
            request.deliveries.append(handover.new_delivery(channel, now))
        session = db.session.scalar(select(ContactFormSession).where(
            ContactFormSession.key == data.form_session))
        if session is None:
            db.session.add(ContactFormSession(key=data.form_session, topic=data.topic,
                                              started_at=now, submitted_at=now))
        else:
            session.submitted_at = now
            session.topic = data.topic or session.topic
    return request


def listing(actor, page: int = 1) -> tuple[list[ContactRequest], int]:
    """A page of requests, newest first, and how many there are (agents and up)."""
    permissions.require_request_reader(actor)
    total = db.session.scalar(select(func.count()).select_from(ContactRequest)) or 0
    rows = db.session.scalars(
        select(ContactRequest).options(selectinload(ContactRequest.deliveries))
        .order_by(ContactRequest.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return list(rows), int(total)


def get(actor, request_id: int) -> ContactRequest:
    """:raises NotFoundError: no such request. :raises PermissionDeniedError: below an agent."""
    permissions.require_request_reader(actor)
    found = db.session.get(ContactRequest, request_id)
    if found is None:
        raise NotFoundError("no such request")
    return found


def state(request: ContactRequest) -> str:
    """``stored`` (nothing to hand over), ``delivered``, ``failing`` or ``pending``."""
    if not request.deliveries:
        return "stored"
    if all(d.delivered_at for d in request.deliveries):
        return "delivered"
    if any(d.last_error and not d.delivered_at for d in request.deliveries):
        return "failing"
    return "pending"

