"""``kb export``: every shared document as a content file, plus the sections and synonyms files.

An export is a faithful copy of what readers and agents see, enough to rebuild it: importing
it into an empty instance and exporting again gives the same files, byte for byte.

For each document the file holds the revision readers see: the published one when there is
one, even if a newer draft waits in review (a draft is work in progress, not content; it
stays in the app's history). A document never published is written from its latest revision
with ``status: draft``, an archived one with ``status: archived``. ``redirect_from`` lists the
old slugs that answer 301, so links out in the world keep working after a restore. Personal
macros belong to one agent and are not written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from sqlalchemy import select

from kb import transfer_media, transfer_sections, transfer_synonyms
from kb.content.slugs import slugify
from kb.extensions import db
from kb.models import Document, Revision, SlugRedirect
from kb.models.content import ARTICLE, MACRO


def export_all(directory: str | os.PathLike) -> int:
    """Write every shared document, ``articles/sections.yml`` and ``media/`` (every uploaded
    image); returns how many documents.

    Files are written atomically.
    """
    root = Path(directory)
    count = 0
    documents = db.session.execute(
        select(Document).where(Document.owner_id.is_(None)).order_by(Document.kind, Document.slug)
    ).unique().scalars().all()
    redirects = _redirects()
    for document in documents:
        revision, status = exported_revision(document)
        if revision is None:
            continue
        text = render_file(document, revision, status, redirects.get(document.id, []))
        _write_atomic(root / _export_path(document, revision), text)
        count += 1
    _write_atomic(root / "articles" / transfer_sections.FILE_NAME, transfer_sections.dump())
    _write_atomic(root / "articles" / transfer_synonyms.FILE_NAME, transfer_synonyms.dump())
    transfer_media.export_media(root)
    return count


def exported_revision(document: Document) -> tuple[Revision | None, str]:
    """The revision an export writes for a document, and the ``status`` it is written with."""
    if document.published is not None:
        return document.published, "published"
    latest = document.latest
    if latest is not None and latest.state == "archived":
        return latest, "archived"
    return latest, "draft"


def _redirects() -> dict[int, list[str]]:
    """Document id -> its old slugs, sorted so that an export is stable."""
    found: dict[int, list[str]] = {}
    for document_id, slug in db.session.execute(
            select(SlugRedirect.document_id, SlugRedirect.slug).order_by(SlugRedirect.slug, SlugRedirect.locale)):
        found.setdefault(document_id, []).append(slug)
    return found


def _export_path(document: Document, revision: Revision) -> Path:
    """Where a document's file goes; a translation sits beside its source's folder-mates as
    ``<slug>.<locale>.md`` (a translation may share its source's slug)."""
    name = f"{document.slug}.md" if document.translation_of_id is None else f"{document.slug}.{document.locale}.md"
    if document.kind == MACRO:
        head = revision.title.split("::")[0] if "::" in revision.title else "general"
        return Path("macros") / slugify(head) / name
    if revision.section is not None:
        section = revision.section
        return Path("articles") / section.category.slug / section.slug / name
    return Path("articles") / name


def render_file(document: Document, revision: Revision, status: str,
                redirect_from: list[str] | None = None) -> str:
    meta: dict = {"title": revision.title, "slug": document.slug}
    if document.translation_of is not None:
        meta["locale"] = document.locale
        meta["translation_of"] = document.translation_of.slug
    if document.kind == ARTICLE:
        meta["section"] = revision.section.path if revision.section else None
        meta["visibility"] = revision.visibility
    if revision.position:
        meta["position"] = revision.position
    meta["tags"] = list(revision.tags or [])
    meta["status"] = status
    if revision.review_by:
        meta["review_by"] = revision.review_by
    if redirect_from:
        meta["redirect_from"] = list(redirect_from)
    meta.update({k: v for k, v in (revision.meta or {}).items() if k not in meta})
    meta = {k: v for k, v in meta.items() if v is not None}
    header = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=None,
                            width=1000)
    return f"---\n{header}---\n{revision.body}"


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".kb-export-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
