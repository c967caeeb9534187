"""The help articles a macro links to, as suggest reads them to judge the macro.

A macro is a short reply; the article it points the customer to explains the same problem at
length, in more of the words customers use. So suggest scores a macro's linked articles on the
message too, and lets the best of them lift the macro (:data:`ticket_text.LINK_WEIGHT`). Only
published articles the caller may read count.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select

from kb import permissions
from kb.models import Document, DocumentLink, Revision

_LINKED = (
    select(DocumentLink.source_id, Document.kind, Document.owner_id,
           Document.published_revision_id, Revision.visibility)
    .join(Document, Document.id == DocumentLink.target_id)
    .join(Revision, Revision.id == Document.published_revision_id)
    .where(DocumentLink.source_id.in_(bindparam("ids", expanding=True)))
)


def linked_revisions(actor: permissions.Actor, connection, macro_ids: list[int]
                     ) -> dict[int, list[int]]:
    """Each macro's linked articles, as their published revision ids, readable by ``actor``."""
    if not macro_ids:
        return {}
    out: dict[int, list[int]] = {}
    for row in connection.execute(_LINKED, {"ids": macro_ids}):
        if permissions.may_read_published(actor, row.kind, row.owner_id, row.visibility):
            out.setdefault(row.source_id, []).append(row.published_revision_id)
    return out
