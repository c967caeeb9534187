"""Editors keep the search synonym list at /editor/synonyms; it applies to the next search,
without a rebuild, and travels with the content through kb export and kb import."""

import re
import time
from pathlib import Path

import pytest

from kb.auth import services as auth_services
from kb.extensions import db
from kb.search import synonym_list
from tests.support import another_app, csrf_token, on_postgres


def found(client, q):
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 200, response.get_json()
    return [r["title"] for r in response.get_json()["results"]]


def page(client, path="/editor/synonyms"):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post(client, path, **form):
    return client.post(path, data={**form, "csrf_token": csrf_token(client, "/editor/synonyms")})


def entry_ids(client):
    return [int(n) for n in re.findall(r'data-synonym="(\d+)"', page(client))]


def test_an_entry_added_on_the_page_applies_to_the_very_next_search(
        client, login, make_user, make_document):
    make_document(state="published", title="Requesting a refund",
                  body="Ask within 14 days and the full amount is returned to your card.")
    make_document(state="published", title="Changing your email",
                  body="Open settings and type the new address.")
    login(make_user("editor"))
    assert found(client, "zorbly") == []
    response = post(client, "/editor/synonyms", term="refund", variants="zorbly\nmoney back")
    assert response.status_code == 302
    assert found(client, "zorbly") == ["Requesting a refund"]
    assert found(client, "how do i get my money back")[0] == "Requesting a refund"
    assert "zorbly, money back" in page(client)

    [entry] = entry_ids(client)
    assert post(client, f"/editor/synonyms/{entry}", term="refund",
                variants="quibbet").status_code == 302
    assert found(client, "zorbly") == []
    assert found(client, "quibbet") == ["Requesting a refund"]
    assert post(client, f"/editor/synonyms/{entry}/delete").status_code == 302
    assert found(client, "quibbet") == []
    assert entry_ids(client) == []


def test_a_query_in_the_link_fills_in_a_new_entry(client, login, make_user):
    login(make_user("editor"))
    html = page(client, "/editor/synonyms?add=money%20%20back")
    assert re.search(r'<textarea id="variants-new" name="variants"[^>]*>money back</textarea>', html)


def test_only_editors_and_up_may_open_the_list(client, login, make_user):
    response = client.get("/editor/synonyms")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(make_user("agent"))
    assert client.get("/editor/synonyms").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(make_user("reviewer"))
    assert client.get("/editor/synonyms").status_code == 200


def test_blank_overlong_and_repeated_entries_are_refused_with_a_reason(client, login, make_user):
    login(make_user("editor"))
    response = post(client, "/editor/synonyms", term="   ", variants="money back")
    assert response.status_code == 400
    assert "Term is required" in response.get_data(as_text=True)
    response = post(client, "/editor/synonyms", term="refund", variants="\n \n")
    assert response.status_code == 400
    assert "at least one other way" in response.get_data(as_text=True)
    response = post(client, "/editor/synonyms", term="refund", variants="x" * 101)
    assert response.status_code == 400
    assert "longer than 100 characters" in response.get_data(as_text=True)
    response = post(client, "/editor/synonyms", term="r" * 101, variants="money back")
    assert response.status_code == 400
    assert "longer than 100 characters" in response.get_data(as_text=True)
    assert post(client, "/editor/synonyms", term="Refund", variants="money back").status_code == 302
    response = post(client, "/editor/synonyms", term="refund", variants="reimburse")
    assert response.status_code == 400
    assert "already in the list" in response.get_data(as_text=True)
    assert len(entry_ids(client)) == 1


def test_the_list_survives_export_and_import_unchanged(client, login, make_user, runner, tmp_path):
    login(make_user("editor"))
    post(client, "/editor/synonyms", term="two-factor authentication", variants="2FA, 2-step")
    post(client, "/editor/synonyms", term="payout", variants="withdrawal\ncash out")
    first, second = tmp_path / "first", tmp_path / "second"
    assert runner.invoke(args=["export", str(first)]).exit_code == 0
    written = (first / "articles" / "synonyms.yml").read_text()
    assert written == (
        "synonyms:\n"
        "- term: payout\n  variants:\n  - withdrawal\n  - cash out\n"
        "- term: two-factor authentication\n  variants:\n  - 2FA\n  - 2-step\n")
    for entry in entry_ids(client):
        post(client, f"/editor/synonyms/{entry}/delete")
    assert entry_ids(client) == []
    result = runner.invoke(args=["import", str(first)])
    assert result.exit_code == 0, result.output
    assert len(entry_ids(client)) == 2
    assert runner.invoke(args=["export", str(second)]).exit_code == 0
    assert (second / "articles" / "synonyms.yml").read_text() == written


def test_a_refused_synonyms_file_is_reported_and_nothing_of_it_is_kept(runner, tmp_path):
    folder = Path(tmp_path) / "content"
    (folder / "articles").mkdir(parents=True)
    (folder / "articles" / "synonyms.yml").write_text(
        "synonyms:\n- term: refund\n  variants: [money back]\n- term: ''\n  variants: [x]\n")
    result = runner.invoke(args=["import", str(folder)])
    assert result.exit_code == 1
    assert "synonyms.yml" in result.output and "Term is required" in result.output
    out = tmp_path / "out"
    assert runner.invoke(args=["export", str(out)]).exit_code == 0
    assert (out / "articles" / "synonyms.yml").read_text() == "synonyms: []\n"


@pytest.mark.skipif(on_postgres(), reason="a second app on PostgreSQL starts from an emptied database")
def test_an_edit_made_by_another_process_reaches_this_one(app, client, make_document, tmp_path):
    app.config["RATE_LIMIT_PER_MINUTE"] = 0  # searched until the change shows
    make_document(state="published", title="Requesting a refund", body="Ask within 14 days.")
    assert found(client, "zorbly") == []
    shared = {key: app.config[key] for key in ("DATABASE_URL", "SQLALCHEMY_DATABASE_URI")}
    with another_app(tmp_path, **shared) as other, other.app_context():
        editor = auth_services.create_user("other@example.com", "editor", "password123", "Other")
        synonym_list.add(editor, "refund", ["zorbly"])
    deadline = time.monotonic() + 30
    while found(client, "zorbly") != ["Requesting a refund"]:  # this app checks the version
        assert time.monotonic() < deadline, "the other app's entry never applied here"
        # Each request of a live server has a transaction of its own; here the test's one
        # app context spans the requests, so end the read transaction they share.
        db.session.rollback()
