"""Crashes and many processes: the index converges on the database whatever happens.

These run real ``kb`` processes (and kill them with SIGKILL), so they take a few seconds each.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kb.content.services import DocumentInput, create_document
from kb.database import after_commit_deferred, transaction
from kb.extensions import db
from kb.models import Document
from kb.review.services import publish_now
from tests.support import REPO
from tests.support.running import free_port

pytestmark = pytest.mark.slow

KB = [sys.executable, "-c", "from kb.cli import main; main()"]


def env_for(app, index_dir: Path | None = None, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update({
        "KB_INSTANCE": app.config["INSTANCE"],
        "KB_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "KB_INDEX_DIR": str(index_dir or app.config["INDEX_DIR"]),
        "PYTHONPATH": str(REPO),
        **extra,
    })
    return env


def publish_many(app, admin, count: int) -> None:
    """Publish ``count`` articles with indexing held back, so the outbox has work pending."""
    # From here on this app does not index in-process, like a deployment whose indexing
    # runs only in ``kb index --follow``: the events wait in the outbox.
    app.extensions["kb.after_commit"].clear()
    with after_commit_deferred():
        with transaction():
            for n in range(count):
                document = create_document("article", DocumentInput(
                    title=f"Kaleidoscope article {n}", body=f"kaleidoscope body {n} " + "lorem words " * 40,
                    section="general/basics"), admin, create_sections=True)
                publish_now(document, admin, "test")


def published_ids() -> set[int]:
    db.session.rollback()
    return set(db.session.execute(
        db.select(Document.id).where(Document.published_revision_id.is_not(None))).scalars())


def indexed_ids(app) -> set[int]:
    from kb.search.index import SearchIndex

    index = SearchIndex.open(app.config["INDEX_DIR"])
    try:
        return set(index.indexed_revisions())
    finally:
        index.close()


def generations(app) -> list[Path]:
    root = Path(app.config["INDEX_DIR"])
    return sorted(p for p in root.glob("gen-*") if p.is_dir()) if root.exists() else []


def kill_when(command: list[str], env: dict, reached, moment: str) -> None:
    """Run ``command`` and SIGKILL it as soon as ``reached()`` sees the moment on disk."""
    assert not reached(), f"{moment} before {command[-1]} started"
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not reached():
            assert process.poll() is None, f"{command[-1]} finished before {moment}"
            assert time.monotonic() < deadline, f"{command[-1]} never reached {moment}"
            time.sleep(0.002)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)


def live_files(app) -> set[str]:
    """The files of the live generation (the app made the index when it started)."""
    root = Path(app.config["INDEX_DIR"])
    return {p.name for p in (root / (root / "CURRENT").read_text().strip()).iterdir()}


#: Moments in ``kb index`` (applying the pending events to the live generation) at which it is
#: killed, judged from the files it has added.
INDEXING = {
    "its segment is being written": lambda added: any(not n.endswith(".toc") for n in added),
    "its commit is written": lambda added: any(n.endswith(".toc") for n in added),
}
#: Moments in a ``kb reindex`` (beside the live generation) at which it is killed.
REINDEXING = {
    "the new generation's folder is made": lambda app: len(generations(app)) > 1,
    "the new generation has a file": lambda app: len(generations(app)) > 1
                                                  and any(generations(app)[-1].iterdir()),
}


@pytest.mark.parametrize("moment", list(INDEXING))
def test_kill_9_while_indexing_then_restart_converges(app, make_user, moment):
    admin = make_user("admin")
    publish_many(app, admin, 400)
    before = live_files(app)
    kill_when(KB + ["index"], env_for(app), lambda: INDEXING[moment](live_files(app) - before), moment)
    run = subprocess.run(KB + ["index"], env=env_for(app), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert indexed_ids(app) == published_ids()


@pytest.mark.parametrize("moment", list(REINDEXING))
def test_kill_9_during_reindex_then_restart_converges(app, make_user, moment):
    admin = make_user("admin")
    publish_many(app, admin, 400)
    subprocess.run(KB + ["index"], env=env_for(app), check=True, capture_output=True, timeout=300)
    kill_when(KB + ["reindex"], env_for(app), lambda: REINDEXING[moment](app), moment)
    # A restart must open the index the crash left behind and bring it up to date.
    run = subprocess.run(KB + ["index"], env=env_for(app), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert indexed_ids(app) == published_ids()
    leftovers = [p.name for p in Path(app.config["INDEX_DIR"]).iterdir() if p.name.startswith("gen-")]
    assert len(leftovers) == 1


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except Exception:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


def search_ids(url: str, q: str) -> list[int]:
    with urllib.request.urlopen(f"{url}/api/v1/search?q={q}", timeout=5) as response:
        return [r["id"] for r in json.load(response)["results"]]


def test_two_app_processes_with_separate_indexes_converge_within_two_seconds(app, tmp_path, make_user):
    from flask_migrate import stamp

    stamp(directory=app.extensions["migrate"].directory)  # the test schema came from create_all
    editor, reviewer = make_user("editor"), make_user("reviewer")  # not an empty instance: no seeding
    ports = [free_port(), free_port()]
    servers = []
    for n, port in enumerate(ports):
        env = env_for(app, index_dir=tmp_path / f"node-{n}-index")
        log = open(tmp_path / f"node-{n}.log", "w")
        servers.append(subprocess.Popen(KB + ["serve", "--port", str(port), "--workers", "1"], env=env,
                                        stdout=log, stderr=subprocess.STDOUT))
        log.close()
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url in urls:
            wait_until_up(url)
        word = f"zeppelin{random.randint(1000, 9999)}"
        document = create_document("article", DocumentInput(title="Airships", body=f"All about {word}.",
                                                            section="general/basics"), editor, create_sections=True)
        from kb.review import services as review

        review.submit("article", document.id, editor)
        review.approve("article", document.id, reviewer)
        published_at = time.monotonic()
        review.publish("article", document.id, reviewer)
        seen = {}
        while len(seen) < 2 and time.monotonic() - published_at < 10:
            for url in urls:
                if url not in seen and search_ids(url, word) == [document.id]:
                    seen[url] = time.monotonic() - published_at
            time.sleep(0.05)
        health = [urllib.request.urlopen(f"{url}/healthz", timeout=5).read().decode() for url in urls]
        logs = "\n".join(health + [(tmp_path / f"node-{n}.log").read_text()[-3000:] for n in range(2)])
        assert len(seen) == 2, f"only {list(seen)} saw the publish; server logs:\n{logs}"
        assert max(seen.values()) < 2.0, seen
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
