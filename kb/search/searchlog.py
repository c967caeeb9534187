"""The search log: each search a person made, written in batches off the request's thread."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import OrderedDict

from flask import Flask, current_app
from sqlalchemy.dialects import postgresql, sqlite

from kb.errors import ValidationError
from kb.extensions import db
from kb.models import SearchLog
from kb.models.types import utcnow

#: A burst id as the pages make it: letters, digits, ``-`` and ``_``.
_BURST = re.compile(r"^[A-Za-z0-9_-]{8,40}$")


def burst_key(burst: str | None, surface: str) -> str:
    """The search log key: the page's burst id (per surface, so two pages cannot overwrite
    each other's rows), or a fresh random one for a search on its own.

    :raises ValidationError: the burst id is not 8 to 40 letters, digits, ``-`` or ``_``.
    """
    if burst is None or burst == "":
        return "s-" + uuid.uuid4().hex
    if not isinstance(burst, str) or not _BURST.match(burst):
        raise ValidationError(
            "burst must be 8 to 40 letters, digits, '-' or '_'", field="burst")
    return f"{surface[:12]}:{burst}"


class SearchLogBuffer:
    """Collects searches in memory and writes them in batches, off the request's thread.

    One insert per search would put a database write on every keystroke of search-as-you-type;
    batching keeps the write rate flat. The batch is written by a short-lived thread, so no
    search waits for it (on SQLite, a write can wait seconds for an editor's transaction to
    let go of the database). A crash loses at most the last few seconds of log.

    Searches are keyed by their burst: a keystroke replaces its burst's pending row, and the
    write updates the burst's row in the database (when an earlier batch wrote it) to the
    latest query, never back to an older one, so a burst is one search wherever its
    keystrokes were answered.
    """

    def __init__(self, app: Flask, flush_every: float = 2.0, max_pending: int = 500) -> None:
        self.app = app
        self.pending: OrderedDict[str, dict] = OrderedDict()
        self.flush_every = flush_every
        self.max_pending = max_pending
        self.last_flush = time.monotonic()
        self.lock = threading.Lock()
        self.writer: threading.Thread | None = None

    def record(self, query: str, scope: str, surface: str, count: int, took_ms: float, *,
               burst: str | None = None, role: str | None = None,
               shown: list[int] | None = None) -> None:
        text = " ".join((query or "").split())[:256]
        if not text:
            return
        key = burst or "s-" + uuid.uuid4().hex
        row = {"query": text, "scope": scope, "surface": surface, "result_count": count,
               "took_ms": round(took_ms, 3), "burst": key, "role": role,
               "shown": list(shown or [])[:50], "created_at": utcnow()}
        with self.lock:
            self.pending.pop(key, None)
            self.pending[key] = row
            while len(self.pending) > 10_000:
                self.pending.popitem(last=False)
            size = len(self.pending)
        due = time.monotonic() - self.last_flush > self.flush_every
        if size >= self.max_pending or due:
            self.flush_soon()

    def flush_soon(self) -> None:
        """Write what is pending from a thread of its own, unless one is writing already."""
        with self.lock:
            if self.writer is not None and self.writer.is_alive():
                return
            self.writer = threading.Thread(target=self._flush_in_app, name="kb-search-log",
                                           daemon=True)
            self.writer.start()

    def _flush_in_app(self) -> None:
        with self.app.app_context():
            self.flush()

    def flush(self) -> None:
        """Write what is pending now (needs an app context)."""
        with self.lock:
            rows = list(self.pending.values())
            self.pending.clear()
            self.last_flush = time.monotonic()
        if not rows:
            return
        try:
            with db.engine.begin() as connection:
                connection.execute(_upsert(connection.dialect.name), rows)
        except Exception:
            current_app.logger.warning("could not write %d search log rows", len(rows),
                                       exc_info=True)


def _upsert(dialect: str):
    """Insert a search, or bring its burst's row up to this later keystroke."""
    table = SearchLog.__table__
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    latest = ("query", "result_count", "took_ms", "shown", "created_at")
    return insert.on_conflict_do_update(
        index_elements=[table.c.burst],
        set_={name: insert.excluded[name] for name in latest},
        where=insert.excluded.created_at >= table.c.created_at,
    )


def search_log() -> SearchLogBuffer:
    """This app's buffer (one per app, so tests never mix logs between databases)."""
    app = current_app._get_current_object()
    buffer = app.extensions.get("kb.search_log")
    if buffer is None:
        buffer = app.extensions.setdefault("kb.search_log", SearchLogBuffer(app))
    return buffer


