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
import os
import re
import shutil
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh import scoring
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.index import FileIndex

from kb.search.documents import IndexCorruptError, IndexDoc
from kb.search.codec import Codec
from kb.search.pool import TermPool
from kb.search.schema import KINDS, SCHEMA_VERSION, SNIPPET_CHARS, build_schema, new_words, part

META_ID = "__meta__"
#: Bulk builds buffer this much posting data in memory before spilling a run to disk.
BUILD_LIMITMB = 256
#: Only used by Whoosh's own matchers (the phrase check); ranking is kb.search.postings.
WEIGHTING = scoring.BM25F(B=0.75, K1=1.2, title_B=0.5, tags_B=0.3)

_GEN = re.compile(r"^gen-(\d+)$")


class MemoryStorage(RamStorage):
    """RamStorage whose writers spool to memory: the stock one uses ``$TMPDIR/MAIN.tmp``, a
    folder shared by every in-memory index in every process, which one writer deletes under
    another."""

    def temp_storage(self, name: str | None = None) -> RamStorage:
        return RamStorage()


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
        once per segment, not once per document: that was 45 % of all postings. (A word whose only
        carrier is later deleted drops out of the speller when segments merge; a rebuild
        restores it.)
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
    return fields


def meta_fields(position: int) -> dict[str, Any]:
    return {"id": META_ID, "kind": "_meta", "rev": 0,
            "meta": {"position": int(position), "schema": SCHEMA_VERSION}}


def new_index(storage, docs: Iterable[IndexDoc], position: int, **writer_args: Any) -> FileIndex:
    """Create an index in ``storage`` holding ``docs`` and the meta document, in one commit."""
    ix = FileIndex.create(storage, build_schema(), "MAIN")
    writer = ix.writer(limitmb=BUILD_LIMITMB, codec=Codec(), **writer_args)
    writer.pool = TermPool(writer._tempstorage, BUILD_LIMITMB)
    try:
        seen: set[str] = set()
        for doc in docs:
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


def create_generation(root: Path, docs: Iterable[IndexDoc], position: int) -> str:
    """Build a complete, fsynced generation beside the live one; returns its name.

    The caller holds REBUILD.lock. On failure the half-built folder is removed.
    """
    number = max((n for n, _ in generations(root)), default=0) + 1
    name = f"gen-{number}"
    folder = root / name
    folder.mkdir()
    try:
        new_index(FileStorage(str(folder)), docs, position)
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
            ix = FileIndex(FileStorage(str(folder)), schema=build_schema(), indexname="MAIN")
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
