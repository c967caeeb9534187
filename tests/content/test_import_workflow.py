"""kb import never changes a document behind the review workflow's back (issue 21, part 3)."""

from pathlib import Path

import pytest

from tests.support.transfer import run_import, write


def article_file(slug: str, body: str, status: str = "published") -> str:
    return f"---\ntitle: {slug.title()}\nslug: {slug}\nstatus: {status}\n---\n{body}\n"


SLUGS = ("in-review", "sent-back", "approved", "plain-draft", "archived", "untouched")


@pytest.fixture
def live(runner, tmp_path, api_as, client):
    """An imported help center that people then worked on in the app, and the folder it came from."""
    folder = tmp_path / "content"
    for slug in SLUGS:
        write(folder, f"articles/general/basics/{slug}.md", article_file(slug, f"Imported text of {slug}."))
    assert run_import(runner, folder).exit_code == 0
    editor, _ = api_as("editor")
    reviewer, _ = api_as("reviewer")
    ids = {slug: document_id(editor, slug) for slug in SLUGS}

    def edit(slug):
        current = editor.get(f"/articles/{ids[slug]}").get_json()
        response = editor.put(f"/articles/{ids[slug]}", json={
            "title": current["title"], "body": f"App text of {slug}.", "section": "general/basics",
            "base_revision": current["revision"]})
        assert response.status_code == 200, response.get_json()

    for slug in ("in-review", "sent-back", "approved", "plain-draft"):
        edit(slug)
    for slug in ("in-review", "sent-back", "approved"):
        assert editor.post(f"/articles/{ids[slug]}/submit").status_code == 200
    assert reviewer.post(f"/articles/{ids['sent-back']}/request-changes", json={"comment": "No."}).status_code == 200
    assert reviewer.post(f"/articles/{ids['approved']}/approve").status_code == 200
    assert reviewer.post(f"/articles/{ids['archived']}/archive").status_code == 200
    for slug in SLUGS:  # the files change too
        write(folder, f"articles/general/basics/{slug}.md", article_file(slug, f"New file text of {slug}."))
    return folder, ids, editor


def document_id(api, slug: str) -> int:
    items = api.get("/articles?limit=100").get_json()["items"]
    return next(item["id"] for item in items if item["slug"] == slug)


def reader_text(client, slug: str) -> str | None:
    response = client.get(f"/en/articles/{slug}")
    return response.get_data(as_text=True) if response.status_code == 200 else None


def skipped_lines(output: str) -> dict[str, str]:
    return {Path(line.split(": ", 2)[1]).stem: line.split(": ", 2)[2]
            for line in output.splitlines() if line.startswith("skipped: ")}


def test_reimport_skips_every_document_in_the_workflows_hands_and_says_why(runner, client, live):
    folder, ids, editor = live
    before = {slug: editor.get(f"/articles/{ids[slug]}").get_json() for slug in SLUGS}
    result = run_import(runner, folder)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "imported 0, updated 1, unchanged 0, failed 0, skipped 5"
    assert skipped_lines(result.output) == {
        "in-review": "revision 2 is pending review (in review)",
        "sent-back": "revision 2 is pending review (changes requested)",
        "approved": "revision 2 is approved and waiting to be published",
        "plain-draft": "revision 2 (draft) was made in the app since the last import",
        "archived": "archived in the app; only --force brings it back",
    }
    for slug in ("in-review", "sent-back", "approved", "plain-draft"):
        after = editor.get(f"/articles/{ids[slug]}").get_json()
        assert (after["revision"], after["status"], after["body"]) == (
            before[slug]["revision"], before[slug]["status"], f"App text of {slug}.\n")
        assert f"Imported text of {slug}." in reader_text(client, slug)
    assert reader_text(client, "archived") is None
    assert editor.get(f"/articles/{ids['archived']}").get_json()["status"] == "archived"
    assert "New file text of untouched." in reader_text(client, "untouched")


def test_a_document_created_in_the_app_is_not_overwritten_by_a_file_of_the_same_slug(runner, client, tmp_path,
                                                                                      make_document):
    make_document("article", state="published", title="Refunds", slug="refunds", body="Written in the app.")
    write(tmp_path, "articles/general/basics/refunds.md", article_file("refunds", "From a file."))
    result = run_import(runner, tmp_path)
    assert result.exit_code == 0
    assert "skipped: " in result.output and "was made in the app since the last import" in result.output
    assert result.output.strip().splitlines()[-1] == "imported 0, updated 0, unchanged 0, failed 0, skipped 1"
    assert "Written in the app." in reader_text(client, "refunds")


def test_force_lets_the_files_win_and_the_audit_log_says_so(runner, client, live, login, make_user):
    folder, ids, editor = live
    result = runner.invoke(args=["import", "--force", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "imported 0, updated 6, unchanged 0, failed 0, skipped 0"
    for slug in SLUGS:
        assert f"New file text of {slug}." in reader_text(client, slug)
    login(make_user("admin"))
    forced = client.get("/editor/audit?action=import_force").get_data(as_text=True)
    assert forced.count('data-audit-action="import_force"') == 5
    assert "overrode: archived in the app; only --force brings it back" in forced
    published = client.get("/editor/audit?action=publish").get_data(as_text=True)
    assert published.count("via: import --force") == 5


def test_skips_do_not_fail_the_command_but_failures_still_do(runner, live):
    folder, _, _ = live
    write(folder, "articles/general/basics/broken.md", "---\ntitle: [unclosed\n---\nx")
    result = run_import(runner, folder)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == "imported 0, updated 1, unchanged 0, failed 1, skipped 5"


def test_a_file_marked_archived_imports_as_archived(runner, client, tmp_path, api_as):
    write(tmp_path, "articles/general/basics/retired.md", article_file("retired", "Old news.", status="archived"))
    result = run_import(runner, tmp_path)
    assert result.output.strip().splitlines()[-1] == "imported 1, updated 0, unchanged 0, failed 0, skipped 0"
    assert client.get("/en/articles/retired").status_code == 404
    editor, _ = api_as("editor")
    assert editor.get(f"/articles/{document_id(editor, 'retired')}").get_json()["status"] == "archived"
    again = run_import(runner, tmp_path)
    assert again.output.strip().splitlines()[-1] == "imported 0, updated 0, unchanged 1, failed 0, skipped 0"


def test_an_imported_draft_can_be_updated_by_the_next_import(runner, client, tmp_path, api_as):
    path = write(tmp_path, "articles/general/basics/soon.md", article_file("soon", "Draft one.", status="draft"))
    run_import(runner, tmp_path)
    path.write_text(article_file("soon", "Now ready."))
    result = run_import(runner, tmp_path)
    assert result.output.strip().splitlines()[-1] == "imported 0, updated 1, unchanged 0, failed 0, skipped 0"
    assert "Now ready." in reader_text(client, "soon")
