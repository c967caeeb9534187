"""How ``kb import`` treats documents that already exist: the review workflow comes first.

Import is for bootstrapping, migrations and restores; it must never change a document behind
the review workflow's back. So a file is skipped, and reported, when its document has:

- been archived (only ``--force`` brings it back; a file that says ``archived`` too is fine),
- a revision waiting in review, sent back for changes, or approved and waiting to go live,
- a latest revision made in the app (a plain draft included) since the last import.

``--force`` lets the file win anyway, and the audit log says so. Revisions written by an import
carry ``origin = "import"``; that is how "made in the app since the last import" is told apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kb.records import audit
from kb.content.slugs import slugify
from kb.extensions import db
from kb.models import Document, Revision, SlugRedirect, User
from kb.review.services import archive_now, publish_now

#: ``Revision.origin`` of revisions written by ``kb import``.
IMPORT = "import"
PENDING = ("in_review", "changes_requested", "approved")


class SkippedFile(Exception):
    """A file left alone because its document is in the review workflow's hands."""


@dataclass(frozen=True)
class Existing:
    """What the import needs to know of a document a file names."""

    document_id: int
    latest_id: int
    number: int
    state: str
    origin: str


def find_existing(kind: str, slug: str, locale: str) -> Existing | None:
    """The shared document at ``slug`` in ``locale``, or the one that moved away from it (a
    renamed document is still the one its old file describes)."""
    columns = (Document.id, Document.latest_revision_id, Revision.number, Revision.state,
               Revision.origin)
    base = select(*columns).join(Revision, Revision.id == Document.latest_revision_id).where(
        Document.kind == kind, Document.owner_id.is_(None), Document.locale == locale)
    row = db.session.execute(base.where(Document.slug == slug)).one_or_none()
    if row is None:
        moved = base.join(SlugRedirect, SlugRedirect.document_id == Document.id)
        row = db.session.execute(moved.where(SlugRedirect.kind == kind, SlugRedirect.locale == locale,
                                             SlugRedirect.slug == slug)).one_or_none()
    return Existing(*row) if row is not None else None


def conflict(existing: Existing, file_status: str) -> str | None:
    """Why the file may not change this document without ``--force``; ``None`` when it may."""
    n = existing.number
    if existing.state == "archived" and file_status != "archived":
        return "archived in the app; only --force brings it back"
    if existing.state in ("in_review", "changes_requested"):
        return f"revision {n} is pending review ({existing.state.replace('_', ' ')})"
    if existing.state == "approved":
        return f"revision {n} is approved and waiting to be published"
    if existing.origin != IMPORT:
        state = existing.state.replace("_", " ")
        return f"revision {n} ({state}) was made in the app since the last import"
    return None


def note_forced(actor: User, document: Document, reason: str) -> None:
    """Say in the audit log that ``--force`` overrode the workflow, and why it had to."""
    audit(actor, "import_force", document, document.latest, overrode=reason)


def apply_status(document: Document, status: str, actor: User, via: str) -> bool:
    """Publish or archive the latest revision as the file says; true when that changed anything.

    ``draft`` leaves the published revision, if any, where it is.
    """
    if status == "published" and document.published is not document.latest:
        publish_now(document, actor, via)
        return True
    if status == "archived" and document.latest.state != "archived":
        archive_now(document, actor, via)
        return True
    return False


def add_redirects(document: Document, slugs: tuple[str, ...]) -> bool:
    """Make each old slug answer 301 to the document; true when one was added.

    A slug another document lives at, or already redirecting elsewhere, is left alone.
    """
    added = False
    for slug in slugs:
        if slug == document.slug:
            continue
        live = db.session.scalar(select(Document.id).where(
            Document.kind == document.kind, Document.locale == document.locale, Document.slug == slug))
        taken = db.session.scalar(select(SlugRedirect.id).where(
            SlugRedirect.kind == document.kind, SlugRedirect.locale == document.locale,
            SlugRedirect.slug == slug))
        if live is None and taken is None:
            db.session.add(SlugRedirect(kind=document.kind, locale=document.locale, slug=slug,
                                        document_id=document.id))
            added = True
    if added:
        db.session.flush()
    return added


def redirect_slugs(value) -> tuple[str, ...]:
    """``redirect_from`` as slugs; a single string is one slug.

    :raises ValueError: not a list of strings.
    """
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ValueError("redirect_from must be a list of old slugs")
    return tuple(dict.fromkeys(slugify(v) for v in value))
