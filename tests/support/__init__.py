"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import atexit
import contextvars
import itertools
import os
import random
import re
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from flask import current_app, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

#: Read before anything else, then every KB_* variable is cleared so a developer's own
#: settings cannot leak into the tests.
TEST_DATABASE_URL = os.environ.get("KB_TEST_DATABASE_URL", "").strip()
#: The workplace's shared/ folder (the XSS corpus): KB_SHARED_DIR, else beside the clone.
_SHARED_DIR = os.environ.get("KB_SHARED_DIR", "").strip()
#: CI sets these: a browser or Redis that cannot be had then fails the tests needing it, where a
#: developer's run skips them and says why.
REQUIRE_BROWSER = os.environ.get("KB_REQUIRE_BROWSER") == "1"
REQUIRE_REDIS = os.environ.get("KB_REQUIRE_REDIS") == "1"
for _key in [k for k in os.environ if k.startswith("KB_")]:
    del os.environ[_key]

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(_SHARED_DIR) if _SHARED_DIR else REPO.parent / "shared"

from kb import create_app  # noqa: E402
from kb.extensions import db  # noqa: E402
from kb.search import IndexDoc  # noqa: E402

counter = itertools.count(1)
_pg_schema_ready = False
_sqlite_template: Path | None = None


def on_postgres() -> bool:
    return TEST_DATABASE_URL.startswith("postgresql")


def make_app(tmp_path: Path, *, fresh_database: bool = False, **overrides):
    """A fresh app with its own instance folder and an empty database.

    The schema is built once per session: on SQLite into a template file that each app gets a
    copy of, on PostgreSQL once in the test database, whose tables are emptied per app.
    ``fresh_database=True`` lets kb create the SQLite file itself, as on a new install.
    """
    global _pg_schema_ready
    instance = tmp_path / f"instance-{next(counter)}"
    url = TEST_DATABASE_URL or f"sqlite:///{instance / 'kb.sqlite3'}"
    config = {
        "TESTING": True,
        "INSTANCE": str(instance),
        "DATABASE_URL": url,
        "SQLALCHEMY_DATABASE_URI": url,
        "INDEX_DIR": str(instance / "index"),
        "SERVER_NAME": "kb.test",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # scrypt costs ~80 ms a user
        # Render processes run at a low priority: on a busy machine an ordinary body can wait
        # past the production budget. Tests of the budget set their own.
        "RENDER_TIMEOUT": 60,
        **overrides,
    }
    if on_postgres() and has_app_context():
        db.session.rollback()  # the test's own app shares the database: let go of its locks
    copied = config["SQLALCHEMY_DATABASE_URI"] == url and not on_postgres() and not fresh_database
    if copied:
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)  # as kb makes it
        shutil.copy(sqlite_template(), instance / "kb.sqlite3")  # its mode too: kb makes it private
    app = create_app(config)
    if not copied:
        with app.app_context():
            if not on_postgres():
                db.create_all()
            elif not _pg_schema_ready:
                db.drop_all()
                db.create_all()
                _pg_schema_ready = True
            else:
                truncate_all()
    return app


def sqlite_template() -> Path:
    """A SQLite database file holding the empty schema, built on first use in this session."""
    global _sqlite_template
    if _sqlite_template is None:
        folder = Path(tempfile.mkdtemp(prefix="kb-schema-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "kb.sqlite3"
        app = create_app({"TESTING": True, "INSTANCE": str(folder / "instance"),
                          "DATABASE_URL": f"sqlite:///{path}", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                          "INDEX_DIR": str(folder / "index")})
        with app.app_context():
            db.create_all()
            db.session.remove()
            db.engine.dispose()  # closing the last connection folds any write-ahead log back in
        _sqlite_template = path
    return _sqlite_template


class RequestPerContextClient(FlaskClient):
    """The test client, with every request in a context of its own as in production.

    A test keeps its own app context for calling services and reading the database directly.
    A request made from there would otherwise share that context: its ``g`` (Flask-Login's
    user, Flask-WTF's token) and its database session. Here each request starts from an empty
    ``contextvars`` context, so it pushes its own app context, with its own ``g`` and session.
    Before it, the test's session commits what the test has pending (the request sees it, as
    a request after a service call does) and so lets go of its transaction; its objects are
    expired by that, so what the test reads afterwards comes fresh from the database.
    """

    def open(self, *args, **kwargs):
        if self.preserve_context:  # ``with client:`` keeps the request's context: share it
            return super().open(*args, **kwargs)
        if has_app_context() and current_app._get_current_object() is self.application:
            try:
                db.session.commit()
            except SQLAlchemyError:
                db.session.rollback()
        return contextvars.Context().run(super().open, *args, **kwargs)


@contextmanager
def another_app(tmp_path: Path, **overrides):
    """A second app beside the test's own (another worker, another configuration), whose
    connections are closed when the block ends (an unclosed one warns, and warnings fail)."""
    app = make_app(tmp_path, **overrides)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@contextmanager
def empty_database(tmp_path: Path) -> Iterator[str]:
    """The URL of a database with no schema at all, dropped afterwards.

    On PostgreSQL it is a database of its own beside the test database, so that what
    ``kb init`` builds there is checked on the real server.
    """
    if not on_postgres():
        yield f"sqlite:///{tmp_path / f'empty-{next(counter)}.sqlite3'}"
        return
    url = make_url(TEST_DATABASE_URL)
    name = f"{url.database}_empty"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def truncate_all() -> None:
    """Empty every table between tests (PostgreSQL).

    Connections left behind by an earlier test's threads (a live server's request thread, a
    follower) may still hold locks in an open transaction. Their apps are gone, so when the
    TRUNCATE cannot get its lock quickly, the connections idling in a transaction are ended
    and it tries again. Idle pooled connections are left alone: they hold no locks, and
    ending them would break the apps that still own them.
    """
    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    for attempt in range(5):
        try:
            with db.engine.begin() as connection:
                connection.execute(text("SET LOCAL lock_timeout = '3s'"))
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        except OperationalError as error:
            if "lock timeout" not in str(error) or attempt == 4:
                raise
            _end_connections_idle_in_a_transaction()


def _end_connections_idle_in_a_transaction() -> None:
    with db.engine.begin() as connection:
        connection.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND state LIKE 'idle in transaction%'"))


class Api:
    """The test client with a bearer token and the API prefix."""

    def __init__(self, client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def __getattr__(self, method):
        if method not in {"get", "post", "put", "delete", "patch"}:
            raise AttributeError(method)

        def call(path: str, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return getattr(self.client, method)(f"/api/v1{path}", headers=headers, **kwargs)

        return call


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


# -- search index documents -------------------------------------------------------------------

def make_doc(id: int, title: str, text: str = "", *, kind: str = "article",
             tags: tuple[str, ...] = (), category: str | None = "account",
             section: str | None = "account/security", visibility: str = "public",
             owner_id: int | None = None, revision_id: int = 1,
             locale: str | None = None) -> IndexDoc:
    if kind == "macro":
        section, visibility = None, "internal"
    return IndexDoc(
        id=id, kind=kind, revision_id=revision_id, slug=f"doc-{id}", title=title, text=text,
        tags=tags, category=category, section=section, visibility=visibility,
        owner_id=owner_id, updated_at=datetime(2024, 1, 1, tzinfo=timezone.utc), locale=locale,
    )


def index_docs(count: int) -> list:
    """``count`` random documents over a small vocabulary (a quarter of them macros)."""
    rng = random.Random(5)
    words = [f"w{i}x" for i in range(400)] + ["refund", "payout", "creator"]
    return [make_doc(i, title=" ".join(rng.choices(words, k=4)),
                     text=" ".join(rng.choices(words, k=rng.randint(20, 120))),
                     kind="macro" if i % 4 == 0 else "article", tags=(rng.choice(words),))
            for i in range(1, count + 1)]
