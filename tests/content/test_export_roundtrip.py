"""kb export is a faithful copy: export, import into an empty instance, export again (issue 21, part 5)."""

from pathlib import Path


from kb.extensions import db
from tests.support.transfer import run_import, write
from tests.support import make_app

SECTIONS = """\
categories:
- slug: payments
  title: Payments & billing
  description: Money in, money out.
  position: 1
  sections:
  - slug: payouts
    title: Payouts
    description: ''
    position: 0
- slug: account
  title: Your account
  description: ''
  position: 0
  sections:
  - slug: security
    title: Security
    description: Keep it safe.
    position: 2
  - slug: login
    title: Signing in
    description: ''
    position: 1
- slug: later
  title: Coming soon
  description: ''
  position: 5
  sections: []
"""

FILES = {
    "articles/sections.yml": SECTIONS,
    "articles/payments/payouts/how-payouts-work.md":
        "---\ntitle: How payouts work\ntags: [payouts, billing]\nreview_by: 2027-03-01\n---\nOn the 5th.\n",
    "articles/payments/payouts/old-name.md": "---\ntitle: Payout timing\n---\nTiming.\n",
    "articles/payments/payouts/has-draft.md": "---\ntitle: Fees\n---\nNo fees.\n",
    "articles/account/security/two-factor.md":
        "---\ntitle: Two-factor\nvisibility: internal\nnotes: kept\n---\n## Set up\n\nSteps.\n",
    "articles/account/security/wip.md": "---\ntitle: Not yet\nstatus: draft\n---\nWork in progress.\n",
    "articles/account/login/retired.md": "---\ntitle: Old login\n---\nThe old way.\n",
    "articles/account/login/reset-password.md": "---\ntitle: Reset your password\n---\nUse the link.\n",
    "macros/billing/refund.md": "---\ntitle: Billing::Refunds::Refund timeline\ntags: [refund]\n---\n"
                                "Hi {{ customer.first_name }}, five days.\n",
    "macros/general/greeting.md": "---\ntitle: Old greeting\nstatus: archived\n---\nHello.\n",
}

URLS = ["/en/articles/how-payouts-work", "/en/articles/new-name", "/en/articles/mid-name", "/en/articles/old-name",
        "/en/articles/has-draft", "/en/articles/two-factor", "/en/articles/wip", "/en/articles/retired",
        "/en/articles/never-existed"]


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def what_readers_see(app) -> dict:
    """Every URL's answer, the sitemap, and the order of the home page's categories."""
    client = app.test_client()
    answers = {}
    for url in URLS:
        response = client.get(url)
        answers[url] = (response.status_code, response.headers.get("Location"))
    home = client.get("/").get_data(as_text=True)
    titles = ["Payouts", "Your account", "Payments &amp; billing", "Signing in"]
    return {"answers": answers, "sitemap": client.get("/sitemap.xml").get_data(as_text=True),
            "home_order": sorted(titles, key=home.find), "home_has_all": all(t in home for t in titles)}


def work_in_the_app(api_as):
    """What people did after the first import: two renames, an archive, a pending draft."""
    editor, _ = api_as("editor")
    reviewer, _ = api_as("reviewer")
    ids = {item["slug"]: item["id"] for item in editor.get("/articles?limit=100").get_json()["items"]}

    def save(document_id, **changes):
        current = editor.get(f"/articles/{document_id}").get_json()
        body = {"title": current["title"], "body": current["body"], "section": current["section"],
                "base_revision": current["revision"], **changes}
        assert editor.put(f"/articles/{document_id}", json=body).status_code == 200

    def publish(document_id):
        for api, step in ((editor, "submit"), (reviewer, "approve"), (reviewer, "publish")):
            assert api.post(f"/articles/{document_id}/{step}").status_code == 200

    for slug in ("mid-name", "new-name"):
        save(ids["old-name"], slug=slug)
        publish(ids["old-name"])
    save(ids["has-draft"], body="A fee of 1% from next month.")
    assert editor.post(f"/articles/{ids['has-draft']}/submit").status_code == 200
    assert reviewer.post(f"/articles/{ids['retired']}/archive").status_code == 200


def test_export_import_export_gives_identical_files_and_the_same_help_center(app, runner, tmp_path, api_as):
    source = tmp_path / "source"
    for relative, text in FILES.items():
        write(source, relative, text)
    first_import = run_import(runner, source)
    assert first_import.exit_code == 0, first_import.output
    work_in_the_app(api_as)
    first, second = tmp_path / "first", tmp_path / "second"
    assert runner.invoke(args=["export", str(first)]).exit_code == 0
    before = what_readers_see(app)
    exported = tree(first)

    other = make_app(tmp_path)  # an empty instance (on PostgreSQL, the same database emptied)
    with other.app_context():
        cli = other.test_cli_runner()
        result = cli.invoke(args=["import", str(first)])
        assert result.exit_code == 0, result.output
        assert result.output.strip().splitlines()[-1] == "imported 9, updated 0, unchanged 0, failed 0, skipped 0"
        assert cli.invoke(args=["export", str(second)]).exit_code == 0
        again = cli.invoke(args=["import", str(first)])
        assert again.output.strip().splitlines()[-1] == "imported 0, updated 0, unchanged 9, failed 0, skipped 0"
        after = what_readers_see(other)
        db.session.remove()
        db.engine.dispose()

    assert tree(second) == exported
    assert after == before
    assert before["home_has_all"] and before["home_order"] == [
        "Your account", "Signing in", "Payments &amp; billing", "Payouts"]
    assert before["answers"] == {
        "/en/articles/how-payouts-work": (200, None),
        "/en/articles/new-name": (200, None),
        "/en/articles/mid-name": (301, "/en/articles/new-name"),
        "/en/articles/old-name": (301, "/en/articles/new-name"),
        "/en/articles/has-draft": (200, None),
        "/en/articles/two-factor": (404, None),
        "/en/articles/wip": (404, None),
        "/en/articles/retired": (404, None),
        "/en/articles/never-existed": (404, None),
    }


def test_the_export_holds_archived_internal_and_moved_documents_and_the_sections(app, runner, tmp_path, api_as):
    source = tmp_path / "source"
    for relative, text in FILES.items():
        write(source, relative, text)
    run_import(runner, source)
    work_in_the_app(api_as)
    out = tmp_path / "out"
    assert runner.invoke(args=["export", str(out)]).exit_code == 0
    files = {name: data.decode() for name, data in tree(out).items()}
    assert sorted(files) == [
        "articles/account/login/reset-password.md", "articles/account/login/retired.md",
        "articles/account/security/two-factor.md",
        "articles/account/security/wip.md", "articles/payments/payouts/has-draft.md",
        "articles/payments/payouts/how-payouts-work.md", "articles/payments/payouts/new-name.md",
        "articles/sections.yml", "articles/synonyms.yml", "macros/billing/refund.md",
        "macros/general/greeting.md",
    ]
    assert files["articles/synonyms.yml"] == "synonyms: []\n"
    assert files["articles/payments/payouts/new-name.md"] == (
        "---\ntitle: Payout timing\nslug: new-name\nsection: payments/payouts\nvisibility: public\ntags: []\n"
        "status: published\nredirect_from: [mid-name, old-name]\n---\nTiming.\n")
    assert "status: archived\n" in files["articles/account/login/retired.md"]
    assert "status: archived\n" in files["macros/general/greeting.md"]
    assert "visibility: internal\n" in files["articles/account/security/two-factor.md"]
    assert "notes: kept\n" in files["articles/account/security/two-factor.md"]
    assert "status: draft\n" in files["articles/account/security/wip.md"]
    # What readers see, not the draft waiting in review.
    assert files["articles/payments/payouts/has-draft.md"].endswith("---\nNo fees.\n")
    assert files["articles/sections.yml"] == (
        "categories:\n"
        "- slug: account\n  title: Your account\n  description: ''\n  position: 0\n  sections:\n"
        "  - slug: login\n    title: Signing in\n    description: ''\n    position: 1\n"
        "  - slug: security\n    title: Security\n    description: Keep it safe.\n    position: 2\n"
        "- slug: payments\n  title: Payments & billing\n  description: Money in, money out.\n  position: 1\n"
        "  sections:\n"
        "  - slug: payouts\n    title: Payouts\n    description: ''\n    position: 0\n"
        "- slug: later\n  title: Coming soon\n  description: ''\n  position: 5\n  sections: []\n")


def test_a_broken_sections_file_is_reported_and_the_articles_still_import(runner, tmp_path):
    write(tmp_path, "articles/sections.yml", "categories: [unclosed\n")
    write(tmp_path, "articles/a/b/x.md", "---\ntitle: X\n---\nbody\n")
    result = run_import(runner, tmp_path)
    assert result.exit_code == 1
    assert "sections.yml" in result.output and "broken YAML" in result.output
    assert result.output.strip().splitlines()[-1] == "imported 1, updated 0, unchanged 0, failed 1, skipped 0"
