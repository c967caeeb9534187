"""The follower (``kb index``) with a document that fails: tried a few times, then set aside.

Here the index is not updated in-process after each commit, so each ``kb index`` run is one
try, as each round of the follower thread of a server is.
"""

from __future__ import annotations

import pytest

from kb.database import transaction
from kb.extensions import db
from kb.models import IndexEvent, Revision
from kb.search.engine import storage


@pytest.fixture
def app_config(tmp_path):
    return {"INDEX_IN_PROCESS": False}


def follow(runner) -> str:
    result = runner.invoke(args=["index"])
    assert result.exit_code == 0, result.output
    return result.output


def found(api, query: str) -> list[int]:
    return sorted(r["id"] for r in api.get(f"/search?q={query}").get_json()["results"])


def health(client) -> tuple[int, dict]:
    response = client.get("/healthz")
    return response.status_code, response.get_json()


def test_a_failing_document_is_tried_three_times_then_set_aside(runner, client, make_document, api_as):
    bad = make_document("macro", state="published", title="Poisoned macro")
    with transaction():
        db.session.get(Revision, bad.published_revision_id).tags = ["\udfff"]
        db.session.add(IndexEvent(document_id=bad.id))
    good = make_document("article", state="published", body="kaleidoscope settings")
    bad_id, good_id = bad.id, good.id  # ``kb index`` ends the session these objects live in
    agent, _ = api_as("agent")

    follow(runner)  # try 1: the rest of the batch is applied, the position waits before the bad event
    assert found(agent, "kaleidoscope") == [good_id]
    status, body = health(client)
    assert status == 200 and body["index"]["behind"] > 0
    assert [(f["document_id"], f["tries"], f["set_aside"]) for f in body["index_failures"]] == [(bad_id, 1, False)]

    follow(runner)  # try 2
    assert health(client)[1]["index_failures"][0]["tries"] == 2

    output = follow(runner)  # try 3: set aside, and the follower moves on
    status, body = health(client)
    assert status == 503 and body["status"] == "degraded" and body["stuck_documents"] == [bad_id]
    assert body["index"]["behind"] == 0
    latest = body["index"]["latest"]
    assert f"index at {latest} of {latest}" in output

    editor, reviewer = api_as("editor")[0], api_as("reviewer")[0]
    later_id = editor.post("/articles", json={"title": "Later", "body": "kaleidoscope again"}).get_json()["id"]
    assert editor.post(f"/articles/{later_id}/submit").status_code == 200
    assert reviewer.post(f"/articles/{later_id}/approve", json={}).status_code == 200
    assert reviewer.post(f"/articles/{later_id}/publish").status_code == 200
    follow(runner)
    assert found(agent, "kaleidoscope") == sorted([good_id, later_id])


def test_any_error_the_writer_raises_for_one_document_sets_only_that_one_aside(
        runner, client, make_document, api_as, monkeypatch):
    real_fields_of = storage.fields_of

    def refusing(doc, seen):
        if doc.title == "Unwritable":
            raise RuntimeError("the writer choked on this one")
        return real_fields_of(doc, seen)

    monkeypatch.setattr(storage, "fields_of", refusing)
    documents = [make_document("article", state="published", title=title, body=f"kaleidoscope {n}")
                 for n, title in enumerate(["First", "Unwritable", "Third", "Fourth"])]
    bad_id = documents[1].id
    good_ids = sorted(d.id for d in documents if d.id != bad_id)
    agent, _ = api_as("agent")

    for _ in range(3):
        follow(runner)

    assert found(agent, "kaleidoscope") == good_ids
    status, body = health(client)
    assert status == 503 and body["stuck_documents"] == [bad_id]

    result = runner.invoke(args=["reindex"])  # the rebuild's own writer fails on it too
    assert result.exit_code == 1
    assert f"skipped document {bad_id}" in result.output
    assert "RuntimeError: the writer choked on this one" in result.output
    assert "indexed 3 documents" in result.output
    assert found(agent, "kaleidoscope") == good_ids


def test_an_index_wide_error_is_not_blamed_on_a_document(runner, client, make_document, monkeypatch):
    from kb.search.index import SearchIndex

    make_document("article", state="published")

    def disk_full(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(SearchIndex, "apply", disk_full)
    result = runner.invoke(args=["index"])

    assert result.exit_code != 0
    status, body = health(client)
    assert body["index_failures"] == [] and body["index"]["behind"] > 0
