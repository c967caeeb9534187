"""kb import and kb export."""

import pytest
from sqlalchemy import func, select

from kb.content import queries
from kb.extensions import db
from kb.models import Document
from tests.support.transfer import ARTICLE, run_import, write


def test_import_reports_its_counts_on_the_last_line(runner, tmp_path):
    write(tmp_path, "articles/payments/payouts/how-payouts-work.md", ARTICLE)
    write(tmp_path, "macros/billing/refund.md", "---\ntitle: Billing::Refund\n---\nHi {{ customer.first_name }}\n")
    result = run_import(runner, tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "imported 2, updated 0, unchanged 0, failed 0, skipped 0"


def test_folders_name_the_category_and_section(runner, tmp_path, app):
    write(tmp_path, "articles/payments/payouts/how-payouts-work.md", ARTICLE)
    run_import(runner, tmp_path)
    document, _ = queries.find_by_slug("article", "how-payouts-work")
    assert document.published.section.path == "payments/payouts"
    assert document.published.section.category.title == "Payments"


def test_importing_the_same_content_twice_makes_no_new_revision(runner, tmp_path):
    write(tmp_path, "articles/payments/payouts/how-payouts-work.md", ARTICLE)
    write(tmp_path, "macros/billing/refund.md", "---\ntitle: Billing::Refund\n---\nHi {{ customer.first_name }}\n")
    run_import(runner, tmp_path)
    result = run_import(runner, tmp_path)
    assert result.output.strip().splitlines()[-1] == "imported 0, updated 0, unchanged 2, failed 0, skipped 0"
    document, _ = queries.find_by_slug("article", "how-payouts-work")
    assert document.latest.number == 1


def test_changed_content_makes_one_new_published_revision(runner, tmp_path):
    path = write(tmp_path, "articles/payments/payouts/how-payouts-work.md", ARTICLE)
    run_import(runner, tmp_path)
    path.write_text(ARTICLE.replace("5th", "10th"))
    result = run_import(runner, tmp_path)
    assert "updated 1" in result.output
    document, _ = queries.find_by_slug("article", "how-payouts-work")
    assert document.published.number == 2 and "10th" in document.published.body


@pytest.mark.parametrize("name, content, reason", [
    ("broken-yaml.md", "---\ntitle: [unclosed\n---\nx", "front matter"),
    ("no-title.md", "---\ntags: [a]\n---\nx", "no title"),
    ("bad-utf8.md", b"---\ntitle: x\n---\n\xff\xfe bad", "UTF-8"),
    ("nul.md", b"---\ntitle: x\n---\nnul \x00 byte", "NUL"),
    ("bad-status.md", "---\ntitle: x\nstatus: maybe\n---\nx", "status"),
    ("bad-date.md", "---\ntitle: x\nreview_by: someday\n---\nx", "review_by"),
    ("bad-placeholder.md", "---\ntitle: x\n---\nHi {{ customer.first_name", "placeholder"),
])
def test_a_bad_file_is_reported_and_skipped_while_others_import(runner, tmp_path, name, content, reason):
    folder = "macros/general" if "placeholder" in name else "articles/general/misc"
    write(tmp_path, f"{folder}/{name}", content)
    write(tmp_path, "articles/general/misc/good.md", ARTICLE)
    result = run_import(runner, tmp_path)
    assert result.exit_code == 1
    assert name in result.output and reason.lower() in result.output.lower()
    assert result.output.strip().splitlines()[-1] == "imported 1, updated 0, unchanged 0, failed 1, skipped 0"


def test_unknown_front_matter_keys_are_kept_not_refused(runner, tmp_path):
    write(tmp_path, "articles/a/b/x.md", "---\ntitle: X\nintro: Hello\nbreadcrumbs: [a, b]\n---\nbody")
    result = run_import(runner, tmp_path)
    assert result.exit_code == 0
    document, _ = queries.find_by_slug("article", "x")
    assert document.published.meta == {"intro": "Hello", "breadcrumbs": ["a", "b"]}


@pytest.mark.parametrize("slug, expected", [
    ("../../etc/passwd", "etc-passwd"),
    ("a/b\\c", "a-b-c"),
    ("Café Déjà Vu", "cafe-deja-vu"),
    ("..", "untitled"),
])
def test_slugs_from_front_matter_are_sanitised(runner, tmp_path, slug, expected):
    write(tmp_path, "articles/a/b/x.md", f"---\ntitle: X\nslug: '{slug}'\n---\nbody")
    run_import(runner, tmp_path)
    document, _ = queries.find_by_slug("article", expected)
    assert document is not None


def test_two_files_claiming_one_slug_fail_the_later_one_clearly(runner, tmp_path):
    write(tmp_path, "articles/a/one/same.md", ARTICLE)
    write(tmp_path, "articles/b/two/same.md", ARTICLE)
    result = run_import(runner, tmp_path)
    assert result.exit_code == 1
    assert "already used by" in result.output and "b/two/same.md" in result.output
    assert "imported 1" in result.output


def test_a_missing_path_is_a_readable_error(runner, tmp_path):
    result = run_import(runner, tmp_path / "nope")
    assert result.exit_code != 0 and "no such file or folder" in result.output


def test_drafts_import_unpublished(runner, tmp_path):
    write(tmp_path, "articles/a/b/later.md", "---\ntitle: Later\nstatus: draft\n---\nsoon")
    run_import(runner, tmp_path)
    document, _ = queries.find_by_slug("article", "later")
    assert document.published is None and document.latest.state == "draft"


def test_export_then_import_into_an_empty_instance_reproduces_every_document(runner, tmp_path):
    from tests.support import make_app

    source = tmp_path / "source"
    write(source, "articles/payments/payouts/how-payouts-work.md", ARTICLE)
    write(source, "articles/account/security/two-factor.md",
          "---\ntitle: Two-factor\nvisibility: internal\nreview_by: 2027-01-01\nextra: kept\n---\n## Set up\n\nSteps.")
    write(source, "articles/account/security/draft.md", "---\ntitle: Not yet\nstatus: draft\n---\nwip")
    write(source, "macros/billing/refund.md", "---\ntitle: Billing::Refunds::Refund\ntags: [refund]\n---\nHi {{ a.b }}")
    run_import(runner, source)
    before = snapshot()
    exported = tmp_path / "exported"
    assert runner.invoke(args=["export", str(exported)]).exit_code == 0

    other = make_app(tmp_path)
    with other.app_context():
        result = other.test_cli_runner().invoke(args=["import", str(exported)])
        assert result.exit_code == 0, result.output
        assert snapshot() == before
        db.session.remove()
        db.engine.dispose()


def snapshot():
    rows = {}
    for document in db.session.execute(db.select(Document)).unique().scalars():
        revision = document.published or document.latest
        rows[(document.kind, document.slug)] = (
            revision.title, revision.body, tuple(revision.tags), revision.visibility,
            revision.section.path if revision.section else None, revision.review_by, revision.meta,
            document.published is not None,
        )
    return rows


RICH_BODIES = {
    "tables-and-code": "## Limits\n\n| Plan | Seats |\n| :-- | --: |\n| Free | 3 |\n\n```python\nprint('hi')\n```\n",
    "links-and-notes": "See [the guide](https://example.com/guide) and [payouts](/articles/payouts).[^1]\n\n"
                       "### Why\n\nBecause.\n\n[^1]: A footnote.\n",
    "raw-html": "<details><summary>More</summary><kbd>Ctrl</kbd> <script>alert(1)</script></details>\n\n"
                "## Heading with `code`\n\n- one\n- two\n",
}


def stored_renderings(slugs):
    rows = {}
    for slug in slugs:
        document, _ = queries.find_by_slug("article", slug)
        revision = document.latest
        rows[slug.removeprefix("pooled-")] = (revision.number, revision.title, revision.body,
                                              revision.html, revision.text, revision.outline)
    return rows


@pytest.mark.slow  # worker processes
def test_rendering_in_worker_processes_stores_exactly_what_rendering_here_stores(app, tmp_path):
    from kb.auth.services import system_user
    from kb.transfer import import_paths

    for name, body in RICH_BODIES.items():
        write(tmp_path, f"serial/articles/a/b/{name}.md", f"---\ntitle: {name}\n---\n{body}")
        write(tmp_path, f"pooled/articles/a/b/{name}.md", f"---\ntitle: {name}\nslug: pooled-{name}\n---\n{body}")
    serial = import_paths([tmp_path / "serial"], system_user(), workers=0)
    pooled = import_paths([tmp_path / "pooled"], system_user(), workers=2)
    assert serial.summary() == pooled.summary() == "imported 3, updated 0, unchanged 0, failed 0, skipped 0"
    assert stored_renderings(f"pooled-{name}" for name in RICH_BODIES) == stored_renderings(RICH_BODIES)
    assert "<script" not in stored_renderings(RICH_BODIES)["raw-html"][3]


@pytest.mark.slow  # worker processes
def test_a_bad_file_in_a_pooled_import_is_reported_and_skipped(app, tmp_path):
    from kb.auth.services import system_user
    from kb.transfer import import_paths

    for n in range(5):
        write(tmp_path, f"articles/a/b/good-{n}.md", ARTICLE)
    write(tmp_path, "articles/a/b/broken.md", "---\ntitle: [unclosed\n---\nx")
    report = import_paths([tmp_path], system_user(), workers=2)
    assert report.summary() == "imported 5, updated 0, unchanged 0, failed 1, skipped 0"
    assert report.failures[0][0].endswith("broken.md") and "front matter" in report.failures[0][1]
    assert queries.find_by_slug("article", "broken")[0] is None


def test_a_file_failing_part_way_through_its_save_leaves_nothing_and_spares_its_batch(app, tmp_path):
    # The bad section is noticed after the document row is written: the file's savepoint is
    # rolled back, and the files before and after it in the same transaction are kept.
    from kb.auth.services import system_user
    from kb.models import AuditEvent
    from kb.transfer import import_paths

    write(tmp_path, "articles/a/b/first.md", ARTICLE.replace("How payouts", "First"))
    write(tmp_path, "articles/a/b/middle.md", "---\ntitle: Middle\nsection: a/b/c\n---\nx")
    write(tmp_path, "articles/a/b/last.md", ARTICLE.replace("How payouts", "Last"))
    report = import_paths([tmp_path], system_user(), workers=0)
    assert report.summary() == "imported 2, updated 0, unchanged 0, failed 1, skipped 0"
    assert report.failures[0][0].endswith("middle.md") and "section" in report.failures[0][1]
    assert sorted(db.session.scalars(select(Document.slug))) == ["first", "last"]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 4


def test_a_pre_rendered_body_must_belong_to_the_body_being_saved(app, make_user):
    from kb.content import services

    author = make_user("editor")
    data = services.DocumentInput(title="Refunds", body="Refunds take 5 days.")
    with pytest.raises(ValueError, match="another body"):
        services.create_document("article", data, author, rendered=services.render_body("Something else."))
    created = services.create_document("article", data, author, rendered=services.render_body(data.body))
    assert created.latest.html == "<p>Refunds take 5 days.</p>"


def test_a_readme_beside_the_articles_folder_is_not_imported(runner, tmp_path):
    write(tmp_path, "README.md", "# What this folder is\n")
    write(tmp_path, "articles/payments/payouts/how-payouts-work.md", ARTICLE)
    result = run_import(runner, tmp_path)
    assert result.output.strip().splitlines()[-1] == "imported 1, updated 0, unchanged 0, failed 0, skipped 0"
