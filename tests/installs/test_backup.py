"""``kb backup`` and ``kb restore``: a consistent copy taken while writes go on, put back whole."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import stat
import threading
import time
from contextlib import closing

import pytest
from markupsafe import escape

from kb import create_app
from kb.auth.services import create_user
from kb.content import queries
from kb.content import services as content_services
from kb.extensions import db
from kb.models import Document
from kb.review import services as review_services
from tests.support.running import get, kb_env, run_kb, serving, start
from tests.support import TEST_DATABASE_URL, on_postgres

sqlite_only = pytest.mark.skipif(on_postgres(), reason="kb backup/restore copy SQLite files; on "
                                 "PostgreSQL they point to pg_dump (tested below)")
BURST_ARTICLE = "changing-your-email-address"

PUBLISHED_PUBLIC_ARTICLES = """
    SELECT d.slug, r.title FROM documents d JOIN revisions r ON r.id = d.published_revision_id
    WHERE d.kind = 'article' AND r.visibility = 'public' ORDER BY d.slug
"""


def read_backup(path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        return connection.execute(sql).fetchall()


def write_burst(app, started: threading.Event, stop: threading.Event, written: list[int]) -> None:
    """Edit and republish one article again and again, the way people do in the editor."""
    with app.app_context():
        editor = create_user("burst-editor@example.com", "editor", "password123")
        reviewer = create_user("burst-reviewer@example.com", "reviewer", "password123")
        n = 0
        while not stop.is_set() and n < 500:
            n += 1
            document, _ = queries.find_by_slug("article", BURST_ARTICLE)
            data = dataclasses.replace(content_services.copy_input(document.latest),
                                       body=f"Burst revision {n} of this article.")
            content_services.save_revision("article", document.id, data, document.latest.number,
                                           editor)
            review_services.submit("article", document.id, editor)
            review_services.approve("article", document.id, reviewer)
            review_services.publish("article", document.id, reviewer)
            written.append(n)
            started.set()
        db.session.remove()


@sqlite_only
def test_a_backup_taken_during_a_burst_of_writes_is_sound_and_restores_the_same_site(
        new_instance, tmp_path):
    live = new_instance()
    start(live)
    started, stop, written = threading.Event(), threading.Event(), []
    writer = threading.Thread(target=write_burst, args=(live, started, stop, written))
    writer.start()
    try:
        assert started.wait(60), "the writer never committed"
        result = live.test_cli_runner().invoke(args=["backup", str(tmp_path / "kb.backup")])
        during = len(written)
    finally:
        stop.set()
        writer.join(120)
    assert result.exit_code == 0, result.output
    assert during >= 1
    backup = tmp_path / "kb.backup"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert read_backup(backup, "PRAGMA integrity_check") == [("ok",)]
    articles = read_backup(backup, PUBLISHED_PUBLIC_ARTICLES)
    assert len(articles) > 30
    [(burst_body,)] = read_backup(backup, f"""
        SELECT r.body FROM documents d JOIN revisions r ON r.id = d.published_revision_id
        WHERE d.kind = 'article' AND d.slug = '{BURST_ARTICLE}'""")
    assert burst_body.startswith("Burst revision ")

    fresh = new_instance()
    result = fresh.test_cli_runner().invoke(args=["restore", str(backup)])
    assert result.exit_code == 0, result.output
    client = fresh.test_client()
    for slug, title in articles:
        page = client.get(f"/en/articles/{slug}")
        assert page.status_code == 200 and str(escape(title)) in page.get_data(as_text=True), slug
    assert burst_body.strip() in client.get(f"/en/articles/{BURST_ARTICLE}").get_data(as_text=True)
    for slug, title in articles[::10]:
        found = client.get("/api/v1/search", query_string={"q": title, "limit": 50}).get_json()
        assert slug in [hit["slug"] for hit in found["results"]], title


@sqlite_only
def test_restore_refuses_an_instance_with_content_or_accounts_unless_forced(new_instance, tmp_path):
    source = new_instance()
    start(source)
    made = source.test_cli_runner().invoke(args=["backup", str(tmp_path / "kb.backup")])
    assert made.exit_code == 0, made.output

    target = new_instance()
    start(target, samples=False)  # set up empty: only its admin account
    runner = target.test_cli_runner()
    refused = runner.invoke(args=["restore", str(tmp_path / "kb.backup")])
    assert refused.exit_code == 1 and "--force" in refused.output and "not empty" in refused.output
    with target.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 0
        db.session.remove()

    forced = runner.invoke(args=["restore", "--force", str(tmp_path / "kb.backup")])
    assert forced.exit_code == 0, forced.output
    assert target.test_client().get(f"/en/articles/{BURST_ARTICLE}").status_code == 200


@sqlite_only
def test_restore_takes_only_a_sound_kb_database(new_instance, tmp_path):
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("just some text, long enough to be mistaken for something else\n" * 10)
    other_sqlite = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other_sqlite)) as connection:
        connection.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
        connection.commit()
    newer = tmp_path / "newer.backup"
    made_by_newer_kb = new_instance()
    start(made_by_newer_kb, samples=False)
    assert made_by_newer_kb.test_cli_runner().invoke(args=["backup", str(newer)]).exit_code == 0
    with closing(sqlite3.connect(newer)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
        connection.commit()
    runner = new_instance().test_cli_runner()
    cases = {
        str(not_sqlite): "not a SQLite database",
        str(other_sqlite): "not one of kb's",
        str(tmp_path / "missing.backup"): "no backup file",
        str(newer): "made by a newer kb",
    }
    for path, message in cases.items():
        result = runner.invoke(args=["restore", path])
        assert result.exit_code == 1 and message in result.output, (path, result.output)


def test_on_postgresql_backup_and_restore_point_to_pg_dump(tmp_path):
    # The real test database when there is one; else a URL nothing listens on (the commands
    # must decide from the URL alone, before connecting).
    url = TEST_DATABASE_URL if on_postgres() else "postgresql+psycopg://kb@127.0.0.1:9/nowhere"
    app = create_app({"TESTING": True, "INSTANCE": str(tmp_path / "instance"),
                      "DATABASE_URL": url, "SQLALCHEMY_DATABASE_URI": url})
    runner = app.test_cli_runner()
    for args in (["backup", str(tmp_path / "kb.backup")], ["restore", str(tmp_path / "kb.backup")]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and "pg_dump" in result.output, result.output
    assert not (tmp_path / "kb.backup").exists()


@sqlite_only
@pytest.mark.slow
def test_backup_and_restore_while_kb_serve_runs(tmp_path):
    source_env, target_env = kb_env(tmp_path / "source"), kb_env(tmp_path / "target")
    backup = tmp_path / "kb.backup"
    with serving(source_env, tmp_path):
        made = run_kb(["backup", str(backup)], source_env, tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    with serving(target_env, tmp_path, extra_args=("--no-samples",)) as site:
        assert get(f"{site.url}/articles/{BURST_ARTICLE}")[0] == 404
        refused = run_kb(["restore", str(backup)], target_env, tmp_path)
        assert refused.returncode == 1 and "--force" in refused.stderr
        restored = run_kb(["restore", "--force", str(backup)], target_env, tmp_path)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        status, page = get(f"{site.url}/articles/{BURST_ARTICLE}")
        assert status == 200 and "Changing your email address" in page
        # The server's own index follows the restored database within its refresh interval.
        assert _eventually(lambda: BURST_ARTICLE in _found(site.url, "changing email address"))


def _found(url: str, query: str) -> list[str]:
    status, body = get(f"{url}/api/v1/search?q={query.replace(' ', '+')}")
    assert status == 200
    return [hit["slug"] for hit in json.loads(body)["results"]]


def _eventually(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True
