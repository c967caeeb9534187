"""Defaults a deployment can rely on: private staff pages, canonical links, private files."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support import REPO, another_app, make_app, on_postgres


def test_staff_pages_are_never_cached(client, make_user, login, make_document):
    document = make_document("article", state="draft")
    login(make_user("editor"))
    for path in ("/editor/", f"/editor/articles/{document.id}", "/macros"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "private, no-store", path


def test_public_pages_keep_their_own_caching(client):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_absolute_links_use_the_configured_base_url_not_the_host_header(tmp_path):
    with another_app(tmp_path, BASE_URL="https://help.example.com", SERVER_NAME=None) as app:
        with app.app_context():
            make_document_in(app)
            sitemap = app.test_client().get("/sitemap.xml", headers={"Host": "evil.example"})
    text = sitemap.get_data(as_text=True)
    assert "https://help.example.com/en/articles/" in text
    assert "evil.example" not in text


def make_document_in(app):
    from kb.auth import services as auth_services
    from kb.content import services as content_services
    from kb.content.services import DocumentInput
    from kb.review import services as review_services

    editor = auth_services.create_user("e@example.com", "editor", "password123")
    reviewer = auth_services.create_user("r@example.com", "reviewer", "password123")
    document = content_services.create_document(
        "article", DocumentInput(title="Payout dates", body="When payouts arrive.",
                                 section="payouts/schedule"), editor, create_sections=True)
    review_services.submit("article", document.id, editor)
    review_services.approve("article", document.id, reviewer)
    review_services.publish("article", document.id, reviewer)


def test_without_a_base_url_links_follow_the_request(client, make_document):
    make_document("article", state="published")
    assert "http://kb.test/en/articles/" in client.get("/sitemap.xml").get_data(as_text=True)


def test_a_malformed_base_url_is_refused_at_start(tmp_path):
    with pytest.raises(RuntimeError, match="KB_BASE_URL"):
        make_app(tmp_path, BASE_URL="help.example.com")


@pytest.mark.skipif(on_postgres(), reason="the database file exists on SQLite only")
def test_a_new_sqlite_database_and_index_are_private_to_their_owner(tmp_path):
    with another_app(tmp_path, fresh_database=True) as app:  # kb creates the file, not a copy
        app.test_client().get("/search?q=payouts")  # opens the index
        instance = Path(app.config["INSTANCE"])
        assert stat.S_IMODE((instance / "kb.sqlite3").stat().st_mode) == 0o600
        assert stat.S_IMODE(Path(app.config["INDEX_DIR"]).stat().st_mode) == 0o700
        assert stat.S_IMODE(instance.stat().st_mode) == 0o700


def test_an_api_tokens_last_use_is_recorded(app, api_as):
    from kb.extensions import db
    from kb.models import ApiToken

    api, user = api_as("agent")
    assert api.get("/articles").status_code == 200
    db.session.rollback()
    [token] = db.session.execute(db.select(ApiToken).where(ApiToken.user_id == user.id)).scalars()
    first = token.last_used_at
    assert first is not None
    assert api.get("/articles").status_code == 200
    db.session.rollback()
    assert db.session.get(ApiToken, token.id).last_used_at == first  # at most once a minute


def _wait_for(condition, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
        return True
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(on_postgres(), reason="starts an instance of its own on SQLite")
def test_each_served_instance_has_its_own_gunicorn_control_socket(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    instance = tmp_path / "instance"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update({"KB_INSTANCE": str(instance), "PYTHONPATH": str(REPO), "HOME": str(tmp_path)})
    server = subprocess.Popen([sys.executable, "-c", "from kb.cli import main; main()", "serve",
                               "--port", str(port), "--workers", "1"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        assert _wait_for(lambda: _answers(f"http://127.0.0.1:{port}/healthz"))
        assert _wait_for(lambda: (instance / "gunicorn.ctl").exists())
        assert (instance / "gunicorn.ctl").is_socket()
        assert not (tmp_path / ".gunicorn").exists()  # not the per-user default
    finally:
        server.terminate()
        server.wait(30)
