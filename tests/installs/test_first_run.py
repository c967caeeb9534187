"""The first-run set-up (what ``kb serve`` does before serving) runs once per database."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from kb.content import queries
from kb.content import services as content_services
from kb.extensions import db
from kb.models import Document, User
from kb.review import services as review_services
from tests.support.running import get, kb_env, run_kb, serving, start
from tests.support import REPO, on_postgres

#: Sample files shipped in the checkout's articles/ and macros/ (read by these tests as text).
SAMPLE_ARTICLE = "changing-your-email-address"
SAMPLE_ARTICLE_TITLE = "Changing your email address"
OTHER_SAMPLE_ARTICLE = "deleting-your-account"
SAMPLE_MACRO_FILE = REPO / "macros" / "account" / "changing-email-address.md"


def documents() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Document))


def admins() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(User)
                             .where(User.email == "admin@kb.local"))


def test_a_new_instance_gets_the_samples_and_one_admin_and_a_second_start_changes_nothing(
        new_instance):
    app = new_instance()
    first = start(app)
    assert first.samples is not None and first.samples.endswith("failed 0, skipped 0")
    assert first.admin_email == "admin@kb.local" and first.admin_password
    client = app.test_client()
    page = client.get(f"/en/articles/{SAMPLE_ARTICLE}")
    assert page.status_code == 200 and SAMPLE_ARTICLE_TITLE in page.get_data(as_text=True)
    with app.app_context():
        seeded = documents()
    assert seeded > 30

    second = start(app)
    assert (second.samples, second.samples_skipped, second.admin_password) == (None, None, None)
    with app.app_context():
        assert (documents(), admins()) == (seeded, 1)


def test_samples_switched_off_by_the_environment_give_an_empty_instance_with_an_admin(new_instance):
    app = new_instance(KB_SAMPLES="0")
    report = start(app)
    assert report.samples is None and "switched off" in report.samples_skipped
    assert report.admin_password
    with app.app_context():
        assert (documents(), admins()) == (0, 1)
    assert SAMPLE_ARTICLE not in app.test_client().get("/sitemap.xml").get_data(as_text=True)


def test_an_instance_set_up_once_is_never_seeded_even_when_it_is_still_empty(new_instance):
    app = new_instance()
    start(app, samples=False)
    report = start(app, samples=True)
    assert report.samples is None and report.samples_skipped is None
    with app.app_context():
        assert documents() == 0


def test_an_instance_set_up_and_then_emptied_is_not_seeded_again(new_instance):
    app = new_instance()
    start(app)
    with app.app_context():
        with db.engine.begin() as connection:  # everything but the instance's own settings
            connection.execute(Document.__table__.update().values(latest_revision_id=None,
                                                                  published_revision_id=None))
            for table in reversed(db.metadata.sorted_tables):
                if table.name != "settings":
                    connection.execute(table.delete())
        assert (documents(), admins()) == (0, 0)
    report = start(app)
    assert report.samples is None
    assert report.admin_password  # nobody could sign in any more, so an admin is made again
    with app.app_context():
        assert documents() == 0
    assert app.test_client().get(f"/en/articles/{SAMPLE_ARTICLE}").status_code == 404


def edit_and_publish(kind: str, slug: str, body: str) -> None:
    """A person's edit of a sample, through the editor's services and review."""
    from kb.auth.services import create_user

    editor = create_user(f"editor-{kind}@example.com", "editor", "password123")
    reviewer = create_user(f"reviewer-{kind}@example.com", "reviewer", "password123")
    document, _ = queries.find_by_slug(kind, slug)
    data = dataclasses.replace(content_services.copy_input(document.latest), body=body)
    content_services.save_revision(kind, document.id, data, document.latest.number, editor)
    review_services.submit(kind, document.id, editor)
    review_services.approve(kind, document.id, reviewer)
    review_services.publish(kind, document.id, reviewer)


def edited_instance(new_instance):
    """An instance set up with the samples, then edited: a sample article and a sample macro
    rewritten and published, another sample article archived."""
    app = new_instance()
    start(app)
    with app.app_context():
        macro_slug = db.session.scalar(db.select(Document.slug).where(Document.kind == "macro")
                                       .order_by(Document.id))
        edit_and_publish("article", SAMPLE_ARTICLE, "Our own rewritten text about e-mail changes.")
        edit_and_publish("macro", macro_slug, "Our own macro text, not the sample's.")
        reviewer = db.session.scalar(db.select(User).where(User.role_name == "reviewer"))
        archived, _ = queries.find_by_slug("article", OTHER_SAMPLE_ARTICLE)
        review_services.archive("article", archived.id, reviewer)
        db.session.remove()
    return app, macro_slug


def assert_keeps_its_own_text(app, macro_slug: str) -> None:
    client = app.test_client()
    page = client.get(f"/en/articles/{SAMPLE_ARTICLE}").get_data(as_text=True)
    assert "Our own rewritten text" in page
    assert client.get(f"/en/articles/{OTHER_SAMPLE_ARTICLE}").status_code == 404
    with app.app_context():
        macro, _ = queries.find_by_slug("macro", macro_slug)
        assert macro.published.body.strip() == "Our own macro text, not the sample's."
        db.session.remove()


def test_an_instance_restored_by_import_keeps_its_own_text_after_the_first_start(
        new_instance, tmp_path):
    old, macro_slug = edited_instance(new_instance)
    backup = tmp_path / "backup"
    assert old.test_cli_runner().invoke(args=["export", str(backup)]).exit_code == 0

    restored = new_instance()
    runner = restored.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    result = runner.invoke(args=["import", str(backup)])
    assert "failed 0" in result.output, result.output
    report = start(restored)
    assert report.samples is None and "already holds content" in report.samples_skipped
    assert_keeps_its_own_text(restored, macro_slug)


def test_an_instance_restored_from_a_backup_keeps_its_own_text_after_the_first_start(
        new_instance, tmp_path):
    if on_postgres():
        pytest.skip("kb backup and restore are for SQLite; PostgreSQL uses pg_dump "
                    "(tested in test_backup)")
    old, macro_slug = edited_instance(new_instance)
    assert old.test_cli_runner().invoke(args=["backup", str(tmp_path / "kb.backup")]).exit_code == 0

    restored = new_instance()
    result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "kb.backup")])
    assert result.exit_code == 0, result.output
    report = start(restored)
    assert (report.samples, report.samples_skipped, report.admin_password) == (None, None, None)
    assert_keeps_its_own_text(restored, macro_slug)


@pytest.mark.slow
def test_kb_serve_after_init_and_import_serves_the_imported_text_not_the_samples(tmp_path):
    content = tmp_path / "backup" / "articles" / "account-and-security" / "account-settings"
    content.mkdir(parents=True)
    (content / f"{SAMPLE_ARTICLE}.md").write_text(
        f"---\ntitle: {SAMPLE_ARTICLE_TITLE}\n---\nOur own restored text about e-mail changes.\n")
    macros = tmp_path / "backup" / "macros"
    macros.mkdir()
    shutil.copy(SAMPLE_MACRO_FILE, macros / SAMPLE_MACRO_FILE.name)
    env = kb_env(tmp_path / "instance")

    assert run_kb(["init"], env, tmp_path).returncode == 0
    imported = run_kb(["import", str(tmp_path / "backup")], env, tmp_path)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    with serving(env, tmp_path) as site:
        status, page = get(f"{site.url}/articles/{SAMPLE_ARTICLE}")
        assert status == 200 and "Our own restored text" in page
        assert get(f"{site.url}/articles/{OTHER_SAMPLE_ARTICLE}")[0] == 404
        assert "sample content not imported: the database already holds content" in site.output()


@pytest.mark.slow
def test_kb_serve_no_samples_starts_an_empty_instance_with_an_admin(tmp_path):
    env = kb_env(tmp_path / "instance")
    with serving(env, tmp_path, extra_args=("--no-samples",)) as site:
        status, sitemap = get(f"{site.url}/sitemap.xml")
        assert status == 200 and "/en/articles/" not in sitemap
        assert get(f"{site.url}/articles/{SAMPLE_ARTICLE}")[0] == 404
        assert "admin@kb.local" in site.output()
    # Started again without the flag, the instance was set up already: still no samples.
    with serving(env, tmp_path) as site:
        assert "/en/articles/" not in get(f"{site.url}/sitemap.xml")[1]


def test_an_instance_in_use_before_the_upgrade_that_records_set_ups_is_not_seeded(new_instance):
    from flask_migrate import upgrade
    from sqlalchemy import text

    app = new_instance()
    with app.app_context():
        # The schema as it was before set-ups were recorded, with a person already using it
        # (written with that schema's columns: today's model has more).
        upgrade(directory=app.extensions["migrate"].directory, revision="3b1d2c7a9e40")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO users (email, name, role, password_hash, active, created_at) "
                "VALUES ('ana@example.com', 'Ana', 'editor', '!', :yes, CURRENT_TIMESTAMP)"), {"yes": True})
        db.session.remove()
    report = start(app)
    assert (report.samples, report.admin_password) == (None, None)
    with app.app_context():
        assert documents() == 0


def test_an_install_without_its_samples_says_so_and_seeds_once_they_are_there(
        new_instance, tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    app = new_instance(KB_CONTENT_DIR=str(content))
    report = start(app)
    assert report.samples is None and "no sample content found" in report.samples_skipped
    # The installation is made whole: the next start imports the samples after all.
    shutil.copytree(REPO / "articles", content / "articles")
    report = start(app)
    assert report.samples is not None and report.samples.endswith("failed 0, skipped 0")
    assert app.test_client().get(f"/en/articles/{SAMPLE_ARTICLE}").status_code == 200
