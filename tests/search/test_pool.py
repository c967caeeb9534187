"""A bulk build (``new_index``, postings grouped by term, spilled in runs past its memory
limit) indexes exactly what kb's incremental commits (Whoosh's own pool) index."""

from whoosh.filedb.filestore import RamStorage

from kb.search import SearchIndex
from kb.search.engine import MemoryStorage, new_index, open_generation, read_current
from kb.search.engine import storage
from kb.search.schema import KINDS, part
from tests.support import index_docs as _documents

TEXT_FIELDS = {part(field, kind) for kind in KINDS
               for field in ("title", "tags", "title_ng", "body")}


class RecordingStorage(MemoryStorage):
    """Records the files a build writes to its temporary storage (spilled runs among them)."""

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[str] = []

    def temp_storage(self, name=None):
        runs = self.runs

        class Temp(RamStorage):
            def create_file(self, name, **kwargs):
                runs.append(name)
                return super().create_file(name, **kwargs)

        return Temp()


def _everything(searcher) -> dict:
    """Every text term's postings (article id, weight, value) and statistics."""
    reader = searcher.reader()
    terms = {}
    for field, text in reader.all_terms():
        if field not in TEXT_FIELDS:
            continue
        matcher = reader.postings(field, text)
        postings = []
        while matcher.is_active():
            postings.append((searcher.stored_fields(matcher.id())["id"], matcher.weight(),
                             matcher.value()))
            matcher.next()
        info = reader.term_info(field, text)
        terms[field, text] = (sorted(postings), info.weight(), info.doc_frequency(),
                              info.min_length(), info.max_length(), info.max_weight())
    return terms


def _committed(docs, tmp_path) -> dict:
    """What kb's incremental commits of ``docs`` index (a posting at a time)."""
    root = tmp_path / "ix"
    with SearchIndex.open(root) as ix:
        half = len(docs) // 2
        ix.apply(docs[:half], [], position=1)
        ix.apply(docs[half:], [], position=2)
    searcher = open_generation(root, read_current(root))[2]
    try:
        return _everything(searcher)
    finally:
        searcher.close()


def _built(docs, store) -> dict:
    with new_index(store, docs, 3).searcher() as searcher:
        return _everything(searcher)


def test_a_build_spilling_runs_writes_what_incremental_commits_write(tmp_path, monkeypatch):
    docs = _documents(600)
    unspilled = RecordingStorage()
    _built(docs, unspilled)
    monkeypatch.setattr(storage, "BUILD_LIMITMB", 0.05)
    store = RecordingStorage()
    built = _built(docs, store)
    assert len(store.runs) >= len(unspilled.runs) + 5  # the build really spilled runs
    expected = _committed(docs, tmp_path)
    assert len(expected) > 1000
    assert built == expected


def test_a_build_held_in_memory_writes_what_incremental_commits_write(tmp_path):
    docs = _documents(200)
    assert _built(docs, MemoryStorage()) == _committed(docs, tmp_path)
