"""Records written beside a change, in the same transaction: the audit log and the search outbox."""

from __future__ import annotations

from typing import Any

from kb.extensions import db
from kb.models import AuditEvent, Document, IndexEvent, Revision, User


def audit(actor: User | None, action: str, document: Document | None = None,
          revision: Revision | None = None, **detail: Any) -> None:
    """Note who did what. Flushed with the change, so it exists exactly when the change does."""
    db.session.add(AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        document_id=document.id if document else None,
        revision_id=revision.id if revision else None,
        detail=detail,
    ))


def index_event(document: Document) -> None:
    """Tell every node's search index that this document's searchable state changed.

    The event carries only the id: an indexer reads the document's current state when it
    applies the event, so replaying events in any number is harmless.
    """
    db.session.add(IndexEvent(document_id=document.id))
