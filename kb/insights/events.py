"""Raw events the reports are built from: article views and clicks on search results.

Views are counted per article per day and nothing else (no reader, no address). They are
buffered in memory and added to the day's counter in batches, like the search log, so reading
an article never waits on a database write.

A click goes through ``/search/click/<token>``: the token is signed, and names the search (its
burst key), the document and its rank. The redirect goes to the document's own page, worked out
from the id, so the URL can never send anyone elsewhere (no open redirect).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask import Flask, current_app
from itsdangerous import BadSignature, URLSafeSerializer

from kb import tallies
from kb.database import transaction
from kb.errors import NotFoundError
from kb.extensions import db
from kb.models import ArticleViewDaily, ArticleViewMonthly, SearchClick
from kb.models.types import utcnow
from kb.search.searchlog import search_log

#: The highest rank a click may claim (ten pages of ten).
MAX_RANK = 10_000


class ViewCounter:
    """Article views per (day, document), added to the daily counters in batches."""

    def __init__(self, app: Flask, flush_every: float = 5.0, max_pending: int = 200) -> None:
        self.app = app
        self.pending: Counter[tuple[date, int]] = Counter()
        self.flush_every = flush_every
        self.max_pending = max_pending
        self.lock = threading.Lock()
        self.last_flush = utcnow()
        self.writer: threading.Thread | None = None

    def count(self, document_id: int) -> None:
        now = utcnow()
        with self.lock:
            self.pending[(now.date(), document_id)] += 1
            due = (sum(self.pending.values()) >= self.max_pending
                   or (now - self.last_flush).total_seconds() > self.flush_every)
            if due and (self.writer is None or not self.writer.is_alive()):
                self.writer = threading.Thread(target=self._flush_in_app, daemon=True,
                                               name="kb-view-counter")
                self.writer.start()

    def _flush_in_app(self) -> None:
        with self.app.app_context():
            self.flush()

    def flush(self) -> None:
        with self.lock:
            counts, self.pending = self.pending, Counter()
            self.last_flush = utcnow()
        if not counts:
            return
        rows = [{"day": day, "document_id": document_id, "views": n}
                for (day, document_id), n in counts.items()]
        try:
            with db.engine.begin() as connection:
                tallies.add(connection, ArticleViewDaily.__table__, ArticleViewMonthly.__table__,
                            rows)
        except Exception:
            current_app.logger.warning("could not count %d article views", len(rows), exc_info=True)


def views() -> ViewCounter:
    app = current_app._get_current_object()
    counter = app.extensions.get("kb.view_counter")
    if counter is None:
        counter = app.extensions.setdefault("kb.view_counter", ViewCounter(app))
    return counter


def count_view(document_id: int) -> None:
    """One more view of an article today."""
    views().count(document_id)


def flush_all() -> None:
    """Write this process's pending searches and views now, so a report includes them.

    The writes go through connections of their own; the session's read transaction (if any)
    is ended so the report that follows reads them."""
    search_log().flush()
    views().flush()
    db.session.rollback()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="kb-search-click")


def click_token(burst: str, document_id: int, rank: int) -> str:
    """The signed token of a click on result ``rank`` (from 1) of search ``burst``."""
    return _serializer().dumps([burst, document_id, rank])


@dataclass(frozen=True)
class Click:
    burst: str
    document_id: int
    rank: int


def read_click(token: str) -> Click:
    """The click a token names.

    :raises NotFoundError: the token is not one this site signed.
    """
    try:
        burst, document_id, rank = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise NotFoundError("no such search result") from None
    if not (isinstance(burst, str) and isinstance(document_id, int) and isinstance(rank, int)
            and 0 < rank <= MAX_RANK):
        raise NotFoundError("no such search result")
    return Click(burst[:64], document_id, rank)


def record_click(click: Click) -> None:
    """Store a click on a search result (once the caller has checked the reader may open it)."""
    with transaction():
        db.session.add(SearchClick(burst=click.burst, document_id=click.document_id,
                                   rank=click.rank))
