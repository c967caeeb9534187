"""The index on disk and the documents in it: generations, CURRENT, and Whoosh field values.

Layout of ``SearchIndex.open(path)``::

    path/CURRENT        the name of the live generation ("gen-7"), replaced with os.replace
    path/gen-7/         a Whoosh FileStorage index (files MAIN_*.seg, _MAIN_<n>.toc)
    path/REBUILD.lock   held (flock) while a generation is built or old ones are removed

A generation is complete and fsynced before CURRENT names it, so whatever is killed when, CURRENT
names a readable index; anything else in ``path`` is debris that :func:`remove_stale` clears.
"""

from __future__ import annotations

import gc
import mmap
import os
import re
import shutil
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh import scoring
from whoosh.codec.base import Segment
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.filedb.structfile import BufferFile, StructFile
from whoosh.index import FileIndex

from kb.search.documents import IndexCorruptError, IndexDoc
from kb.search.engine.codec import Codec
from kb.search.engine.pool import TermPool
from kb.search.languages import analysing
from kb.search.schema import KINDS, SCHEMA_VERSION, SNIPPET_CHARS, build_schema, new_words, part

META_ID = "__meta__"
#: Bulk builds buffer this much posting data in memory before spilling a run to disk.
BUILD_LIMITMB = 256
#: Only used by Whoosh's own matchers (the phrase check); ranking is kb.search.engine.postings.
WEIGHTING = scoring.BM25F(B=0.75, K1=1.2, title_B=0.5, tags_B=0.3)

COMPOUND_EXT = Segment.COMPOUND_EXT
_GEN = re.compile(r"^gen-(\d+)$")


class MemoryStorage(RamStorage):
    """RamStorage whose writers spool to memory: the stock one uses ``$TMPDIR/MAIN.tmp``, a
    folder shared by every in-memory index in every process, which one writer deletes under
    another."""

    def temp_storage(self, name: str | None = None) -> RamStorage:
        return RamStorage()


class MappedStorage(FileStorage):
    """FileStorage whose segment files are mapped into memory once and read in place.

    Whoosh maps a segment file too, but gives each part of it (postings, term table, columns)
    a ``BytesIO`` over its view, which copies it: opening a searcher on a large index cost time
    and memory private to the process, again after every commit, in every worker. Here the
    parts are views of one shared, read-only map; the page cache holds the data once for every
    process.
    """

    supports_mmap = False  # the map is made here; Whoosh's would copy each part

    def open_file(self, name: str, **kwargs: Any):
        if name.endswith(COMPOUND_EXT) and not kwargs:
            with open(self._fpath(name), "rb") as f:
                if os.fstat(f.fileno()).st_size:
                    mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
                    if hasattr(mapped, "madvise"):
                        # Read ahead in the background, and map pages in bulk when first
                        # touched: a new map's first reads of a page cost less after this.
                        mapped.madvise(mmap.MADV_WILLNEED)
                    return _MappedFile(mapped, name)
        return super().open_file(name, **kwargs)


class _MappedFile(StructFile):
    """A mapped compound segment file: read as a stream for its directory, then cut into
    parts (:class:`_MappedPart`)."""

    def subset(self, offset: int, length: int, name: str | None = None) -> "_MappedPart":
        return _MappedPart(memoryview(self.file)[offset:offset + length], name or self._name)

    def close(self) -> None:
        # The map stays until the last part's view of it is gone (closing it under a view
        # raises); the file descriptor was closed when it was mapped.
        self.is_closed = True


class _MappedPart(BufferFile):
    """One file of a segment, a view of the map. Whoosh reads it by position (``get``); the
    few stream reads (a table's header) go through :class:`_ViewStream`, not a copy."""

    def __init__(self, view: memoryview, name: str | None = None) -> None:
        # StructFile's initialiser, not BufferFile's: that one copies the view into a BytesIO.
        super(BufferFile, self).__init__(_ViewStream(view), name=name)
        self._buf = view
        self.is_real = False


class _ViewStream:
    """A read-only binary stream over a memoryview, without copying it (``io.BytesIO`` does)."""

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._at = 0

    def read(self, n: int | None = -1) -> bytes:
        start = self._at
        end = len(self._view) if n is None or n < 0 else min(start + n, len(self._view))
        self._at = max(start, end)
        return bytes(self._view[start:end])

    def readline(self, limit: int = -1) -> bytes:
        end = len(self._view) if limit < 0 else min(len(self._view), self._at + limit)
        at = self._at
        while at < end:  # a chunk at a time: a view has no find()
            chunk = bytes(self._view[at:min(at + 4096, end)])
            newline = chunk.find(b"\n")
            if newline != -1:
                return self.read(at + newline + 1 - self._at)
            at += len(chunk)
        return self.read(end - self._at)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._at, os.SEEK_END: len(self._view)}[whence]
        if base + offset < 0:
            raise ValueError(f"negative seek position {base + offset}")
        self._at = base + offset
        return self._at

    def tell(self) -> int:
        return self._at

    def close(self) -> None:
        pass  # the view belongs to the part


def docnum(searcher, key: str) -> int | None:
    """The live document with this id. (``Searcher.document_number`` gives up when the first
    segment holds only a deleted copy, which every update leaves behind.)"""
    reader = searcher.reader()
    if ("id", key) not in reader:
        return None
    m = reader.postings("id", key)
    return m.id() if m.is_active() else None


def read_meta(searcher) -> dict[str, Any]:
    """The bookkeeping document's values (position, schema version); {} when absent."""
    n = docnum(searcher, META_ID)
    return {} if n is None else searcher.stored_fields(n).get("meta") or {}


def fields_of(doc: IndexDoc, seen: set[str]) -> dict[str, Any]:
    """The Whoosh fields of a document.

    :param seen: words already given to ``vocab`` in this commit. The speller needs each word
        once per segment, not once per document, which was a large share of all postings. (A word
        whose only carrier is later deleted drops out of the speller when segments merge; a
        rebuild restores it.)
    """
    if doc.kind not in KINDS:
        raise ValueError(f"document {doc.id}: unknown kind {doc.kind!r}")
    tags = [t.replace(",", " ").strip() for t in doc.tags if t and t.strip()]
    tag_text = " ".join(tags)
    kind = doc.kind
    fields: dict[str, Any] = {
        "id": str(doc.id),
        "kind": kind,
        "vis": doc.visibility,
        "owner": "-" if doc.owner_id is None else str(doc.owner_id),
        "slug": doc.slug,
        "title": doc.title,
        part("title", kind): doc.title,
        part("title_ng", kind): f"{doc.title} {tag_text}",
        part("body", kind): doc.text,
        "vocab": new_words((doc.title, tag_text, doc.text), seen),
        "snip": doc.text[:SNIPPET_CHARS],
        "rev": int(doc.revision_id),
    }
    if tags:
        fields[part("tags", kind)] = tag_text
        fields["tag"] = ",".join(tags)
    if doc.category:
        fields["category"] = doc.category
    if doc.section:
        fields["section"] = doc.section
    if doc.locale:
        fields["locale"] = doc.locale
    return fields


def meta_fields(position: int) -> dict[str, Any]:
    return {"id": META_ID, "kind": "_meta", "rev": 0,
            "meta": {"position": int(position), "schema": SCHEMA_VERSION}}


def new_index(storage, docs: Iterable[IndexDoc], position: int, codec: Codec | None = None,
              **writer_args: Any) -> FileIndex:
    """Create an index in ``storage`` holding ``docs`` and the meta document, in one commit.

    :param codec: the segments' :class:`Codec`; kb's own by default.
    """
    ix = FileIndex.create(storage, build_schema(), "MAIN")
    writer = ix.writer(limitmb=BUILD_LIMITMB, codec=codec or Codec(), **writer_args)
    writer.pool = TermPool(writer._tempstorage, BUILD_LIMITMB)
    try:
        seen: set[str] = set()
        for doc in docs:
            with analysing(doc.locale):  # the writer analyses the text as it is added
                writer.add_document(**fields_of(doc, seen))
        writer.add_document(**meta_fields(position))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return ix


# -- generations on disk ---------------------------------------------------------------------

def read_current(root: Path) -> str | None:
    try:
        name = (root / "CURRENT").read_text(encoding="ascii").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return name if _GEN.match(name) else None


def write_current(root: Path, name: str) -> None:
    tmp = root / f"CURRENT.tmp{os.getpid()}"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, root / "CURRENT")
    _fsync_dir(root)


def generations(root: Path) -> list[tuple[int, str]]:
    out = []
    for entry in os.listdir(root):
        m = _GEN.match(entry)
        if m:
            out.append((int(m.group(1)), entry))
    return sorted(out)


def create_generation(root: Path, docs: Iterable[IndexDoc], position: int,
                      codec: Codec | None = None) -> str:
    """Build a complete, fsynced generation beside the live one; returns its name.

    The caller holds REBUILD.lock. On failure the half-built folder is removed.

    :param codec: as for :func:`new_index`.
    """
    number = max((n for n, _ in generations(root)), default=0) + 1
    name = f"gen-{number}"
    folder = root / name
    folder.mkdir()
    try:
        new_index(FileStorage(str(folder)), docs, position, codec)
        for entry in os.scandir(folder):
            if entry.is_file():
                fd = os.open(entry.path, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        _fsync_dir(folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return name


def open_generation(root: Path, name: str):
    """Open the named generation and a searcher on it, following CURRENT if it moved meanwhile.

    :raises IndexCorruptError: the generation is missing or unreadable, or has another schema.
    """
    for _ in range(5):
        folder = root / name
        try:
            if not folder.is_dir():
                raise FileNotFoundError(folder)
            ix = FileIndex(MappedStorage(str(folder)), schema=build_schema(), indexname="MAIN")
            searcher = ix.searcher(weighting=WEIGHTING)
        except Exception as e:  # noqa: BLE001 - any failure to read means "rebuild me"
            moved = read_current(root)
            if moved is not None and moved != name:
                name = moved
                continue
            raise IndexCorruptError(
                f"cannot read search index {folder}: {e!r}") from _drop_frames(e)
        meta = read_meta(searcher)
        if meta.get("schema") != SCHEMA_VERSION:
            searcher.close()
            raise IndexCorruptError(
                f"search index {folder} has schema {meta.get('schema')!r}, "
                f"this code expects {SCHEMA_VERSION}; rebuild it")
        return name, ix, searcher
    raise IndexCorruptError(f"search index {root} keeps moving; retry")


def _drop_frames(error: Exception) -> Exception:
    """Free the traceback of a failed open now: Whoosh leaves the file it was reading open in
    those frames, and it should be closed here rather than warned about later."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        error.__traceback__ = None
        gc.collect()
    return error


def remove_stale(root: Path, keep: str) -> None:
    """Delete generations other than ``keep`` and leftover temporary files (best effort).

    Called with REBUILD.lock held, so no generation being built is touched.
    """
    for _, name in generations(root):
        if name != keep:
            shutil.rmtree(root / name, ignore_errors=True)
    for entry in os.listdir(root):
        if entry.startswith("CURRENT.tmp"):
            try:
                os.remove(root / entry)
            except OSError:
                pass


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
