"""Which kb document a Zendesk article or macro became, so importing again updates it."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kb.extensions import db

#: The link kind of a Zendesk translation's own id (Zendesk numbers translations apart from articles).
TRANSLATION = "translation"


class ZendeskLink(db.Model):
    """One Zendesk id (per kind: ``article``, ``macro`` or ``translation``) and the document it
    was imported as."""

    __tablename__ = "zendesk_links"
    __table_args__ = (UniqueConstraint("kind", "zendesk_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    zendesk_id: Mapped[int] = mapped_column(BigInteger)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
