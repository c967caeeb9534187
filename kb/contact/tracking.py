"""Form sessions: how often the help center answers before anyone has to ask.

The form page carries a random key (no personal data). The first keystroke sends a ``start``
beacon that creates the session row; the articles suggested beside the form link through
``/contact/open/<token>``, a signed token naming the session and the article, which records
the opening before redirecting; a stored request marks its session submitted. A session that
opened a suggestion and sent nothing within ``KB_CONTACT_DEFLECTION_MINUTES`` of its last
opening counts as deflected (:mod:`kb.insights.contact` decides that when it reports, so a
person who comes back and sends the request after all is counted as sent, not deflected).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kb import locales, permissions
from kb.database import transaction
from kb.errors import NotFoundError, ValidationError
from kb.extensions import db
from kb.models import Category, ContactFormSession, ContactSuggestionOpen
from kb.models.types import utcnow
from kb.search import service as search_service
from kb.search import suggesting

#: A session key: what ``secrets.token_urlsafe`` makes, and what the search log takes as a
#: burst id (the form's suggestions are one search per session there).
_KEY = re.compile(r"^[A-Za-z0-9_-]{8,40}\Z")
#: Articles shown beside the form.
SUGGESTIONS = 5
#: The longest text sent for suggestions; the engine reads only its opening anyway.
MAX_TEXT = 5_000


def new_key() -> str:
    return secrets.token_urlsafe(18)


def check_key(key: str | None, field: str = "form_session") -> str:
    """:raises ValidationError: not a key this site would have made."""
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValidationError("the form session is not valid; reload the form", field=field)
    return key


def topics() -> list[tuple[str, str]]:
    """(slug, title) of every help-center category: what a request can be about."""
    return [(slug, title) for slug, title in db.session.execute(
        select(Category.slug, Category.title).order_by(Category.position, Category.title))]


def check_topic(topic: str | None) -> str:
    """A category slug, or "" for "something else".

    :raises ValidationError: a topic that is not one of the categories.
    """
    topic = (topic or "").strip()
    if topic and topic not in {slug for slug, _ in topics()}:
        raise ValidationError("choose a topic from the list", field="topic")
    return topic


def start(key: str, topic: str = "") -> None:
    """The person began typing: the session exists from now on (once, however often asked).
    A topic that is no category (a stale page, a script) is noted as none: a beacon is no
    request, and refusing it would only lose the count.

    :raises ValidationError: not a form session key.
    """
    known = {slug for slug, _ in topics()}
    _touch(check_key(key), topic if isinstance(topic, str) and topic in known else "")


def _touch(key: str, topic: str, **changes) -> None:
    """Create the session or update it, in a transaction of its own; a session created by a
    concurrent request at the same moment is updated instead."""
    for _ in range(2):
        try:
            with transaction():
                found = db.session.scalar(select(ContactFormSession).where(
                    ContactFormSession.key == key))
                if found is None:
                    found = ContactFormSession(key=key, topic=topic, started_at=utcnow())
                    db.session.add(found)
                elif topic:
                    found.topic = topic
                for name, value in changes.items():
                    setattr(found, name, value)
            return
        except IntegrityError:
            continue


def suggestions(subject: str, description: str, key: str | None = None,
                limit: int = SUGGESTIONS, locale: str | None = None) -> list[search_service.Result]:
    """The published public articles that best answer what the person typed, by the agents'
    suggest engine (one search per form session in the search log); with ``locale`` (the form
    page's), read in its language and answered in it, or in the default locale's.

    :raises ValidationError: text that is not text, or too long.
    :raises SearchUnavailableError: the index cannot answer.
    """
    from kb.validation import text as checked

    locale = locales.check(locale) if locale is not None else None
    words = "\n".join(part for part in (checked(subject, "subject", max_length=MAX_TEXT),
                                        checked(description, "description", max_length=MAX_TEXT))
                      if part.strip())
    if not words.strip():
        return []
    found = suggesting.suggest(permissions.contact_form_reader(), words, limit=limit,
                               burst=key, surface="contact", locale=locale)
    return [r for r in found.results if r.hit.kind == "article"]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="kb-contact-open")


def open_token(key: str, document_id: int) -> str:
    """The signed token of "session ``key`` opened suggested article ``document_id``"."""
    return _serializer().dumps([key, document_id])


@dataclass(frozen=True)
class Opened:
    key: str
    document_id: int


def read_open_token(token: str) -> Opened:
    """:raises NotFoundError: a token this site did not sign."""
    try:
        key, document_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise NotFoundError("no such suggestion") from None
    if not (isinstance(key, str) and _KEY.match(key) and isinstance(document_id, int)):
        raise NotFoundError("no such suggestion")
    return Opened(key, document_id)


def record_open(opened: Opened) -> None:
    """Note that the session opened a suggested article (once the caller checked the reader
    may read it)."""
    now = utcnow()
    _touch(opened.key, "", opened_at=now, opened_document_id=opened.document_id)
    with transaction():
        db.session.add(ContactSuggestionOpen(session_key=opened.key,
                                             document_id=opened.document_id, created_at=now))
