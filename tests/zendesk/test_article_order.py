"""Article order from Zendesk's ``position``: the section and category pages and the previous/next
links follow it, ``kb export`` and ``kb export-zendesk`` keep it, an editor changes it through
review; and ``kb export-zendesk`` gives back Zendesk's own ``created_at``/``updated_at``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import frontmatter
import pytest

from kb.auth import services as auth_services
from tests.support import csrf_token

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "zendesk"

#: getting-started/accounts in the fixture's ``position`` order (alphabetical order differs).
ACCOUNTS = ["Create an account", "Set your time zone", "Invite your team", "Connect your calendar",
            "Change your e-mail address"]
#: billing/invoices for anonymous readers ("Cancel a subscription", position 4, is internal).
INVOICES = ["Request a refund", "Reset your password", "Refund timelines", "Two-factor authentication"]
#: getting-started/first-steps: "Update billing details" (position 4) is a draft, so not listed.
FIRST_STEPS = ["Import contacts", "Change your plan", "Download an invoice", "Add a VAT number"]


@pytest.fixture
def imported(runner):
    auth_services.create_user("pat@acme.test", "agent", "password123", "Pat")
    result = runner.invoke(args=["import-zendesk", str(FIXTURE)])
    assert result.exit_code == 0, result.output


def listed(page: str, titles: list[str]) -> list[str]:
    """The titles as the page lists them (by where each first appears)."""
    found = {title: page.find(f">{title}<") for title in titles}
    assert all(at >= 0 for at in found.values()), found
    return sorted(titles, key=found.get)


def test_section_pages_list_articles_in_zendesk_position_order(imported, client):
    accounts = client.get("/categories/getting-started/accounts")
    assert accounts.status_code == 200
    assert listed(accounts.get_data(as_text=True), sorted(ACCOUNTS)) == ACCOUNTS
    invoices = client.get("/categories/billing/invoices").get_data(as_text=True)
    assert listed(invoices, sorted(INVOICES)) == INVOICES
    assert ">Cancel a subscription<" not in invoices
    category = client.get("/categories/getting-started").get_data(as_text=True)
    assert listed(category, sorted(ACCOUNTS)) == ACCOUNTS
    assert listed(category, sorted(FIRST_STEPS)) == FIRST_STEPS


def test_previous_and_next_follow_the_section_order(imported, client):
    page = client.get("/en/articles/set-your-time-zone").get_data(as_text=True)
    previous = re.search(r'rel="prev" href="/en/articles/([^"]+)"', page).group(1)
    following = re.search(r'rel="next" href="/en/articles/([^"]+)"', page).group(1)
    assert (previous, following) == ("create-an-account", "invite-your-team")


def test_kb_export_writes_position_and_import_reads_it_back(imported, runner, tmp_path, app):
    out = tmp_path / "export"
    assert runner.invoke(args=["export", str(out)]).exit_code == 0
    folder = out / "articles" / "getting-started" / "accounts"
    assert frontmatter.load(folder / "invite-your-team.md")["position"] == 2
    assert "position" not in frontmatter.load(folder / "create-an-account.md").metadata  # 0: the default
    # a file's position is read: move "Change your e-mail address" first
    changed = folder / "change-your-e-mail-address.md"
    changed.write_text(changed.read_text().replace("position: 4\n", "position: -1\n"))
    result = runner.invoke(args=["import", str(changed)])
    assert result.output.strip().splitlines()[-1] == \
        "imported 0, updated 1, unchanged 0, failed 0, skipped 0", result.output
    page = app.test_client().get("/categories/getting-started/accounts").get_data(as_text=True)
    assert listed(page, sorted(ACCOUNTS)) == ["Change your e-mail address", "Create an account",
                                              "Set your time zone", "Invite your team",
                                              "Connect your calendar"]


def test_a_position_that_is_not_a_whole_number_fails_that_file(imported, runner, tmp_path):
    bad = tmp_path / "articles" / "odd.md"
    bad.parent.mkdir(parents=True)
    bad.write_text("---\ntitle: Odd\nposition: first\n---\nBody.\n")
    result = runner.invoke(args=["import", str(bad)])
    assert "position must be a whole number" in result.output
    assert result.output.strip().splitlines()[-1] == \
        "imported 0, updated 0, unchanged 0, failed 1, skipped 0"


def test_an_editor_moves_an_article_through_review(imported, client, login, make_user, api_as):
    editor = login(make_user("editor"))
    api, _ = api_as(user=editor)
    ids = {a["title"]: a["id"] for a in api.get("/articles?limit=100").get_json()["items"]}
    article = api.get(f"/articles/{ids['Connect your calendar']}").get_json()
    edit_url = f"/editor/articles/{article['id']}/edit"
    assert 'name="position" value="3"' in client.get(edit_url).get_data(as_text=True)
    form = {"title": article["title"], "body": article["body"], "tags": ", ".join(article["tags"]),
            "section": article["section"], "visibility": article["visibility"], "slug": article["slug"],
            "review_by": "", "message": "First in the section", "position": "-5",
            "base_revision": str(article["revision"]), "csrf_token": csrf_token(client, edit_url)}
    refused = client.post(edit_url, data=form | {"position": "soon"})
    assert refused.status_code == 400
    assert "place in section must be a whole number" in refused.get_data(as_text=True)
    assert client.post(edit_url, data=form).status_code == 303
    # a draft: readers still see the published order
    assert listed(client.get("/categories/getting-started/accounts").get_data(as_text=True),
                  sorted(ACCOUNTS)) == ACCOUNTS
    assert api.post(f"/articles/{article['id']}/submit").status_code == 200
    reviewer, _ = api_as("reviewer")
    assert reviewer.post(f"/articles/{article['id']}/approve", json={}).status_code == 200
    assert reviewer.post(f"/articles/{article['id']}/publish").status_code == 200
    assert listed(client.get("/categories/getting-started/accounts").get_data(as_text=True),
                  sorted(ACCOUNTS)) == ["Connect your calendar", "Create an account", "Set your time zone",
                                        "Invite your team", "Change your e-mail address"]
    # an edit that does not name a position (the API) keeps it
    saved = api.put(f"/articles/{article['id']}", json={
        "title": article["title"], "body": article["body"] + "\nMore.", "tags": article["tags"],
        "section": article["section"], "base_revision": article["revision"] + 1})
    assert saved.status_code == 200, saved.get_json()
    assert 'name="position" value="-5"' in client.get(edit_url).get_data(as_text=True)


def test_export_zendesk_gives_back_zendesk_times_and_positions(imported, runner, tmp_path, api_as):
    out = tmp_path / "zendesk-out"
    assert runner.invoke(args=["export-zendesk", str(out)]).exit_code == 0
    rows = {a["title"]: a for a in json.loads((out / "articles.json").read_text())["articles"]}
    expected = {  # from tests/data/zendesk/articles.json, written out
        "Create an account": ("2025-01-10T09:10:00Z", "2025-02-11T09:11:00Z", 0),
        "Invite your team": ("2025-02-11T09:11:00Z", "2025-03-12T09:12:00Z", 2),
        "Change your e-mail address": ("2025-03-12T09:12:00Z", "2025-04-13T09:13:00Z", 4),
        "Set your time zone": ("2025-04-13T09:13:00Z", "2025-05-14T09:14:00Z", 1),
    }
    for title, (created, updated, position) in expected.items():
        assert (rows[title]["created_at"], rows[title]["updated_at"], rows[title]["position"]) == \
            (created, updated, position), title
    macros = {m["title"]: m for m in json.loads((out / "macros.json").read_text())["macros"]}
    approved = macros["Billing::Refunds::Refund approved"]
    assert (approved["created_at"], approved["updated_at"]) == ("2025-01-10T09:10:00Z", "2025-03-12T09:12:00Z")

    # edited and published here: updated_at is then kb's own time, created_at stays Zendesk's
    editor, _ = api_as("editor")
    ids = {a["title"]: a["id"] for a in editor.get("/articles?limit=100").get_json()["items"]}
    article = editor.get(f"/articles/{ids['Invite your team']}").get_json()
    assert editor.put(f"/articles/{article['id']}", json={
        "title": article["title"], "body": article["body"] + "\nEdited here.", "tags": article["tags"],
        "section": article["section"], "base_revision": article["revision"]}).status_code == 200
    editor.post(f"/articles/{article['id']}/submit")
    reviewer, _ = api_as("reviewer")
    reviewer.post(f"/articles/{article['id']}/approve", json={})
    assert reviewer.post(f"/articles/{article['id']}/publish").status_code == 200
    again = tmp_path / "zendesk-again"
    assert runner.invoke(args=["export-zendesk", str(again)]).exit_code == 0
    rows = {a["title"]: a for a in json.loads((again / "articles.json").read_text())["articles"]}
    assert rows["Invite your team"]["created_at"] == "2025-02-11T09:11:00Z"
    assert rows["Invite your team"]["updated_at"] > "2026-01-01"
    assert rows["Invite your team"]["position"] == 2


def test_the_api_shows_and_sets_the_position(imported, api_as):
    editor, _ = api_as("editor")
    ids = {a["title"]: a["id"] for a in editor.get("/articles?limit=100").get_json()["items"]}
    article = editor.get(f"/articles/{ids['Invite your team']}").get_json()
    assert article["position"] == 2
    fields = {"title": article["title"], "body": article["body"], "tags": article["tags"],
              "section": article["section"], "base_revision": article["revision"]}
    for bad in ("3", 1.5, True, 2**31):
        refused = editor.put(f"/articles/{article['id']}", json=fields | {"position": bad})
        assert refused.status_code == 400, bad
        assert refused.get_json()["error"]["code"]
    saved = editor.put(f"/articles/{article['id']}", json=fields | {"position": 7})
    assert saved.status_code == 200 and saved.get_json()["position"] == 7
    new = editor.post("/articles", json={"title": "Brand new", "body": "Text.", "position": -2})
    assert new.status_code == 201 and new.get_json()["position"] == -2
