"""The review workflow's steps: (state, action) -> new state, checked before anything changes.

The rules themselves (which role may take which action in which state, self-approval) live in
:mod:`kb.permissions`; the names are repeated here for the workflow's callers.

No Flask and no database here: services consult :func:`check` before they change anything,
so every surface (API, pages, CLI) obeys the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.models.users import Role
from kb.permissions import (ACTION_ROLES, ACTIONS, APPROVE, APPROVED, ARCHIVE, ARCHIVED,
                            CHANGES_REQUESTED, DRAFT, IN_REVIEW, PUBLISH, PUBLISHED, REQUEST_CHANGES,
                            STATES, SUBMIT, TRANSITIONS, action_target)

__all__ = ["ACTION_ROLES", "ACTIONS", "APPROVE", "APPROVED", "ARCHIVE", "ARCHIVED", "CHANGES_REQUESTED",
           "DRAFT", "IN_REVIEW", "PUBLISH", "PUBLISHED", "REQUEST_CHANGES", "STATES", "SUBMIT",
           "TRANSITIONS", "Transition", "allowed_actions", "check"]


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str


def allowed_actions(state: str, role: Role) -> list[str]:
    """Actions a person with ``role`` may take on a revision in ``state``, for the screens."""
    return [a for a in ACTIONS if (state, a) in TRANSITIONS and role >= ACTION_ROLES[a]]


def check(state: str, action: str, role: Role) -> Transition:
    """Decide whether ``role`` may take ``action`` on a revision in ``state``
    (see :func:`kb.permissions.action_target`).

    :raises PermissionDeniedError: the role may not take this action at all.
    :raises InvalidTransitionError: the action does not apply in this state.
    """
    return Transition(action, state, action_target(state, action, role))
