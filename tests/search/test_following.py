"""The index follows the database through the outbox; the database stays the truth."""

import threading

from kb.content.services import change_slug
from kb.database import transaction
from kb.extensions import db
from kb.search import indexer
from kb.search import service as search_service


def ids_for(actor, q):
    return [r.document.id for r in search_service.search(actor, q).results]


def test_publishing_makes_an_article_searchable_at_once(make_document):
    document = make_document(state="published", body="kaleidoscope settings")
    assert ids_for(None, "kaleidoscope") == [document.id]


def test_archiving_removes_it(make_document, make_user):
    from kb.review.services import archive

    document = make_document(state="published", body="kaleidoscope settings")
    archive("article", document.id, make_user("reviewer"))
    assert ids_for(None, "kaleidoscope") == []


def test_a_slug_change_reaches_the_results(make_document, make_user):
    document = make_document(state="published", body="kaleidoscope settings")
    with transaction():
        change_slug(db.session.get(type(document), document.id), "new-name", make_user("editor"))
    result = search_service.search(None, "kaleidoscope").results[0]
    assert result.document.slug == "new-name"
    assert indexer.get_index().search("kaleidoscope", search_service.scope_for(None)).hits[0].slug == "new-name"


def test_a_stale_index_never_shows_what_the_database_hides(app, make_document):
    document = make_document(state="published", body="kaleidoscope settings")
    # The index still holds the document, but the database no longer publishes it and no
    # event was written (as if the indexer were down): the re-check must hide it.
    with transaction():
        db.session.get(type(document), document.id).published = None
    assert indexer.get_index().search("kaleidoscope", search_service.scope_for(None)).total == 1
    assert ids_for(None, "kaleidoscope") == []


def test_the_index_records_the_outbox_position_it_applied(make_document):
    make_document(state="published")
    lag = indexer.lag()
    assert lag["behind"] == 0 and lag["position"] == lag["latest"] > 0


def test_healthz_reports_the_index_lag(client, make_document):
    make_document(state="published")
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["index"]["behind"] == 0


def test_reindex_rebuilds_from_the_database(runner, make_document):
    documents = [make_document(state="published", body=f"kaleidoscope number {n}") for n in range(3)]
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and "indexed 3 documents" in result.output
    assert sorted(ids_for(None, "kaleidoscope")) == sorted(d.id for d in documents)


def test_reindex_under_concurrent_searches_returns_no_errors(app, make_document):
    for n in range(30):
        make_document(state="published", body=f"kaleidoscope entry {n}")
    errors, counts, stop = [], [], threading.Event()

    def search_loop():
        with app.app_context():
            while not stop.is_set():
                try:
                    counts.append(search_service.search(None, "kaleidoscope", limit=50).total)
                except Exception as exc:  # collected and asserted below
                    errors.append(exc)
                finally:
                    db.session.remove()

    threads = [threading.Thread(target=search_loop) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(3):
            indexer.rebuild()
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert errors == []
    assert counts and set(counts) == {30}


def test_search_is_logged_without_tokens_or_identities(app, make_document, api_as):
    from kb.models import SearchLog

    make_document(state="published", body="kaleidoscope")
    api, _ = api_as("agent")
    api.get("/search?q=kaleidoscope")
    search_service.search_log().flush()
    db.session.rollback()  # see the log writer's commit
    row = db.session.execute(db.select(SearchLog)).scalar_one()
    assert (row.query, row.scope, row.result_count) == ("kaleidoscope", "staff", 1)
    assert row.took_ms >= 0
    assert not any(token in str(vars(row)) for token in api.headers.values())


def test_a_search_does_not_wait_for_the_search_log_to_be_written(make_document, api_as,
                                                                 monkeypatch):
    from kb.models import SearchLog

    make_document(state="published", body="kaleidoscope")
    api, _ = api_as("agent")
    writing = threading.Event()
    release = threading.Event()
    write = search_service.SearchLogBuffer.flush

    def slow_write(buffer):
        writing.set()
        release.wait(30)
        write(buffer)

    monkeypatch.setattr(search_service.SearchLogBuffer, "flush", slow_write)
    log = search_service.search_log()
    log.last_flush -= log.flush_every + 1  # a batch is due with the next search

    assert api.get("/search?q=kaleidoscope").status_code == 200
    assert writing.wait(10) and log.writer.is_alive()  # the search answered mid-write
    release.set()
    log.writer.join(10)
    db.session.rollback()  # see the log writer's commit
    assert db.session.execute(db.select(SearchLog.query)).scalars().all() == ["kaleidoscope"]


def test_a_rebuild_reads_the_documents_a_kind_at_a_time(make_document):
    """So each kind's documents get one run of document numbers, which the engine's term cache
    reads a kind at a time."""
    made = [make_document(kind, state="published") for kind in ("macro", "article") * 2]
    expected = sorted((document.kind, document.id) for document in made)
    assert [(doc.kind, doc.id) for doc in indexer.all_published()] == expected
