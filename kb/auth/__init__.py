"""Who is asking: accounts, passwords, API tokens, and the login pages."""

from __future__ import annotations

from functools import wraps

from flask import Flask, redirect, request, session, url_for
from flask_login import current_user

from kb import permissions
from kb.auth import services
from kb.errors import KbError
from kb.extensions import login_manager
from kb.models import Role, User


def init_app(app: Flask) -> None:
    from kb.auth.views import bp

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see that page."
    app.register_blueprint(bp)


#: The session key holding the secret of this browser's server-side session.
SESSION_SECRET_KEY = "kb_sid"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """Only a session the server still holds signs in: a cookie copied before sign-out, or one of
    a deactivated user, is worth nothing."""
    secret = session.get(SESSION_SECRET_KEY)
    if not isinstance(secret, str) or not secret:
        return None
    try:
        return services.session_user(int(user_id), secret)
    except (TypeError, ValueError, OverflowError):
        return None


def sign_in(user: User) -> None:
    """Start a server-side session for ``user`` in this browser (after their password checked)."""
    from flask_login import login_user

    session[SESSION_SECRET_KEY] = services.start_session(user)
    login_user(user)


def sign_out() -> None:
    """End this browser's session on the server and forget it here."""
    from flask_login import logout_user

    secret = session.get(SESSION_SECRET_KEY)
    if isinstance(secret, str) and secret:
        services.end_session(secret)
    logout_user()
    session.clear()


def current_actor() -> User | None:
    """The user behind this request: an API token's owner, else the signed-in user, else None.

    A bearer token wins over the session cookie, so scripts never act as whoever is logged in
    in the same browser.

    :raises AuthenticationRequiredError: a bearer token was sent but is unknown or revoked.
    """
    cached = request.environ.get("kb.actor", _UNSET)
    if cached is not _UNSET:
        return cached
    actor = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            from kb.errors import AuthenticationRequiredError

            raise AuthenticationRequiredError("use the Authorization header as: Bearer <token>")
        actor = services.user_for_token(secret.strip())
        request.environ["kb.token_auth"] = True
    elif current_user.is_authenticated:
        actor = current_user._get_current_object()
    request.environ["kb.actor"] = actor
    return actor


def token_authenticated() -> bool:
    """Whether this request authenticated with a bearer token (not the session cookie)."""
    return bool(request.environ.get("kb.token_auth"))


_UNSET = object()


def current_actor_or_none() -> User | None:
    """Pages never use API tokens; a broken Authorization header just means anonymous here."""
    try:
        return current_actor()
    except KbError:
        request.environ["kb.actor"] = None
        return None


def page_requires(role: Role = Role.AGENT):
    """The one guard of staff pages: anonymous visitors are sent to sign in, a role below
    ``role`` gets the 403 page, and the view receives the signed-in user as its first argument.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            actor = current_actor_or_none()
            if actor is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            return view(permissions.require_role(actor, role), *args, **kwargs)

        return wrapper

    return decorate
