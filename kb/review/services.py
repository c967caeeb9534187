"""Use cases of the review workflow: submit, request changes, approve, publish, archive,
restore, comment, schedule.

Each one loads and locks the document, asks :mod:`kb.review.workflow` whether the actor may take
the action in the current state, changes the latest revision, writes the audit record (and
the search outbox event when readers will see something new) and commits.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import select

from kb import permissions, settings, validation
from kb.records import audit, index_event
from kb.content.services import append_revision, copy_input, go_live, lock_document
from kb.database import transaction
from kb.errors import (ConflictError, InvalidTransitionError, NotFoundError, PermissionDeniedError,
                       ValidationError)
from kb.extensions import db
from kb.models import AuditEvent, Document, ReviewComment, Revision, Role, User
from kb.models.types import utcnow
from kb.review import workflow

MAX_COMMENT = 10_000


def submit(kind: str, document_id: int, actor: User | None) -> Document:
    """Send the latest revision to review."""
    return _transition(kind, document_id, workflow.SUBMIT, actor)


def request_changes(kind: str, document_id: int, actor: User | None, comment: str) -> Document:
    """Send the latest revision back to its author; a comment saying why is required.

    :raises ValidationError: no comment.
    """
    comment = _clean_comment(comment, required=True)
    return _transition(kind, document_id, workflow.REQUEST_CHANGES, actor, comment=comment)


def approve(kind: str, document_id: int, actor: User | None, comment: str = "") -> Document:
    """Approve the latest revision. Approval belongs to that revision only.

    :raises PermissionDeniedError: the reviewer wrote the revision and self-approval is off.
    """
    return _transition(kind, document_id, workflow.APPROVE, actor,
                       comment=_clean_comment(comment, required=False))


def publish(kind: str, document_id: int, actor: User | None) -> Document:
    """Make the approved latest revision the one readers and agents see."""
    return _transition(kind, document_id, workflow.PUBLISH, actor)


def archive(kind: str, document_id: int, actor: User | None) -> Document:
    """Take a document off the help center and out of search; its history stays."""
    return _transition(kind, document_id, workflow.ARCHIVE, actor)


def restore(kind: str, document_id: int, number: int, actor: User | None) -> Document:
    """Make an old revision's content the new latest draft. History is never rewritten.

    :raises NotFoundError: no such revision.
    """
    with transaction():
        document = lock_document(kind, document_id)
        user = permissions.require_document_editor(actor, document)
        old = _revision(document, number)
        revision = append_revision(document, copy_input(old, f"Restored revision {number}"), user,
                                   create_sections=True)
        audit(user, "restore", document, revision, restored=number)
        if document.owner_id is not None:  # personal macros skip review: every save is live
            go_live(document, revision, user)
    return document


def restore_archived(kind: str, document_id: int, actor: User | None) -> Document:
    """Take a document out of the archive: the undo of :func:`archive`.

    Only reviewed content goes live again: the revision that was live when the document was
    archived (the last one published) is made live once more. Work that was not live (the
    archived latest revision when it was a draft, in review or approved on top of the live one)
    comes back as a draft, so it goes through review again; an approval is not revived, since
    nobody re-checked it. A document that was never live comes back as a draft only.

    :raises PermissionDeniedError: the actor may not archive, so may not undo one either.
    :raises InvalidTransitionError: the document is not archived.
    :raises ConflictError: another document took its address meanwhile (nothing changes).
    """
    with transaction():
        document = lock_document(kind, document_id)
        user = permissions.require_document_editor(actor, document)
        permissions.restore_archived_check(user, document)
        latest = document.latest
        live = last_live_revision(document)
        if live is not None:
            go_live(document, live, user)
        if live is None or live.id != latest.id:
            latest.state = workflow.DRAFT
            latest.approved_by_id = None
            latest.publish_at = None
        audit(user, "unarchive", document, latest, live=live.number if live else None)
    return document


def last_live_revision(document: Document) -> Revision | None:
    """The revision that was live last (the one archiving took down), from the audit log:
    every publish, by hand, on schedule or by an import, is recorded there."""
    revision_id = db.session.scalar(
        select(AuditEvent.revision_id)
        .where(AuditEvent.document_id == document.id, AuditEvent.action == "publish",
               AuditEvent.revision_id.is_not(None))
        .order_by(AuditEvent.id.desc()).limit(1))
    revision = db.session.get(Revision, revision_id) if revision_id is not None else None
    return revision if revision is not None and revision.document_id == document.id else None


def comment(kind: str, document_id: int, actor: User | None, body: str) -> ReviewComment:
    """Add a comment to the document's review, on its latest revision."""
    body = _clean_comment(body, required=True)
    with transaction():
        document = lock_document(kind, document_id)
        user = permissions.require_document_editor(actor, document)
        note = ReviewComment(document_id=document.id, revision_id=document.latest.id,
                             author_id=user.id, action="comment", body=body)
        db.session.add(note)
        audit(user, "comment", document, document.latest)
    return note


def schedule(kind: str, document_id: int, actor: User | None, when: datetime | None) -> Document:
    """Give the approved latest revision a time to go live (``None`` clears it).

    :raises InvalidTransitionError: the latest revision is not approved.
    :raises ValidationError: the time is in the past.
    """
    with transaction():
        document = lock_document(kind, document_id)
        user = permissions.require_document_editor(actor, document)
        workflow.check(document.latest.state, workflow.PUBLISH, user.role)
        if when is not None:
            # Stored as UTC: SQLite keeps no offset, so a "+02:00" time must be converted, not relabelled.
            when = validation.moment(when, "publish_at")
            if when <= utcnow():
                raise ValidationError("the publish time must be in the future", field="publish_at")
        document.latest.publish_at = when
        audit(user, "schedule" if when else "unschedule", document, document.latest,
              publish_at=when.isoformat() if when else None)
    return document


def publish_due(now: datetime | None = None) -> list[Document]:
    """Publish every approved revision whose time has come. Run by the server and by cron.

    The approval is the authority: the revision goes live on behalf of whoever scheduled it.
    """
    now = now or utcnow()
    now = now.astimezone(timezone.utc) if now.tzinfo else now.replace(tzinfo=timezone.utc)
    due = db.session.execute(
        select(Document.kind, Revision.document_id, Revision.id).join(Document, Document.latest_revision_id == Revision.id)
        .where(Revision.state == workflow.APPROVED, Revision.publish_at.is_not(None),
               Revision.publish_at <= now)
    ).all()
    published = []
    for kind, document_id, revision_id in due:
        try:
            document = _publish_scheduled(kind, document_id, revision_id, now)
        except ConflictError as exc:  # its slug was taken meanwhile: it waits for a person
            current_app.logger.warning("scheduled %s %s not published: %s", kind, document_id, exc.message)
            continue
        if document is not None:
            published.append(document)
    return published


def _publish_scheduled(kind: str, document_id: int, revision_id: int, now: datetime) -> Document | None:
    with transaction():
        try:
            document = lock_document(kind, document_id)
        except NotFoundError:
            return None
        latest = document.latest
        if (latest is None or latest.id != revision_id or latest.state != workflow.APPROVED
                or latest.publish_at is None or latest.publish_at > now):
            return None  # edited, published, unscheduled or rescheduled meanwhile
        scheduled_for = latest.publish_at.isoformat()
        go_live(document, latest, None)
        audit(None, "publish", document, latest, scheduled_for=scheduled_for)
    return document


def self_approval_allowed() -> bool:
    """Whether reviewers may approve their own revisions (:mod:`kb.settings` decides)."""
    return settings.self_approval_allowed()


def set_self_approval(actor: User | None, allowed: bool) -> None:
    """Flip the self-approval switch (admins)."""
    user = permissions.require_settings_changer(actor)
    with transaction():
        settings.set_self_approval(allowed)
        audit(user, "setting", setting=settings.SELF_APPROVAL, value=allowed)


def _transition(kind: str, document_id: int, action: str, actor: User | None,
                comment: str = "") -> Document:
    with transaction():
        document = lock_document(kind, document_id)
        user = permissions.require_document_editor(actor, document)
        if document.owner_id is not None:
            raise InvalidTransitionError("personal macros are not reviewed; every save is live")
        latest = document.latest
        step = workflow.check(latest.state, action, user.role)
        if action == workflow.APPROVE and not permissions.may_approve(user, latest, self_approval_allowed()):
            raise PermissionDeniedError("you cannot approve your own revision")
        if action == workflow.PUBLISH:
            go_live(document, latest, user)
        elif action == workflow.ARCHIVE:
            latest.state = workflow.ARCHIVED
            document.published = None
            index_event(document)
        else:
            latest.state = step.target
        if action == workflow.APPROVE:
            latest.approved_by_id = user.id
        elif action == workflow.REQUEST_CHANGES:
            latest.approved_by_id = None  # an approval taken back is no approval
        if action in (workflow.REQUEST_CHANGES, workflow.APPROVE):
            latest.publish_at = None
        if comment:
            db.session.add(ReviewComment(document_id=document.id, revision_id=latest.id,
                                         author_id=user.id, action=action, body=comment))
        audit(user, action, document, latest)
    return document


def publish_now(document: Document, actor: User, reason: str) -> None:
    """Publish the latest revision inside the caller's transaction, skipping review.

    For trusted bulk loads (``kb import`` by an admin) only.
    """
    permissions.require_role(actor, Role.ADMIN)
    go_live(document, document.latest, actor)
    audit(actor, "publish", document, document.latest, via=reason)


def archive_now(document: Document, actor: User, reason: str) -> None:
    """Archive a document inside the caller's transaction, skipping review (``kb import`` of a
    file marked ``status: archived``)."""
    permissions.require_role(actor, Role.ADMIN)
    document.latest.state = workflow.ARCHIVED
    document.published = None
    index_event(document)
    audit(actor, "archive", document, document.latest, via=reason)


def _revision(document: Document, number: int) -> Revision:
    validation.identifier(number, f"revision of {document.kind} {document.id} numbered")
    revision = db.session.execute(
        select(Revision).where(Revision.document_id == document.id, Revision.number == number)
    ).scalar_one_or_none()
    if revision is None:
        raise NotFoundError(f"{document.kind} {document.id} has no revision {number}")
    return revision


def _clean_comment(text: str | None, required: bool) -> str:
    text = validation.text(text, "comment").strip()
    if required and not validation.visible(text):
        raise ValidationError("a comment is required", field="comment")
    if len(text) > MAX_COMMENT:
        raise ValidationError(f"a comment is at most {MAX_COMMENT} characters", field="comment")
    return text
