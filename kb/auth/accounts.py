"""Managing accounts from the app: admins list, invite, re-role, deactivate and reactivate
users; everyone changes their own password and keeps their own API tokens; one-time links set
a password (a reset, or an invitation without one).

A deactivated account is shut out at once: its sessions are deleted, and both request loaders
(:func:`kb.auth.services.session_user`, :func:`kb.auth.services.user_for_token`) refuse an
inactive owner anyway, so even a request already on its way is refused.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from kb import mail, permissions, validation
from kb.auth import services
from kb.auth.services import _hash, _hash_password, check_password
from kb.database import transaction
from kb.errors import NotFoundError, ValidationError
from kb.extensions import db
from kb.models import ApiToken, PasswordReset, Role, User
from kb.models.types import utcnow
from kb.records import audit

#: How long a reset link works unless said otherwise.
RESET_LIFETIME = timedelta(hours=1)
#: An invitation's set-password link waits longer: the invitee may read it tomorrow.
INVITE_LIFETIME = timedelta(days=7)


# -- users (admins) --------------------------------------------------------------------------

def list_users(actor: User | None) -> list[User]:
    """Every account a person can use, by e-mail (not the system account imports act as)."""
    permissions.require_user_manager(actor)
    return list(db.session.scalars(select(User).where(User.email != services.SYSTEM_EMAIL)
                                   .order_by(User.email)))


def get_user(actor: User | None, user_id: int) -> User:
    """:raises NotFoundError: no such account (the system account counts as none)."""
    permissions.require_user_manager(actor)
    user = db.session.get(User, validation.identifier(user_id, "user with id"))
    if user is None or user.email == services.SYSTEM_EMAIL:
        raise NotFoundError(f"no user with id {user_id}")
    return user


def invite(actor: User | None, email: str, role: str, name: str | None = None,
           password: str | None = None) -> tuple[User, str | None]:
    """Create an account; without a password, also a set-password link's secret (else None).

    :raises ValidationError: bad e-mail, role, name or password.
    :raises ConflictError: the e-mail is taken.
    """
    admin = permissions.require_user_manager(actor)
    if password == "":
        password = None
    user = services.create_user(email, role, password, name, actor=admin)
    secret = None if password is not None else issue_password_link(user, INVITE_LIFETIME)
    return user, secret


def update_user(actor: User | None, user_id: int, role: str | None = None,
                active: bool | None = None, name: str | None = None) -> User:
    """Change a user's role, name or whether they may sign in; deactivating signs them out
    everywhere at once.

    :raises ValidationError: unknown role or a bad name.
    :raises ConflictError: the change would leave no active admin.
    """
    admin = permissions.require_user_manager(actor)
    new_role = None
    if role is not None:
        try:
            new_role = Role.parse(role)
        except ValueError as exc:
            raise ValidationError(str(exc), field="role") from None
    if name is not None:
        name = validation.text(name, "name", multiline=False, max_length=120).strip()
        if not name:
            raise ValidationError("the name cannot be empty", field="name")
    user_id = validation.identifier(user_id, "user with id")
    with transaction():
        user = db.session.execute(select(User).where(User.id == user_id)
                                  .with_for_update()).scalar_one_or_none()
        if user is None or user.email == services.SYSTEM_EMAIL:
            raise NotFoundError(f"no user with id {user_id}")
        target_role = new_role if new_role is not None else user.role
        target_active = user.active if active is None else bool(active)
        permissions.check_admin_change(user, target_role, target_active, _other_active_admins(user))
        changes = {}
        if target_role != user.role:
            changes["role"] = target_role.label
            user.role_name = target_role.label
        if target_active != user.active:
            changes["active"] = target_active
            user.active = target_active
        if name is not None and name != user.name:
            changes["name"] = name
            user.name = name
        if changes:
            audit(admin, "user.update", user_id=user.id, **changes)
    if changes.get("active") is False:
        services.end_all_sessions(user)
    return user


def _other_active_admins(user: User) -> int:
    """Active admins besides ``user``, locked so two admins cannot demote each other at once."""
    ids = db.session.scalars(
        select(User.id).where(User.role_name == Role.ADMIN.label, User.active.is_(True),
                              User.id != user.id, User.email != services.SYSTEM_EMAIL)
        .with_for_update()).all()
    return len(ids)


# -- one's own password ----------------------------------------------------------------------

def change_password(user: User, current: str, new: str, keep_session: str | None = None) -> None:
    """Change the user's own password; their other browsers are signed out and any
    outstanding set-password link is spent.

    :raises ValidationError: the current password is wrong, or the new one too short.
    """
    if services.authenticate(user.email, current or "") is None:
        raise ValidationError("the current password is not right", field="current_password")
    _set_password(user, check_password(new, "new_password"))
    services.end_all_sessions(user, keep=keep_session)


def _set_password(user: User, password: str) -> None:
    with transaction():
        db.session.execute(update(User).where(User.id == user.id)
                           .values(password_hash=_hash_password(password)))
        db.session.execute(update(PasswordReset)
                           .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
                           .values(used_at=utcnow()))
        audit(user, "user.password")


# -- set-password links ----------------------------------------------------------------------

class LinkUnusableError(NotFoundError):
    """A set-password link that was used, has expired, or never existed."""

    status = 410
    code = "link_unusable"


def issue_password_link(user: User, lifetime: timedelta = RESET_LIFETIME) -> str:
    """A one-time secret for a set-password link; only its hash is stored."""
    if lifetime <= timedelta(0):
        raise ValidationError("the link must be valid for some time", field="expires")
    secret = secrets.token_urlsafe(32)
    with transaction():
        db.session.add(PasswordReset(user_id=user.id, secret_hash=_hash(secret),
                                     expires_at=utcnow() + lifetime))
        audit(None, "user.password_link", user_id=user.id)
    return secret


def link_user(secret: str) -> User:
    """The user a live link belongs to.

    :raises LinkUnusableError: used, expired, unknown, or its user deactivated.
    """
    reset = _live_link(secret)
    return reset.user


def _live_link(secret: str) -> PasswordReset:
    if not validation.is_key(secret, 200):
        raise LinkUnusableError("this link is not valid")
    reset = db.session.execute(select(PasswordReset).where(
        PasswordReset.secret_hash == _hash(secret))).scalar_one_or_none()
    if reset is None:
        raise LinkUnusableError("this link is not valid")
    if reset.used_at is not None:
        raise LinkUnusableError("this link was used already; ask for a new one")
    if reset.expires_at <= utcnow() or not reset.user.active:
        raise LinkUnusableError("this link has expired; ask for a new one")
    return reset


def use_password_link(secret: str, password: str) -> User:
    """Set a new password through a link, which is spent; every session of the user ends.

    :raises LinkUnusableError: the link cannot be used (any more).
    :raises ValidationError: the password is too short.
    """
    check_password(password)
    with transaction():
        # Locked, then checked: of two requests with one link, the second sees it spent.
        db.session.execute(select(PasswordReset.id).where(
            PasswordReset.secret_hash == _hash(secret)).with_for_update())
        user = _live_link(secret).user
        _set_password(user, password)
    services.end_all_sessions(user)
    return user


def mail_password_link(email: str, link_for) -> bool:
    """E-mail a reset link to the active account with this e-mail, if there is one.

    ``link_for(secret)`` turns a secret into the absolute URL to send. Returns whether a message
    is on its way; the page answers the same either way, and as fast (the mail goes from a
    thread of its own), so nobody learns who has an account.
    """
    address = (email or "").strip().lower()
    if not validation.is_key(address, 254):
        return False
    user = db.session.execute(select(User).where(User.email == address, User.active.is_(True),
                                                 User.email != services.SYSTEM_EMAIL)
                              ).scalar_one_or_none()
    if user is None:
        return False
    link = link_for(issue_password_link(user))
    minutes = int(RESET_LIFETIME.total_seconds() // 60)
    mail.send_later(user.email, "Set a new password",
              f"Hello {user.name},\n\nsomeone (we hope you) asked to reset your password. Open this "
              f"link within {minutes} minutes to choose a new one; it works once:\n\n{link}\n\n"
              "If you did not ask for this, ignore this message: your password stays as it is.\n")
    return True


# -- one's own API tokens --------------------------------------------------------------------

def list_tokens(user: User) -> list[ApiToken]:
    """The user's live tokens, newest first."""
    return list(db.session.scalars(select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token of the user's, with its secret (shown once).

    :raises ValidationError: the name is missing or not one line of text.
    """
    name = validation.text(name, "name", multiline=False, max_length=120).strip()
    if not name:
        raise ValidationError("say what the token is for", field="name")
    secret = services.create_token(user, name)
    token = db.session.execute(select(ApiToken).where(ApiToken.token_hash == _hash(secret))).scalar_one()
    return token, secret


def revoke_token(user: User, token_id: int) -> None:
    """Revoke one of the user's own live tokens; it answers 401 from then on.

    :raises NotFoundError: no live token of this user has that id (another's token included).
    """
    with transaction():
        token = db.session.get(ApiToken, validation.identifier(token_id, "token with id"))
        if token is None or token.user_id != user.id or token.revoked_at is not None:
            raise NotFoundError(f"you have no token with id {token_id}")
        token.revoked_at = utcnow()
        audit(user, "token.revoke", token_id=token.id)

