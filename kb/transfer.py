"""Content files in and out: ``kb import`` and ``kb export``.

A content file is Markdown with YAML front matter (see the contract). Import goes through the
same services as the editor, so every import leaves revisions and audit records; files marked
``published`` (the default) are published by the importing admin. One bad file is reported
and skipped; the others still import. A document in the review workflow's hands is left alone
and reported (see :mod:`kb.transfer_workflow`); export lives in :mod:`kb.transfer_export`.
"""

from __future__ import annotations

import gc
import hashlib
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from sqlalchemy import select

from kb import database, macros, ordered_pool, transfer_fields, transfer_locales, transfer_media, transfer_sections, transfer_synonyms, transfer_workflow, validation  # noqa: F401 (macros registers its kind)
from kb.content import render_budget, services
from kb.content.render_budget import RenderRefusedError
from kb.content.services import DocumentInput, RenderedBody
from kb.content.slugs import slugify
from kb.database import transaction
from kb.errors import KbError
from kb.extensions import db
from kb.models import Document, Revision, User
from kb.transfer_export import export_all, render_file  # noqa: F401 - kept importable from here
from kb.transfer_files import ContentFile, ContentFileError, discover, read_text, split_front_matter
from kb.transfer_workflow import IMPORT, SkippedFile

KNOWN_KEYS = {"title", "slug", "section", "tags", "visibility", "status", "review_by", "redirect_from",
              "position", "locale", "translation_of"}
STATUSES = {"published", "draft", "archived"}
#: From this many files on, an import renders Markdown in worker processes: below it, starting
#: them costs more than they save.
POOL_MIN_FILES = 100
#: Files written per database transaction (each in its own savepoint).
FILES_PER_TRANSACTION = 50


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    #: Images read from ``media/`` that were not stored yet.
    images: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    #: Files left alone because their document is in the review workflow's hands, and why.
    skips: list[tuple[str, str]] = field(default_factory=list)
    #: CPU seconds per stage: ``parse`` and ``render`` summed over files (in the worker
    #: processes when there are some), ``database`` and ``index`` in this thread.
    timings: dict[str, float] = field(default_factory=lambda: dict.fromkeys(
        ("parse", "render", "database", "index"), 0.0))
    #: Wall-clock seconds from the start until the last file was committed, and then until
    #: the search index had caught up with them all.
    written_seconds: float = 0.0
    indexed_seconds: float = 0.0

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def skipped(self) -> int:
        return len(self.skips)

    def summary(self) -> str:
        return (f"imported {self.imported}, updated {self.updated}, "
                f"unchanged {self.unchanged}, failed {self.failed}, skipped {self.skipped}")


@dataclass(frozen=True)
class ParsedFile:
    slug: str
    status: str
    data: DocumentInput
    #: Old slugs that answer 301 to this document.
    redirect_from: tuple[str, ...] = ()
    #: ``locale:`` as written (checked against ``KB_LOCALES`` when written to the database).
    locale: str | None = None
    #: ``translation_of:``, the slug of the source document in the default locale.
    translation_of: str | None = None


def parse_file(item: ContentFile) -> ParsedFile:
    """Read and check one content file.

    :raises ContentFileError: unreadable, not UTF-8, NUL bytes, broken or oversized YAML, no
        title, a field of the wrong type or value.
    """
    if item.refused:
        raise ContentFileError(item.refused)
    meta, body = split_front_matter(read_text(item.path))
    try:  # every string, known keys or not: the saves check only the fields they store
        validation.values(meta, "front_matter")
    except KbError as exc:
        raise ContentFileError(exc.message) from None
    title = meta.get("title")
    if title is not None and not isinstance(title, str):
        raise ContentFileError("title must be text (quote it if it looks like a number or a list)")
    if not title or not title.strip():
        raise ContentFileError("no title in the front matter")
    status = transfer_fields.word(meta, "status", "published")
    if status not in STATUSES:
        raise ContentFileError(f"status must be published, draft or archived, not {status!r}")
    try:
        redirect_from = transfer_workflow.redirect_slugs(meta.get("redirect_from"))
    except ValueError as exc:
        raise ContentFileError(str(exc)) from None
    visibility = transfer_fields.word(meta, "visibility", "public")
    section = meta.get("section")
    if section is not None and not isinstance(section, str):
        raise ContentFileError("section must read category/section")
    slug = meta.get("slug")
    if slug is not None and (isinstance(slug, bool) or not isinstance(slug, (str, int))):
        raise ContentFileError("slug must be text")
    position = meta.get("position") or 0  # absent: first place, as an absent field is empty
    if isinstance(position, bool) or not isinstance(position, int):
        raise ContentFileError("position must be a whole number")
    try:
        data = DocumentInput(
            title=title.strip(), body=body,
            tags=services.normalise_tags(transfer_fields.tags(meta.get("tags"))),
            section=section or item.folder_section, visibility=visibility,
            slug=slugify(str(slug or item.path.stem)),
            review_by=transfer_fields.day(meta.get("review_by")),
            meta=transfer_fields.plain({k: v for k, v in meta.items() if k not in KNOWN_KEYS}),
            message=f"Imported from {item.path.name}", position=position,
        )
    except KbError as exc:
        raise ContentFileError(exc.message) from None
    locale, source = meta.get("locale"), meta.get("translation_of")
    if not isinstance(locale, (str, type(None))) or not isinstance(source, (str, type(None))):
        raise ContentFileError("locale and translation_of must be text")
    return ParsedFile(data.slug, status, data, redirect_from, locale and locale.strip(),
                      slugify(source) if source else None)


@dataclass(frozen=True)
class PreparedFile:
    """One file read, checked and rendered, ready for its database transaction."""

    item: ContentFile
    parsed: ParsedFile | None
    #: ``None`` when the file failed to parse, or when rendering raised (the save then
    #: renders again in the importing process and reports the error the same way).
    rendered: RenderedBody | None
    #: Why the file cannot be imported: unreadable, or refused by the renderer.
    error: str | None
    parse_seconds: float
    render_seconds: float


#: ``(kind, slug) -> body digest`` of the documents stored when the running import started.
_known_bodies: Mapping[tuple[str, str], bytes] = {}


def prepare_file(item: ContentFile, render: bool = False) -> PreparedFile:
    """Parse one file and, if asked, render it; no database, so it may run in a worker process.

    A body equal to the stored latest one (see :func:`_stored_bodies`) is not rendered:
    re-imports are mostly unchanged files, and a save that does need it renders itself.
    """
    start = time.thread_time()
    try:
        parsed = parse_file(item)
    except ContentFileError as exc:
        return PreparedFile(item, None, None, str(exc), time.thread_time() - start, 0.0)
    except Exception as exc:  # noqa: BLE001 - one file's surprise must not end the import
        return PreparedFile(item, None, None, unexpected(exc), time.thread_time() - start, 0.0)
    parsed_at = time.thread_time()
    body = services.normalise_body(parsed.data.body)
    rendered = None
    if render and _known_bodies.get((item.kind, parsed.slug)) != _digest(body):
        try:
            rendered = services.render_body(body, item.kind)
        except RenderRefusedError as exc:  # over the budget: trying again would only wait again
            return PreparedFile(item, parsed, None, exc.message, parsed_at - start,
                                time.thread_time() - parsed_at)
        except Exception:  # noqa: BLE001 - rendered again by the save, which reports it
            pass
    return PreparedFile(item, parsed, rendered, None, parsed_at - start, time.thread_time() - parsed_at)


def unexpected(exc: Exception) -> str:
    """A failure line for an error no check foresaw: what it was, in one line."""
    text = " ".join(str(exc).split())[:300]
    return f"cannot be imported: {type(exc).__name__}" + (f": {text}" if text else "")


def _digest(body: str) -> bytes:
    return hashlib.blake2b(body.encode(), digest_size=16).digest()


def _stored_bodies() -> dict[tuple[str, str], bytes]:
    """Digests of the latest body of every shared document, read once before an import."""
    rows = db.session.execute(
        select(Document.kind, Document.slug, Revision.body)
        .join(Revision, Revision.id == Document.latest_revision_id).where(Document.owner_id.is_(None))
    )
    return {(kind, slug): _digest(body) for kind, slug, body in rows}


def _prepare_and_render(item: ContentFile) -> PreparedFile:
    return prepare_file(item, render=True)


def _remember_bodies(known_bodies: Mapping[tuple[str, str], bytes]) -> None:
    """Set in this process and, as the pool's initializer, in each worker."""
    global _known_bodies
    _known_bodies = known_bodies


def import_paths(paths: Iterable[str | os.PathLike], actor: User,
                 progress: Callable[[Iterable[ContentFile]], Iterator[ContentFile]] | None = None,
                 workers: int | None = None, force: bool = False) -> ImportReport:
    """Import content files; re-importing the same content makes no new revision.

    A file whose document is in the review workflow's hands is skipped unless ``force``. The
    sections file (``articles/sections.yml``) found with the paths is read first, so sections
    get their titles and order before any article lands in them.

    Files are written in a stable order by this process, each in its own savepoint. Parsing
    and Markdown rendering (the slow part) run ahead of the writes in ``workers`` processes:
    by default one per CPU for imports of :data:`POOL_MIN_FILES` files or more; with ``0``
    each save renders its own body, here (the ``render`` timing is then part of ``database``).
    """
    report = ImportReport()
    started = time.perf_counter()
    given = [Path(p) for p in paths]
    sections = transfer_sections.sections_files(given)
    synonyms = transfer_synonyms.synonyms_files(given)
    files = discover(p for p in given if p.resolve() not in sections | synonyms)
    report.images, failed = transfer_media.import_media((p for p in given if p.is_dir()), actor)
    report.failures.extend(failed)
    for path, refused in sections.items():
        try:
            if refused:
                raise transfer_sections.SectionsFileError(refused)
            transfer_sections.load(path)
        except transfer_sections.SectionsFileError as exc:
            report.failures.append((str(path), str(exc)))
        except Exception as exc:  # noqa: BLE001 - rolled back; the content files still import
            report.failures.append((str(path), unexpected(exc)))
    for path, refused in synonyms.items():
        try:
            if refused:
                raise transfer_synonyms.SynonymsFileError(refused)
            transfer_synonyms.load(path)
        except transfer_synonyms.SynonymsFileError as exc:
            report.failures.append((str(path), str(exc)))
    count = _worker_count(len(files), workers)
    with _long_lived_objects_frozen(), database.after_commit_deferred(), render_budget.import_budget():
        _import_files(files, actor, count, progress, report, force)
        report.written_seconds = time.perf_counter() - started
        indexing_from = time.thread_time()  # the index catches up on leaving the block
    report.timings["index"] = time.thread_time() - indexing_from
    report.indexed_seconds = time.perf_counter() - started
    return report


@contextmanager
def _long_lived_objects_frozen() -> Iterator[None]:
    """Keep the garbage collector off the objects that live through the whole import.

    A bulk import makes a great many short-lived ORM objects, and each full collection would
    walk the app, the mappers and the known bodies again. Freezing them before the rendering
    workers fork also spares the workers those walks (and the copy-on-write they cause); a
    larger first generation means fewer collections of the objects each file makes.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(thresholds[0], 20_000), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _import_files(files: list[ContentFile], actor: User, count: int,
                  progress: Callable[[Iterable[ContentFile]], Iterator[ContentFile]] | None,
                  report: ImportReport, force: bool = False) -> None:
    """Write every file in order, :data:`FILES_PER_TRANSACTION` to a transaction.

    Each file is written inside its own savepoint, so a bad one is rolled back alone. Fewer,
    larger transactions halve the database work of a bulk import (a commit also expires
    every object the session holds); a crash loses at most the batch being written, which
    importing again writes the same way.
    """
    claimed: dict[tuple[str, str, str | None], Path] = {}
    #: Translations met before their source; written once every other file is.
    waiting: list[PreparedFile] = []
    if count:
        prepared = ordered_pool.map_ahead(_prepare_and_render, files, count,
                                          initializer=_remember_bodies, initargs=(_stored_bodies(),))
    else:
        prepared = (prepare_file(item) for item in files)
    shown = progress(files) if progress else files
    with services.remembered_sections() as sections, _loaded_once(actor):
        try:
            pairs = zip(shown, prepared)
            written = FILES_PER_TRANSACTION
            while written == FILES_PER_TRANSACTION:
                written = 0
                with transaction():
                    # Taken one at a time, so each file is written as soon as it is rendered.
                    for _shown, ready in islice(pairs, FILES_PER_TRANSACTION):
                        written += 1
                        if not _import_prepared(ready, actor, claimed, report, force, waiting):
                            sections.clear()  # the failed file's savepoint may have made one
            with transaction():
                for ready in waiting:
                    if not _import_prepared(ready, actor, claimed, report, force):
                        sections.clear()
        finally:
            prepared.close()
            _remember_bodies({})


def _import_prepared(ready: PreparedFile, actor: User, claimed: dict[tuple[str, str, str | None], Path],
                     report: ImportReport, force: bool = False,
                     waiting: list[PreparedFile] | None = None) -> bool:
    """Write one prepared file in its own savepoint; false when it failed (and was rolled back).

    A skipped file is not a failure: nothing was written for it."""
    item = ready.item
    report.timings["parse"] += ready.parse_seconds
    report.timings["render"] += ready.render_seconds
    start = time.thread_time()
    try:
        if ready.parsed is None or ready.error:
            raise ContentFileError(ready.error or "cannot be read")
        other = claimed.setdefault((item.kind, ready.parsed.slug, ready.parsed.locale), item.path)
        if other != item.path:
            raise ContentFileError(f"slug {ready.parsed.slug!r} is already used by {other} in this import")
        with db.session.begin_nested():
            outcome = _import_one(item.kind, ready.parsed, actor, ready.rendered, force,
                                  waiting is not None)
    except transfer_locales.SourceNotYet:
        waiting.append(ready)  # type: ignore[union-attr]
        outcome = "waiting"
    except SkippedFile as exc:  # raised before anything was written
        report.skips.append((str(item.path), str(exc)))
        outcome = "skipped"
    except (ContentFileError, KbError) as exc:
        report.failures.append((str(item.path), getattr(exc, "message", None) or str(exc)))
        outcome = None
    except Exception as exc:  # noqa: BLE001 - rolled back with its savepoint; the others go on
        report.failures.append((str(item.path), unexpected(exc)))
        outcome = None
    if outcome in ("imported", "updated", "unchanged"):
        setattr(report, outcome, getattr(report, outcome) + 1)
    report.timings["database"] += time.thread_time() - start
    return outcome is not None


@contextmanager
def _loaded_once(actor: User) -> Iterator[None]:
    """Keep the actor out of the session while files are written: each file's commit would
    otherwise expire it, and reading its id or role would reload it from the database."""
    attached = actor in db.session
    if attached:
        (actor.id, actor.role_name, actor.active)  # load it now if it is expired
        db.session.expunge(actor)
    try:
        yield
    finally:
        if attached:
            db.session.add(actor)


def _worker_count(files: int, wanted: int | None) -> int:
    if wanted is not None:
        return max(0, wanted)
    cpus = ordered_pool.usable_cpus()
    return cpus if files >= POOL_MIN_FILES and cpus > 1 else 0


def _import_one(kind: str, parsed: ParsedFile, actor: User, rendered: RenderedBody | None = None,
                force: bool = False, may_wait: bool = False) -> str:
    """Create, update or leave one document; returns which (``imported``/``updated``/``unchanged``).

    :raises SkippedFile: the document is in the review workflow's hands and ``force`` is off.
    :raises SourceNotYet: a translation whose source is not imported yet, when ``may_wait``.
    """
    with transaction():
        locale, source_id = transfer_locales.file_locale(kind, parsed.locale, parsed.translation_of, may_wait)
        found = transfer_workflow.find_existing(kind, parsed.slug, locale)
        if found is None:
            document = services.create_document(kind, parsed.data, actor, create_sections=True,
                                                rendered=rendered, origin=IMPORT, locale=locale,
                                                translation_of=source_id)
            transfer_workflow.add_redirects(document, parsed.redirect_from)
            transfer_workflow.apply_status(document, parsed.status, actor, "import")
            return "imported"
        reason = transfer_workflow.conflict(found, parsed.status)
        if reason and not force:
            raise SkippedFile(reason)
        document = services.save_revision(kind, found.document_id, parsed.data, found.number, actor,
                                          create_sections=True, rendered=rendered, origin=IMPORT)
        changed = document.latest.id != found.latest_id
        if reason:
            transfer_workflow.note_forced(actor, document, reason)
        changed = transfer_workflow.add_redirects(document, parsed.redirect_from) or changed
        changed = transfer_workflow.apply_status(document, parsed.status, actor,
                                                 "import --force" if reason else "import") or changed
        return "updated" if changed else "unchanged"
