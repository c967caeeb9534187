"""The migration that adds place names and locale links keeps every macro link, and goes back."""

from contextlib import ExitStack

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from kb import create_app
from kb.extensions import db
from tests.support import empty_database

BEFORE = "1bd2a2f31c07"
NOW = "2026-01-01 00:00:00+00:00"


def test_existing_links_stay_default_locale_links_and_the_downgrade_drops_the_names(tmp_path):
    with ExitStack() as stack:
        url = stack.enter_context(empty_database(tmp_path))
        app = create_app({"TESTING": True, "INSTANCE": str(tmp_path / "old"), "SERVER_NAME": "kb.test",
                          "DATABASE_URL": url, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            directory = app.extensions["migrate"].directory
            upgrade(directory=directory, revision=BEFORE)
            with db.engine.begin() as connection:
                for number, slug in ((1, "a-macro"), (2, "refund-policy")):
                    connection.execute(text(
                        "INSERT INTO documents (id, kind, slug, created_at, updated_at, use_count, locale) "
                        "VALUES (:id, :kind, :slug, :now, :now, 0, 'en')"),
                        {"id": number, "kind": "macro" if number == 1 else "article", "slug": slug, "now": NOW})
                connection.execute(text("INSERT INTO document_links (id, source_id, target_slug, target_id) "
                                        "VALUES (1, 1, 'refund-policy', 2)"))
            assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
            with db.engine.connect() as connection:
                rows = connection.execute(text(
                    "SELECT source_id, target_locale, target_slug, target_id FROM document_links")).all()
            assert [tuple(row) for row in rows] == [(1, "", "refund-policy", 2)]
            assert "place_names" in inspect(db.engine).get_table_names()

            with db.engine.begin() as connection:  # the same slug linked in two locales
                connection.execute(text("INSERT INTO document_links (id, source_id, target_locale, "
                                        "target_slug) VALUES (2, 1, 'fr', 'refund-policy')"))
            downgrade(directory=directory, revision=BEFORE)
            with db.engine.connect() as connection:
                rows = connection.execute(text("SELECT id, target_slug FROM document_links")).all()
            assert [tuple(row) for row in rows] == [(1, "refund-policy")]
            assert "place_names" not in inspect(db.engine).get_table_names()
            db.session.remove()
            db.engine.dispose()
