"""No document can stop the index.

The bad documents here are legacy data: a revision whose tags hold a lone surrogate, written
straight through SQLAlchemy as it could be before input was checked (the API now refuses it).
The index cannot write such text; everything else must carry on regardless.
"""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from kb import create_app, server
from kb.database import transaction
from kb.extensions import db
from kb.models import IndexEvent, Revision
from tests.support import empty_database

LONE_SURROGATE = "\ud800"


def poison(document) -> None:
    """Give the published revision tags the index cannot write, and tell the index (as the
    publish that made it live would have)."""
    with transaction():
        revision = db.session.get(Revision, document.published_revision_id)
        revision.tags = ["refunds", LONE_SURROGATE]
        db.session.add(IndexEvent(document_id=document.id))


def found(api, query: str) -> list[int]:
    response = api.get(f"/search?q={query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return [r["id"] for r in response.get_json()["results"]]


def test_a_poisoned_document_does_not_stop_later_publishes_becoming_searchable(make_document, api_as):
    bad = make_document("macro", state="published", title="Poisoned macro", body="Refund steps")
    poison(bad)
    good = make_document("article", state="published", body="kaleidoscope settings")
    later = make_document("macro", state="published", body="kaleidoscope macro")

    agent, _ = api_as("agent")
    assert sorted(found(agent, "kaleidoscope")) == sorted([good.id, later.id])
    assert found(agent, "poisoned") == []  # set aside: not in the index at all


def test_healthz_names_the_documents_set_aside(client, make_document):
    bad = make_document("macro", state="published", title="Poisoned macro")
    assert client.get("/healthz").status_code == 200
    poison(bad)
    make_document("article", state="published")  # more commits: more tries

    response = client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 503
    assert body["status"] == "degraded"
    assert body["stuck_documents"] == [bad.id]
    assert body["index"]["behind"] == 0  # the follower moved past it
    [failure] = body["index_failures"]
    assert failure["document_id"] == bad.id and failure["tries"] == 3 and failure["set_aside"] is True
    assert "error" not in failure  # a public page: no text of the document, even quoted in an error


def test_reindex_skips_and_reports_the_bad_document_and_indexes_all_others(runner, make_document, api_as):
    goods = [make_document("article", state="published", body=f"kaleidoscope {n}") for n in range(3)]
    bad = make_document("macro", state="published", title="Poisoned macro")
    poison(bad)
    bad_id, bad_revision, good_ids = bad.id, bad.published_revision_id, sorted(d.id for d in goods)

    result = runner.invoke(args=["reindex"])

    assert result.exit_code == 1
    assert f"skipped document {bad_id} (revision {bad_revision}): UnicodeEncodeError" in result.output
    assert "indexed 3 documents" in result.output and "skipped 1" in result.output
    agent, _ = api_as("agent")
    assert sorted(found(agent, "kaleidoscope")) == good_ids


def test_republishing_with_good_text_clears_the_failure(client, make_document, make_user, api_as):
    bad = make_document("macro", state="published", title="Poisoned macro", body="Refund steps")
    poison(bad)
    make_document("article", state="published")
    assert client.get("/healthz").status_code == 503

    editor, _ = api_as("editor")
    reviewer, _ = api_as("reviewer")
    revision = editor.get(f"/macros/{bad.id}").get_json()["revision"]
    saved = editor.put(f"/macros/{bad.id}", json={"title": "Mended macro", "body": "Refund steps",
                                                  "tags": ["refunds"], "base_revision": revision})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert editor.post(f"/macros/{bad.id}/submit").status_code == 200
    assert reviewer.post(f"/macros/{bad.id}/approve", json={}).status_code == 200
    assert reviewer.post(f"/macros/{bad.id}/publish").status_code == 200

    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["status"] == "ok"
    assert health.get_json()["stuck_documents"] == []
    assert found(reviewer, "mended") == [bad.id]


def test_a_rebuild_clears_failures_of_documents_it_could_index(runner, client, make_document):
    bad = make_document("macro", state="published", title="Poisoned macro")
    poison(bad)
    make_document("article", state="published")
    assert client.get("/healthz").get_json()["stuck_documents"] == [bad.id]
    with transaction():  # mended in the database by hand, without telling the index
        db.session.execute(db.update(Revision).where(Revision.id == bad.published_revision_id)
                           .values(tags=["refunds"]))

    result = runner.invoke(args=["reindex"])

    assert result.exit_code == 0, result.output
    assert client.get("/healthz").status_code == 200


def test_the_agent_macro_library_shows_despite_a_poisoned_macro(app, client, login, make_user,
                                                                  make_document):
    bad = make_document("macro", state="published", title="Billing::Poisoned macro")
    make_document("macro", state="published", title="Billing::Good macro")
    poison(bad)
    login(make_user("agent"))

    response = client.get("/macros")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Good macro" in page and "Poisoned macro" in page
    assert "\ufffd" in page  # the unwritable tag is shown as a replacement character


def test_the_macro_and_its_editor_pages_show_despite_a_poisoned_tag(app, client, login, make_user,
                                                                   make_document):
    bad = make_document("macro", state="published", title="Poisoned macro")
    poison(bad)
    login(make_user("admin"))
    for path in (f"/macros/{bad.id}", f"/editor/macros/{bad.id}", f"/editor/macros/{bad.id}/edit"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Poisoned macro" in response.get_data(as_text=True)


@pytest.fixture
def fresh_instance(tmp_path, monkeypatch):
    """An app on a database set up by ``kb init`` (the migrations), whose index is not kept
    up to date in-process, and a stand-in for gunicorn that records being started."""
    started = []
    monkeypatch.setattr(server, "run", lambda app, **options: started.append(options))
    with ExitStack() as stack:
        url = stack.enter_context(empty_database(tmp_path))
        app = create_app({"TESTING": True, "INSTANCE": str(tmp_path / "fresh"), "SERVER_NAME": "kb.test",
                          "DATABASE_URL": url, "SQLALCHEMY_DATABASE_URI": url,
                          "INDEX_IN_PROCESS": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        try:
            yield app, started
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def test_serve_starts_while_a_poisoned_document_waits_for_the_index(fresh_instance, tmp_path):
    app, started = fresh_instance
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    folder = tmp_path / "content" / "macros"
    folder.mkdir(parents=True)
    (folder / "poisoned.md").write_text("---\ntitle: Poisoned macro\n---\nRefund steps\n")
    assert runner.invoke(args=["import", str(folder)]).exit_code == 0
    with app.app_context():
        document_id = db.session.scalar(db.select(Revision.document_id).where(Revision.title == "Poisoned macro"))
        with transaction():
            db.session.execute(db.update(Revision).where(Revision.document_id == document_id)
                               .values(tags=[LONE_SURROGATE]))
            db.session.add(IndexEvent(document_id=document_id))

    result = runner.invoke(args=["serve", "--port", "0"])

    assert result.exit_code == 0, result.output
    assert len(started) == 1


def test_serve_starts_when_the_index_cannot_catch_up_at_all(fresh_instance, monkeypatch):
    from kb.search import indexer

    app, started = fresh_instance
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0

    def broken_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(indexer, "catch_up", broken_disk)
    result = runner.invoke(args=["serve", "--port", "0"])

    assert result.exit_code == 0, result.output
    assert "search index could not catch up" in result.output
    assert len(started) == 1
