"""App glue between the database and this node's search index.

The database is the truth; the index is a per-node cache that follows it through the
``index_events`` outbox. Services write an event in the same transaction as every change that
search must see (publish, archive, visibility or slug changes). :func:`catch_up` applies the
events past the position recorded in the index, reading each document's *current* state, so
replaying an event is harmless. It runs in-process after each commit, in a background follower
thread of every server process, and in ``kb index --follow``.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from kb import database, permissions
from kb.extensions import db
from kb.models import Document, IndexEvent, Revision, Section
from kb.models.content import MACRO
from kb.models.types import utcnow
from kb.search import failures
from kb.search.documents import IndexCorruptError, IndexDoc
from kb.search.schema import KINDS, category_terms

if TYPE_CHECKING:
    from kb.search.index import SearchIndex

log = logging.getLogger(__name__)

EXTENSION = "kb.search"
#: Events applied per index commit.
BATCH = 2000
#: How long a hole in the outbox ids may be a transaction still in flight (PostgreSQL hands out
#: sequence numbers before commit, so id 9 can become visible after id 10).
IN_FLIGHT_GRACE = timedelta(seconds=10)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = _Holder(app.config["INDEX_DIR"])
    if app.config.get("INDEX_IN_PROCESS", True):
        database.on_commit(app, catch_up)


class _Holder:
    """Opens the node's index once per process, lazily, and reopens it after a rebuild."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.index: "SearchIndex | None" = None

    def get(self) -> "SearchIndex":
        if self.index is None:
            with self.lock:
                if self.index is None:
                    self.index = _open_or_rebuild(self.path)
        return self.index


def get_index() -> "SearchIndex":
    return current_app.extensions[EXTENSION].get()


def _open_or_rebuild(path: str) -> "SearchIndex":
    """Open the node's index; an unreadable one is moved aside and started afresh (its
    position is then 0, so the next catch-up replays the whole outbox)."""
    from kb.search.index import SearchIndex

    if path == ":memory:":
        return SearchIndex.in_memory()
    Path(path).mkdir(mode=0o700, parents=True, exist_ok=True)  # a private index: it holds internal text
    try:
        return SearchIndex.open(path)
    except IndexCorruptError:
        aside = f"{path}.corrupt-{int(time.time())}"
        log.warning("the search index at %s is unreadable; moved to %s and rebuilding", path, aside)
        Path(path).rename(aside)
        return SearchIndex.open(path)


def catch_up(limit_batches: int | None = None) -> int:
    """Apply the outbox events this node's index has not seen. Returns how many were applied.

    Safe to call from any number of threads and processes: the index writer lock serialises
    them, and applying an event twice changes nothing. A document the index cannot take does
    not stop the others (see :mod:`kb.search.failures`).
    """
    holder: _Holder = current_app.extensions[EXTENSION]
    index = holder.get()
    applied = 0
    with holder.lock:
        batches = 0
        while limit_batches is None or batches < limit_batches:
            batches += 1
            position = index.position()
            if position > _latest_position():
                # The database was reset or restored behind the index: start over from it.
                rebuild()
                return applied
            events = db.session.execute(
                select(IndexEvent.id, IndexEvent.document_id, IndexEvent.created_at)
                .where(IndexEvent.id > position).order_by(IndexEvent.id).limit(BATCH)
            ).all()
            db.session.rollback()  # end the read transaction; we keep only plain values
            if not events:
                break
            new_position = _apply_events(index, events, position, _safe_position(position, events))
            applied += len(events)
            if new_position < events[-1][0] or len(events) < BATCH:
                break
    return applied


def _apply_events(index: "SearchIndex", events: list, position: int, new_position: int) -> int:
    """Apply a batch of events; returns the position recorded.

    Documents that fail are left out (and out of the index); while one has tries left the
    recorded position stays before its first event, so it is tried again, but every other
    document of the batch is applied now all the same.
    """
    upserts, deletes, broken = _documents_state({document_id for _, document_id, _ in events})
    good = []
    for doc in upserts:
        try:
            failures.check_indexable(doc)
            good.append(doc)
        except Exception as exc:
            broken[doc.id] = (doc.revision_id, failures.describe(exc))
    tries = failures.record(broken)
    target = _position_past(tries, events, new_position)
    try:
        index.apply(good, deletes + list(broken), target)
    except failures.INDEX_WIDE:
        raise
    except Exception:
        more = failures.isolate(index, good, position)
        broken.update(more)
        tries.update(failures.record(more))
        good = [doc for doc in good if doc.id not in more]
        target = _position_past(tries, events, new_position)
        index.apply([], deletes + list(broken), target)
    for document_id, n in tries.items():
        if n >= failures.MAX_TRIES:
            log.error("document %s could not be indexed after %s tries; set aside: %s",
                      document_id, n, broken[document_id][1])
        else:
            log.warning("document %s could not be indexed (try %s of %s): %s",
                        document_id, n, failures.MAX_TRIES, broken[document_id][1])
    failures.clear([doc.id for doc in good] + deletes)
    return target


def _position_past(tries: dict[int, int], events: list, new_position: int) -> int:
    """How far the position may go: to just before the first event of a failing document
    that has tries left, else all the way."""
    held = {document_id for document_id, n in tries.items() if n < failures.MAX_TRIES}
    for event_id, document_id, _ in events:
        if document_id in held:
            return min(new_position, event_id - 1)
    return new_position


def _safe_position(position: int, events: list) -> int:
    """The highest id below which no event can still appear.

    Events past a hole are applied now too (they are idempotent) but the recorded position
    stops before the hole while the hole is young, so a late commit is not skipped.
    """
    expected = position + 1
    now = utcnow()
    for event_id, _, created_at in events:
        if event_id != expected and now - created_at < IN_FLIGHT_GRACE:
            return expected - 1
        expected = event_id + 1
    return events[-1][0]


def _latest_position() -> int:
    return db.session.scalar(select(func.max(IndexEvent.id))) or 0


def _documents_state(ids: Iterable[int]
                     ) -> tuple[list[IndexDoc], list[int], dict[int, tuple[int, str]]]:
    """What the index should hold for each document now: its published revision, or nothing.

    The third part holds the documents whose searchable form could not even be built.
    """
    ids = list(ids)
    found = {
        d.id: d for d in db.session.execute(
            select(Document).where(Document.id.in_(ids))
            .options(joinedload(Document.published).joinedload(Revision.section)
                     .joinedload(Section.category))
        ).unique().scalars()
    }
    upserts, deletes, broken = [], [], {}
    for document_id in ids:
        document = found.get(document_id)
        if document is None or document.published is None:
            deletes.append(document_id)
            continue
        try:
            upserts.append(index_doc(document, document.published))
        except Exception as exc:
            broken[document_id] = (document.published_revision_id, failures.describe(exc))
    db.session.rollback()
    return upserts, deletes, broken


def index_doc(document: Document, revision: Revision) -> IndexDoc:
    """The searchable form of a document's published revision."""
    section = revision.section
    if document.kind == MACRO:
        category = category_terms(revision.title)
    else:
        category = section.category.slug if section else None
    return IndexDoc(
        id=document.id, kind=document.kind, revision_id=revision.id, slug=document.slug,
        title=revision.title, text=revision.text, tags=tuple(revision.tags or ()),
        category=category, section=section.path if section else None,
        visibility=permissions.effective_visibility(document.kind, revision.visibility),
        owner_id=document.owner_id, updated_at=document.updated_at, locale=document.locale,
    )


def all_published(on_error: Callable[[int, int | None, Exception], None] | None = None
                  ) -> Iterator[IndexDoc]:
    """Every published revision, streamed for a rebuild a kind at a time, each in id order.

    A kind's documents then get one run of document numbers in the new index, so a term
    loaded over several kinds (an agent's search) is its parts end to end, not a merge (see
    :meth:`kb.search.engine.postings.TermCache._postings`). A document whose searchable form cannot
    be built is passed to ``on_error`` and left out (without ``on_error``, the error is raised).
    """
    for kind in KINDS:
        last = 0
        while True:
            chunk = db.session.execute(
                select(Document)
                .where(Document.kind == kind, Document.published_revision_id.is_not(None),
                       Document.id > last)
                .options(joinedload(Document.published).joinedload(Revision.section)
                         .joinedload(Section.category))
                .order_by(Document.id).limit(500)
            ).unique().scalars().all()
            if not chunk:
                break
            for document in chunk:
                try:
                    doc = index_doc(document, document.published)
                except Exception as exc:
                    if on_error is None:
                        raise
                    on_error(document.id, document.published_revision_id, exc)
                    continue
                yield doc
            last = chunk[-1].id
            db.session.expunge_all()


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild did: documents indexed, and those it had to leave out."""

    count: int
    skipped: list[failures.Failure]


#: Rebuilds tried, each leaving out one more document the writer failed on, before giving up.
MAX_REBUILD_ATTEMPTS = 20


def rebuild() -> int:
    """Build a fresh index aside from the database and swap it in; returns documents indexed."""
    return rebuild_all().count


def rebuild_all() -> Rebuilt:
    """Build a fresh index aside from the database and swap it in; searches keep answering.

    The position is read *before* the documents, so any change committed during the build is
    re-applied by the next :func:`catch_up`. A document the index cannot take is left out and
    set aside (and reported), never the reason the rebuild fails: text known to be unwritable
    is left out before the writer sees it; when the writer fails on a document anyway, the
    build starts again without that document.
    """
    holder: _Holder = current_app.extensions[EXTENSION]
    skipped: dict[int, tuple[int | None, str]] = {}

    def leave_out(document_id: int, revision_id: int | None, exc: Exception) -> None:
        skipped[document_id] = (revision_id, failures.describe(exc))

    with holder.lock:
        position = _latest_position()
        index = holder.get()
        for _ in range(MAX_REBUILD_ATTEMPTS):
            feed = failures.RebuildFeed(all_published(leave_out), skipped, leave_out)
            try:
                index.rebuild(feed, position)
                break
            except failures.INDEX_WIDE:
                raise
            except Exception as exc:
                db.session.rollback()
                if feed.current is None:  # not a document's fault (the commit, say)
                    raise
                leave_out(feed.current.id, feed.current.revision_id, exc)
        else:
            raise RuntimeError(f"the rebuild failed on {MAX_REBUILD_ATTEMPTS} documents in a row")
        db.session.rollback()
    failures.record(skipped, set_aside=True)
    failures.keep_only(skipped)
    catch_up()
    return Rebuilt(feed.count, [failure for failure in failures.listing()
                                if failure.document_id in skipped])


def lag() -> dict:
    """How far this node's index is behind the database, for ``/healthz``."""
    index = get_index()
    latest = _latest_position()
    position = index.position()
    return {"position": position, "latest": latest, "behind": max(0, latest - position),
            "documents": index.doc_count()}


def start_follower(app: Flask, interval: float = 0.5) -> threading.Thread:
    """Follow the outbox from a daemon thread, so changes made by other processes and nodes
    reach this node's index within about ``interval`` seconds."""

    def run() -> None:
        while True:
            try:
                with app.app_context():
                    if _latest_position() != get_index().position():
                        catch_up()
                    db.session.remove()
            except Exception:
                log.exception("search follower failed; retrying")
                time.sleep(min(5.0, interval * 4))
            time.sleep(interval)

    thread = threading.Thread(target=run, name="kb-search-follower", daemon=True)
    thread.start()
    return thread
