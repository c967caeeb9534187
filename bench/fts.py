"""SQLite FTS5, the reference engine of the search benchmarks: build a table, run a query."""

from __future__ import annotations

import re
import sqlite3
from typing import Iterable

LIMIT = 10


def build(path: str, tables: dict[str, Iterable[tuple[int, str, str, str]]]) -> sqlite3.Connection:
    """FTS5 tables of (rowid, title, tags, body), porter stemming and accent folding."""
    db = sqlite3.connect(path, check_same_thread=False)
    for table, rows in tables.items():
        db.execute(f"CREATE VIRTUAL TABLE {table} USING fts5(title, tags, body, "
                   "tokenize='porter unicode61 remove_diacritics 2')")
        with db:
            db.executemany(f"INSERT INTO {table}(rowid, title, tags, body) VALUES (?, ?, ?, ?)", rows)
    return db


def fts_query_rows(db: sqlite3.Connection, kind: str, q: str, table: str = "docs") -> tuple[int, list]:
    """The FTS5 reference as an HTTP endpoint runs it: total and the top rows with snippets."""
    words = [w for w in re.findall(r"\w+", q.lower())]
    if not words:
        return 0, []
    quoted = [f'"{w}"' for w in words]
    if kind == "phrase":
        expressions = ['"' + " ".join(words) + '"']
    else:
        if kind == "prefix":
            quoted[-1] += "*"
        expressions = [" ".join(quoted), " OR ".join(quoted)]
    total, rows = 0, []
    for expr in expressions:
        rows = db.execute(
            f"SELECT rowid, title, snippet({table}, 2, '<mark>', '</mark>', '…', 16) FROM {table} "
            f"WHERE {table} MATCH ? ORDER BY bm25({table}, 3.0, 2.0, 1.0) LIMIT ?", (expr, LIMIT)).fetchall()
        total = db.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (expr,)).fetchone()[0]
        if total >= LIMIT:
            break
    return total, rows


