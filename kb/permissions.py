"""The one place that decides who may see and do what.

Views, the API, templates (given booleans), search and its indexer all ask here; nothing else
compares roles or visibilities. In this module: who sees a document (:func:`visible`), what
lists it (:func:`visible_documents`, the sitemap's :func:`sitemap_articles`), who sees an
uploaded image (:func:`may_see_media`, :func:`public_media_uses`), that macros are
internal (:func:`effective_visibility`), who manages accounts and settings (and that an
active admin always remains, :func:`check_admin_change`), which review action each role may take in which state
(:data:`ACTION_ROLES`, :data:`TRANSITIONS`, :func:`allowed_actions`) and self-approval
(:func:`may_approve`).
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import Select, and_, or_, select

from kb.errors import (AuthenticationRequiredError, ConflictError, InvalidTransitionError,
                       NotFoundError, PermissionDeniedError)
from kb.models import Document, MediaUse, Revision, Role, User
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


def require_synonym_editor(actor: Actor) -> User:
    """Editors and up keep the search synonym list: it changes what every search finds.

    :raises AuthenticationRequiredError: nobody is signed in.
    :raises PermissionDeniedError: an agent.
    """
    return require_role(actor, Role.EDITOR)


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


def may_edit(actor: Actor, document: Document) -> bool:
    """Whether pages offer this actor an Edit link for the document: the rule of
    :func:`require_document_editor`, asked without raising."""
    role = role_of(actor)
    return role is not None and role >= Role.AGENT and visible(actor, document)


def sees_unattended_drafts(actor: Actor) -> bool:
    """Editors and up are shown the drafts nobody is working on, to take them over."""
    role = role_of(actor)
    return role is not None and role >= Role.EDITOR
def require_content_list(actor: Actor) -> User:
    """The staff content list and its bulk actions are for editors and up (agents work in the
    macro library); each bulk step is then checked again by its own use case.

    :raises PermissionDeniedError: the actor is an agent.
    """
    return require_role(actor, Role.EDITOR)


def managed_in_content_list(document: Document) -> bool:
    """Shared documents only: a personal macro belongs to its owner and skips review."""
    return document.owner_id is None


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


# -- accounts and settings ---------------------------------------------------------------------

def may_manage_users(actor: Actor) -> bool:
    """Admins list, invite, re-role, deactivate and reactivate accounts."""
    return role_of(actor) == Role.ADMIN


def may_change_settings(actor: Actor) -> bool:
    """Admins flip the switches that belong to the database (:mod:`kb.settings`)."""
    return role_of(actor) == Role.ADMIN


def require_user_manager(actor: Actor) -> User:
    """:raises AuthenticationRequiredError, PermissionDeniedError: not an admin."""
    return require_role(actor, Role.ADMIN)


def require_settings_changer(actor: Actor) -> User:
    """:raises AuthenticationRequiredError, PermissionDeniedError: may not change settings."""
    user = require_role(actor, Role.AGENT)
    if not may_change_settings(user):
        raise PermissionDeniedError("only admins change settings")
    return user


def check_admin_change(target: User, role: Role, active: bool, other_active_admins: int) -> None:
    """Some active admin must remain: the last one can be neither demoted nor deactivated
    (by themselves, the only one who could).

    :raises ConflictError: the change would leave no active admin.
    """
    was_admin = target.active and target.role == Role.ADMIN
    stays_admin = active and role == Role.ADMIN
    if was_admin and not stays_admin and other_active_admins == 0:
        what = "deactivate" if not active else "demote"
        raise ConflictError(f"you cannot {what} the last active admin; make someone else an admin first",
                            field="active" if not active else "role")
def may_pin_answers(actor: Actor) -> bool:
    """Editors and up pin an article to the top of a query's results; agents only search."""
    role = role_of(actor)
    return role is not None and role >= Role.EDITOR


def require_pinner(actor: Actor) -> User:
    """:raises AuthenticationRequiredError, PermissionDeniedError: not an editor or up."""
    return require_role(actor, Role.EDITOR)


def pinnable(kind: str, owner_id: int | None) -> bool:
    """Only shared articles can be promoted answers (a macro or a personal document never is)."""
    return kind == ARTICLE and owner_id is None


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


def public_media_uses(sha256: str) -> Select:
    """Uses of an image that make it public: by the published revision of a shared, public
    article. One indexed lookup (``media_uses`` is written as revisions are), so serving an
    image never reads article bodies."""
    return (
        select(MediaUse.id)
        .join(Document, Document.published_revision_id == MediaUse.revision_id)
        .join(Revision, Revision.id == MediaUse.revision_id)
        .where(MediaUse.sha256 == sha256, Document.kind == ARTICLE, Document.owner_id.is_(None),
               Revision.visibility == "public")
        .limit(1)
    )


def may_see_media(actor: Actor, public: bool) -> bool:
    """Anyone sees an image a public article shows; staff see every uploaded image (the
    editor previews a draft's screenshots before anything is published)."""
    return public or is_staff(actor)


def may_upload_media(actor: Actor) -> User:
    """Agents and up upload images (they write personal macros, which skip review).

    :raises AuthenticationRequiredError, PermissionDeniedError: as :func:`require_role`.
    """
    return require_role(actor, Role.AGENT)


# -- contact requests --------------------------------------------------------------------------

#: Agents and up read contact requests and their hand-over state: they answer them.
CONTACT_REQUESTS_ROLE = Role.AGENT


def require_request_reader(actor: Actor) -> User:
    """:raises AuthenticationRequiredError, PermissionDeniedError: below an agent."""
    return require_role(actor, CONTACT_REQUESTS_ROLE)


def contact_form_reader() -> Actor:
    """Whom the public request form suggests articles for: nobody signed in, whoever types,
    so it only ever offers published public articles (staff trying the form see what readers see)."""
    return None


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


def restore_archived_check(actor: User, document: Document) -> None:
    """Taking a document out of the archive undoes an archive, so it needs the archive
    action's role, on a shared document whose latest revision is archived.

    :raises PermissionDeniedError: the role may not archive (checked first, as for actions).
    :raises InvalidTransitionError: the document is not archived, or is a personal macro.
    """
    needed = ACTION_ROLES[ARCHIVE]
    if actor.role < needed:
        raise PermissionDeniedError(f"restoring from the archive needs the {needed.label} role; "
                                    f"you are {actor.role.label}")
    latest = document.latest
    if document.owner_id is not None or latest is None or latest.state != ARCHIVED:
        state = latest.state.replace("_", " ") if latest is not None else "empty"
        raise InvalidTransitionError(f"only an archived document can be restored from the archive; "
                                     f"this one is {state}", state=state)


def may_restore_archived(actor: Actor, document: Document) -> bool:
    """Whether the review screen offers "Restore from archive"."""
    if role_of(actor) is None:
        return False
    try:
        restore_archived_check(actor, document)  # type: ignore[arg-type]
    except (PermissionDeniedError, InvalidTransitionError):
        return False
    return True


def forbid(message: str) -> PermissionDeniedError:
    return PermissionDeniedError(message)
