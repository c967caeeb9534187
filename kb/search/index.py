"""The search index: generations on disk, one writer at a time, a searcher kept open.

Incremental changes (:meth:`SearchIndex.apply`) commit into the live generation under Whoosh's
own write lock, an ``flock`` the kernel releases when its holder dies, so a killed writer never
blocks the next one. A rebuild writes a new generation aside, fsyncs it, then points CURRENT at
it (see :mod:`kb.search.engine.storage`); searchers notice on their next
:meth:`~SearchIndex.refresh`.

The outbox position applied is stored in the same commit as the changes (a meta document), so
the index never claims changes it does not hold. A change applied to the old generation while a
rebuild runs is lost with it, but the new generation records the rebuild's (older) position, so
an indexer that resumes from :meth:`SearchIndex.position` applies it again.

Answering queries is :mod:`kb.search.ranking` (strategy) over :mod:`kb.search.engine.postings`
(bitmaps and ranking); what people type is :mod:`kb.search.query`.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from kb.search import phrasing
from kb.search import query as qb
from kb.search.documents import Hit, IndexBusyError, IndexDoc, Scope, SearchPage
from kb.search.engine import Codec, FileIndex, FileLock, LockError
from kb.search.engine import storage as st
from kb.search.languages import analysing, current
from kb.search.phrasing import Synonyms
from kb.search.ranking import Snapshot

#: How long a writer waits for another process's writer before giving up.
WRITER_TIMEOUT = 30.0
#: search() checks for a newer commit at most this often.
REFRESH_INTERVAL = 0.5
RESULT_CACHE_SIZE = 256
MAX_LIMIT = 100
MAX_OFFSET = 10_000


class SearchIndex:
    """The engine the app's indexer and views call; thread-safe, one writer at a time.

    Searches share one open searcher and its caches (a commit's new searcher starts them cold)
    under a lock; under the GIL that costs no throughput, as search is CPU-bound Python.
    """

    def __init__(self, root: Path | None, ix: FileIndex, gen: str, searcher=None) -> None:
        self._root = root
        self._ix = ix
        self._gen = gen
        self._lock = threading.RLock()
        self._write_lock = threading.Lock()
        self._searcher = None
        self._results: OrderedDict[tuple, SearchPage] = OrderedDict()
        self._install(searcher or ix.searcher(weighting=st.WEIGHTING), gen)

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike) -> "SearchIndex":
        """Open the index in ``path``, creating it when missing, clearing debris of a crash.

        :raises IndexCorruptError: the live generation cannot be read, or was built by an
            incompatible schema; rebuild it.
        :raises IndexBusyError: another process is creating the index and did not finish in time.
        """
        root = Path(path)
        root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(root / "REBUILD.lock"))
        if lock.acquire(blocking=False):
            try:
                current = st.read_current(root)
                if current is None:
                    current = st.create_generation(root, [], 0)
                    st.write_current(root, current)
                st.remove_stale(root, keep=current)
            finally:
                lock.release()
        else:  # someone is rebuilding (or creating): the live generation, if any, is usable
            deadline = time.monotonic() + WRITER_TIMEOUT
            while (current := st.read_current(root)) is None:
                if time.monotonic() > deadline:
                    raise IndexBusyError(f"{root}: index creation did not finish")
                time.sleep(0.1)
        current, ix, searcher = st.open_generation(root, current)
        return cls(root, ix, current, searcher)

    @classmethod
    def in_memory(cls) -> "SearchIndex":
        """An empty index held in memory, for tests."""
        return cls(None, st.new_index(st.MemoryStorage(), [], 0), "ram-1")

    # -- writing ---------------------------------------------------------------------------

    def apply(self, upserts: Iterable[IndexDoc], deletes: Iterable[int], position: int) -> None:
        """Apply a batch of changes and record the outbox ``position`` in one commit.

        Upserts are de-duplicated by id (the last wins), because Whoosh leaves two documents when
        one writer updates the same id twice. An id both upserted and deleted is deleted. The
        commit is on disk when this returns.

        :raises IndexBusyError: another writer held the lock for ``WRITER_TIMEOUT`` seconds.
        """
        latest: dict[int, IndexDoc] = {}
        for doc in upserts:
            latest[doc.id] = doc
        gone = set(deletes)
        deadline = time.monotonic() + WRITER_TIMEOUT
        with self._write_lock:
            while True:
                self.refresh()
                ix, gen = self._ix, self._gen
                try:
                    writer = ix.writer(timeout=1.0, delay=0.05, codec=Codec())
                except LockError:
                    if time.monotonic() > deadline:
                        raise IndexBusyError("the search index is locked by another writer")
                    continue
                try:
                    if self._moved(gen):
                        writer.cancel()  # a rebuild swapped generations meanwhile: write there
                        continue
                    for doc_id in gone | latest.keys():
                        writer.delete_by_term("id", str(doc_id))
                    seen: set[str] = set()
                    for doc in latest.values():
                        if doc.id not in gone:
                            with analysing(doc.locale):  # analysed as it is added
                                writer.add_document(**st.fields_of(doc, seen))
                    writer.delete_by_term("id", st.META_ID)
                    writer.add_document(**st.meta_fields(position))
                    writer.commit()
                    break
                except BaseException:
                    if not writer.is_closed:
                        writer.cancel()
                    if self._moved(gen):
                        continue  # the generation was removed under us; apply to the new one
                    raise
        self.refresh()

    def rebuild(self, docs: Iterable[IndexDoc], position: int) -> None:
        """Build a fresh generation from ``docs`` and swap it in atomically.

        One writer with a large in-memory pool; searches keep answering from the old generation
        meanwhile. ``position`` is the outbox position the snapshot of ``docs`` corresponds to.

        :raises IndexBusyError: another rebuild held the lock for too long.
        """
        if self._root is None:
            ix = st.new_index(st.MemoryStorage(), docs, position)
            with self._lock:
                n = int(self._gen.split("-")[1]) + 1
                self._install(ix.searcher(weighting=st.WEIGHTING), f"ram-{n}", ix)
            return
        root = self._root
        lock = FileLock(str(root / "REBUILD.lock"))
        deadline = time.monotonic() + 10 * WRITER_TIMEOUT
        while not lock.acquire(blocking=False):
            if time.monotonic() > deadline:
                raise IndexBusyError("another rebuild is running")
            time.sleep(0.2)
        try:
            name = st.create_generation(root, docs, position)
            st.write_current(root, name)
            self.refresh()
            st.remove_stale(root, keep=name)
        finally:
            lock.release()

    # -- reading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reopen the searcher if another commit or a rebuild changed the index.

        Costs one small file read and a directory listing when nothing changed.
        """
        with self._lock:
            self._checked = time.monotonic()
            if self._root is not None:
                current = st.read_current(self._root)
                if current is not None and current != self._gen:
                    current, ix, searcher = st.open_generation(self._root, current)
                    self._install(searcher, current, ix)
                    return
            if not self._searcher.up_to_date():
                # Not Searcher.refresh(): in whoosh-reloaded 2.7.5 it reuses segment readers
                # with their old deletion sets (an updated document showed twice) and puts
                # merged-away segments back. A fresh searcher costs a few ms after a commit.
                self._install(self._ix.searcher(weighting=st.WEIGHTING), self._gen)

    def position(self) -> int:
        """The last outbox position recorded, 0 for a new index."""
        self.refresh()
        with self._lock:
            return int(self._snapshot.meta.get("position", 0))

    def indexed_revisions(self) -> dict[int, int]:
        """``{document id: revision id}`` for every document indexed, for reconciliation."""
        self.refresh()
        with self._lock:
            reader = self._searcher.reader()
            ids = reader.column_reader("id")
            revs = reader.column_reader("rev")
            out = {}
            for docnum in reader.all_doc_ids():
                key = ids[docnum]
                key = key.decode("utf-8") if isinstance(key, bytes) else key
                if key and key != st.META_ID:
                    out[int(key)] = revs[docnum]
            return out

    def doc_count(self) -> int:
        """How many documents are indexed (the bookkeeping document aside)."""
        with self._lock:
            return self._searcher.doc_count() - (1 if self._snapshot.meta else 0)

    def search(self, query: str, scope: Scope, *, kind: str | None = None,
               category: str | None = None, section: str | None = None, tag: str | None = None,
               limit: int = 10, offset: int = 0, as_you_type: bool = False,
               synonyms: Synonyms | None = None, locale: str | None = None) -> SearchPage:
        """Search what ``scope`` may see.

        Documents with all the words first; when they are fewer than ``limit``, typo
        corrections for words the index barely knows, then documents with most of the words
        (ranked by how many, then BM25F). The query is read in the language in force
        (:func:`kb.search.languages.analysing`, which the caller sets: the locale searched, or
        the default locale's).

        :param query: what the person typed; any string is accepted.
        :param scope: who is asking (kinds, visibilities, personal documents).
        :param kind, category, section, tag, locale: optional facet filters, exact values.
        :param limit: results per page (capped at 100).
        :param offset: results to skip (capped at 10,000).
        :param as_you_type: treat the last word as a prefix still being typed.
        :param synonyms: other ways to say things, matched as the words typed would be.
        :return: a page whose ``total`` counts every matching document in scope (estimated
            only for a quoted phrase with over 2,000 candidate documents).
        """
        limit = max(1, min(int(limit), MAX_LIMIT))
        offset = max(0, min(int(offset), MAX_OFFSET))
        text = qb.clean(query)
        typing = as_you_type and not (query or "")[-1:].isspace()
        units = phrasing.understand(qb.parse(text, as_you_type, typing), synonyms)
        if not units:
            return SearchPage(text, 0, [], None)
        if time.monotonic() - self._checked > REFRESH_INTERVAL:
            self.refresh()
        with self._lock:
            key = (self._version, current().name, text, typing, scope, kind, category, section,
                   tag, locale, limit, offset, synonyms)
            page = self._results.get(key)
            if page is not None:
                self._results.move_to_end(key)
                return page
            page = self._snapshot.search(text, units, scope, (kind, category, section, tag, locale),
                                         limit, offset)
            self._results[key] = page
            while len(self._results) > RESULT_CACHE_SIZE:
                self._results.popitem(last=False)
            return page

    def related(self, doc_id: int, scope: Scope, limit: int = 5) -> list[Hit]:
        """Documents like ``doc_id`` ("more like this"), in scope, the document itself excluded.

        Built from the most distinctive words of its title and opening text. Empty when the
        document is not indexed or not in scope.
        """
        with self._lock:
            return self._snapshot.related(doc_id, scope, max(1, min(int(limit), MAX_LIMIT)))

    def key_terms(self, text: str, scope: Scope, limit: int = 8) -> list[str]:
        """The distinctive words of a pasted message, best first, as written (lower-cased).

        A word counts when the index knows it, in a document the scope may see, and it is not in
        most documents; rarer words rank higher (tf-idf against the index's vocabulary).
        """
        with self._lock:
            return self._snapshot.key_terms(text or "", scope, max(0, int(limit)))

    def close(self) -> None:
        """Close the searcher; the object is unusable afterwards."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()

    def __enter__(self) -> "SearchIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -------------------------------------------------------------------------

    def _moved(self, gen: str) -> bool:
        return self._root is not None and st.read_current(self._root) != gen

    def _install(self, searcher, gen: str, ix: FileIndex | None = None) -> None:
        """Swap in a new searcher (caller holds the lock) and drop everything cached for the old."""
        old = self._searcher
        self._searcher = searcher
        if ix is not None:
            self._ix = ix
        self._gen = gen
        self._version = (gen, searcher.reader().generation())
        self._snapshot = Snapshot(searcher)
        self._results.clear()
        self._checked = time.monotonic()
        if old is not None and old is not searcher:
            old.close()
