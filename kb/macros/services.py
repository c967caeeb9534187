"""Use cases of the agent workspace: filling a macro for a ticket, counting uses, favourites."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Mapping

from sqlalchemy import delete, select, update

from kb import permissions, tallies, validation
from kb.content import queries
from kb.records import audit, index_event
from kb.content.render_budget import RenderRefusedError
from kb.content.services import lock_document
from kb.database import transaction
from kb.errors import NotFoundError
from kb.extensions import db
from kb.macros import fill_templates, placeholders, plaintext
from kb.models import (Document, Favourite, MacroUse, MacroUseDaily, MacroUseMonthly, Revision,
                       Role, User)
from kb.models.activity import TICKET_TERMS_DAYS
from kb.models.types import utcnow
from kb.models.content import MACRO


@dataclass(frozen=True)
class RenderedMacro:
    #: Plain text for plain-text channels: no Markdown syntax (see :mod:`kb.macros.plaintext`).
    text: str
    html: str
    missing: list[str]
    #: The filled Markdown source.
    markdown: str = ""
    #: The macro's use count after this render (unchanged by a preview).
    use_count: int = 0


def render_for_ticket(actor: User | None, document_id: int, values: Mapping[str, Any],
                      base_url: str | None = None, ticket_terms: str | None = None) -> RenderedMacro:
    """Fill a published macro with a ticket's values and count the use.

    ``agent.name`` and ``agent.email`` default to the signed-in agent's own. Site-relative links
    in the plain text are made absolute on ``base_url``: a customer cannot follow ``/help/…``.

    :raises NotFoundError: no such macro visible to the actor.
    ``ticket_terms`` are the key terms of the ticket the reply answers (never its text), kept
    with the use for suggest's past uses.

    :raises ValidationError: values that cannot be used (too long).
    """
    user, document, filled = _fill(actor, document_id, values, base_url)
    record_use(user, document, ticket_terms)
    count = db.session.scalar(select(Document.use_count).where(Document.id == document.id))
    return dataclasses.replace(filled, use_count=count or 0)


def preview_for_ticket(actor: User | None, document_id: int, values: Mapping[str, Any],
                       base_url: str | None = None) -> RenderedMacro:
    """Fill a macro like :func:`render_for_ticket` without counting a use.

    The macro page previews on every keystroke; only the copy that goes into a ticket is a use.
    """
    _, document, filled = _fill(actor, document_id, values, base_url)
    return dataclasses.replace(filled, use_count=document.use_count)


def _fill(actor: User | None, document_id: int, values: Mapping[str, Any],
          base_url: str | None) -> tuple[User, Document, RenderedMacro]:
    user = permissions.require_role(actor, Role.AGENT)
    validation.values(values, "values")
    document = queries.get_document(MACRO, document_id)
    revision = permissions.readable_published(user, document)
    if revision is None:
        raise NotFoundError(f"no published macro with id {document_id}")
    merged = {"agent.name": user.name, "agent.email": user.email, **placeholders.flatten(values)}
    text = placeholders.fill_text(revision.body, merged)
    html = fill_templates.fill(revision.body, fill_template(revision), merged)
    plain = plaintext.to_text(html.text, base_url)
    return user, document, RenderedMacro(plain, html.text, text.missing, markdown=text.text)


def fill_template(revision: Revision) -> fill_templates.FillTemplate:
    """The revision's stored fill template, built and stored the first time for revisions
    saved before templates existed.

    A body the renderer refuses is remembered as refused, so each later view refuses at once
    instead of spending the render budget again.

    :raises RenderRefusedError: the body cannot be rendered within the budget.
    """
    if revision.fill_marker == fill_templates.REFUSED:
        raise RenderRefusedError(revision.fill_template or "this macro cannot be rendered")
    if revision.fill_marker and revision.fill_template is not None:
        return fill_templates.FillTemplate(revision.fill_marker, revision.fill_template)
    try:
        template = fill_templates.build(revision.body)
    except RenderRefusedError as error:
        _store_template(revision.id, fill_templates.REFUSED, error.message)
        raise
    _store_template(revision.id, template.marker, template.html)
    return template


def _store_template(revision_id: int, marker: str, html: str) -> None:
    with transaction():
        db.session.execute(update(Revision).where(Revision.id == revision_id)
                           .values(fill_marker=marker, fill_template=html))


def record_use(user: User, document: Document, ticket_terms: str | None = None) -> None:
    """One more use: an atomic increment, so concurrent copies never lose a count. Uses older
    than ``TICKET_TERMS_DAYS`` lose their ticket's terms here, so none are kept longer."""
    with transaction():
        db.session.execute(
            update(Document).where(Document.id == document.id).values(use_count=Document.use_count + 1)
        )
        now = utcnow()
        db.session.add(MacroUse(document_id=document.id, user_id=user.id, ticket_terms=ticket_terms,
                                created_at=now))
        tallies.add(db.session.connection(), MacroUseDaily.__table__, MacroUseMonthly.__table__,
                    [{"day": now.date(), "document_id": document.id, "uses": 1}])
        if ticket_terms:
            expired = utcnow() - timedelta(days=TICKET_TERMS_DAYS)
            db.session.execute(update(MacroUse).where(
                MacroUse.ticket_terms.is_not(None), MacroUse.created_at < expired).values(ticket_terms=None))


def set_favourite(actor: User | None, document_id: int, favourite: bool) -> None:
    """Star or unstar a macro for the actor; doing it twice changes nothing."""
    user = permissions.require_role(actor, Role.AGENT)
    document = queries.get_document(MACRO, document_id)
    if not permissions.may_see_document(user, document):
        raise NotFoundError(f"no macro with id {document_id}")
    with transaction():
        db.session.execute(delete(Favourite).where(Favourite.user_id == user.id,
                                                   Favourite.document_id == document.id))
        if favourite:
            db.session.add(Favourite(user_id=user.id, document_id=document.id))


def is_favourite(user: User, document: Document) -> bool:
    return db.session.scalar(select(Favourite.id).where(
        Favourite.user_id == user.id, Favourite.document_id == document.id)) is not None


def favourites(user: User) -> list[Document]:
    return list(db.session.execute(
        select(Document).join(Favourite, Favourite.document_id == Document.id)
        .where(Favourite.user_id == user.id, Document.published_revision_id.is_not(None))
        .order_by(Favourite.created_at.desc())
    ).unique().scalars())


def recently_used(user: User, limit: int = 8) -> list[Document]:
    recent = db.session.execute(
        select(MacroUse.document_id).where(MacroUse.user_id == user.id)
        .order_by(MacroUse.id.desc()).limit(limit * 5)
    ).scalars().all()
    ordered = list(dict.fromkeys(recent))[:limit]
    if not ordered:
        return []
    found = {d.id: d for d in db.session.execute(
        select(Document).where(Document.id.in_(ordered), Document.published_revision_id.is_not(None))
    ).unique().scalars()}
    return [found[i] for i in ordered if i in found]


def delete_personal(actor: User | None, document_id: int) -> None:
    """Take one of the actor's personal macros out of use, everywhere at once.

    Like archiving a shared document, it keeps its revisions (the audit log points at them);
    it just stops being live, so the library, search, favourites and the API lose it.

    :raises NotFoundError: not a live personal macro of the actor's (someone else's looks the same).
    """
    user = permissions.require_role(actor, Role.AGENT)
    with transaction():
        document = lock_document(MACRO, document_id)
        if document.owner_id != user.id or document.published is None:
            raise NotFoundError(f"no personal macro of yours with id {document_id}")
        document.latest.state = "archived"
        document.published = None
        document.updated_at = utcnow()
        index_event(document)
        audit(user, "delete", document, document.latest)
