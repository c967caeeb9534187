"""What search reads from the database beside the documents: the synonym list editors keep."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kb.extensions import db
from kb.models.types import JSONText, UTCDateTime, utcnow


class Synonym(db.Model):
    """Other ways people say what the help center calls ``term``: a search for a variant
    also finds documents that use the term. Edited at ``/editor/synonyms``, exported as
    ``synonyms.yml``; read through :mod:`kb.search.synonym_list`."""

    __tablename__ = "synonyms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The help center's own word or phrase, unique (folded spelling is compared on save).
    term: Mapped[str] = mapped_column(String(100), unique=True)
    #: The other ways to say it, each a word or phrase, in the editor's order.
    variants: Mapped[list] = mapped_column(JSONText, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
