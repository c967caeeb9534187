"""The tables. Columns, relationships and tiny properties only: no commits, no Flask.

Documents (articles and macros) share one versioning mechanism: a stable identity row in
``documents`` with pointers to immutable rows in ``revisions``.
"""

from kb.models.activity import (AuditEvent, Favourite, Feedback, IndexEvent, IndexFailure, MacroUse,
                                SearchLog)
from kb.models.insights import ArticleViewDaily, SearchClick, SearchDaily, SearchDocumentDaily
from kb.models.contact import (ContactDelivery, ContactFormSession, ContactRequest,
                               ContactSuggestionOpen)
from kb.models.content import (Category, Document, DocumentLink, PlaceName, Revision, Section,
                               SlugRedirect)
from kb.models.media import Media, MediaUse, MediaVariant
from kb.models.promoted import PromotedAnswer
from kb.models.review import ReviewComment
from kb.models.rollups import (ArticleViewMonthly, FeedbackDaily, FeedbackMonthly, MacroUseDaily,
                               MacroUseMonthly, SearchDocumentMonthly, SearchMonthly,
                               SearchVolumeDaily)
from kb.models.search import Synonym
from kb.models.users import ApiToken, PasswordReset, Role, Setting, User, UserSession
from kb.models.zendesk import ZendeskLink

__all__ = [
    "ApiToken", "ArticleViewDaily", "ArticleViewMonthly", "AuditEvent", "Category", "ContactDelivery",
    "ContactFormSession", "ContactRequest", "ContactSuggestionOpen", "Document", "DocumentLink",
    "FeedbackDaily", "FeedbackMonthly", "MacroUseDaily", "MacroUseMonthly", "SearchDocumentMonthly",
    "SearchMonthly", "SearchVolumeDaily",
    "Favourite", "Feedback", "IndexEvent", "IndexFailure", "MacroUse", "Media", "MediaUse",
    "MediaVariant", "PasswordReset", "PlaceName", "PromotedAnswer", "ReviewComment", "Revision", "Role",
    "SearchClick", "SearchDaily", "SearchDocumentDaily", "SearchLog", "Section", "Setting",
    "SlugRedirect", "Synonym", "User", "UserSession", "ZendeskLink",
]
