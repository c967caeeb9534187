"""Bulk actions of the staff content list: one use case per document, each on its own.

Every document goes through the same service and the same permission checks as the single
action (:mod:`kb.review.services` for submit and archive, :func:`kb.content.services.save_revision`
for the changes that make a revision), in its own transaction: a refusal for one document is
reported and the others go on. A change that makes a revision is written on top of the latest
revision, like an edit in the editor, so a published revision is never touched and a draft in
flight carries the change.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable

from kb import permissions, validation
from kb.content import queries as content_queries, services as content_services
from kb.content.services import DocumentInput, copy_input, normalise_tags
from kb.errors import (InvalidTransitionError, KbError, NotFoundError, StaleRevisionError,
                       ValidationError)
from kb.extensions import db
from kb.models import Document, User
from kb.models.content import ARTICLE, KINDS
from kb.review import listing, services as review

SUBMIT, ARCHIVE, MOVE, REVIEW_BY, ADD_TAG, REMOVE_TAG = (
    "submit", "archive", "move", "review_by", "add_tag", "remove_tag")
ACTIONS = {SUBMIT: "Submit for review", ARCHIVE: "Archive", MOVE: "Move to section",
           REVIEW_BY: "Set review date", ADD_TAG: "Add tag", REMOVE_TAG: "Remove tag"}
#: The outcomes' fixed messages (a page may show its own words for them).
STALE, UNCHANGED = "someone saved it meanwhile; try again", "already so"
#: The most documents one bulk action takes (a few pages of the list).
MAX_DOCUMENTS = 500


@dataclass(frozen=True)
class Outcome:
    id: int
    kind: str
    title: str
    message: str
    #: The new revision a change made (None when it made none), so a page can say it its own way.
    revision: int | None = None


@dataclass
class BulkResult:
    action: str
    done: list[Outcome] = field(default_factory=list)
    unchanged: list[Outcome] = field(default_factory=list)
    refused: list[Outcome] = field(default_factory=list)


@dataclass(frozen=True)
class Request:
    """A checked bulk request: the action, its one parameter, and the documents it names."""

    action: str
    ids: tuple[int, ...]
    section: str | None = None
    review_by: date | None = None
    tag: str | None = None


def prepare(actor: User | None, action: str, ids: list[str], *, section: str = "",
            review_by: date | None = None, tag: str = "") -> Request:
    """Check a bulk request as a whole before anything changes.

    :raises PermissionDeniedError: the actor is not an editor.
    :raises ValidationError: an unknown action, no documents, or a missing or bad parameter.
    """
    permissions.require_content_list(actor)
    if action not in ACTIONS:
        raise ValidationError("choose one of the bulk actions", field="action")
    numbers: dict[int, None] = {}
    for raw in ids:
        numbers.setdefault(validation.number(raw, "id"), None)
    if not numbers:
        raise ValidationError("select at least one document", field="ids")
    if len(numbers) > MAX_DOCUMENTS:
        raise ValidationError(f"at most {MAX_DOCUMENTS} documents at a time", field="ids")
    checked = Request(action, tuple(numbers))
    if action == MOVE:
        path = validation.text(section, "section", multiline=False, max_length=200).strip().strip("/").lower()
        if path.count("/") != 1:
            raise ValidationError("choose the section to move to", field="section")
        listing.section_ids(path)
        return replace(checked, section=path)
    if action == REVIEW_BY:
        return replace(checked, review_by=validation.day(review_by, "review_by"))
    if action in (ADD_TAG, REMOVE_TAG):
        tags = normalise_tags([tag or ""])
        if len(tags) != 1:
            raise ValidationError("type the tag", field="tag")
        return replace(checked, tag=tags[0])
    return checked


def preview(request: Request) -> list[Outcome]:
    """What the request names, for the confirmation page (unknown ids left out)."""
    found = listing.kinds_of(list(request.ids))
    return [Outcome(i, *found[i], "") for i in request.ids if i in found]


def apply(actor: User, request: Request) -> BulkResult:
    """Run the request on each document in turn; refusals are collected, never raised."""
    result = BulkResult(request.action)
    found = listing.kinds_of(list(request.ids))
    for document_id in request.ids:
        kind, title = found.get(document_id, ("document", f"#{document_id}"))
        outcome = Outcome(document_id, kind, title, "")
        try:
            changed, message, revision = _one(actor, request, document_id, kind)
        except StaleRevisionError:
            result.refused.append(replace(outcome, message=STALE))
        except KbError as error:
            result.refused.append(replace(outcome, message=error.message))
        else:
            (result.done if changed else result.unchanged).append(
                replace(outcome, message=message, revision=revision))
        db.session.expire_all()  # the next document is read afresh, whatever this one did
    return result


def _one(actor: User, request: Request, document_id: int, kind: str) -> tuple[bool, str, int | None]:
    document = _shared(actor, kind, document_id)
    if request.action == SUBMIT:
        review.submit(kind, document_id, actor)
        return True, "submitted for review", None
    if request.action == ARCHIVE:
        review.archive(kind, document_id, actor)
        return True, "archived", None
    if request.action == MOVE:
        if kind != ARTICLE:
            raise ValidationError("macros are filed by their title, not in sections")
        return _revise(actor, document, lambda data: replace(data, section=request.section),
                       f"moved to {request.section}", f"Moved to {request.section}")
    if request.action == REVIEW_BY:
        when = request.review_by.isoformat() if request.review_by else None
        return _revise(actor, document, lambda data: replace(data, review_by=request.review_by),
                       f"review date set to {when}" if when else "review date cleared",
                       f"Review by {when}" if when else "Review date cleared")
    tag = request.tag or ""
    if request.action == ADD_TAG:
        return _revise(actor, document, lambda data: replace(data, tags=data.tags + (tag,)),
                       f"tagged {tag}", f"Added tag {tag}")
    return _revise(actor, document, lambda data: replace(data, tags=tuple(t for t in data.tags if t != tag)),
                   f"tag {tag} removed", f"Removed tag {tag}")


def _shared(actor: User, kind: str, document_id: int) -> Document:
    """The document, when the actor may see it and it is a shared one.

    :raises NotFoundError: no such document, or one hidden from the actor.
    :raises InvalidTransitionError: a personal macro.
    """
    if kind not in KINDS:
        raise NotFoundError(f"no document with id {document_id}")
    document = content_queries.get_document(kind, document_id)
    permissions.require_document_editor(actor, document)
    if not permissions.managed_in_content_list(document):
        raise InvalidTransitionError("personal macros are managed by their owner in the macro library")
    return document


def _revise(actor: User, document: Document, change: Callable[[DocumentInput], DocumentInput],
            done: str, message: str) -> tuple[bool, str, int | None]:
    """A new revision on top of the latest one, through the editor's own save: a published
    revision stays as it is and the change waits for review; a draft in flight carries it."""
    latest = document.latest
    data = change(copy_input(latest, message))
    saved = content_services.save_revision(document.kind, document.id, data, latest.number, actor)
    if saved.latest.number == latest.number:
        return False, UNCHANGED, None
    return True, f"{done} (revision {saved.latest.number}, a draft)", saved.latest.number
