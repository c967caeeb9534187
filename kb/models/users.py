"""People, their roles and their API tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.extensions import db
from kb.models.types import UTCDateTime, utcnow


class Role(enum.IntEnum):
    """Each role may do everything the one before it may."""

    AGENT = 1
    EDITOR = 2
    REVIEWER = 3
    ADMIN = 4

    @classmethod
    def parse(cls, name: str) -> "Role":
        try:
            return cls[name.strip().upper()]
        except KeyError:
            allowed = ", ".join(r.name.lower() for r in cls)
            raise ValueError(f"unknown role {name!r}; choose one of {allowed}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased; the login name.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    #: Stored as the role's name so the database stays readable.
    role_name: Mapped[str] = mapped_column("role", String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When they last signed in with their password (None: never).
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user")

    @property
    def role(self) -> Role:
        return Role.parse(self.role_name)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def has_role(self, role: Role) -> bool:
        return self.role >= role


class ApiToken(db.Model):
    """A bearer token. Only a SHA-256 of the secret is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters of the token, to tell tokens apart in listings.
    prefix: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")


class UserSession(db.Model):
    """A signed-in browser. The cookie carries a random secret; only its SHA-256 is kept, and
    deleting the row signs that browser out, whatever copies of the cookie exist."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PasswordReset(db.Model):
    """A one-time link to set a password (a reset, or an invitation without a password). Only a
    SHA-256 of its secret is kept; using it, or any new password, spends it."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Setting(db.Model):
    """One value that belongs to the database rather than to a process: admin switches such
    as self-approval, and the instance's own state (whether it was ever set up). Read and
    written through :mod:`kb.settings`."""

    __tablename__ = "settings"

    #: A dotted name owned by the module that uses it, e.g. ``instance.set_up_at``.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
