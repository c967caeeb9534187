"""``kb import-zendesk`` of the hand-written Zendesk export in tests/data/zendesk, a second run,
the old Zendesk URLs, and ``kb export-zendesk`` back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import frontmatter
import pytest

from kb.auth import services as auth_services
from tests.support import another_app

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "zendesk"
SUMMARY = "imported 50, updated 0, unchanged 0, failed 0, skipped 1"


def zid(n: int) -> int:
    """The id of the fixture's article number ``n`` (in the order of articles.json)."""
    return 115000000000 + n * 1013


@pytest.fixture
def imported(runner):
    """The fixture imported once, with Pat (owner of a personal macro) signed up first."""
    pat = auth_services.create_user("pat@acme.test", "agent", "password123", "Pat")
    result = runner.invoke(args=["import-zendesk", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    return result.output, pat


def exported(runner, tmp_path) -> dict[str, frontmatter.Post]:
    """Every shared document as ``kb export`` writes it, by path under the export folder."""
    out = tmp_path / f"export-{len(list(tmp_path.iterdir()))}"
    assert runner.invoke(args=["export", str(out)]).exit_code == 0
    return {str(p.relative_to(out)): frontmatter.load(p) for p in sorted(out.rglob("*.md"))}


def last_line(result) -> str:
    """The summary line of a command's output."""
    return result.output.strip().splitlines()[-1]


def by_title(files: dict[str, frontmatter.Post]) -> dict[str, frontmatter.Post]:
    return {post["title"]: post for post in files.values()}


def test_import_gives_the_documents_of_the_export(imported, runner, tmp_path):
    output, _ = imported
    assert output.strip().splitlines()[-1] == SUMMARY
    docs = by_title(exported(runner, tmp_path))
    assert len(docs) == 49  # 30 articles, 19 shared macros (the personal ones are not exported)

    steps = docs["Create an account"]  # n = 0: nested list, promoted
    assert steps["section"] == "getting-started/accounts"
    assert steps["status"] == "published" and steps["visibility"] == "public"
    assert steps["tags"] == ["howto"]
    assert "1. Open *Settings*.\n    - On mobile, tap the menu first.\n" in steps.content
    assert "        - Then choose **Account**." in steps.content
    assert "2. Choose `create-an-account`." in steps.content

    table = docs["Invite your team"]  # n = 1
    assert "| Plan | Price |\n| --- | --- |\n| Basic | $10 |\n| Pro | $25 |" in table.content
    code = docs["Change your e-mail address"]  # n = 2
    assert ('```bash\ncurl -H "Authorization: Bearer $TOKEN" https://api.acme.test/v1/2\n```'
            in code.content)
    images = docs["Set your time zone"]  # n = 3
    assert "![External shot](https://cdn.imgs.example/shot-3.png)" in images.content
    assert f"![Settings screen](https://acme.zendesk.com/hc/article_attachments/{zid(3)}/screen.png)" \
        in images.content
    assert "[Contact us](https://acme.zendesk.com/hc/en-us/requests/new)" in images.content

    assert docs["Update billing details"]["status"] == "draft"  # n = 7
    assert docs["Cancel a subscription"]["visibility"] == "internal"  # n = 12: a user segment
    assert docs["Change your plan"]["tags"] == ["billing", "howto"]  # n = 8: its label_names
    assert docs["Request a refund"]["section"] == "billing/invoices"  # n = 10
    assert docs["Contact support"]["section"] == "troubleshooting/sync-errors"  # n = 29


def test_categories_and_sections_keep_titles_and_order(imported, client):
    home = client.get("/").get_data(as_text=True)
    positions = [home.index(name) for name in ("Getting started", "Billing", "Troubleshooting")]
    assert positions == sorted(positions)


def test_macros_placeholders_liquid_archived_and_personal(imported, runner, tmp_path, api_as):
    output, pat = imported
    docs = by_title(exported(runner, tmp_path))
    approved = docs["Billing::Refunds::Refund approved"]
    assert approved.content == ("Hi {{ customer.first_name }},\n\nYour refund for ticket #{{ ticket.id }} "
                                "is approved.\n\nBest,\n{{ agent.first_name }}")
    html_macro = docs["Billing::Invoices::Resend invoice"]  # comment_value_html
    assert html_macro.content.startswith("Hello {{ customer.name }}, we've sent the invoice to "
                                         "{{ customer.email }}.")
    assert "- Step one\n- Step two" in html_macro.content
    # unknown placeholders are kept and reported; Liquid kb cannot express is kept and reported
    assert "{{ ticket.ticket_field_360042 }}" in docs["Account::Two-factor help"].content
    assert ("note: macros.json#360100005: unknown placeholder {{ticket.ticket_field_360042}}" in output)
    assert "\\{{ticket.requester.first_name | capitalize}}" in docs["Account::Locked out"].content
    assert "note: macros.json#360100006: Liquid kb cannot express kept as text" in output
    assert ('note: macros.json#360100007: Liquid kb cannot express kept as text: '
            '{% if ticket.requester.language == "fr" %}') in output
    assert "{% else %}Your account is deleted.{% endif %}" in docs["Account::Delete account"].content
    assert "external images: 5" in output

    assert docs["General::Old greeting"]["status"] == "archived"  # inactive
    assert docs["General::Thanks"]["status"] == "published"
    assert "Personal::My sign-off" not in docs
    api, _ = api_as(user=pat)
    mine = [m for m in api.get("/macros?limit=100").get_json()["items"] if m["personal"]]
    assert [m["title"] for m in mine] == ["Personal::My sign-off"]
    assert "skipped: macros.json#360100098: personal to a Zendesk user not in users.json" in output


def test_second_run_changes_nothing(imported, runner):
    again = runner.invoke(args=["import-zendesk", str(FIXTURE)])
    assert again.exit_code == 0
    assert last_line(again) == "imported 0, updated 0, unchanged 50, failed 0, skipped 1"


def test_a_renamed_article_is_updated_not_duplicated(imported, runner, tmp_path):
    changed = tmp_path / "zd"
    shutil.copytree(FIXTURE, changed)
    data = json.loads((changed / "articles.json").read_text())
    data["articles"][0]["title"] = "Create your Acme account"
    (changed / "articles.json").write_text(json.dumps(data))
    result = runner.invoke(args=["import-zendesk", str(changed)])
    assert last_line(result) == "imported 0, updated 1, unchanged 49, failed 0, skipped 1"
    titles = by_title(exported(runner, tmp_path))
    assert "Create an account" not in titles and "Create your Acme account" in titles


def test_an_article_edited_in_the_app_is_skipped_unless_forced(imported, runner, api_as, client):
    api, _ = api_as("editor")
    items = api.get("/articles?limit=100").get_json()["items"]
    found = [a for a in items if a["title"] == "Invite your team"]
    article = found[0]
    detail = api.get(f"/articles/{article['id']}").get_json()
    saved = api.put(f"/articles/{article['id']}", json={
        "title": "Invite your team", "body": "Edited in kb.", "base_revision": detail["revision"]})
    assert saved.status_code == 200, saved.get_json()
    result = runner.invoke(args=["import-zendesk", str(FIXTURE)])
    lines = result.output.strip().splitlines()
    assert lines[-1] == "imported 0, updated 0, unchanged 49, failed 0, skipped 2"
    assert any(line.startswith(f"skipped: articles.json#{zid(1)}: revision") for line in lines)
    forced = runner.invoke(args=["import-zendesk", str(FIXTURE), "--force"])
    assert last_line(forced) == "imported 0, updated 1, unchanged 49, failed 0, skipped 1"


def test_old_zendesk_urls_redirect_permanently(imported, client):
    moved = client.get(f"/hc/en-us/articles/{zid(1)}-invite-your-team")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith("/en/articles/invite-your-team")
    assert client.get(f"/hc/fr/articles/{zid(1)}").status_code == 301
    assert client.get(moved.headers["Location"]).status_code == 200
    assert client.get(f"/hc/en-us/articles/{zid(7)}-update-billing-details").status_code == 404  # draft
    assert client.get(f"/hc/en-us/articles/{zid(12)}").status_code == 404  # internal
    assert client.get("/hc/en-us/articles/999-nothing").status_code == 404
    assert client.get("/hc/en-us/articles/not-a-number").status_code == 404


def test_a_broken_file_is_a_failure_and_the_rest_imports(runner, tmp_path):
    folder = tmp_path / "zd"
    shutil.copytree(FIXTURE, folder)
    (folder / "macros.json").write_text('{"macros": "nope"}')
    result = runner.invoke(args=["import-zendesk", str(folder)])
    assert result.exit_code == 1
    assert "failed: macros.json: expected" in result.output
    assert last_line(result) == "imported 30, updated 0, unchanged 0, failed 1, skipped 0"
    missing = runner.invoke(args=["import-zendesk", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1 and "no such folder" in missing.output


def test_export_then_import_into_an_empty_instance_gives_the_same_documents(imported, runner, tmp_path):
    before = {path: (post.metadata, post.content) for path, post in exported(runner, tmp_path).items()}
    out = tmp_path / "zendesk-out"
    result = runner.invoke(args=["export-zendesk", str(out)])
    assert result.exit_code == 0, result.output
    assert "30 articles" in result.output and "20 macros" in result.output
    first = json.loads((out / "macros.json").read_text())["macros"]
    assert {m["title"]: m["restriction"]["type"] for m in first if m["restriction"]} == {
        "Billing::Plans::Upgrade offer": "Group", "Personal::My sign-off": "User"}
    sign_off = next(m for m in first if m["title"] == "Personal::My sign-off")
    assert sign_off["actions"] == [
        {"field": "comment_value", "value": "Cheers,\n{{current_user.first_name}}"}]

    with another_app(tmp_path) as fresh, fresh.app_context():
        auth_services.create_user("pat@acme.test", "agent", "password123", "Pat")
        again = fresh.test_cli_runner().invoke(args=["import-zendesk", str(out)])
        assert last_line(again) == "imported 50, updated 0, unchanged 0, failed 0, skipped 0"
        after = {path: (post.metadata, post.content)
                 for path, post in exported(fresh.test_cli_runner(), tmp_path).items()}
        second = tmp_path / "zendesk-again"
        fresh.test_cli_runner().invoke(args=["export-zendesk", str(second)])
        assert _untimed(json.loads((second / "macros.json").read_text())["macros"]) == _untimed(first)
    assert after == before


def _untimed(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in ("created_at", "updated_at")} for row in rows]


def test_imported_macros_fill_with_kb_placeholders(imported, api_as):
    api, _ = api_as("agent")
    macros = {m["title"]: m["id"] for m in api.get("/macros?limit=100").get_json()["items"]}
    values = {"customer": {"first_name": "Mo"}, "ticket": {"id": 812}, "agent": {"first_name": "Kim"}}
    filled = api.post(f"/macros/{macros['Billing::Refunds::Refund approved']}/render",
                      json={"values": values}).get_json()
    assert filled["missing"] == []
    assert "Hi Mo," in filled["text"] and "ticket #812" in filled["text"] and "Kim" in filled["text"]
    # Liquid kept as text shows to the agent as Zendesk wrote it, for them to rewrite
    liquid = api.post(f"/macros/{macros['Account::Locked out']}/render", json={"values": values}).get_json()
    assert "{{ticket.requester.first_name | capitalize}}" in liquid["text"]
