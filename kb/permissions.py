"""The one place that decides who may see and do what.

Views, the API, templates (given booleans), search and its indexer all ask here; nothing else
compares roles or visibilities. In this module: who sees a document (:func:`visible`), what
lists it (:func:`visible_documents`, the sitemap's :func:`sitemap_articles`), that macros are
internal (:func:`effective_visibility`), which review action each role may take in which state
(:data:`ACTION_ROLES`, :data:`TRANSITIONS`, :func:`allowed_actions`) and self-approval
(:func:`may_approve`).
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import Select, and_, or_, select

from kb.errors import (AuthenticationRequiredError, InvalidTransitionError, NotFoundError,
                       PermissionDeniedError)
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


#: Who reads the insights reports (searches, articles, macros, content health) and may mark a
#: reader's comment handled.
INSIGHTS_ROLE = Role.EDITOR


def require_insights_reader(actor: Actor) -> User:
    """:raises AuthenticationRequiredError, PermissionDeniedError: below :data:`INSIGHTS_ROLE`."""
    return require_role(actor, INSIGHTS_ROLE)


def visible(actor: Actor, document: Document) -> bool:
    """Whether the document exists at all for this actor (any revision of it)."""
    if document.owner_id is not None:
        return actor is not None and actor.id == document.owner_id
    if is_staff(actor):
        return True
    return readable_published(actor, document) is not None


#: The name most callers know :func:`visible` by.
may_see_document = visible


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
    if not visible(actor, document):
        raise NotFoundError(f"no {document.kind} with id {document.id}")
    if is_staff(actor):
        return document.latest  # type: ignore[return-value]
    return readable_published(actor, document)  # type: ignore[return-value]


def require_document_editor(actor: Actor, document: Document) -> User:
    """Agents and up may edit shared documents; personal macros only their owner.

    Whether the document exists for the actor is asked first, so a hidden document answers
    the same 404 as a missing one, for anonymous callers too (not a telling 401).
    """
    if not visible(actor, document):
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


def effective_visibility(kind: str, visibility: str) -> str:
    """Macros are for staff only, whatever the input says."""
    return visibility if kind == ARTICLE else "internal"


def sitemap_articles() -> Select:
    """What the sitemap lists: every published, public, shared article (``(Document,
    Revision)`` rows, the published revision)."""
    return (
        select(Document, Revision)
        .join(Revision, Revision.id == Document.published_revision_id)
        .where(Document.kind == ARTICLE, Document.owner_id.is_(None), Revision.visibility == "public")
    )


# -- the review workflow: which role may take which action, in which state ------------------

DRAFT = "draft"
IN_REVIEW = "in_review"
CHANGES_REQUESTED = "changes_requested"
APPROVED = "approved"
PUBLISHED = "published"
ARCHIVED = "archived"
STATES = (DRAFT, IN_REVIEW, CHANGES_REQUESTED, APPROVED, PUBLISHED, ARCHIVED)

SUBMIT = "submit"
REQUEST_CHANGES = "request_changes"
APPROVE = "approve"
PUBLISH = "publish"
ARCHIVE = "archive"

#: The least role each action needs.
ACTION_ROLES: dict[str, Role] = {
    SUBMIT: Role.AGENT,
    REQUEST_CHANGES: Role.REVIEWER,
    APPROVE: Role.REVIEWER,
    PUBLISH: Role.REVIEWER,
    ARCHIVE: Role.REVIEWER,
}

#: (state of the latest revision, action) -> state it moves to.
TRANSITIONS: dict[tuple[str, str], str] = {
    (DRAFT, SUBMIT): IN_REVIEW,
    (CHANGES_REQUESTED, SUBMIT): IN_REVIEW,
    (IN_REVIEW, REQUEST_CHANGES): CHANGES_REQUESTED,
    (APPROVED, REQUEST_CHANGES): CHANGES_REQUESTED,
    (IN_REVIEW, APPROVE): APPROVED,
    (APPROVED, PUBLISH): PUBLISHED,
    **{(state, ARCHIVE): ARCHIVED for state in STATES if state != ARCHIVED},
}

ACTIONS = tuple(ACTION_ROLES)


def may_take(actor: Actor, action: str) -> bool:
    """Whether the actor's role may ever take ``action`` (in some state)."""
    role = role_of(actor)
    return role is not None and action in ACTION_ROLES and role >= ACTION_ROLES[action]


def action_target(state: str, action: str, role: Role) -> str:
    """The state ``action`` moves a revision in ``state`` to, when ``role`` may take it.

    The role is checked first: someone who may never take an action learns that (403) before
    learning whether the state would allow it (409).

    :raises PermissionDeniedError: the role may not take this action at all.
    :raises InvalidTransitionError: the action does not apply in this state.
    """
    if action not in ACTION_ROLES:
        raise InvalidTransitionError(f"unknown action {action!r}")
    needed = ACTION_ROLES[action]
    if role < needed:
        raise PermissionDeniedError(
            f"{action.replace('_', ' ')} needs the {needed.label} role; you are {role.label}"
        )
    target = TRANSITIONS.get((state, action))
    if target is None:
        raise InvalidTransitionError(
            f"cannot {action.replace('_', ' ')} a revision that is {state.replace('_', ' ')}",
            state=state,
        )
    return target


def may_approve(actor: User, revision: Revision, self_approval_allowed: bool) -> bool:
    """Nobody approves their own revision unless an admin allows it (and they are a reviewer)."""
    return revision.author_id != actor.id or may_approve_own(actor, self_approval_allowed)


def allowed_actions(actor: Actor, document: Document, *, self_approval_allowed: bool) -> list[str]:
    """The review actions the actor may take on the document's latest revision now: what their
    role may do in its state, without approving their own revision unless that is allowed.
    Personal macros are never reviewed."""
    role, latest = role_of(actor), document.latest
    if role is None or latest is None or document.owner_id is not None:
        return []
    actions = [a for a in ACTIONS if (latest.state, a) in TRANSITIONS and role >= ACTION_ROLES[a]]
    if APPROVE in actions and not may_approve(actor, latest, self_approval_allowed):
        actions.remove(APPROVE)
    return actions


def approval_blocked_as_own(actor: User, document: Document, *, self_approval_allowed: bool) -> bool:
    """Whether the one thing keeping the actor from approving is that the revision is theirs
    (the review screen says so)."""
    latest = document.latest
    return (latest is not None and latest.state == IN_REVIEW and may_take(actor, APPROVE)
            and not may_approve(actor, latest, self_approval_allowed))


def forbid(message: str) -> PermissionDeniedError:
    return PermissionDeniedError(message)
