"""Promoted answers: an article an editor pinned to the top of the results for one query."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.extensions import db
from kb.models.content import Document
from kb.models.types import UTCDateTime, utcnow
from kb.models.users import User


class PromotedAnswer(db.Model):
    """One pin: people who search ``query`` see ``document`` first, if they may read it.

    ``query`` is stored normalised (case, whitespace and punctuation folded away, see
    :func:`kb.search.promoted.normalise`), so "Reset password?" and "reset  password" are one
    pin. The pin outlives what happens to the article: archived or made internal, it stays
    listed (as inactive) for an editor to see and remove, and search simply skips it.
    """

    __tablename__ = "promoted_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The normalised query; one pin per query.
    query: Mapped[str] = mapped_column(String(256), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[Document] = relationship()
    created_by: Mapped[User | None] = relationship()
