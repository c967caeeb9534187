"""The review workflow as one pure table: (state, action) -> new state, and who may act.

No Flask and no database here: services consult :func:`check` before they change anything,
so every surface (API, pages, CLI) obeys the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.errors import InvalidTransitionError, PermissionDeniedError
from kb.models.users import Role

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


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str


def allowed_actions(state: str, role: Role) -> list[str]:
    """Actions a person with ``role`` may take on a revision in ``state``, for the screens."""
    return [a for a in ACTIONS if (state, a) in TRANSITIONS and role >= ACTION_ROLES[a]]


def check(state: str, action: str, role: Role) -> Transition:
    """Decide whether ``role`` may take ``action`` on a revision in ``state``.

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
    return Transition(action, state, target)
