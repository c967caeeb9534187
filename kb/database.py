"""Engine set-up and the one place transactions are opened and committed.

SQLite is set up for several processes at once: WAL (readers never block the writer), a busy
timeout, foreign keys, and write transactions that start with ``BEGIN IMMEDIATE`` so that two
writers queue on the lock instead of failing when one upgrades a read transaction.
PostgreSQL needs none of that; services lock the rows they change instead.
"""

from __future__ import annotations

import contextvars
import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from flask import Flask, current_app
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from kb.extensions import db

_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("kb_write_intent", default=False)
_hooks_deferred: contextvars.ContextVar[bool] = contextvars.ContextVar("kb_hooks_deferred", default=False)

#: Seconds a SQLite writer waits for the lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def engine_options(url: str) -> dict:
    """SQLAlchemy engine options for the configured database."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}}
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10}


def init_app(app: Flask) -> None:
    """Bind the database and install the SQLite connection hooks."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = engine_options(url)
    options.update(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    app.extensions.setdefault("kb.after_commit", [])
    if url.startswith("sqlite"):
        _create_private_file(url)
        with app.app_context():
            _install_sqlite_hooks(db.engine)


def _create_private_file(url: str) -> None:
    """Create a new SQLite file readable by its owner only (SQLite gives its WAL and shared
    memory files the same mode); an existing file keeps the mode its operator chose."""
    from sqlalchemy import make_url

    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # another process created it first


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Take transaction control away from the sqlite3 module so we can say BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def on_commit(app: Flask, callback: Callable[[], None]) -> None:
    """Run ``callback`` after every successful write transaction (the in-process indexer)."""
    app.extensions.setdefault("kb.after_commit", []).append(callback)


@contextmanager
def transaction() -> Iterator[None]:
    """A write transaction owned by one service call.

    Commits when the block ends, rolls back on any exception, then runs the after-commit
    callbacks. Nested use joins the outer transaction.
    """
    if _write_intent.get():
        yield
        return
    # A read transaction may already be open (loading the current user, say); end it so the
    # write one starts fresh and, on SQLite, takes the write lock up front.
    db.session.rollback()
    token = _write_intent.set(True)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _write_intent.reset(token)
    _after_commit()


@contextmanager
def after_commit_deferred() -> Iterator[None]:
    """Run the after-commit callbacks once at the end instead of after every transaction.

    A bulk import commits once per file; indexing once per file would cost a search-index
    commit each time.
    """
    token = _hooks_deferred.set(True)
    try:
        yield
    finally:
        _hooks_deferred.reset(token)
        _after_commit()


def _after_commit() -> None:
    if _hooks_deferred.get():
        return
    for callback in current_app.extensions.get("kb.after_commit", []):
        try:
            callback()
        except Exception:  # the change is committed; a follower will catch up
            current_app.logger.exception("after-commit hook failed")


def is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and "locked" in str(exc).lower()


#: The PostgreSQL advisory lock that set-up holds (any constant; "kb" + "setup" in ASCII).
SETUP_LOCK_KEY = 0x6B62_7365_7475_70


@contextmanager
def exclusive_setup() -> Iterator[None]:
    """Let one process at a time create the schema and seed an empty instance.

    Two servers started at once on an empty database would otherwise both run the migrations
    (the slower one failing on tables that now exist) and both seed the sample content and an
    admin. The second one waits here, then finds the work done. PostgreSQL holds a
    session-level advisory lock; SQLite, whose users share one machine, a lock file beside
    the database.
    """
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SETUP_LOCK_KEY})
            connection.commit()  # the lock outlives the transaction; no transaction stays open
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SETUP_LOCK_KEY})
                connection.commit()
        return
    with open(_setup_lock_path(), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _setup_lock_path() -> Path:
    database = db.engine.url.database
    if database and database != ":memory:":
        path = Path(database)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.with_name(path.name + ".setup-lock")
    instance = Path(current_app.config["INSTANCE"])
    instance.mkdir(parents=True, exist_ok=True)
    return instance / "setup.lock"
