"""What happened: the audit log, the search outbox, usage and feedback."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.extensions import db
from kb.models.types import JSONText, UTCDateTime, utcnow
from kb.models.users import User

#: SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit sequence.
BigIntId = BigInteger().with_variant(Integer, "sqlite")


class AuditEvent(db.Model):
    """Who did what, when. Written in the same transaction as the change it describes."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(48), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    detail: Mapped[dict] = mapped_column(JSONText, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()


class IndexEvent(db.Model):
    """The search outbox: one row per change the index must follow.

    Written in the same transaction as the publish, archive or visibility change, so the
    index can never miss a committed change; ``id`` is the position indexers apply in order.
    """

    __tablename__ = "index_events"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IndexFailure(db.Model):
    """A document the search index could not take, with the last error.

    One row per document (no foreign key: a deleted personal macro must not keep a row
    alive). The indexer retries a failing document a few times, then sets it aside so the
    documents after it are not held back; a later successful index of it deletes the row.
    """

    __tablename__ = "index_failures"

    document_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    revision_id: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text, default="")
    tries: Mapped[int] = mapped_column(Integer, default=1)
    first_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


#: How long a macro use keeps its ticket's key terms (``MacroUse.ticket_terms``).
TICKET_TERMS_DAYS = 90


class MacroUse(db.Model):
    __tablename__ = "macro_uses"
    #: Each macro's last use read from the index alone (the insights' "last used").
    __table_args__ = (Index("ix_macro_uses_document_created", "document_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: For a use from a ticket (the sidebar): the ticket's key terms as stems, sorted, never its
    #: text; cleared after ``TICKET_TERMS_DAYS``. Suggest ranks the macro
    #: higher for tickets with the same terms.
    ticket_terms: Mapped[str | None] = mapped_column(String(400))


class Favourite(db.Model):
    __tablename__ = "favourites"
    __table_args__ = (UniqueConstraint("user_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Feedback(db.Model):
    """A reader's "Was this helpful?" vote; one per reader per article."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("document_id", "voter"),
        # The content list's helpfulness: each document's votes counted from the index alone.
        Index("ix_feedback_document_helpful", "document_id", "helpful"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    #: A hash identifying the reader (session id), never an address.
    voter: Mapped[str] = mapped_column(String(64))
    helpful: Mapped[bool] = mapped_column()
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: When an editor marked the comment handled (None while it waits for one).
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SearchLog(db.Model):
    """A search as it was asked, for analytics. Never holds tokens, addresses or user
    identities: a signed-in searcher is recorded by role only.

    A search-as-you-type burst is one row: each keystroke's request carries the page's burst
    id, and the row is updated to the latest query instead of a row per keystroke.
    """

    __tablename__ = "search_log"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    query: Mapped[str] = mapped_column(String(256))
    scope: Mapped[str] = mapped_column(String(24))
    surface: Mapped[str] = mapped_column(String(24))
    result_count: Mapped[int] = mapped_column()
    took_ms: Mapped[float] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: The search's key: the page's burst id for search-as-you-type, else a random one; clicks
    #: name the search by it.
    burst: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: The searcher's role when signed in; None for a reader.
    role: Mapped[str | None] = mapped_column(String(16))
    #: Ids of the documents shown on the result page, best first (impressions).
    shown: Mapped[list | None] = mapped_column(JSONText)
