"""Read-side queries for the editorial screens: dashboard queues, review threads, the audit log.

No writes and no commits. Personal macros never appear: they skip review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from kb import permissions, validation
from kb.content import queries as content_queries
from kb.auth.services import SYSTEM_EMAIL
from kb.errors import KbError
from kb.extensions import db
from kb.models import AuditEvent, Document, ReviewComment, Revision, Role, User
from kb.models.types import utcnow
from kb.review import workflow
from kb.review.services import self_approval_allowed

#: Documents listed in each dashboard queue at most.
QUEUE_LIMIT = 50
RECENTLY_PUBLISHED = 10
AUDIT_PAGE_SIZE = 50


def holds_role(user: User | None, role: Role) -> bool:
    """Whether ``user`` has ``role``, asked of :mod:`kb.permissions` (the one place that decides)."""
    try:
        permissions.require_role(user, role)
    except KbError:
        return False
    return True


def may_review(user: User) -> bool:
    """Reviewers and up: the workflow table lets them approve what is in review."""
    return permissions.may_take(user, workflow.APPROVE)


@dataclass
class Queues:
    my_drafts: list[tuple[Document, Revision]]
    awaiting_review: list[tuple[Document, Revision]] | None  # None: the user does not review
    changes_requested: list[tuple[Document, Revision]]
    scheduled: list[tuple[Document, Revision]]
    recently_published: list[tuple[Document, Revision]]
    due_for_review: list[tuple[Document, Revision]]
    #: None: the user is not shown them (see :func:`kb.permissions.sees_unattended_drafts`).
    unattended: list[tuple[Document, Revision]] | None = None


def dashboard_queues(user: User, today: date | None = None, idle_days: int = 14) -> Queues:
    """The dashboard's queues for ``user``; each item is (document, its latest revision)."""
    return Queues(
        my_drafts=_latest_in(workflow.DRAFT, Revision.author_id == user.id),
        awaiting_review=(_latest_in(workflow.IN_REVIEW, *_not_own_unless_allowed(user))
                         if may_review(user) else None),
        changes_requested=_latest_in(workflow.CHANGES_REQUESTED, Revision.author_id == user.id),
        scheduled=_latest_in(workflow.APPROVED, Revision.publish_at.is_not(None), order=Revision.publish_at),
        recently_published=recently_published(),
        due_for_review=content_queries.due_for_review(
            owner=None if holds_role(user, Role.ADMIN) else user, today=today),
        unattended=(unattended_drafts(idle_days) if permissions.sees_unattended_drafts(user) else None),
    )


def unattended_drafts(idle_days: int, now: datetime | None = None) -> list[tuple[Document, Revision]]:
    """Drafts and sent-back revisions nobody is working on: no activity on the document (an
    edit, a comment, any workflow step) for ``idle_days`` days, or written by someone who
    cannot work on them (an account made inactive, or the system account that imports, such as
    the sample drafts of a new instance). Oldest activity first."""
    cutoff = (now or utcnow()) - timedelta(days=max(0, idle_days))
    last_activity = (
        select(AuditEvent.document_id, func.max(AuditEvent.created_at).label("at"))
        .where(AuditEvent.document_id.is_not(None)).group_by(AuditEvent.document_id).subquery()
    )
    author = aliased(User)
    query = (
        select(Document, Revision)
        .join(Revision, Revision.id == Document.latest_revision_id)
        .outerjoin(author, author.id == Revision.author_id)
        .outerjoin(last_activity, last_activity.c.document_id == Document.id)
        .where(Document.owner_id.is_(None),
               Revision.state.in_((workflow.DRAFT, workflow.CHANGES_REQUESTED)),
               or_(author.id.is_(None), author.active.is_(False), author.email == SYSTEM_EMAIL,
                   func.coalesce(last_activity.c.at, Revision.created_at) < cutoff))
        .order_by(func.coalesce(last_activity.c.at, Revision.created_at), Document.id)
        .limit(QUEUE_LIMIT)
    )
    return list(db.session.execute(query).unique().all())


def _not_own_unless_allowed(user: User) -> tuple:
    """What a reviewer may approve: others' revisions, and their own where an admin allows it."""
    if permissions.may_approve_own(user, self_approval_allowed()):
        return ()
    return (Revision.author_id.is_distinct_from(user.id),)


def _latest_in(state: str, *conditions, order=None) -> list[tuple[Document, Revision]]:
    query = (
        select(Document, Revision).join(Revision, Revision.id == Document.latest_revision_id)
        .where(Document.owner_id.is_(None), Revision.state == state, *conditions)
        .order_by(order if order is not None else Revision.created_at.desc(), Document.id.desc())
        .limit(QUEUE_LIMIT)
    )
    return list(db.session.execute(query).unique().all())


def recently_published() -> list[tuple[Document, Revision]]:
    """The documents most recently made live (by hand or on schedule), with the live revision."""
    last_publish = (
        select(AuditEvent.document_id, func.max(AuditEvent.id).label("last"))
        .where(AuditEvent.action == "publish", AuditEvent.document_id.is_not(None))
        .group_by(AuditEvent.document_id).subquery()
    )
    query = (
        select(Document, Revision)
        .join(last_publish, last_publish.c.document_id == Document.id)
        .join(Revision, Revision.id == Document.published_revision_id)
        .where(Document.owner_id.is_(None))
        .order_by(last_publish.c.last.desc()).limit(RECENTLY_PUBLISHED)
    )
    return list(db.session.execute(query).unique().all())


@dataclass
class ThreadEntry:
    comment: ReviewComment
    revision_number: int


def review_thread(document: Document) -> list[ThreadEntry]:
    """The document's review comments, oldest first, each with its revision's number."""
    rows = db.session.execute(
        select(ReviewComment, Revision.number).join(Revision, Revision.id == ReviewComment.revision_id)
        .where(ReviewComment.document_id == document.id).order_by(ReviewComment.id)
    ).all()
    return [ThreadEntry(comment, number) for comment, number in rows]


@dataclass
class AuditPage:
    events: list[tuple[AuditEvent, Document | None, int | None]]  # (event, document, revision number)
    total: int
    page: int
    pages: int
    actions: list[str]


def audit_page(page: int = 1, action: str | None = None, document_id: int | None = None) -> AuditPage:
    """A page of the audit log, newest first, optionally for one action and/or one document.

    :raises ValidationError: an action that is not one line of text, or an id out of range.
    """
    if action is not None:
        validation.text(action, "action", multiline=False, max_length=200)
    if document_id is not None:
        validation.number(document_id, "document")
    conditions = []
    if action:
        conditions.append(AuditEvent.action == action)
    if document_id is not None:
        conditions.append(AuditEvent.document_id == document_id)
    total = db.session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    pages = max(1, -(-total // AUDIT_PAGE_SIZE))
    page = min(max(1, page), pages)
    revision = aliased(Revision)
    rows = db.session.execute(
        select(AuditEvent, Document, revision.number)
        .outerjoin(Document, Document.id == AuditEvent.document_id)
        .outerjoin(revision, revision.id == AuditEvent.revision_id)
        .where(*conditions).order_by(AuditEvent.id.desc())
        .limit(AUDIT_PAGE_SIZE).offset((page - 1) * AUDIT_PAGE_SIZE)
    ).unique().all()
    actions = list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
    return AuditPage([tuple(r) for r in rows], total, page, pages, actions)


def sections() -> list[tuple[str, str]]:
    """Every section as (``category/section`` path, "Category › Section" label), for the editor."""
    from kb.models import Category, Section

    rows = db.session.execute(
        select(Category, Section).join(Section, Section.category_id == Category.id)
        .order_by(Category.position, Category.title, Section.position, Section.title)
    ).all()
    return [(f"{c.slug}/{s.slug}", f"{c.title} › {s.title}") for c, s in rows]
