"""The migration that puts slugs on revisions backfills them from their documents."""

from contextlib import ExitStack

from flask_migrate import upgrade
from sqlalchemy import text

from kb import create_app
from kb.extensions import db
from tests.support import empty_database

REVISION = ("INSERT INTO revisions (id, document_id, number, title, body, html, text, outline, tags, "
            "visibility, meta, created_at, message, state) VALUES (:id, 1, :number, 'T', 'b', '<p>b</p>', "
            "'b', '[]', '[]', 'public', '{}', '2026-01-01 00:00:00+00:00', :message, 'published')")


def test_existing_revisions_get_their_documents_slug_and_imports_are_recognised(tmp_path):
    with ExitStack() as stack:
        url = stack.enter_context(empty_database(tmp_path))
        app = create_app({"TESTING": True, "INSTANCE": str(tmp_path / "old"), "SERVER_NAME": "kb.test",
                          "DATABASE_URL": url, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory, revision="3b1d2c7a9e40")
            with db.engine.begin() as connection:
                connection.execute(text(
                    "INSERT INTO documents (id, kind, slug, created_at, updated_at, use_count) "
                    "VALUES (1, 'article', 'old-article', '2026-01-01 00:00:00+00:00', "
                    "'2026-01-01 00:00:00+00:00', 0)"))
                connection.execute(text(REVISION), {"id": 1, "number": 1, "message": "Imported from old-article.md"})
                connection.execute(text(REVISION), {"id": 2, "number": 2, "message": "Fixed a typo"})
            assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
            with db.engine.connect() as connection:
                rows = connection.execute(text("SELECT number, slug, origin FROM revisions ORDER BY number")).all()
            assert [tuple(row) for row in rows] == [(1, "old-article", "import"), (2, "old-article", "app")]
            db.session.remove()
            db.engine.dispose()
