"""The tables. Columns, relationships and tiny properties only: no commits, no Flask.

Documents (articles and macros) share one versioning mechanism: a stable identity row in
``documents`` with pointers to immutable rows in ``revisions``.
"""

from kb.models.activity import AuditEvent, Feedback, IndexEvent, IndexFailure, MacroUse, SearchLog, Favourite
from kb.models.content import Category, Document, DocumentLink, Revision, Section, SlugRedirect
from kb.models.review import ReviewComment
from kb.models.users import ApiToken, Role, Setting, User

__all__ = [
    "ApiToken", "AuditEvent", "Category", "Document", "DocumentLink", "Favourite", "Feedback",
    "IndexEvent", "IndexFailure", "MacroUse", "ReviewComment", "Revision", "Role", "SearchLog", "Section",
    "Setting", "SlugRedirect", "User",
]
