"""Accounts and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from kb import validation
from kb.records import audit
from kb.database import transaction
from kb.errors import AuthenticationRequiredError, ConflictError, NotFoundError, ValidationError
from kb.extensions import db
from kb.models import ApiToken, Role, User, UserSession
from kb.models.types import utcnow

TOKEN_PREFIX = "kb_"
MIN_PASSWORD = 8
#: A hash to compare against when the e-mail is unknown, so timing tells nothing.
_DUMMY_HASH = generate_password_hash("not a real password")


def create_user(email: str, role: str, password: str | None, name: str | None = None,
                actor: User | None = None) -> User:
    """Create an account. Without a password (``None``) nobody can sign in as it until a
    set-password link (:mod:`kb.auth.accounts`) is used.

    :raises ValidationError: bad e-mail, unknown role or short password.
    :raises ConflictError: a user with this e-mail exists.
    """
    email = validation.text(email, "email", multiline=False, max_length=254).strip().lower()
    name = validation.text(name, "name", multiline=False, max_length=120) or None
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise ValidationError(f"{email!r} is not an e-mail address", field="email")
    try:
        parsed = Role.parse(role)
    except ValueError as exc:
        raise ValidationError(str(exc), field="role") from None
    password_hash = NO_PASSWORD if password is None else _hash_password(check_password(password))
    with transaction():
        if db.session.scalar(select(func.count()).select_from(User).where(User.email == email)):
            raise ConflictError(f"a user with e-mail {email} exists already", field="email")
        user = User(email=email, name=(name or email.split("@")[0]).strip()[:120],
                    role_name=parsed.label, password_hash=password_hash)
        db.session.add(user)
        db.session.flush()
        audit(actor, "user.create", email=email, role=parsed.label)
    return user


#: The hash of an account without a password: it matches none.
NO_PASSWORD = "!"


def check_password(password: str | None, field: str = "password") -> str:
    """:raises ValidationError: not text, or shorter than :data:`MIN_PASSWORD`."""
    validation.text(password, field, multiline=False, max_length=1000)
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError(f"the password needs at least {MIN_PASSWORD} characters", field=field)
    return password  # type: ignore[return-value]


def _hash_password(password: str) -> str:
    """scrypt by default; ``PASSWORD_HASH_METHOD`` lets a test suite use a cheaper method."""
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (in constant-ish time)."""
    if not validation.is_key(email, 320) or not validation.is_key(password, 1000):
        check_password_hash(_DUMMY_HASH, "")
        return None
    user = db.session.execute(
        select(User).where(User.email == (email or "").strip().lower())
    ).scalar_one_or_none()
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return user if check_password_hash(user.password_hash, password or "") else None


def start_session(user: User) -> str:
    """Record a new signed-in browser for ``user``; returns the secret its cookie carries."""
    secret = secrets.token_urlsafe(32)
    with transaction():
        db.session.add(UserSession(user_id=user.id, secret_hash=_hash(secret)))
        db.session.execute(update(User).where(User.id == user.id).values(last_login_at=utcnow()))
    return secret


def session_user(user_id: int, secret: str) -> User | None:
    """The active user a browser's session belongs to, or None once it was ended."""
    user = db.session.execute(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(User.id == user_id, UserSession.secret_hash == _hash(secret))
    ).scalar_one_or_none()
    return user if user is not None and user.active else None


def end_session(secret: str) -> None:
    """Sign one browser out on the server: a copy of its cookie no longer signs in."""
    with transaction():
        db.session.execute(delete(UserSession).where(UserSession.secret_hash == _hash(secret)))


def end_all_sessions(user: User, keep: str | None = None) -> int:
    """Sign every browser of ``user`` out (deactivation, a password change), but the one whose
    secret is ``keep``; returns how many."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        query = query.where(UserSession.secret_hash != _hash(keep))
    with transaction():
        result = db.session.execute(query)
    return result.rowcount or 0


def find_user(email: str) -> User:
    """:raises NotFoundError: no user with that e-mail."""
    if not validation.is_key(email, 320):
        raise NotFoundError(f"no user with e-mail {validation.scrub(str(email))[:80]}")
    user = db.session.execute(
        select(User).where(User.email == (email or "").strip().lower())
    ).scalar_one_or_none()
    if user is None:
        raise NotFoundError(f"no user with e-mail {email}")
    return user


def create_token(user: User, name: str = "") -> str:
    """Issue an API token and return its secret; only its hash is kept, so show it once."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction():
        db.session.add(ApiToken(user_id=user.id, token_hash=_hash(secret), prefix=secret[:10],
                                name=name[:120]))
        audit(user, "token.create", name=name)
    return secret


def revoke_token(user: User, prefix: str) -> int:
    """Revoke the user's tokens starting with ``prefix``; returns how many."""
    with transaction():
        tokens = db.session.execute(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.prefix == prefix[:10],
                                   ApiToken.revoked_at.is_(None))
        ).scalars().all()
        for token in tokens:
            token.revoked_at = utcnow()
        audit(user, "token.revoke", count=len(tokens))
    return len(tokens)


def user_for_token(secret: str) -> User:
    """The active owner of a live token.

    :raises AuthenticationRequiredError: unknown, revoked, or its owner is deactivated.
    """
    token = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == _hash(secret))
    ).scalar_one_or_none()
    if token is None or token.revoked_at is not None or not token.user.active:
        raise AuthenticationRequiredError("the API token is unknown or revoked")
    user = token.user
    _note_use(token)
    return user


#: How stale ``last_used_at`` may be: writing it on every request would make each API read a
#: write transaction.
TOKEN_USE_PRECISION = timedelta(minutes=1)


def _note_use(token: ApiToken) -> None:
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_USE_PRECISION:
        return
    with transaction():
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


SYSTEM_EMAIL = "system@kb.invalid"


def system_user() -> User:
    """The account that command-line jobs (import, scheduled publishing) act as.

    It is an admin that can never sign in: its password hash matches no password.
    """
    user = db.session.execute(select(User).where(User.email == SYSTEM_EMAIL)).scalar_one_or_none()
    if user is None:
        with transaction():
            user = User(email=SYSTEM_EMAIL, name="kb", role_name=Role.ADMIN.label, password_hash="!")
            db.session.add(user)
    return user
