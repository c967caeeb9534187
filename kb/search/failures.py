"""Documents the search index could not take: recorded, retried a few times, then set aside.

The index follows the database event by event. A document the index writer refuses (text
that is not valid Unicode, or any other error the writer raises for that one document) must
not stop the events after it, or nothing published afterwards would become searchable. So the
indexer records the failure here, leaves the outbox position before that event for a few
more tries (the error may be passing), and after :data:`MAX_TRIES` moves past it: the document
is then *set aside*, out of the index, until a later successful index of it (after an edit, or
``kb reindex``) deletes its row. ``/healthz`` names set-aside documents, so they are noticed.

The rows live in the database, beside the outbox they describe; written on their own
connection, so recording a failure never touches the caller's session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping

from sqlalchemy import delete, insert, select, update

from kb.extensions import db
from kb.models import IndexFailure
from kb.models.types import utcnow
from kb.search.documents import IndexDoc, SearchError

if TYPE_CHECKING:
    from kb.search.index import SearchIndex

#: Tries before a failing document is set aside and the indexer moves past its event.
MAX_TRIES = 3
#: Errors that are the index's (locked, unreadable, disk full), not one document's: they are
#: never blamed on a document, the indexer just tries again later.
INDEX_WIDE = (SearchError, OSError, MemoryError)
MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class Failure:
    document_id: int
    revision_id: int | None
    error: str
    tries: int = 1
    last_failed_at: datetime | None = None

    @property
    def set_aside(self) -> bool:
        return self.tries >= MAX_TRIES


def describe(error: BaseException) -> str:
    """A one-line account of an error, safe to store and print (no lone surrogates)."""
    text = f"{type(error).__name__}: {error}".replace("\n", " ")
    return text.encode("utf-8", "backslashreplace").decode("utf-8")[:MAX_ERROR_CHARS]


def check_indexable(doc: IndexDoc) -> None:
    """Refuse a document whose text cannot be written to the index, before any writer sees it.

    The index stores UTF-8; a lone surrogate (valid in JSON, so it may have reached the
    database before input was checked) cannot be encoded, and a writer that fails half-way
    through a document is in no state to go on.

    :raises UnicodeEncodeError: a text field holds a lone surrogate.
    """
    texts = (doc.slug, doc.title, doc.text, doc.category, doc.section, doc.visibility, *doc.tags)
    for value in texts:
        if isinstance(value, str):
            value.encode("utf-8")


def record(failed: Mapping[int, tuple[int | None, str]], *,
           set_aside: bool = False) -> dict[int, int]:
    """Count one more failed try for each document; returns ``{document id: tries so far}``.

    :param failed: ``{document id: (revision id, error)}``.
    :param set_aside: set the documents aside at once (a rebuild has gone past them).
    """
    if not failed:
        return {}
    now = utcnow()
    tries: dict[int, int] = {}
    with db.engine.begin() as connection:
        for document_id, (revision_id, error) in failed.items():
            # A write first, so SQLite takes the write lock (and waits for it) at once.
            changed = connection.execute(
                update(IndexFailure).where(IndexFailure.document_id == document_id)
                .values(tries=IndexFailure.tries + 1, revision_id=revision_id, error=error,
                        last_failed_at=now)
            ).rowcount
            if not changed:
                connection.execute(insert(IndexFailure).values(
                    document_id=document_id, revision_id=revision_id, error=error, tries=1,
                    first_failed_at=now, last_failed_at=now))
            if set_aside:
                connection.execute(
                    update(IndexFailure).where(IndexFailure.document_id == document_id,
                                               IndexFailure.tries < MAX_TRIES)
                    .values(tries=MAX_TRIES))
            tries[document_id] = connection.scalar(
                select(IndexFailure.tries).where(IndexFailure.document_id == document_id))
    return tries


def clear(document_ids: Iterable[int]) -> None:
    """Forget the failures of documents the index now holds correctly (or need not hold).

    Reads first: almost always there is nothing to forget, and a read costs no write lock.
    """
    ids = list(set(document_ids))
    if not ids:
        return
    with db.engine.connect() as connection:
        found = connection.scalars(
            select(IndexFailure.document_id).where(IndexFailure.document_id.in_(ids))).all()
    if found:
        with db.engine.begin() as connection:
            connection.execute(delete(IndexFailure).where(IndexFailure.document_id.in_(found)))


def keep_only(document_ids: Iterable[int]) -> None:
    """After a rebuild: every document not named was indexed (or is unpublished), so only the
    named ones still fail."""
    ids = list(set(document_ids))
    with db.engine.begin() as connection:
        statement = delete(IndexFailure)
        if ids:
            statement = statement.where(IndexFailure.document_id.not_in(ids))
        connection.execute(statement)


def listing() -> list[Failure]:
    """Every recorded failure, set-aside documents first, then by document id."""
    with db.engine.connect() as connection:
        rows = connection.execute(
            select(IndexFailure.document_id, IndexFailure.revision_id, IndexFailure.error,
                   IndexFailure.tries, IndexFailure.last_failed_at)
            .order_by(IndexFailure.tries.desc(), IndexFailure.document_id)
        ).all()
    return [Failure(*row) for row in rows]


def isolate(index: "SearchIndex", docs: list[IndexDoc],
            position: int) -> dict[int, tuple[int, str]]:
    """Apply ``docs`` in halves until each failing document stands alone; returns those.

    A batch the writer refused is split rather than retried a document at a time, so a few
    bad documents among thousands cost a few dozen commits, not thousands. Each commit keeps
    the old ``position``; the caller records the new one.
    """
    if not docs:
        return {}
    try:
        index.apply(docs, [], position)
        return {}
    except INDEX_WIDE:
        raise
    except Exception as exc:
        if len(docs) == 1:
            return {docs[0].id: (docs[0].revision_id, describe(exc))}
    middle = len(docs) // 2
    return {**isolate(index, docs[:middle], position), **isolate(index, docs[middle:], position)}


class RebuildFeed:
    """The documents of a rebuild, minus those left out; remembers the one being written."""

    def __init__(self, docs: Iterator[IndexDoc], skipped: Mapping[int, object],
                 leave_out: Callable[[int, int | None, Exception], None]) -> None:
        self.docs = docs
        self.skipped = skipped
        self.leave_out = leave_out
        self.current: IndexDoc | None = None
        self.count = 0

    def __iter__(self) -> Iterator[IndexDoc]:
        docs = iter(self.docs)
        while True:
            self.current = None  # an error while reading the next one is nobody's fault
            doc = next(docs, None)
            if doc is None:
                return
            if doc.id in self.skipped:
                continue
            try:
                check_indexable(doc)
            except Exception as exc:
                self.leave_out(doc.id, doc.revision_id, exc)
                continue
            self.current = doc
            self.count += 1
            yield doc
