"""``kb import-zendesk``: a Zendesk export applied with the content-file import's own rules.

:mod:`kb.zendesk.reader` turns the JSON into the parsed inputs a Markdown file gives; each is then
written by :func:`kb.transfer._import_prepared`, so creating, updating, leaving unchanged and
skipping a document in the review workflow's hands (``--force`` overriding) are exactly those of
``kb import``. What is Zendesk's own: the Zendesk id of each article and macro is kept
(:class:`kb.models.ZendeskLink`) so a second run finds the same document even if its slug moved,
and personal macros are written for the agent with the matching e-mail. Translations
(:mod:`kb.zendesk.translations`) come last, each as a content file naming its source, so they
follow the same rules and land as translation documents.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select

from kb import database, locales, transfer, transfer_sections, transfer_workflow
from kb.content import render_budget, services, translations as families
from kb.database import transaction
from kb.errors import KbError
from kb.extensions import db
from kb.models import Document, User, ZendeskLink
from kb.models.content import ARTICLE
from kb.models.zendesk import TRANSLATION
from kb.review.services import archive_now
from kb.transfer import ImportReport, PreparedFile
from kb.transfer_files import ContentFile
from kb.transfer_workflow import IMPORT, SkippedFile
from kb.zendesk import place_translations, reader, translations


def import_directory(directory: str | Path, actor: User, force: bool = False
                     ) -> tuple[ImportReport, reader.Export]:
    """Import a folder of Zendesk API answers; the report counts documents as ``kb import`` does."""
    report = ImportReport()
    folder = Path(directory)
    if not folder.is_dir():
        report.failures.append((str(folder), "no such folder"))
        return report, reader.Export()
    found = reader.read(folder)
    translations.read(folder, found)
    place_translations.read(folder, found)
    report.failures.extend(found.failures)
    if found.tree:
        try:
            transfer_sections.apply_entries(found.tree)
        except transfer_sections.SectionsFileError as exc:
            report.failures.append(("categories.json/sections.json", str(exc)))
    claimed: dict[tuple[str, str], Path] = {}
    with database.after_commit_deferred(), render_budget.import_budget():
        for item in found.items:
            if item.refused:
                report.skips.append((item.origin, item.refused))
            elif item.owner_email:
                _personal(item, report, force)
            else:
                _shared(item, actor, claimed, report, force)
    return report, found


def linked_document(kind: str, zendesk_id: int) -> Document | None:
    return db.session.scalar(select(Document).join(ZendeskLink, ZendeskLink.document_id == Document.id)
                             .where(ZendeskLink.kind == kind, ZendeskLink.zendesk_id == zendesk_id))


def _link(kind: str, zendesk_id: int, document_id: int) -> None:
    link = db.session.scalar(select(ZendeskLink).where(ZendeskLink.kind == kind,
                                                       ZendeskLink.zendesk_id == zendesk_id))
    if link is None:
        db.session.add(ZendeskLink(kind=kind, zendesk_id=zendesk_id, document_id=document_id))
    else:
        link.document_id = document_id


def _free_slug(kind: str, slug: str, zendesk_id: int, claimed, locale: str) -> str:
    """The title's slug, or with the Zendesk id after it when another document holds it."""
    taken = db.session.scalar(select(func.count()).select_from(Document).where(
        Document.kind == kind, Document.slug == slug, Document.locale == locale))
    return f"{slug}-{zendesk_id}" if taken or (kind, slug, locale) in claimed else slug


def _shared(item: reader.ZendeskItem, actor: User, claimed, report: ImportReport, force: bool) -> None:
    parsed = item.parsed
    locale = parsed.locale or locales.default()
    if item.source_id is not None:
        parsed = _as_translation(item)
        if parsed is None:
            report.skips.append((item.origin, f"its article {item.source_id} is not imported here"))
            return
        existing = _existing_translation(item, locale)
    else:
        existing = linked_document(item.kind, item.zendesk_id)
    if existing is not None:
        slug = existing.slug
    else:
        slug = _free_slug(item.kind, parsed.slug, item.zendesk_id, claimed, locale)
    if slug != parsed.slug:
        parsed = replace(parsed, slug=slug, data=replace(parsed.data, slug=slug))
    ready = PreparedFile(ContentFile(Path(item.origin), item.kind, None), parsed, None, None, 0.0, 0.0)
    with transaction():
        troubles = report.failed + report.skipped
        if transfer._import_prepared(ready, actor, claimed, report, force) and \
                report.failed + report.skipped == troubles:
            document = transfer_workflow.find_existing(item.kind, slug, locale)
            if item.source_id is None:
                _link(item.kind, item.zendesk_id, document.document_id)
            elif item.translation_id is not None:
                _link(TRANSLATION, item.translation_id, document.document_id)


def _as_translation(item: reader.ZendeskItem) -> transfer.ParsedFile | None:
    """The translation as a file naming its source, which lends it its section, visibility,
    place (and tags, when Zendesk gave none); None when the source is not here."""
    source = linked_document(ARTICLE, item.source_id)
    if source is None:
        return None
    shown = services.copy_input(source.published or source.latest)
    data = replace(item.parsed.data, section=shown.section, visibility=shown.visibility,
                   position=shown.position, tags=item.parsed.data.tags or shown.tags)
    status = item.parsed.status if source.published_revision_id is not None else "draft"
    return replace(item.parsed, data=data, status=status, translation_of=source.slug)


def _existing_translation(item: reader.ZendeskItem, locale: str) -> Document | None:
    """The document an earlier run made of this translation: by its Zendesk id when it has
    one, else the source's translation in ``locale``."""
    if item.translation_id is not None:
        linked = linked_document(TRANSLATION, item.translation_id)
        if linked is not None:
            return linked
    source = linked_document(ARTICLE, item.source_id)
    found = families.in_locale(source, locale) if source is not None else None
    return found if found is not None and found.id != source.id else None


def _personal(item: reader.ZendeskItem, report: ImportReport, force: bool) -> None:
    """A macro restricted to one Zendesk user: personal to the kb agent with that e-mail."""
    owner = db.session.scalar(select(User).where(func.lower(User.email) == item.owner_email.lower()))
    if owner is None:
        report.skips.append((item.origin, f"personal to {item.owner_email}, who has no account here"))
        return
    parsed = item.parsed
    try:
        with transaction():
            existing = linked_document(item.kind, item.zendesk_id)
            if existing is None:
                document = services.create_document(item.kind, parsed.data, owner, personal=True,
                                                    origin=IMPORT)
                _link(item.kind, item.zendesk_id, document.id)
                outcome = "imported"
            else:
                latest = existing.latest
                found = transfer_workflow.Existing(existing.id, latest.id, latest.number, latest.state,
                                                   latest.origin)
                reason = transfer_workflow.conflict(found, parsed.status)
                if reason and not force:
                    raise SkippedFile(reason)
                document = services.save_revision(item.kind, existing.id, parsed.data, latest.number,
                                                  owner, origin=IMPORT)
                outcome = "updated" if document.latest.id != found.latest_id else "unchanged"
            if parsed.status == "archived" and document.latest.state != "archived":
                archive_now(document, owner, "import")
                outcome = "updated" if outcome == "unchanged" else outcome
    except SkippedFile as exc:
        report.skips.append((item.origin, str(exc)))
        return
    except KbError as exc:
        report.failures.append((item.origin, exc.message))
        return
    setattr(report, outcome, getattr(report, outcome) + 1)
