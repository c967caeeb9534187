"""Contact requests: what a person asked support, its hand-overs, and the form sessions that
tell how often the help center answered before anyone had to ask.

A request is stored first and handed over after (an outbox row per channel), so nothing is
lost when a mail server or a webhook receiver is down. A form session holds no personal data:
a random id, a topic and times.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.extensions import db
from kb.models.types import JSONText, UTCDateTime, utcnow


class ContactRequest(db.Model):
    """One request as the person sent it, in plain text (rendered escaped, never as HTML)."""

    __tablename__ = "contact_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    #: A help-center category slug, or empty for "something else".
    topic: Mapped[str] = mapped_column(String(120), default="")
    #: The articles the form showed, as ``[{"id", "slug", "title"}]``, for the agent.
    suggested: Mapped[list] = mapped_column(JSONText, default=list)
    #: ``sha256`` of each attached image in ``media`` (staff only until an article shows it).
    attachments: Mapped[list] = mapped_column(JSONText, default=list)
    form_session: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: The form page's locale: the person's confirmation is written in it. None before
    #: locales were kept (the default locale then).
    locale: Mapped[str | None] = mapped_column(String(16))

    deliveries: Mapped[list["ContactDelivery"]] = relationship(
        order_by="ContactDelivery.id", back_populates="request")


class ContactDelivery(db.Model):
    """The outbox: one hand-over of one request (``webhook``, ``support_email``,
    ``confirmation_email``), retried with backoff until it is delivered."""

    __tablename__ = "contact_deliveries"
    __table_args__ = (
        UniqueConstraint("request_id", "channel"),
        Index("ix_contact_deliveries_due", "delivered_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("contact_requests.id"))
    channel: Mapped[str] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: While a worker is delivering, no other takes the row before this time.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))

    request: Mapped[ContactRequest] = relationship(back_populates="deliveries")


class ContactFormSession(db.Model):
    """One visit to the form, from the first keystroke (the ``start`` beacon) on."""

    __tablename__ = "contact_form_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    topic: Mapped[str] = mapped_column(String(120), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: When a suggested article was last opened from the form, and which.
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_document_id: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ContactSuggestionOpen(db.Model):
    """A suggested article opened from a form session (no foreign key: an open outlives an
    archived article's row changes)."""

    __tablename__ = "contact_suggestion_opens"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_key: Mapped[str] = mapped_column(String(64), index=True)
    document_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
