"""Domain exceptions.

Services raise these; the web layer (pages and API) turns them into responses.
Nothing here knows about HTTP beyond the status code each error maps to.
"""

from __future__ import annotations


class KbError(Exception):
    """Base class for every error kb reports to a user."""

    #: HTTP status the web layer answers with.
    status = 400
    #: Stable machine-readable code, used in the API's error envelope.
    code = "bad_request"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ValidationError(KbError):
    """Input that cannot be accepted as it is."""

    code = "invalid"

    def __init__(self, message: str, field: str | None = None, **details: object) -> None:
        super().__init__(message, **details)
        self.field = field


class NotFoundError(KbError):
    status = 404
    code = "not_found"


class PermissionDeniedError(KbError):
    status = 403
    code = "forbidden"


class AuthenticationRequiredError(KbError):
    status = 401
    code = "unauthorized"


class ConflictError(KbError):
    status = 409
    code = "conflict"


class StaleRevisionError(ConflictError):
    """A save was based on a revision that is no longer the latest."""

    code = "stale_revision"

    def __init__(self, message: str, current_revision: int) -> None:
        super().__init__(message, current_revision=current_revision)
        self.current_revision = current_revision


class SlugTakenError(ConflictError):
    """Another document lives at the slug a revision asks for (at save or at publish time)."""

    code = "slug_taken"
    field = "slug"


class InvalidTransitionError(ConflictError):
    """The workflow does not allow this action in the document's current state."""

    code = "invalid_transition"


class SearchUnavailableError(KbError):
    status = 503
    code = "search_unavailable"
