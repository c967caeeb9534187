"""``kb backup`` and ``kb restore``: a SQLite instance's database, copied while it serves.

Copying the database file with ``cp`` while the site writes can catch a half-written
transaction, and misses whatever still sits in the ``-wal`` file. SQLite's online backup API
copies a consistent snapshot instead (in WAL mode it reads without blocking the writers), and
restoring through the same API writes into the live database under its own write lock, so
the server's processes see the old database or the new one, never a mix. PostgreSQL has its
own tools (``pg_dump``/``pg_restore``), and these commands point to them.

The search index is not part of a backup: it is rebuilt from the restored database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from flask import current_app
from sqlalchemy.engine import make_url

from kb.errors import ConflictError, KbError, NotFoundError, ValidationError

#: Tables every kb database has; a file without them is not a kb database.
KB_TABLES = {"alembic_version", "documents", "revisions", "users", "settings"}
SQLITE_HEADER = b"SQLite format 3\x00"
#: Seconds to wait for another process's write lock.
LOCK_TIMEOUT = 30.0


class BackupFailedError(KbError):
    """SQLite could not read or write a file (locked past the timeout, disk full, …)."""

    code = "backup_failed"


class BackupUnsupportedError(KbError):
    """The instance's database is not a SQLite file (PostgreSQL has its own tools)."""

    code = "backup_unsupported"


@dataclass
class BackupReport:
    path: Path
    documents: int
    bytes: int


@dataclass
class RestoreReport:
    documents: int
    indexed: int


def database_file() -> Path:
    """The SQLite file of this instance, found from its URL without connecting.

    :raises BackupUnsupportedError: for any other database.
    """
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    backend = url.get_backend_name()
    if backend != "sqlite":
        raise BackupUnsupportedError(
            f"this instance's database is {backend}, not a SQLite file: "
            "back it up with pg_dump (e.g. `pg_dump -Fc -f kb.dump DBNAME`) and "
            "put it back with pg_restore (`pg_restore --clean -d DBNAME kb.dump`)"
            if backend == "postgresql" else
            f"this instance's database is {backend}, not a SQLite file: use that database's own "
            "backup tools")
    if not url.database or url.database == ":memory:":
        raise BackupUnsupportedError("this instance's database lives in memory; "
                                     "there is no file to copy")
    return Path(url.database).resolve()


def backup(destination: str | os.PathLike) -> BackupReport:
    """Write a consistent copy of the database to ``destination`` (mode 0600), while it serves.

    The copy is written beside the destination, checked, and then renamed into place, so
    ``destination`` never holds half a backup.
    """
    source = database_file()
    if not source.is_file():
        raise NotFoundError(f"there is no database at {source} to back up")
    target = Path(destination).resolve()
    if target == source:
        raise ValidationError("the backup cannot be the database itself", field="file")
    if target.is_dir():
        raise ValidationError(f"{target} is a folder; name the backup file", field="file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = _private_file(target.with_name(f".{target.name}.{os.getpid()}.partial"))
    try:
        with _sqlite_errors_said("the backup failed"), \
                closing(sqlite3.connect(source, timeout=LOCK_TIMEOUT)) as live, \
                closing(sqlite3.connect(partial)) as copy:
            live.backup(copy)  # one step: one read transaction, one snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            documents = _check_kb_database(copy, partial)
        os.replace(partial, target)
    finally:
        _remove(partial)
    return BackupReport(path=target, documents=documents, bytes=target.stat().st_size)


def restore(source: str | os.PathLike, force: bool = False) -> RestoreReport:
    """Put a backup back as this instance's database, then rebuild this node's index.

    Refuses, unless ``force``, when the instance already holds a document or an account. A
    backup made by an older kb is upgraded by the migrations afterwards.
    """
    from kb import instance
    from kb.database import exclusive_setup
    from kb.extensions import db
    from kb.search import indexer

    target = database_file()
    given = Path(source).resolve()
    if not given.is_file():
        raise NotFoundError(f"no backup file at {given}")
    if given == target:
        raise ValidationError("the backup is the instance's own database", field="file")
    target.parent.mkdir(parents=True, exist_ok=True)
    candidate = _private_file(target.with_name(f".{target.name}.{os.getpid()}.restoring"))
    try:
        shutil.copyfile(given, candidate)  # checked as a copy: the user's file stays as it was
        with _sqlite_errors_said(f"{given} cannot be read"), \
                closing(sqlite3.connect(candidate)) as backup_db:
            _check_kb_database(backup_db, given)
            _check_known_revision(backup_db)
        with exclusive_setup(), _sqlite_errors_said("the restore failed"):
            if not force:
                _refuse_unless_empty(target, instance)
            db.session.remove()
            db.engine.dispose()  # no pooled connection of ours holds the old file open
            _copy_into(candidate, target)
            db.engine.dispose()
            instance.upgrade_schema()
        indexed = indexer.rebuild()
        return RestoreReport(documents=instance.document_count(), indexed=indexed)
    finally:
        _remove(candidate)


def _refuse_unless_empty(target: Path, instance) -> None:
    if not target.is_file() or not instance.schema_exists():
        return
    documents, people = instance.document_count(), instance.people_count()
    if documents or people:
        raise ConflictError(
            f"this instance is not empty ({documents} documents, {people} accounts); restoring "
            "would replace them all. Run again with --force to do it anyway.")


def _copy_into(candidate: Path, target: Path) -> None:
    """Write the backup into the live database through the backup API (its write lock)."""
    with closing(sqlite3.connect(target, timeout=LOCK_TIMEOUT)) as live:
        live_page_size = live.execute("PRAGMA page_size").fetchone()[0]
        live_is_wal = live.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        with closing(sqlite3.connect(candidate)) as backup_db:
            page_size = backup_db.execute("PRAGMA page_size").fetchone()[0]
            if live_is_wal and page_size != live_page_size:
                # A WAL database takes a backup only with its own page size.
                backup_db.execute("PRAGMA journal_mode=DELETE")
                backup_db.execute(f"PRAGMA page_size={int(live_page_size)}")
                backup_db.execute("VACUUM")
            backup_db.backup(live)


def _check_kb_database(connection: sqlite3.Connection, shown_as: Path) -> int:
    """Check ``connection``'s file is a sound kb database; returns its number of documents."""
    with open(connection.execute("PRAGMA database_list").fetchone()[2], "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise ValidationError(f"{shown_as} is not a SQLite database", field="file")
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        tables = {row[0] for row in
                  connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise ValidationError(f"{shown_as} is not a readable SQLite database: {exc}",
                              field="file") from None
    if problems != ["ok"]:
        raise ValidationError(f"{shown_as} failed SQLite's integrity check: "
                              f"{'; '.join(problems[:5])}", field="file")
    missing = KB_TABLES - tables
    if missing:
        raise ValidationError(f"{shown_as} is a SQLite database but not one of kb's "
                              f"(no {', '.join(sorted(missing))} table)", field="file")
    return connection.execute("SELECT count(*) FROM documents").fetchone()[0]


def _check_known_revision(connection: sqlite3.Connection) -> None:
    """A backup from a newer kb has tables this code does not know; refuse it."""
    from alembic.script import ScriptDirectory

    known = {script.revision for script in
             ScriptDirectory(current_app.extensions["migrate"].directory).walk_revisions()}
    found = {row[0] for row in connection.execute("SELECT version_num FROM alembic_version")}
    unknown = found - known
    if unknown:
        raise ValidationError(f"the backup's schema ({', '.join(sorted(unknown))}) was made by a "
                              "newer kb than this one; upgrade kb first", field="file")


@contextmanager
def _sqlite_errors_said(what: str) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise BackupFailedError(f"{what}: {exc}") from exc


def _private_file(path: Path) -> Path:
    """Create ``path`` empty and readable by its owner alone: a backup holds password hashes."""
    _remove(path)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def _remove(path: Path) -> None:
    for leftover in (path, *(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
