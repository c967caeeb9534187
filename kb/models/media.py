"""Uploaded images, their smaller widths, and which revisions use them.

Image bytes live in the database (not on a disk beside one node), so every web process
serves them and a database backup holds them. Rows are content-addressed: ``sha256`` is the
digest of the stored (re-encoded) bytes, so the same picture uploaded twice is one row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.extensions import db
from kb.models.types import UTCDateTime, utcnow


class Media(db.Model):
    __tablename__ = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    #: ``png``, ``jpg``, ``gif`` or ``webp``: the name's ending in its URL.
    ext: Mapped[str] = mapped_column(String(8))
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    size: Mapped[int] = mapped_column("bytes")
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    variants: Mapped[list["MediaVariant"]] = relationship(
        order_by="MediaVariant.width", cascade="all, delete-orphan")


class MediaVariant(db.Model):
    """The same image scaled down to a smaller width, made at upload for ``srcset``."""

    __tablename__ = "media_variants"
    __table_args__ = (UniqueConstraint("media_id", "width"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    size: Mapped[int] = mapped_column("bytes")
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class MediaUse(db.Model):
    """A revision whose body shows an image, written when the revision is: whether an image
    is public is then one indexed join, not a scan of every body."""

    __tablename__ = "media_uses"
    __table_args__ = (UniqueConstraint("revision_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
