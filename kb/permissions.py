"""The one place that decides who may see and do what.

Views, the API and search all ask here; nothing else compares roles or visibilities.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import Select, and_, or_, select

from kb.errors import AuthenticationRequiredError, NotFoundError, PermissionDeniedError
from kb.models import Document, Revision, Role, User
from kb.models.content import ARTICLE, MACRO

Actor = Optional[User]


def role_of(actor: Actor) -> Role | None:
    return actor.role if actor is not None and actor.is_active else None


def require_role(actor: Actor, role: Role) -> User:
    """Return the actor when they hold ``role`` or more.

    :raises AuthenticationRequiredError: nobody is signed in.
    :raises PermissionDeniedError: the actor's role is too low.
    """
    current = role_of(actor)
    if current is None:
        raise AuthenticationRequiredError("sign in or send an API token first")
    if current < role:
        raise PermissionDeniedError(f"this needs the {role.label} role; you are {current.label}")
    return actor  # type: ignore[return-value]


def is_staff(actor: Actor) -> bool:
    """Agents and up: they see internal articles, macros and work in progress."""
    return role_of(actor) is not None


def may_see_document(actor: Actor, document: Document) -> bool:
    """Whether the document exists at all for this actor (any revision of it)."""
    if document.owner_id is not None:
        return actor is not None and actor.id == document.owner_id
    if is_staff(actor):
        return True
    return readable_published(actor, document) is not None


def readable_published(actor: Actor, document: Document) -> Revision | None:
    """The published revision the actor may read, or None."""
    revision = document.published
    if revision is None:
        return None
    if may_read_published(actor, document.kind, document.owner_id, revision.visibility):
        return revision
    return None


def may_read_published(actor: Actor, kind: str, owner_id: int | None, visibility: str) -> bool:
    """Whether the actor may read a published revision, from the facts that decide it (for
    callers that read just those columns, as search does for every hit)."""
    if owner_id is not None:
        return actor is not None and actor.id == owner_id
    if is_staff(actor):
        return True
    return kind == ARTICLE and visibility == "public"


def visible_revision(actor: Actor, document: Document) -> Revision:
    """What a reader gets: staff see the latest revision, everyone else the published one.

    :raises NotFoundError: the actor may not see this document at all (the same answer as a
        missing one, so nothing leaks).
    """
    if not may_see_document(actor, document):
        raise NotFoundError(f"no {document.kind} with id {document.id}")
    if is_staff(actor):
        return document.latest  # type: ignore[return-value]
    return readable_published(actor, document)  # type: ignore[return-value]


def require_document_editor(actor: Actor, document: Document) -> User:
    """Agents and up may edit shared documents; personal macros only their owner.

    Whether the document exists for the actor is asked first, so a hidden document answers
    the same 404 as a missing one, for anonymous callers too (not a telling 401).
    """
    if not may_see_document(actor, document):
        raise NotFoundError(f"no {document.kind} with id {document.id}")
    return require_role(actor, Role.AGENT)


def visible_documents(actor: Actor, kind: str) -> Select:
    """A query for the documents of ``kind`` the actor may list."""
    query = select(Document).where(Document.kind == kind)
    if is_staff(actor):
        return query.where(or_(Document.owner_id.is_(None), Document.owner_id == actor.id))
    if kind == MACRO:
        return query.where(False)
    return (
        query.join(Revision, Revision.id == Document.published_revision_id)
        .where(and_(Document.owner_id.is_(None), Revision.visibility == "public"))
    )


def search_scope_parts(actor: Actor) -> tuple[frozenset[str], frozenset[str], int | None]:
    """(kinds, visibilities, user id) the search index may answer for this actor."""
    if is_staff(actor):
        return frozenset({ARTICLE, MACRO}), frozenset({"public", "internal"}), actor.id
    return frozenset({ARTICLE}), frozenset({"public"}), None


def may_approve_own(actor: User, allow_self_approval: bool) -> bool:
    """Whether a reviewer may approve a revision they wrote: only where an admin allows it."""
    return allow_self_approval and actor.role >= Role.REVIEWER


def forbid(message: str) -> PermissionDeniedError:
    return PermissionDeniedError(message)
